r"""Experiments on SGD for \hat L = x w²/2 (w_{t+1} = (1 - λx_t) w_t) that the book's figures plot.

Each is a function of the law, the learning rates and the ensemble that returns arrays: the
escape probability P(|w_t| > ε) by the exact law, by Lemma 1's normal approximation N(tμ, ts²)
and by simulation (Ziyin et al., Lemma 1); runs started uniformly in [-1, 1] (Fig. 1 of both
versions); the escaped fraction over an (a, λ) grid (Cor. 1's phase diagram); and
ln|w_τ/w_0|/τ, whose mean is the escape rate γ(λ) = μ(λ) (Prop. 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from theory import multiplicative
from theory.errors import ParameterError
from theory.noise import FiniteNoise, Noise

from . import exact_law
from .multiplicative_sim import escaped, simulate
from .precision import evaluate
from .sweep import Backend, run_sweep, ziyin_escapes


@dataclass(frozen=True)
class EscapeCurves:
    """P(|w_t| > ε) from w_0 = 1 at the times ``times`` (exact law and normal approximation) and
    the number of ``runs`` simulated runs that had escaped at each time of ``sampled``."""

    times: np.ndarray
    exact: np.ndarray
    normal: np.ndarray
    sampled: tuple[int, ...]
    escaped: np.ndarray
    runs: int
    mu: mpmath.mpf


def escape_curves(noise: FiniteNoise, lr: sp.Expr, eps: sp.Expr, times: Sequence[int], sampled: Sequence[int],
                  runs: int, seed: np.random.SeedSequence, dps: int = 20) -> EscapeCurves:
    """The exact law, Lemma 1's normal approximation and a simulated ensemble of P(|w_t| > ε)."""
    times = np.asarray(sorted(set(int(t) for t in times)))
    sampled = tuple(sorted(set(int(t) for t in sampled)))

    def question(t):
        return exact_law.EscapeQuestion(noise, lr, int(t), eps)

    exact = np.array([float(exact_law.escape_probability(question(t), dps)) for t in times])
    normal = np.array([float(exact_law.clt_escape_probability(question(t), dps)) for t in times])
    log_w = simulate(noise, float(lr), runs, max(sampled), seed, record=sampled).values
    counts = np.array([np.count_nonzero(escaped(row, float(sp.log(eps)))) for row in log_w])
    return EscapeCurves(times, exact, normal, sampled, counts, runs, evaluate(multiplicative.log_rate(noise, lr), dps))


@dataclass(frozen=True)
class UniformStart:
    """w_t of runs started uniformly in [-1, 1] (``w[t]``, with ``w[0]`` the starts), and the
    law of ln|w_T/w_0| at the last recorded time T: its sample, one histogram bin per point of
    the lattice it lives on (``edges``), and Lemma 1's normal approximation N(Tμ, Ts²)."""

    w: dict[int, np.ndarray]
    last: int
    log_ratio: np.ndarray
    edges: np.ndarray
    normal_mean: float
    normal_sd: float


def uniform_start(noise: FiniteNoise, lr: sp.Expr, runs: int, record: Sequence[int],
                  seed: np.random.SeedSequence) -> UniformStart:
    """Runs from w_0 ~ U[-1, 1]. Needs two atoms with positive factors 1 - λx (then w_t keeps the
    sign of w_0 and ln|w_t/w_0| = n ln(c_1/c_0) + t ln c_0 lies on a lattice of spacing |ln(c_1/c_0)|)."""
    factors = [multiplicative.update_factor(v, lr) for v in noise.values]
    if len(factors) != 2 or not all(f > 0 for f in factors):
        raise ParameterError("lr", f"needs two positive factors 1 - λx, got {factors}")
    record = tuple(sorted(set(int(t) for t in record)))
    start_seed, path_seed = seed.spawn(2)
    w0 = np.random.default_rng(start_seed).uniform(-1, 1, runs)
    log_ratio = simulate(noise, float(lr), runs, record[-1], path_seed, record=record).values
    w = {0: w0, **{t: w0 * np.exp(row) for t, row in zip(record, log_ratio)}}
    levels = np.unique(log_ratio[-1])
    spacing = abs(float(sp.log(factors[1] / factors[0])))
    edges = np.concatenate([[levels[0] - spacing / 2], (levels[:-1] + levels[1:]) / 2, [levels[-1] + spacing / 2]])
    last = record[-1]
    mu = float(evaluate(multiplicative.log_rate(noise, lr), 15))
    variance = float(evaluate(multiplicative.log_variance(noise, lr), 15))
    return UniformStart(w, last, log_ratio[-1], edges, last * mu, float(np.sqrt(last * variance)))


def phase_diagram(a_grid: Sequence[Fraction], lr_grid: Sequence[Fraction], runs: int, steps: int, eps: Fraction,
                  seed: np.random.SeedSequence, backend: Backend = Backend("inline")) -> np.ndarray:
    """Fraction of runs from w_0 = 1 with |w_T| > ε for x ∈ {1, a - 1}: row i is λ = lr_grid[i],
    column j is a = a_grid[j] (the ``ziyin-phase`` sweep's task at every grid point)."""
    grid = [(a, lr, runs, steps, eps, "auto") for a in a_grid for lr in lr_grid]
    counts = run_sweep(ziyin_escapes, grid, seed, backend)
    fractions = np.array([row[0] for row in counts], dtype=float) / runs
    return fractions.reshape(len(a_grid), len(lr_grid)).T


def log_growth(noise: Noise, lrs: Sequence[float], runs: int, tau: int, seed: np.random.SeedSequence) -> list[np.ndarray]:
    """For each learning rate, ln|w_τ/w_0|/τ over ``runs`` runs: its mean is γ(λ) = μ(λ)."""
    return [simulate(noise, lr, runs, tau, stream).values[0] / tau for lr, stream in zip(lrs, seed.spawn(len(lrs)))]


def additive_noise(noise: FiniteNoise, lr: sp.Expr, sigma: sp.Expr, runs: int, record: Sequence[int],
                   seed: np.random.SeedSequence) -> dict[int, np.ndarray]:
    r"""SGD on x w²/2 with additive gradient noise σξ, ξ ~ N(0, 1) (Ziyin et al. Fig. 7 [2021] / Fig. 8 [2022]):
    w_{t+1} = (1 - λx_t) w_t - λσξ_t from w_0 ~ U[-1, 1]; ``w[t]`` at each t of ``record`` (and ``w[0]``)."""
    record = tuple(sorted(set(int(t) for t in record)))
    if record[0] < 1:
        raise ParameterError("record", "times must be positive")
    rng = np.random.default_rng(seed)
    factors = np.array([float(multiplicative.update_factor(v, lr)) for v in noise.values])
    probs = np.array([float(p) for p in noise.probs])
    kick = float(lr * sigma)
    w = rng.uniform(-1, 1, runs)
    found = {0: w.copy()}
    for t in range(1, record[-1] + 1):
        w = factors[rng.choice(len(factors), size=runs, p=probs)] * w - kick * rng.standard_normal(runs)
        if t in record:
            found[t] = w.copy()
    return found


def kesten_index(noise: FiniteNoise, lr: sp.Expr, dps: int = 20) -> mpmath.mpf:
    r"""The tail index κ > 0 of the stationary law of w_{t+1} = (1 - λx_t) w_t + noise: the root of
    E|1 - λx|^κ = 1 (Kesten–Goldie; P(|w| > u) decays like u^{-κ}, so E|w|^s < ∞ only for s < κ). Needs
    μ = E ln|1 - λx| < 0 and some factor with |1 - λx| > 1."""
    with mpmath.workdps(dps + 5):
        atoms = [(abs(evaluate(multiplicative.update_factor(v, lr), dps + 5)), evaluate(p, dps + 5)) for v, p in noise.atoms]
        if not any(c > 1 for c, _ in atoms):
            raise ParameterError("lr", "no factor |1 - λx| exceeds 1: every moment is finite")

        def moment(k):
            return mpmath.fsum(p * c**k for c, p in atoms) - 1

        high = mpmath.mpf(1)
        while moment(high) < 0:
            high *= 2
        return +mpmath.findroot(moment, (mpmath.mpf(10) ** -(dps // 2), high), solver="anderson")
