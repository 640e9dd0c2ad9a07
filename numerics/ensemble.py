"""Vectorized ensembles of independent SGD runs, seeded by SeedSequence, with events, not NaN.

Two engines:

* ``multiplicative_log_abs_w`` — for \\hat L = x w²/2 the state is carried as ln|w| (a sum of
  ln|1 - λx_i|), so nothing overflows and w = 0 is ln|w| = -inf exactly.
* ``iterate`` — any vectorized step function on a (runs, d) state. A run whose state leaves a
  bound or stops being finite is recorded as *escaped at step t* and frozen; it never feeds a
  NaN into a mean.

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
#: largest number of random draws held in memory at once
MAX_DRAWS_IN_MEMORY = 1 << 22


def check_count(name: str, value: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(name, f"must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def blocks(runs: int, seed: np.random.SeedSequence):
    """(start, stop, generator) for each fixed block of runs."""
    children = seed.spawn((runs + BLOCK_RUNS - 1) // BLOCK_RUNS)
    for index, child in enumerate(children):
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


def multiplicative_log_abs_w(
    noise: Noise,
    lr,
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    w0=1,
    record: Sequence[int] = (),
) -> np.ndarray:
    """ln|w_t| of ``runs`` independent SGD runs on x w²/2 at the times in ``record`` (default: t = steps).

    Returns an array (len(record), runs); -inf marks runs that hit w = 0 exactly.
    """
    runs, steps = check_count("runs", runs), check_count("steps", steps, 0)
    lr = float(lr)
    if not lr > 0:
        raise ParameterError("lr", f"learning rate must be positive, got {lr}")
    times = sorted(set(record or (steps,)))
    if times[0] < 0 or times[-1] > steps:
        raise ParameterError("record", f"times must lie in [0, {steps}]")
    sampler = NoiseSampler(noise)
    if isinstance(noise, FiniteNoise):
        with np.errstate(divide="ignore"):
            log_factor = np.log(np.abs(1.0 - lr * sampler.values))
    out = np.empty((len(times), runs))
    start_log = np.log(abs(float(w0)))
    for start, stop, rng in blocks(runs, seed):
        width = stop - start
        log_w = np.full(width, start_log)
        done = 0
        for slot, target in enumerate(times):
            while done < target:
                span = min(target - done, max(1, MAX_DRAWS_IN_MEMORY // width))
                if isinstance(noise, FiniteNoise):
                    terms = log_factor[sampler.indices(rng, (span, width))]
                else:
                    with np.errstate(divide="ignore"):
                        terms = np.log(np.abs(1.0 - lr * sampler.draw(rng, (span, width))))
                for row in terms:  # step by step, so the rounding does not depend on the span
                    log_w += row
                done += span
            out[slot, start:stop] = log_w
    return out


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
    runs, steps = check_count("runs", runs), check_count("steps", steps, 0)
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
