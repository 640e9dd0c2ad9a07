r"""Linearised SGD near a global minimum (Wu, Ma & E, eq. (7)), numerically; and SGD on the §2 toy.

* ``second_moment_operator``: the d²×d² matrix of T(P) = E[(I-ηM) P (I-ηM)] by enumerating every
  batch (uniform subsets, or the n^B ordered draws with replacement); ``spectral_radius`` decides
  stability of E‖x_t‖² (Def. 2) exactly up to rounding, ``mean_sq_norm_exact`` gives tr T^t(x0 x0ᵀ).
* ``simulate_linear``: R independent runs of x ← (I - ηM_t) x, as grouped GEMMs over runs,
  seeded by SeedSequence in the fixed blocks of ``numerics.ensemble``; a run whose norm exceeds
  a bound or stops being finite is an event (``escaped_at``), never a NaN in a mean.
* ``stability_diagram``: the sharpness–non-uniformity diagram (Fig. 3) on a grid: the rectangle
  (9) and the exact 1-D stable set of ``theory.wu``.
* ``toy_runs``: SGD and GD on f = (f_1 + f_2)/2 of §2, the gradient lambdified from ``theory.wu``.

The update x ← x - (η/B) Σ_{j∈S} H_j x is the gradient step of the quadratic batch loss
x·(M x)/2; ``theory.wu`` derives its moments from the same definition.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import sympy as sp
from threadpoolctl import ThreadpoolController

from theory import wu
from theory.errors import ParameterError
from theory.noise import FiniteNoise

from .ensemble import NoiseSampler, blocks, check_count, check_positive, check_runs, iterate, lambdify_gradient

#: relative tolerance for symmetry and positive semidefiniteness of float Hessians
FLOAT_TOLERANCE = 1e-12
#: at most this many distinct batches: one GEMM per batch (≥ 16 rows each in a block of 4096 runs)
GROUPED_BATCHES = 256
#: steps whose batch draws are taken at once
STEPS_PER_DRAW = 32
#: batch draws held at once by the 1-D route vectorised over time (steps × runs of a block)
SCALAR_DRAWS = 1 << 20
#: most members of one batch in a simulation (drawn with replacement, B may exceed n)
MAX_BATCH = 1 << 12


def check_hessians(hessians) -> np.ndarray:
    """An (n, d, d) float array of finite, symmetric, positive semidefinite matrices (within
    ``FLOAT_TOLERANCE`` relative to the largest entry), returned exactly symmetrised."""
    array = np.asarray(hessians)
    if array.dtype.kind not in "iuf":
        raise ParameterError("hessians", f"expected real numbers, got dtype {array.dtype}")
    array = array.astype(float)
    if array.ndim != 3 or array.shape[1] != array.shape[2] or 0 in array.shape:
        raise ParameterError("hessians", f"expected an (n, d, d) array with n, d ≥ 1, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ParameterError("hessians", "entries must be finite")
    scale = max(1.0, float(np.max(np.abs(array))))
    if np.max(np.abs(array / scale - array.transpose(0, 2, 1) / scale)) > FLOAT_TOLERANCE:
        raise ParameterError("hessians", "every Hessian must be symmetric")
    symmetric = array / 2 + array.transpose(0, 2, 1) / 2  # halves first: no overflow near the float limit
    try:  # scaled to entries ≤ 1 in size, so LAPACK converges for any finite entries
        lowest = float(np.min(np.linalg.eigvalsh(symmetric / scale))) * scale
    except np.linalg.LinAlgError:
        raise ParameterError("hessians", "the eigenvalues of a Hessian could not be computed") from None
    if lowest < -FLOAT_TOLERANCE * scale:
        raise ParameterError("hessians", f"every Hessian must be positive semidefinite (eigenvalue {lowest:.3g})")
    return symmetric


def batch_update_matrices(hessians, lr, batch: int, replace: bool) -> np.ndarray:
    """I - η M_S for every equally likely batch S of ``theory.wu.batches``: shape (m, d, d)."""
    array, lr = check_hessians(hessians), check_positive("lr", lr, "a positive finite learning rate")
    indices = np.array(wu.batches(len(array), batch, replace), dtype=int)
    means = array[indices].mean(axis=1)
    return np.eye(array.shape[1])[None] - lr * means


def second_moment_operator(hessians, lr, batch: int, replace: bool = False) -> np.ndarray:
    """E[A⊗A] over every batch, A = I - ηM_S: vec(T(P)) = E[A⊗A] vec(P) (row-major vec)."""
    steps = batch_update_matrices(hessians, lr, batch, replace)
    size = steps.shape[1]
    return np.einsum("mij,mkl->ikjl", steps, steps).reshape(size * size, size * size) / len(steps)


def condition_8_matrix(hessians, lr, batch: int, replace: bool = False) -> np.ndarray:
    """E[A²] over every batch: the matrix of (8)."""
    steps = batch_update_matrices(hessians, lr, batch, replace)
    return np.einsum("mij,mjk->ik", steps, steps) / len(steps)


def spectral_radius(operator: np.ndarray) -> float:
    """ρ of a symmetric matrix (E[A⊗A] is symmetric since each A is)."""
    return float(np.max(np.abs(np.linalg.eigvalsh(operator))))


def log_spectral_radius(hessians, lr, batch: int, replace: bool = False) -> float:
    """ln ρ(E[A⊗A]), A = I - ηM_S, computed as 2 ln s + ln ρ(E[(A/s)⊗(A/s)]) with s = max(1, η max|H|),
    so it stays finite for any finite η (ρ itself overflows past η ≈ 1e154); -inf when ρ = 0."""
    array, lr = check_hessians(hessians), check_positive("lr", lr, "a positive finite learning rate")
    scale = max(1.0, lr * float(np.max(np.abs(array))))
    indices = np.array(wu.batches(len(array), batch, replace), dtype=int)
    scaled = np.eye(array.shape[1])[None] / scale - (lr / scale) * array[indices].mean(axis=1)
    size = scaled.shape[1]
    operator = np.einsum("mij,mkl->ikjl", scaled, scaled).reshape(size * size, size * size) / len(scaled)
    radius = spectral_radius(operator)
    return float("-inf") if radius == 0 else 2 * float(np.log(scale)) + float(np.log(radius))


def mean_sq_norm_exact(operator: np.ndarray, x0, steps: int) -> np.ndarray:
    """E‖x_t‖² = tr T^t(x0 x0ᵀ) for t = 0…steps."""
    x0 = np.asarray(x0, dtype=float)
    moment = np.outer(x0, x0).ravel()
    size = len(x0)
    out = np.empty(steps + 1)
    for t in range(steps + 1):
        out[t] = np.trace(moment.reshape(size, size))
        moment = operator @ moment
    return out


class _GroupedStep:
    """x ← (I - ηM_S) x for a block of runs when the batches are few (≤ ``GROUPED_BATCHES``).

    The update matrices A_S are precomputed. Each step, every run draws its batch; the runs are
    then permuted (a stable sort by batch) so that each batch's runs are contiguous rows, and each
    group is one GEMM X_S A_Sᵀ. Batch draws for ``STEPS_PER_DRAW`` steps are taken at once, as
    uint32 (whose stream PCG64 continues across calls, so the draws do not depend on that number).
    """

    def __init__(self, hessians: np.ndarray, lr: float, batch: int, replace: bool):
        self.transposed = batch_update_matrices(hessians, lr, batch, replace).transpose(0, 2, 1).copy()

    def plan(self, rng: np.random.Generator, width: int, count: int) -> list[tuple[np.ndarray, list[int]]]:
        """(order, edges) for each of ``count`` steps: rows order[edges[g]:edges[g+1]] take batch g."""
        size = len(self.transposed)
        ids = rng.integers(0, size, (count, width), dtype=np.uint32).astype(np.uint16)  # uint16 sorts by radix
        orders = np.argsort(ids, axis=1, kind="stable")
        shifted = ids + (size * np.arange(count, dtype=np.uint32))[:, None]
        edges = np.zeros((count, size + 1), dtype=np.int64)
        np.cumsum(np.bincount(shifted.ravel(), minlength=count * size).reshape(count, size), axis=1, out=edges[:, 1:])
        return list(zip(orders, edges.tolist()))

    def advance(self, state: np.ndarray, scratch: np.ndarray, plan) -> np.ndarray:
        """New states into ``state``; the old ones, in the new row order, into ``scratch``; return that order."""
        order, edges = plan
        np.take(state, order, axis=0, out=scratch, mode="clip")  # mode "raise" would buffer ``out``
        for group, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
            if high > low:
                np.dot(scratch[low:high], self.transposed[group], out=state[low:high])
        return order


class _StackedStep:
    """x ← x - (η/B) Σ_{j∈S} H_j x when the batches are many: all H_i x by one GEMM against the
    stacked Hessians, then each run averages its own B of them (runs stay in place)."""

    def __init__(self, hessians: np.ndarray, lr: float, batch: int, replace: bool):
        self.lr, self.batch, self.replace, self.count = lr, batch, replace, len(hessians)
        dimension = hessians.shape[1]
        self.stacked = hessians.transpose(2, 0, 1).reshape(dimension, self.count * dimension)

    def plan(self, rng: np.random.Generator, width: int, count: int) -> list[np.ndarray]:
        """The members of each run's batch, (width, B), for each of ``count`` steps."""
        if self.replace:
            return [rng.integers(0, self.count, (width, self.batch)) for _ in range(count)]
        return [np.argpartition(rng.random((width, self.count)), self.batch - 1, axis=1)[:, : self.batch]
                for _ in range(count)]

    def advance(self, state: np.ndarray, scratch: np.ndarray, members: np.ndarray) -> None:
        np.copyto(scratch, state)
        products = (scratch @ self.stacked).reshape(len(state), self.count, -1)
        chosen = products[np.arange(len(state))[:, None], members].mean(axis=1)
        np.subtract(scratch, self.lr * chosen, out=state)
        return None


def _batch_step(hessians: np.ndarray, lr: float, batch: int, replace: bool) -> _GroupedStep | _StackedStep:
    count = wu.batch_count(len(hessians), batch, replace, GROUPED_BATCHES)
    if batch > MAX_BATCH:
        raise ParameterError("batch", f"the simulator draws at most {MAX_BATCH} members a batch, got {batch}")
    kind = _GroupedStep if count <= GROUPED_BATCHES else _StackedStep
    return kind(hessians, lr, batch, replace)


@dataclass(frozen=True)
class LinearRuns:
    """Result of ``simulate_linear``.

    state: (R, d) final states (escaped runs at their last in-bound state);
    escaped_at: (R,) first step whose state had norm above the bound or was not finite, -1 if never;
    mean_sq_norm: (steps+1,) mean of ‖x_t‖² over the runs not escaped by step t (inf if none);
    alive: (steps+1,) number of runs not escaped by step t;
    snapshots: step -> (R, d) states at the requested steps.
    """

    state: np.ndarray
    escaped_at: np.ndarray
    mean_sq_norm: np.ndarray
    alive: np.ndarray
    snapshots: dict[int, np.ndarray]


def simulate_linear(
    hessians,
    lr,
    batch: int,
    replace: bool,
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    x0,
    bound: float = 1e12,
    record: Sequence[int] = (),
    workers: int | None = None,
) -> LinearRuns:
    """R runs of linearised SGD (7), x_{t+1} = (I - (η/B) Σ_{j∈S_t} H_j) x_t, from the same x0.

    hessians: (n, d, d) symmetric PSD; batch B drawn uniformly without replacement (the paper)
    or as B independent uniform draws (``replace``). Each seed block of runs goes through all its
    steps at once (see ``_GroupedStep``), its state staying in one core's cache; blocks are spread
    over ``workers`` threads (default: one per core), each calling a single-threaded BLAS, and the
    numbers do not depend on the thread count. A run whose norm exceeds ``bound`` (or stops being
    finite) is recorded as escaped at that step, its last in-bound state kept, and it is set to 0,
    which the linear map keeps at 0: nothing overflows.
    """
    array, lr = check_hessians(hessians), check_positive("lr", lr, "a positive finite learning rate")
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    start = np.asarray(x0, dtype=float).reshape(-1)
    if start.shape != (array.shape[1],) or not np.all(np.isfinite(start)):
        raise ParameterError("x0", f"expected {array.shape[1]} finite coordinates, got {np.shape(x0)}")
    times = sorted(set(record))
    if times and (times[0] < 0 or times[-1] > steps):
        raise ParameterError("record", f"steps must lie in [0, {steps}]")
    step = _batch_step(array, lr, batch, replace)
    finals, escaped_at = np.empty((runs, len(start))), np.empty(runs, dtype=int)
    snapshots = {t: np.empty((runs, len(start))) for t in times}

    def run_block(block) -> tuple[np.ndarray, np.ndarray]:
        first, stop, rng = block
        sums, alive = _run_block(step, rng, np.tile(start, (stop - first, 1)), steps, bound,
                                 finals[first:stop], escaped_at[first:stop], {t: v[first:stop] for t, v in snapshots.items()})
        return sums, alive

    with _blas_threads().limit(limits=1, user_api="blas"), ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        totals = list(pool.map(run_block, blocks(runs, seed)))
    sums = np.sum([s for s, _ in totals], axis=0)  # in block order: the same sum for any thread count
    alive = np.sum([a for _, a in totals], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(alive > 0, sums / np.maximum(alive, 1), np.inf)
    return LinearRuns(finals, escaped_at, means, alive, snapshots)


@functools.cache
def _blas_threads() -> ThreadpoolController:
    """The BLAS libraries loaded in this process (looked up once: a lookup costs ~0.5 ms)."""
    return ThreadpoolController()


def _run_block(step, rng, state: np.ndarray, steps: int, bound: float, final: np.ndarray, escaped_at: np.ndarray,
               snapshots: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All steps of one block of runs; fills ``final``/``escaped_at``/``snapshots`` (in run order)
    and returns the sum of ‖x_t‖² and the number of runs not escaped, for each t."""
    width = len(state)
    scratch, last = np.empty_like(state), state.copy()
    run_at = np.arange(width)  # run_at[k]: which run sits in row k
    escaped_at[:] = -1
    sums, alive = np.zeros(steps + 1), np.zeros(steps + 1, dtype=int)
    sums[0], alive[:] = float(np.vdot(state, state)), width
    if 0 in snapshots:
        snapshots[0][:] = state
    for first in range(1, steps + 1, STEPS_PER_DRAW):
        plans = step.plan(rng, width, min(STEPS_PER_DRAW, steps + 1 - first))
        for t, plan in enumerate(plans, first):
            with np.errstate(over="ignore", invalid="ignore"):
                order = step.advance(state, scratch, plan)
                total = float(np.vdot(state, state))
            if order is not None:
                run_at = run_at[order]
            if not total <= bound * bound:  # some run is out of bounds or not finite: look row by row
                with np.errstate(over="ignore", invalid="ignore"):
                    squares = np.einsum("ij,ij->i", state, state)
                fresh = ~(squares <= bound * bound) & (escaped_at[run_at] < 0)
                escaped_at[run_at[fresh]] = t
                last[run_at[fresh]] = scratch[fresh]
                state[fresh] = 0.0
                squares[fresh] = 0.0
                total = float(np.sum(squares))
                alive[t:] -= np.count_nonzero(fresh)
            sums[t] = total
            if t in snapshots:
                snapshots[t][run_at] = state
                _keep_last(snapshots[t], last, escaped_at)
    final[run_at] = state
    _keep_last(final, last, escaped_at)
    return sums, alive


def _keep_last(states: np.ndarray, last: np.ndarray, escaped_at: np.ndarray) -> None:
    """Escaped runs (indexed by run) at their last in-bound state."""
    escaped = escaped_at >= 0
    states[escaped] = last[escaped]


@dataclass(frozen=True)
class Growth:
    """Result of ``growth_ensemble``: the runs reduced block by block (memory independent of runs
    and steps).

    live: runs neither diverged nor exactly at 0; diverged: runs whose ‖x_t‖ passed the bound (or
    stopped being finite); zero: runs that reached x = 0 exactly; log_mean_sq / log_mean_fourth:
    ln of the mean over live runs of ‖x_T‖²/‖x_0‖² and of its square (-inf when no run is live).
    """

    runs: int
    live: int
    diverged: int
    zero: int
    log_mean_sq: float
    log_mean_fourth: float

    def growth_rate(self, steps: int) -> float:
        """g = ln(mean ‖x_T‖² / ‖x_0‖²)/T over all non-diverged runs (zero runs count as 0)."""
        total = self.live + self.zero
        if self.live == 0:
            return float("-inf")
        return float((self.log_mean_sq + np.log(self.live / total)) / steps)

    def growth_rate_stderr(self, steps: int) -> float:
        """Delta-method standard error of ``growth_rate``: sd(‖x_T‖²)/(√R mean ‖x_T‖²)/T."""
        total = self.live + self.zero
        if self.live == 0 or total < 2:
            return float("nan")
        log_mean = self.log_mean_sq + np.log(self.live / total)
        log_fourth = self.log_mean_fourth + np.log(self.live / total)
        with np.errstate(over="ignore", invalid="ignore"):
            ratio = float(np.expm1(log_fourth - 2 * log_mean))  # E s² / (E s)² - 1 = var / mean²
        spread = np.sqrt(max(ratio, 0.0) * total / (total - 1))
        return float(spread / np.sqrt(total) / steps)


def growth_ensemble(hessians, lr, batch: int, replace: bool, runs: int, steps: int, seed: np.random.SeedSequence,
                    x0, bound: float = 1e12, workers: int | None = None, progress=None) -> Growth:
    """The runs of ``simulate_linear`` (same seed blocks, same draws; for d = 1 each run keeps its
    draws in place instead of the grouped route's row order, the same law) reduced to the growth of
    E‖x_T‖², with the state renormalised every step and its log-norm kept (the renormalisation
    method for Lyapunov exponents): nothing underflows or overflows over any horizon, and memory
    holds one block of runs. ``progress(run-steps done, runs·steps)`` is called as blocks advance.
    """
    array, lr = check_hessians(hessians), check_positive("lr", lr, "a positive finite learning rate")
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    start = np.asarray(x0, dtype=float).reshape(-1)
    if start.shape != (array.shape[1],) or not np.all(np.isfinite(start)) or not np.any(start):
        raise ParameterError("x0", f"expected {array.shape[1]} finite coordinates, not all 0")
    step = _batch_step(array, lr, batch, replace)
    log_bound = 2 * np.log(bound) - np.log(float(np.dot(start, start)))
    done, lock, total = [0], threading.Lock(), runs * steps

    def advanced(count: int) -> None:
        if progress is not None:
            with lock:
                done[0] += count
                progress(done[0], total)

    def run_block(block):
        first, stop, rng = block
        return _log_block(step, rng, np.tile(start / np.linalg.norm(start), (stop - first, 1)), steps, log_bound,
                          advanced)

    parts = []
    threads = workers or os.cpu_count() or 1
    with _blas_threads().limit(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
        pending = blocks(runs, seed)
        while window := list(itertools.islice(pending, 4 * threads)):  # bounded: blocks hold generators
            parts.extend(_summary(logs) for logs in pool.map(run_block, window))
    live = sum(p[0] for p in parts)
    diverged, zero = sum(p[1] for p in parts), sum(p[2] for p in parts)
    with np.errstate(divide="ignore"):
        log_sq = functools.reduce(np.logaddexp, (p[3] for p in parts), -np.inf)  # in block order
        log_fourth = functools.reduce(np.logaddexp, (p[4] for p in parts), -np.inf)
        if live:
            log_sq, log_fourth = log_sq - np.log(live), log_fourth - np.log(live)
    return Growth(runs, live, diverged, zero, float(log_sq), float(log_fourth))


def _summary(result) -> tuple[int, int, int, float, float]:
    logs, diverged = result
    live = logs[np.isfinite(logs)]
    zero = len(logs) - len(live) - diverged
    if not len(live):
        return 0, diverged, zero, -np.inf, -np.inf
    return len(live), diverged, zero, float(_logsumexp(live)), float(_logsumexp(2 * live))


def _logsumexp(values: np.ndarray) -> float:
    top = float(np.max(values))
    return top + float(np.log(np.sum(np.exp(values - top))))


def _log_block(step, rng, state: np.ndarray, steps: int, log_bound: float, advanced) -> tuple[np.ndarray, int]:
    """All steps of one block with the state renormalised each step: ln(‖x_T‖²/‖x_0‖²) per run
    (-inf for a run at exactly 0 or diverged) and the number diverged (ln ‖x_t‖²/‖x_0‖² above
    ``log_bound`` or not finite). Rows are permuted by grouped steps; the logs follow them."""
    width = len(state)
    if state.shape[1] == 1 and isinstance(step, _GroupedStep):
        return _log_block_scalar(step, rng, width, steps, log_bound, advanced)
    scratch = np.empty_like(state)
    logs = np.zeros(width)
    diverged = np.zeros(width, dtype=bool)
    for first in range(1, steps + 1, STEPS_PER_DRAW):
        plans = step.plan(rng, width, min(STEPS_PER_DRAW, steps + 1 - first))
        for plan in plans:
            with np.errstate(over="ignore", invalid="ignore"):
                order = step.advance(state, scratch, plan)
                squares = np.einsum("ij,ij->i", state, state)
            if order is not None:
                logs, diverged = logs[order], diverged[order]
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = logs + np.log(squares)  # -inf for a run at 0 (it stays there); nan if not finite
                diverged |= ~np.isfinite(squares) | (logs > log_bound)
            positive = (squares > 0) & ~diverged
            state[positive] /= np.sqrt(squares[positive])[:, None]
            state[~positive | diverged] = 0.0
            logs[diverged] = -np.inf
        advanced(len(plans) * width)
    return logs, int(np.count_nonzero(diverged))


def _log_block_scalar(step: "_GroupedStep", rng, width: int, steps: int, log_bound: float,
                      advanced) -> tuple[np.ndarray, int]:
    """``_log_block`` for d = 1, vectorised over time: ln x_T² = Σ_t ln a_(S_t)² is a cumulative
    sum of the logs of the drawn batches' factors, a run diverged where that sum first passes
    ``log_bound``. The batch ids are the stepwise route's draws (PCG64's uint32 stream does not
    depend on how it is cut into calls), each run keeping its column instead of following the
    grouped route's row permutation: the same runs for one run, the same law for many."""
    with np.errstate(divide="ignore"):
        log_factors = np.log(np.square(step.transposed[:, 0, 0]))  # -inf for a factor 0: the run stays at 0
    logs = np.zeros(width)
    diverged = np.zeros(width, dtype=bool)
    chunk = max(STEPS_PER_DRAW, SCALAR_DRAWS // width)
    for first in range(1, steps + 1, chunk):
        count = min(chunk, steps + 1 - first)
        ids = rng.integers(0, len(log_factors), (count, width), dtype=np.uint32)
        path = np.cumsum(log_factors[ids], axis=0)
        path += logs
        diverged |= np.any(path > log_bound, axis=0)
        logs = path[-1]
        advanced(count * width)
    logs[diverged] = -np.inf
    return logs, int(np.count_nonzero(diverged))


@dataclass(frozen=True)
class Diagram:
    """Fig. 3 on a grid: sharpness[i], nonuniformity[j]; masks [i, j]; the exact 1-D boundary
    s_max(a) = √((1 - (1-ηa)²)/(η² c_B)) on the sharpness grid (0 outside [0, 2/η])."""

    sharpness: np.ndarray
    nonuniformity: np.ndarray
    rectangle: np.ndarray
    stable_one_dimension: np.ndarray
    boundary: np.ndarray


def stability_diagram(lr, batch: int, n_value: int, replace: bool, sharpness, nonuniformity) -> Diagram:
    """Where (a, s) satisfies (9) and where the exact 1-D condition (1-ηa)² + η² c_B s² ≤ 1 holds."""
    lr = check_positive("lr", lr, "a positive finite learning rate")
    factor = float(wu.batch_factor(n_value, batch, replace))
    box = wu.rectangle()
    a_grid = np.asarray(sharpness, dtype=float)
    s_grid = np.asarray(nonuniformity, dtype=float)
    a_max = float(box.sharpness_max.subs(wu.eta, lr))
    s_max = np.inf if factor == 0 else float(box.nonuniformity_max.subs({wu.eta: lr, wu.c: factor}))
    a_mesh, s_mesh = np.meshgrid(a_grid, s_grid, indexing="ij")
    rectangle = (a_mesh >= 0) & (a_mesh <= a_max) & (s_mesh >= 0) & (s_mesh <= s_max)
    stable = (a_mesh >= 0) & (s_mesh >= 0) & ((1 - lr * a_mesh) ** 2 + lr**2 * factor * s_mesh**2 <= 1)
    room = np.clip(1 - (1 - lr * a_grid) ** 2, 0, None)
    with np.errstate(divide="ignore"):
        boundary = np.where(room > 0, np.sqrt(room / (lr**2 * factor)) if factor > 0 else np.inf, 0.0)
    return Diagram(a_grid, s_grid, rectangle, stable, boundary)


@dataclass(frozen=True)
class ToyRuns:
    """x_T of each run, and the first step with |x_t - x_0| > 1/2 (-1: never): the escape from the
    starting minimum's neighbourhood (the two minima are 1 apart)."""

    x: np.ndarray
    left_at: np.ndarray
    diverged_at: np.ndarray
    paths: np.ndarray | None = None  # (runs, steps + 1): x_0 … x_T of each run, when recorded


def toy_runs(lr, runs: int, steps: int, seed: np.random.SeedSequence, x0, stochastic: bool = True,
             record: bool = False) -> ToyRuns:
    """SGD (one of f_1, f_2 drawn with probability 1/2 each step) or GD (their mean) on the §2 toy;
    with ``record``, every iterate of every run (the trajectories of Fig. 2)."""
    lr = check_positive("lr", lr, "a positive finite learning rate")
    start = float(x0)
    grad = lambdify_gradient(wu.toy_component(), (wu.x,), (wu.c,))
    half = sp.Rational(1, 2)
    sampler = NoiseSampler(FiniteNoise(wu.TOY_COEFFICIENTS, (half, half)))
    coefficients = np.array([float(k) for k in wu.TOY_COEFFICIENTS])

    def step(state, rng, t):
        x_now = state[:, :1]
        if stochastic:
            gradient = grad(x_now, sampler.draw(rng, len(state)))
        else:
            gradient = np.mean([grad(x_now, np.full(len(state), k)) for k in coefficients], axis=0)
        new = x_now - lr * gradient
        left = (np.abs(new[:, 0] - start) > 0.5) & (state[:, 1] == 0)
        return np.column_stack([new, np.where(left, t, state[:, 1])])

    def initial(rng, count):
        return np.column_stack([np.full(count, start), np.zeros(count)])

    result = iterate(step, initial, runs, steps, seed, snapshot_at=range(steps + 1) if record else ())
    first_exit = result.state[:, 1].astype(int)
    paths = np.stack([result.snapshots[t][:, 0] for t in range(steps + 1)], axis=1) if record else None
    return ToyRuns(result.state[:, 0], np.where(first_exit > 0, first_exit, -1), result.escaped_at, paths)


def threshold_lr(hessians, batch: int, replace: bool = False, criterion: str = "exact", tolerance: float = 1e-12) -> float:
    """The largest η with ρ(E[A⊗A]) ≤ 1 (criterion "exact") or λmax(E[A²]) ≤ 1 ("condition_8").

    Both are maxima over PSD P of ⟨P, T(η)P⟩ (resp. vᵀE[A²]v), quadratics in η with nonnegative
    leading coefficient E tr(MPMP) (resp. E‖Mv‖²): convex in η and equal to 1 at η = 0, so the
    stable set is an interval [0, η*], found by doubling then bisection. inf when M ≡ 0. A
    measure within 1e-12 of 1 counts as 1 (a direction every H_i annihilates keeps ρ = 1 exactly).
    """
    array = check_hessians(hessians)
    if not np.any(array):
        return float("inf")
    measure = {
        "exact": lambda lr: spectral_radius(second_moment_operator(array, lr, batch, replace)),
        "condition_8": lambda lr: float(np.max(np.linalg.eigvalsh(condition_8_matrix(array, lr, batch, replace)))),
    }[criterion]
    high = 1.0 / float(np.max(np.linalg.eigvalsh(array)))
    while measure(high) <= 1 + 1e-12:
        high *= 2
    low = 0.0
    while high - low > tolerance * high:
        middle = (low + high) / 2
        if measure(middle) <= 1 + 1e-12:
            low = middle
        else:
            high = middle
    return low
