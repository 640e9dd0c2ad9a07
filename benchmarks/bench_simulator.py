"""Throughput of the simulator's routes, as ratios measured in one run on this machine.

Each route's updates per second (runs × steps / wall time) is compared with
  (a) the float-RNG floor: generating one float64 per update into a preallocated buffer, and
      nothing else (one thread);
  (b) the naive simulation of the same model: a per-run Python loop over steps drawing one x
      from the same noise law per step, on a small ensemble;
  (c) for workload B (linearised SGD, d = 32), the machine's GEMM throughput at the engine's shape.
Prints a table and writes JSON (``--out``, default benchmarks/results.json). Not a test: the
numbers are machine- and load-dependent; only ratios taken in one run mean anything.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import platform
import time

import numpy as np
import sympy as sp

from numerics.linear import simulate_linear
from numerics.multiplicative_sim import simulate
from theory.noise import FiniteNoise, GaussianNoise, UniformNoise

R = sp.Rational
TWO_POINT = FiniteNoise.of([1, -2], [R(1, 2), R(1, 2)])
THREE_ATOMS = FiniteNoise.of([1, -2, 3], [R(1, 6), R(1, 2), R(1, 3)])


def best_of(function, repeats: int) -> float:
    """The shortest wall time of ``repeats`` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def float_floor(repeats: int) -> float:
    rng = np.random.Generator(np.random.PCG64(0))
    buffer = np.empty((256, 1 << 16))
    return buffer.size / best_of(lambda: rng.random(out=buffer), repeats)


def python_loop(noise, lr, repeats: int) -> float:
    """updates/s of the naive simulation of the same model: a Python loop over runs and steps,
    drawing one x from ``noise`` per step with NumPy's scalar calls."""
    rng = np.random.Generator(np.random.PCG64(0))
    if isinstance(noise, FiniteNoise):
        factors = [1 - lr * float(v) for v in noise.values]
        cumulative = np.cumsum([float(p) for p in noise.probs])[:-1].tolist()
        factor = lambda: factors[bisect.bisect_right(cumulative, rng.random())]  # noqa: E731
    elif isinstance(noise, UniformNoise):
        low, high = float(noise.low), float(noise.high)
        factor = lambda: 1 - lr * rng.uniform(low, high)  # noqa: E731
    else:
        mean, std = float(noise.mean), float(noise.std)
        factor = lambda: 1 - lr * rng.normal(mean, std)  # noqa: E731
    runs, steps = 100, 500

    def loop():
        for _ in range(runs):
            w = 1.0
            for _ in range(steps):
                w *= factor()

    return runs * steps / best_of(loop, repeats)


def route(noise, lr, runs, steps, name, repeats) -> float:
    seed = np.random.SeedSequence(1)
    return runs * steps / best_of(lambda: simulate(noise, lr, runs, steps, seed, route=name), repeats)


DIMENSION, HESSIAN_COUNT = 32, 4


def workload_b_hessians() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.array([(lambda q: q @ q.T / DIMENSION)(rng.standard_normal((DIMENSION, DIMENSION)))
                     for _ in range(HESSIAN_COUNT)])


def gemm_flops(repeats: int) -> float:
    """flop/s of a BLAS GEMM (np.dot into a preallocated array, the call the simulator makes) at
    workload B's shape: (4096 runs × d) @ (d × d), d = 32."""
    rng = np.random.default_rng(1)
    state, matrix = rng.standard_normal((4096, DIMENSION)), rng.standard_normal((DIMENSION, DIMENSION))
    out = np.empty_like(state)
    calls = 200
    seconds = best_of(lambda: [np.dot(state, matrix, out=out) for _ in range(calls)], repeats)
    return 2 * state.size * DIMENSION * calls / seconds


def workload_b(repeats: int) -> float:
    """updates/s (run-steps) of linearised SGD, d = 32, n = 4, B = 1, without replacement."""
    hessians, runs, steps = workload_b_hessians(), 1 << 16, 100
    x0 = np.full(DIMENSION, DIMENSION**-0.5)
    return runs * steps / best_of(
        lambda: simulate_linear(hessians, 0.01, 1, False, runs, steps, np.random.SeedSequence(0), x0), repeats
    )


def workload_b_python_loop(repeats: int) -> float:
    hessians, runs, steps = workload_b_hessians(), 50, 100
    matrices = np.eye(DIMENSION)[None] - 0.01 * hessians
    rng = np.random.Generator(np.random.PCG64(0))

    def loop():
        for _ in range(runs):
            x = np.full(DIMENSION, DIMENSION**-0.5)
            for _ in range(steps):
                x = matrices[rng.integers(HESSIAN_COUNT)] @ x

    return runs * steps / best_of(loop, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.json"))
    args = parser.parse_args()
    floor = float_floor(args.repeats)
    uniform, gaussian = UniformNoise(sp.Integer(-1), sp.Integer(2)), GaussianNoise(R(-1, 10), sp.Integer(2))
    cases = {  # name: (noise, lr, runs, steps, route)
        "count route, two-point, T=1000": (TWO_POINT, 0.8, 1 << 18, 1000, "count"),
        "count route, three atoms, T=1000": (THREE_ATOMS, 0.3, 1 << 17, 1000, "count"),
        "bits route, two-point, T=1024": (TWO_POINT, 0.8, 1 << 18, 1024, "bits"),
        "float path, uniform noise": (uniform, 0.3, 1 << 16, 512, "float"),
        "float path, Gaussian noise": (gaussian, 0.3, 1 << 16, 512, "float"),
        "float path, two-point": (TWO_POINT, 0.8, 1 << 16, 512, "float"),
        "float path, three atoms": (THREE_ATOMS, 0.3, 1 << 16, 512, "float"),
    }
    rows = {name: (route(noise, lr, runs, steps, kind, args.repeats), python_loop(noise, lr, args.repeats))
            for name, (noise, lr, runs, steps, kind) in cases.items()}
    print(f"float floor (1 float64 per update): {floor:.3g} updates/s")
    print(f"{'route':36s} {'updates/s':>12s} {'× floor':>9s} {'Python loop':>12s} {'× loop':>8s}")
    for name, (rate, loop) in rows.items():
        print(f"{name:36s} {rate:12.3g} {rate / floor:9.2f} {loop:12.3g} {rate / loop:8.0f}")
    gemm = gemm_flops(args.repeats)
    linear_rate, linear_loop = workload_b(args.repeats), workload_b_python_loop(args.repeats)
    linear_flops = 2 * DIMENSION**2 * linear_rate
    print(f"workload B (d = {DIMENSION}, n = {HESSIAN_COUNT}, B = 1): {linear_rate:.3g} run-steps/s, "
          f"{linear_flops / gemm:.2f} × GEMM ({gemm:.3g} flop/s), {linear_rate / linear_loop:.0f} × its Python loop")
    payload = {
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
                    "numpy": np.__version__},
        "float_floor": repr(floor),
        "routes": {name: {"updates_per_second": repr(rate), "ratio_to_floor": repr(rate / floor),
                          "python_loop_updates_per_second": repr(loop), "ratio_to_python_loop": repr(rate / loop)}
                   for name, (rate, loop) in rows.items()},
        "workload_b": {"dimension": DIMENSION, "hessians": HESSIAN_COUNT, "batch": 1,
                       "run_steps_per_second": repr(linear_rate), "gemm_flops": repr(gemm),
                       "ratio_to_gemm": repr(linear_flops / gemm), "ratio_to_python_loop": repr(linear_rate / linear_loop)},
    }
    with open(args.out, "w") as stream:
        json.dump(payload, stream, indent=2)
        stream.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
