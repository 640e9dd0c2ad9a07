r"""Numerical companions of ``theory.stability``: Lyapunov exponents of the linearised SGD and
seeded SGD on the nonlinear loss near a fixed point.

* :func:`lyapunov_estimate`: the top exponent γ = lim (1/T) ln‖A_T⋯A_1 δ₀‖ of i.i.d. products of
  the equally likely batch matrices A = I − ηC, from independent runs renormalised every step (the
  standard renormalisation method, so the estimate stays finite over any horizon); a Student-t
  interval over the runs.
* :func:`lyapunov_upper_bound`: (1/k) E ln‖A_k⋯A_1‖₂ by exact enumeration of every sequence of k
  batches, at ``dps`` digits. The sequence a_k = E ln‖A_k⋯A_1‖ is subadditive, so γ ≤ a_k/k for every k
  (Furstenberg–Kesten): a rigorous upper bound; γ < 0 is certified when it is negative.
* :func:`returns`: SGD on the nonlinear loss from random offsets of size ``radius`` around a fixed
  point, per learning rate the number of runs whose every per-sample gradient has fallen below
  ``tolerance`` after ``steps`` steps (returned to the fixed-point set) and the number that diverged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp
from scipy import stats

from theory.errors import ParameterError

from .ensemble import check_count
from .precision import working_precision

#: most batch sequences the exact upper bound enumerates
MAX_SEQUENCES = 200_000
#: a run whose distance from the point passes this has diverged
DIVERGED = 1e6


@dataclass(frozen=True)
class Exponent:
    """A Lyapunov-exponent estimate: the mean over ``runs`` of (1/T) ln‖δ_T‖/‖δ₀‖, its standard
    error and a ``level`` Student-t interval (low, high)."""

    mean: float
    stderr: float
    low: float
    high: float
    level: float
    runs: int
    steps: int


def lyapunov_estimate(matrices: np.ndarray, steps: int, runs: int, seed: np.random.SeedSequence,
                      level: float = 0.99) -> Exponent:
    """γ of products of ``matrices`` (k, r, r) drawn uniformly, from ``runs`` runs of ``steps`` steps."""
    steps, runs = check_count("steps", steps), check_count("runs", runs)
    if runs < 2:
        raise ParameterError("runs", "an interval needs at least 2 runs")
    rng = np.random.Generator(np.random.PCG64(seed))
    state = rng.standard_normal((runs, matrices.shape[1]))
    state /= np.linalg.norm(state, axis=1, keepdims=True)
    total = np.zeros(runs)
    for _ in range(steps):
        chosen = matrices[rng.integers(0, len(matrices), runs)]
        state = np.einsum("nij,nj->ni", chosen, state)
        norms = np.linalg.norm(state, axis=1)
        dead = norms == 0
        if np.any(dead):  # a batch matrix with a null direction hit exactly: that run's δ is 0 for good
            total[dead] = -np.inf
            norms[dead] = 1.0
        total += np.log(norms)
        state /= norms[:, None]
    rates = total / steps
    if np.any(np.isneginf(rates)):
        return Exponent(-np.inf, 0.0, -np.inf, -np.inf, level, runs, steps)
    mean, stderr = float(np.mean(rates)), float(np.std(rates, ddof=1) / np.sqrt(runs))
    half = float(stats.t.ppf((1 + level) / 2, runs - 1)) * stderr
    return Exponent(mean, stderr, mean - half, mean + half, level, runs, steps)


def lyapunov_upper_bound(matrices: list[sp.Matrix], k: int, dps: int) -> mpmath.mpf:
    """(1/k) E ln‖A_k⋯A_1‖₂ over all len(matrices)^k equally likely sequences, at ``dps`` digits."""
    k = check_count("k", k)
    if len(matrices) ** k > MAX_SEQUENCES:
        raise ParameterError("k", f"{len(matrices)}^{k} batch sequences are past the enumeration limit {MAX_SEQUENCES}")
    with working_precision(dps + 10):
        exact = [mpmath.matrix([[mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in row]
                                for row in m.tolist()]) for m in matrices]
        total = mpmath.mpf(0)
        for sequence in itertools.product(range(len(exact)), repeat=k):
            product = exact[sequence[0]]
            for index in sequence[1:]:
                product = exact[index] * product
            gram = product.T * product
            top = max(mpmath.eigsy(gram, eigvals_only=True))
            if top <= 0:
                return mpmath.ninf
            total += mpmath.log(top) / 2
        return total / (len(exact) ** k * k)


def returns(gradient, point: np.ndarray, data: np.ndarray, lrs, batch: int, replace: bool, runs: int, steps: int,
            radius: float, tolerance: float, seed: np.random.SeedSequence) -> list[tuple[int, int]]:
    """Per η of ``lrs``: (runs returned, runs diverged) of SGD w ← w − η (1/B) Σ_{i∈S} ∇ℓ(w; ξᵢ) from
    w* + radius·u, u uniform on the unit sphere. ``gradient(w, data)`` maps (runs, d) and (n, m) to the
    per-sample gradients (runs, n, d); ``data`` holds one row per equally likely sample."""
    runs, steps = check_count("runs", runs), check_count("steps", steps)
    n, d = len(data), len(point)
    results = []
    for index, lr in enumerate(lrs):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, index))))
        offsets = rng.standard_normal((runs, d))
        w = point + radius * offsets / np.linalg.norm(offsets, axis=1, keepdims=True)
        alive = np.ones(runs, dtype=bool)
        with np.errstate(all="ignore"):
            for _ in range(steps):
                if replace:
                    chosen = rng.integers(0, n, (runs, batch))
                else:
                    chosen = np.argsort(rng.random((runs, n)), axis=1)[:, :batch]
                weights = np.zeros((runs, n))
                np.add.at(weights, (np.repeat(np.arange(runs), batch), chosen.ravel()), 1.0 / batch)
                step = np.einsum("rn,rnd->rd", weights, gradient(w, data))
                w = np.where(alive[:, None], w - lr * step, w)
                far = ~np.all(np.isfinite(w), axis=1) | (np.linalg.norm(w - point, axis=1) > DIVERGED)
                alive &= ~far
            final = gradient(w, data)
        size = np.max(np.linalg.norm(np.nan_to_num(final, nan=np.inf), axis=2), axis=1)
        returned = alive & (size <= tolerance)
        results.append((int(np.count_nonzero(returned)), int(np.count_nonzero(~alive))))
    return results
