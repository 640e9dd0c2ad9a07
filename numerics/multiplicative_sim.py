r"""Exact-in-law samplers of ln|w_t| for SGD on \hat L = x w²/2, at the speed of their random numbers.

w_t = w_0 Π_s (1 - λx_s), so ln|w_t| = ln|w_0| + Σ_i n_i ln|1 - λx_i| where n_i counts the draws of
atom i up to time t (Ziyin et al., Lemma 1's eq. (21)). Three routes, each exact in law:

* ``count`` — finite noise: the counts themselves, Multinomial(t; p) (Binomial for two atoms),
  drawn once per run and per recorded time: the cost does not grow with t.
* ``bits`` — two equiprobable atoms: one random bit per step, 64 steps per 64-bit word, counted
  with a population count.
* ``float`` — any noise, step by step: factors 1 - λx multiplied in float64 over blocks of
  ``RENORM`` steps and moved to log space after each block, so nothing overflows. Continuous
  noise is drawn in single precision (24-bit resolution: a discretisation of the law below
  1e-7, far below the Monte-Carlo error of any feasible ensemble) and turned into float64
  factors; finite noise by comparing raw 64-bit integers with the cumulative probabilities.

Runs are grouped in fixed blocks of ``BLOCK_RUNS``, block b drawing from the b-th child of the
seed; ``chunk_steps`` only bounds memory, so results do not depend on it bit for bit.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from theory.errors import ParameterError
from theory.multiplicative import lam, update_factor
from theory.noise import FiniteNoise, GaussianNoise, Noise, UniformNoise, x

from .ensemble import SPAWN_GROUP, blocks, check_count, check_positive, check_runs

ROUTES = ("count", "bits", "float")
#: steps multiplied in linear space before moving to log space (fixed: part of the stream's meaning)
RENORM = 16
DEFAULT_CHUNK_STEPS = 32  # a (32 × 4096) float64 buffer stays in cache


if sp.Poly(update_factor(x), x).degree() != 1:
    raise AssertionError("the samplers below need the update factor affine in x")

#: the update factor 1 - λx as a function of (x, λ), lambdified from theory.multiplicative.update_factor
#: (its one definition): NumPy arrays, floats and mpmath numbers alike
factor = sp.lambdify((x, lam), update_factor(x), "numpy")
#: the factor's change from 1 (-λx), so that ln|factor| = log1p(change) loses nothing when λ|x| ≪ 1
factor_change = sp.lambdify((x, lam), sp.expand(update_factor(x) - 1), "numpy")
#: ∂(factor)/∂x (-λ): x = m + s·z gives factor(m) + slope·s·z
factor_slope = sp.lambdify(lam, sp.diff(update_factor(x), x), "numpy")


def log_abs_factor(value, lr):
    """ln|1 - λx| for mpmath numbers at the working precision (-inf at a zero factor), by log1p
    of the change from 1 when that is small (no cancellation at any magnitude of λx)."""
    change = factor_change(value, lr)
    if abs(change) < 0.5:
        return mpmath.log1p(change)
    size = abs(1 + change)
    return mpmath.ninf if size == 0 else mpmath.log(size)


@dataclass(frozen=True)
class LogAbsW:
    """ln|w_t| (one row per recorded time, one column per run; -inf where w hit 0) and the route."""

    times: tuple[int, ...]
    values: np.ndarray
    route: str


#: beyond this many steps a per-run binomial beats counting bits (measured: benchmarks/)
BITS_STEP_LIMIT = 2048


def available_routes(noise: Noise, steps: int = 0) -> tuple[str, ...]:
    """Routes that are exact in law for ``noise``, fastest first for ``steps`` steps."""
    if isinstance(noise, FiniteNoise):
        equiprobable_pair = len(noise.values) == 2 and noise.probs[0] == noise.probs[1]
        if not equiprobable_pair:
            return ("count", "float")
        return ("bits", "count", "float") if steps <= BITS_STEP_LIMIT else ("count", "bits", "float")
    return ("float",)


def simulate(
    noise: Noise,
    lr,
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    w0=1,
    record: Sequence[int] = (),
    route: str = "auto",
    chunk_steps: int = DEFAULT_CHUNK_STEPS,
    workers: int | None = None,
) -> LogAbsW:
    """ln|w_t| of ``runs`` independent runs at the times in ``record`` (default: t = steps).

    Blocks of runs are spread over ``workers`` threads (default: one per core; NumPy releases
    the GIL while it draws and computes); each block has its own seed, so the numbers do not
    depend on the number of threads.
    """
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    chunk_steps = check_count("chunk_steps", chunk_steps)
    lr, w0 = check_positive("lr", lr, "a positive finite learning rate"), _check_w0(w0)
    times = tuple(sorted(set(record or (steps,))))
    if times[0] < 0 or times[-1] > steps:
        raise ParameterError("record", f"times must lie in [0, {steps}]")
    chosen = _choose_route(noise, steps, route)
    out = np.empty((len(times), runs))
    for start, values in _block_groups(noise, lr, runs, times, seed, w0, chosen, chunk_steps, workers):
        out[:, start : start + values.shape[1]] = values
    return LogAbsW(times, out, chosen)


@dataclass(frozen=True)
class EscapeCount:
    """Reductions of ln|w_T| over an ensemble, for ensembles too large to hold: runs with
    ln|w_T| > ln ε, runs with w_T = 0, runs whose |w_T| overflowed float64, and the sum of the
    finite ln|w_T|."""

    runs: int
    escaped: int
    zero: int
    overflowed: int
    finite_log_sum: float
    route: str

    @property
    def mean_log_abs_w(self) -> float:
        """Mean ln|w_T|: -inf if some w_T = 0, +inf if some overflowed (and none is 0)."""
        if self.zero:
            return -np.inf
        return np.inf if self.overflowed else self.finite_log_sum / self.runs


def escaped(log_w: np.ndarray, log_eps: float) -> np.ndarray:
    """Which runs have escaped at time t: |w_t| > ε, i.e. ln|w_t| > ln ε (the one definition)."""
    return np.asarray(log_w) > log_eps


def escape_count(noise: Noise, lr, runs: int, steps: int, seed: np.random.SeedSequence, log_eps: float, w0=1,
                 route: str = "auto", workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> EscapeCount:
    """``simulate``'s ensemble at t = steps (the same numbers for the same seed), reduced group
    by group of blocks: memory does not grow with ``runs``. ``progress(runs done, runs)`` after each group."""
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    lr, w0 = check_positive("lr", lr, "a positive finite learning rate"), _check_w0(w0)
    chosen = _choose_route(noise, steps, route)
    escapes = zero = overflowed = 0
    total = 0.0
    if progress:
        progress(0, runs)  # the total is known before the first group ends (a single long run is one group)
    for first, values in _block_groups(noise, lr, runs, (steps,), seed, w0, chosen, DEFAULT_CHUNK_STEPS, workers):
        row = values[0]
        escapes += int(np.count_nonzero(escaped(row, log_eps)))
        zero += int(np.count_nonzero(np.isneginf(row)))
        overflowed += int(np.count_nonzero(np.isposinf(row)))
        total += float(np.sum(row[np.isfinite(row)]))
        if progress:
            progress(first + len(row), runs)
    return EscapeCount(runs, escapes, zero, overflowed, total, chosen)


def _block_groups(noise, lr, runs, times, seed, w0, route, chunk_steps, workers):
    """(first run, ln|w_t| at ``times`` for the runs from there) for successive groups of
    ``SPAWN_GROUP`` seed blocks, each group spread over ``workers`` threads."""
    sampler = {"count": _counts, "bits": _bits, "float": _float_path}[route]
    start_log = np.log(abs(w0))
    seeded = blocks(runs, seed)
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        while group := list(itertools.islice(seeded, SPAWN_GROUP)):
            first, stop = group[0][0], group[-1][1]
            out = np.empty((len(times), stop - first))

            def run_block(block, out=out, first=first):
                start, end, rng = block
                out[:, start - first : end - first] = start_log + sampler(noise, lr, end - start, times, rng, chunk_steps)

            list(pool.map(run_block, group))
            yield first, out


def _choose_route(noise: Noise, steps: int, route: str) -> str:
    routes = available_routes(noise, steps)
    chosen = routes[0] if route == "auto" else route
    if chosen not in routes:
        raise ParameterError("route", f"{route!r} is not exact for this noise; choose from {', '.join(routes)}")
    return chosen


def _check_w0(w0) -> float:
    value = float(w0)
    if not (np.isfinite(value) and value != 0):
        raise ParameterError("w0", f"initial point must be a non-zero real, got {w0}")
    return value


def _log_factors(noise: FiniteNoise, lr: float) -> np.ndarray:
    """ln|1 - λx_i| (-inf for a zero factor, +inf for one beyond float64)."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.log(np.abs(factor(np.array([float(v) for v in noise.values]), lr)))


def _from_counts(counts: np.ndarray, log_factor: np.ndarray) -> np.ndarray:
    """Σ_i n_i ln|c_i| with 0·(±∞) = 0 (an atom never drawn does nothing). A drawn zero factor
    (ln = -∞) makes w = 0 for good; a drawn factor beyond float64 (ln = +∞, a finite real too
    large to hold) makes |w| overflow, unless a zero factor is also drawn."""
    finite = np.where(np.isfinite(log_factor), log_factor, 0.0)
    total = counts @ finite
    killed = (counts[:, np.isneginf(log_factor)] > 0).any(axis=1)
    overflowed = (counts[:, np.isposinf(log_factor)] > 0).any(axis=1)
    return np.where(killed, -np.inf, np.where(overflowed, np.inf, total))


def _counts(noise: FiniteNoise, lr: float, width: int, times, rng, chunk_steps) -> np.ndarray:
    log_factor = _log_factors(noise, lr)
    probs = np.array([float(p) for p in noise.probs])
    probs /= probs.sum()
    counts = np.zeros((width, len(probs)), dtype=np.int64)
    rows, done = [], 0
    for target in times:
        span = target - done
        if span:
            if len(probs) == 2:
                first = rng.binomial(span, probs[0], size=width)
                counts += np.stack([first, span - first], axis=1)
            else:
                counts += rng.multinomial(span, probs, size=width)
        done = target
        rows.append(_from_counts(counts, log_factor))
    return np.array(rows)


def _bits(noise: FiniteNoise, lr: float, width: int, times, rng, chunk_steps) -> np.ndarray:
    """Two equiprobable atoms: bit = 1 draws atom 0. Words are drawn step-major, 64 steps each."""
    log_factor = _log_factors(noise, lr)
    ones = np.zeros(width, dtype=np.int64)
    rows, done = [], 0
    words_per_chunk = max(1, chunk_steps // 64)
    carry, carry_bits = None, 0  # the unused high bits of the last word, and how many
    for target in times:
        need = target - done
        while need:
            if carry_bits == 0:
                chunk = rng.bit_generator.random_raw((min(words_per_chunk, -(-need // 64)), width))
                full = min(len(chunk), need // 64)
                if full:
                    ones += np.bitwise_count(chunk[:full]).sum(axis=0, dtype=np.int64)
                    need -= 64 * full
                if full < len(chunk):
                    carry, carry_bits = chunk[full], 64
                    chunk = None
                continue
            take = min(need, carry_bits)
            mask = np.uint64((1 << take) - 1)
            ones += np.bitwise_count(carry & mask).astype(np.int64)
            carry >>= np.uint64(take)
            carry_bits -= take
            need -= take
        done = target
        counts = np.stack([ones, target - ones], axis=1)
        rows.append(_from_counts(counts, log_factor))
    return np.array(rows)


def _float_path(noise: Noise, lr: float, width: int, times, rng, chunk_steps) -> np.ndarray:
    span_limit = max(RENORM, chunk_steps // RENORM * RENORM)
    fill = _factor_filler(noise, lr, (span_limit, width))
    factors = np.empty((span_limit, width))
    log_w = np.zeros(width)
    product = np.empty(width)
    rows, done = [], 0
    for target in times:
        while done < target:
            span = min(span_limit, target - done)
            fill(rng, factors[:span])
            for block in range(0, span, RENORM):
                rows_of_block = factors[block : min(span, block + RENORM)]
                with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                    np.multiply.reduce(rows_of_block, axis=0, out=product)
                    spilled = ~(np.abs(product) < np.inf) | (product == 0)  # over- or underflowed, or truly 0/∞
                    np.abs(product, out=product)
                    np.log(product, out=product)
                    if spilled.any():  # those runs: the sum of the logs instead
                        product[spilled] = np.log(np.abs(rows_of_block[:, spilled])).sum(axis=0)
                    log_w += product
            done += span
        # NaN arises only from 0·∞ or -∞ + ∞, i.e. once a zero factor was drawn: w = 0 for good
        rows.append(np.where(np.isnan(log_w), -np.inf, log_w))
    return np.array(rows)


def _factor_filler(noise: Noise, lr: float, shape):
    """A function (rng, out) writing factors 1 - λx, x drawn from ``noise``, into ``out`` (float64).

    Continuous draws are single precision, turned into float64 factors: a factor is never
    rounded to an exact 0 that the continuous law does not have.
    """
    if isinstance(noise, FiniteNoise):
        factors = factor(np.array([float(v) for v in noise.values]), lr)
        cumulative = np.cumsum(noise.probs)[:-1]
        thresholds = [np.uint64(min(int(sp.floor(c * 2**64)), 2**64 - 1)) for c in cumulative]
        index = np.empty(shape, dtype=np.intp)

        def finite(rng, out):
            raw = rng.bit_generator.random_raw(out.shape)
            part = index[: len(out)]
            part[...] = 0
            for threshold in thresholds:
                part += raw >= threshold
            np.take(factors, part, out=out)

        return finite
    draws = np.empty(shape, dtype=np.float32)
    if isinstance(noise, GaussianNoise):
        scale, shift = factor_slope(lr) * float(noise.std), factor(float(noise.mean), lr)
        generate = lambda rng, buffer: rng.standard_normal(out=buffer, dtype=np.float32)  # noqa: E731
    elif isinstance(noise, UniformNoise):
        low, high = float(noise.low), float(noise.high)
        scale, shift = factor_slope(lr) * (high - low), factor(low, lr)
        generate = lambda rng, buffer: rng.random(out=buffer, dtype=np.float32)  # noqa: E731
    else:
        raise TypeError(noise)

    def continuous(rng, out):
        buffer = draws[: len(out)]
        generate(rng, buffer)
        np.multiply(buffer, scale, out=out)
        out += shift

    return continuous
