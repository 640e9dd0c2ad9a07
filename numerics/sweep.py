"""Parameter sweeps: a grid of tasks run in-process, on local processes, or on a Dask cluster.

A task is a pure, module-level function ``task(params, seed) -> numpy array`` of its grid point
and its own ``numpy.random.SeedSequence``: the child of the sweep's root with spawn key
``(*root.spawn_key, index)``, i.e. ``root.spawn(n)[index]``, for task ``index``. A task is
vectorized inside (an ensemble of runs); the sweep spreads tasks over processes. Tasks are
submitted in chunks of ``chunk`` consecutive tasks; results come back in task order. Since a
task's numbers depend only on its parameters and its index, they are bit for bit the same on
every backend, for every chunk size and number of workers.

Backends: ``inline`` (this process), ``local`` (a ``ProcessPoolExecutor``; in-process when one
worker or one task suffices) and ``dask`` (``distributed.Client`` on an existing scheduler
address such as ``tcp://host:8786``, or on a ``LocalCluster`` started for the sweep).
A Dask worker lost mid-sweep costs nothing but time: the scheduler reruns its tasks elsewhere,
and each task's result is stored once, under its index.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from theory import ziyin
from theory.errors import ParameterError

from .ensemble import check_count
from .multiplicative_sim import simulate
from .precision import evaluate
from .trapset import trap_set

BACKENDS = ("inline", "local", "dask")
#: seconds to wait for an existing Dask scheduler before giving up
CONNECT_TIMEOUT = 10

Task = Callable[[tuple, np.random.SeedSequence], np.ndarray]
Progress = Callable[[int, int], None]


def task_seed(root: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """``root.spawn(n)[index]`` for any n > index, without touching ``root``'s spawn counter."""
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, index), pool_size=root.pool_size)


def run_chunk(task: Task, items: Sequence[tuple[int, tuple, np.random.SeedSequence]]) -> list[tuple[int, np.ndarray]]:
    """Run consecutive tasks: (index, result) for each (index, params, seed)."""
    return [(index, np.asarray(task(params, seed))) for index, params, seed in items]


@dataclass(frozen=True)
class Backend:
    """Where a sweep runs: ``kind`` in BACKENDS; ``scheduler`` an address for ``dask`` (None: a
    LocalCluster); ``workers`` processes (default: one per core); ``client`` an open
    ``distributed.Client`` to use as is."""

    kind: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    client: object | None = None

    def __post_init__(self):
        if self.kind not in BACKENDS:
            raise ParameterError("backend", f"{self.kind!r} is not one of {', '.join(BACKENDS)}")
        if self.workers is not None:
            check_count("workers", self.workers)
        if self.scheduler is not None and not self.scheduler.strip():
            raise ParameterError("scheduler", "empty scheduler address")


def run_sweep(task: Task, grid: Sequence[tuple], seed: np.random.SeedSequence, backend: Backend = Backend(),
              chunk: int = 1, progress: Progress | None = None) -> list[np.ndarray]:
    """``[task(grid[i], task_seed(seed, i)) for i]``, computed on ``backend`` in chunks of ``chunk`` tasks."""
    chunk = check_count("chunk", chunk)
    items = [(index, tuple(params), task_seed(seed, index)) for index, params in enumerate(grid)]
    chunks = [items[start : start + chunk] for start in range(0, len(items), chunk)]
    results: dict[int, np.ndarray] = {}

    def collect(pairs):
        for index, value in pairs:
            if index in results:
                raise RuntimeError(f"task {index} returned twice")
            results[index] = value
        if progress:
            progress(len(results), len(items))

    workers = backend.workers or os.cpu_count() or 1
    if backend.kind == "inline" or (backend.kind == "local" and (workers == 1 or len(chunks) <= 1)):
        for part in chunks:
            collect(run_chunk(task, part))
    elif backend.kind == "local":
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
            for future in as_completed([pool.submit(run_chunk, task, part) for part in chunks]):
                collect(future.result())
    else:
        with _dask_client(backend) as client:
            from distributed import as_completed as dask_completed

            futures = client.map(run_chunk, [task] * len(chunks), chunks, pure=False)
            for _, pairs in dask_completed(futures, with_results=True):
                collect(pairs)
    missing = [index for index in range(len(items)) if index not in results]
    if missing:
        raise RuntimeError(f"tasks {missing[:5]} returned no result")
    return [results[index] for index in range(len(items))]


@contextmanager
def _dask_client(backend: Backend):
    if backend.client is not None:
        yield backend.client
        return
    from distributed import Client, LocalCluster

    if backend.scheduler is None:
        workers = backend.workers or os.cpu_count() or 1
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                yield client
        return
    try:
        client = Client(backend.scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise ParameterError("scheduler", f"cannot reach {backend.scheduler!r}: {error}") from None
    with client:
        yield client


def linear_grid(low: Fraction, high: Fraction, count: int) -> list[Fraction]:
    """``count`` equally spaced exact points from ``low`` to ``high`` (``[low]`` if count is 1)."""
    count = check_count("count", count)
    if count == 1:
        return [low]
    return [low + (high - low) * Fraction(i, count - 1) for i in range(count)]


def ziyin_escapes(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """The ziyin-phase task: [#runs with |w_T| > eps, #runs with w_T = 0] for x ∈ {1, a - 1}
    (probability ½ each, ``theory.ziyin.noise``) at learning rate λ, from w_0 = 1.

    ``params`` = (a, λ, runs, steps, eps, route) with a, λ, eps exact ``Fraction``s.
    """
    a, lr, runs, steps, eps, route = params
    law = ziyin.noise(sp.Rational(a.numerator, a.denominator))
    log_w = simulate(law, float(lr), runs, steps, seed, route=route, workers=1).values[0]
    threshold = float(sp.log(sp.Rational(eps.numerator, eps.denominator)))
    return np.array([np.count_nonzero(log_w > threshold), np.count_nonzero(np.isneginf(log_w))], dtype=np.int64)


def ziyin_trap_boundary(a: Fraction, dps: int) -> list[tuple]:
    """The trap set {λ > 0 : μ(λ) < 0} of x ∈ {1, a - 1} as open intervals (mpmath ends, ``inf``
    if unbounded): Cor. 1's derived closed form (``theory.ziyin.trap_interval``) for a < 0, the
    certified finite-noise trap set (``numerics.trapset``) for a ≥ 0, where it may split."""
    exact_a = sp.Rational(a.numerator, a.denominator)
    if exact_a < 0:
        interval = ziyin.trap_interval()
        return [(evaluate(interval.lower.subs(ziyin.a, exact_a), dps), evaluate(interval.upper.subs(ziyin.a, exact_a), dps))]
    return list(trap_set(ziyin.noise(exact_a), dps).intervals)
