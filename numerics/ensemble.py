"""Vectorized ensembles of independent SGD runs, seeded by SeedSequence, with events, not NaN.

``iterate`` runs any vectorized step function on a (runs, d) state. A run whose state leaves a
bound or stops being finite is recorded as *escaped at step t* and frozen; it never feeds a
NaN into a mean. (For \\hat L = x w²/2, ``numerics.multiplicative_sim`` samples ln|w_t| exactly
in law, far faster.)

Runs are grouped into fixed blocks of ``BLOCK_RUNS``, block b drawing from the b-th child of
the seed sequence; inside a block draws are taken step-major, so results do not depend on how
many steps are processed at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise, Noise, UniformNoise

BLOCK_RUNS = 1 << 12
#: most runs in one ensemble: a 99.9% interval on a fraction is then ~1e-4 wide at worst, and a
#: recorded time costs 8 GB; larger studies split over seeds (``sgdverify sweep``)
MAX_RUNS = 10**9
#: seed children spawned at a time (spawning in groups gives the same children as all at once)
SPAWN_GROUP = 1 << 10
#: largest number of random draws held in memory at once
MAX_DRAWS_IN_MEMORY = 1 << 22


def check_count(name: str, value: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(name, f"must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def check_positive(name: str, value, what: str = "a positive finite number") -> float:
    """``value`` as a float that is finite and > 0 (the one such check of ``numerics``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be {what}, got {value!r}") from None
    if not (np.isfinite(number) and number > 0):
        raise ParameterError(name, f"must be {what}, got {value!r}")
    return number


def check_runs(runs: int) -> int:
    """The number of runs of one ensemble: 1 ≤ runs ≤ ``MAX_RUNS``."""
    runs = check_count("runs", runs)
    if runs > MAX_RUNS:
        raise ParameterError("runs", f"at most {MAX_RUNS:.0e} runs in one ensemble, got {runs} "
                                     "(split a larger study over seeds)")
    return runs


def blocks(runs: int, seed: np.random.SeedSequence):
    """(start, stop, generator) for each fixed block of runs, block b seeded by the b-th child of
    ``seed``; children are spawned lazily, ``SPAWN_GROUP`` at a time."""
    count = (runs + BLOCK_RUNS - 1) // BLOCK_RUNS
    for group in range(0, count, SPAWN_GROUP):
        for index, child in enumerate(seed.spawn(min(SPAWN_GROUP, count - group)), group):
            start = index * BLOCK_RUNS
            yield start, min(runs, start + BLOCK_RUNS), np.random.Generator(np.random.PCG64(child))


class NoiseSampler:
    """Draws x from a noise law as float64 arrays; one definition of each law's sampling."""

    def __init__(self, noise: Noise):
        self.noise = noise
        if isinstance(noise, FiniteNoise):
            self.values = np.array([float(v) for v in noise.values])
            self.cumulative = np.cumsum([float(p) for p in noise.probs])
            self.cumulative[-1] = 1.0
        elif not isinstance(noise, (GaussianNoise, UniformNoise)):
            raise TypeError(noise)

    def indices(self, rng: np.random.Generator, shape) -> np.ndarray:
        """Atom indices of a finite law (inverse CDF on uniforms)."""
        return np.searchsorted(self.cumulative, rng.random(shape), side="right")

    def draw(self, rng: np.random.Generator, shape) -> np.ndarray:
        noise = self.noise
        if isinstance(noise, FiniteNoise):
            return self.values[self.indices(rng, shape)]
        if isinstance(noise, GaussianNoise):
            return rng.normal(float(noise.mean), float(noise.std), shape)
        return rng.uniform(float(noise.low), float(noise.high), shape)


@dataclass(frozen=True)
class EnsembleResult:
    """Final states (escaped runs frozen at their last finite state) and escape steps (-1: none)."""

    state: np.ndarray
    escaped_at: np.ndarray
    snapshots: dict[int, np.ndarray]

    @property
    def escaped(self) -> np.ndarray:
        return self.escaped_at >= 0


Step = Callable[[np.ndarray, np.random.Generator, int], np.ndarray]


def iterate(
    step: Step,
    initial: Callable[[np.random.Generator, int], np.ndarray],
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    bound: float = 1e12,
    snapshot_at: Sequence[int] = (),
    progress: Callable[[int], None] | None = None,
) -> EnsembleResult:
    """Run ``step(state, rng, t) -> new state`` on ``runs`` runs for ``steps`` steps.

    ``initial(rng, n)`` returns the (n, d) initial states of a block. A run escapes at step t
    when any coordinate leaves [-bound, bound] or stops being finite; it is then frozen.
    """
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    finals, escapes = [], []
    snapshots: dict[int, list[np.ndarray]] = {t: [] for t in snapshot_at}
    for start, stop, rng in blocks(runs, seed):
        state = np.array(initial(rng, stop - start), dtype=float)
        escaped_at = np.full(stop - start, -1)
        if 0 in snapshots:
            snapshots[0].append(state.copy())
        for t in range(1, steps + 1):
            with np.errstate(over="ignore", invalid="ignore"):
                proposal = step(state, rng, t)
                bad = ~np.all(np.isfinite(proposal) & (np.abs(proposal) <= bound), axis=1)
            fresh = bad & (escaped_at < 0)
            escaped_at[fresh] = t
            frozen = escaped_at >= 0
            state = np.where(frozen[:, None], state, proposal)
            if t in snapshots:
                snapshots[t].append(state.copy())
            if progress and t % 1000 == 0:
                progress(t)
        finals.append(state)
        escapes.append(escaped_at)
    return EnsembleResult(
        np.concatenate(finals), np.concatenate(escapes), {t: np.concatenate(v) for t, v in snapshots.items()}
    )


def lambdify_gradient(loss: sp.Expr, params: Sequence[sp.Symbol], data: Sequence[sp.Symbol]):
    """Vectorized ∇_w L̂(w; data) from the SymPy loss of theory/, so the simulator and the
    derivation share one definition. Returns f(state (n, d), *data arrays) -> (n, d)."""
    gradient = [sp.diff(loss, p) for p in params]
    function = sp.lambdify((*params, *data), gradient, "numpy")

    def grad(state: np.ndarray, *values) -> np.ndarray:
        columns = function(*state.T, *values)
        return np.stack([np.broadcast_to(c, state.shape[:1]) for c in columns], axis=1)

    return grad
