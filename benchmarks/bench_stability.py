"""Cost of `derive stability`'s exact route, measured in one run on this machine.

(a) The wall time of the book's and the tests' examples (the papers' models written as losses),
    the whole command's result at 50 digits;
(b) the mean-square threshold η* = 1/μmax(L⁻¹K) against the dimension d = 1…8, for n = 3 samples
    ℓ = (xᵢ·w)²/2 + cᵢ‖w‖²/2 with small random rational xᵢ (non-commuting Hessians): the operator
    acts on symmetric d×d matrices, so its size is d(d + 1)/2 and the characteristic polynomial's
    degree grows with it.
Prints a table and writes JSON (``--out``, default benchmarks/stability.json). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import sympy as sp

from theory import stability as exact
from verify import stability

EXAMPLES = {
    "factorisation (w1 w2 x − x)²/2 at (1, 1)": ("(w1*w2*x - x)**2/2", "w1,w2", "x=1,2", "w1=1,w2=1"),
    "Wu's d = 2 example": ("(h11*w1**2 + 2*h12*w1*w2 + h22*w2**2)/2", "w1,w2", "h11=1,4;h12=-1,-2;h22=5,2", None),
    "Ziyin's x w²/2, x ∈ {1, −2}": ("x*w**2/2", "w", "x=1,-2", None),
    "the toy network on w1 = 0": ("(w2*w1**2 - y)**2", "w1,w2", "y=-1,2", "w1=0,w2=1/2"),
}


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def dimension_case(d: int, rng: np.random.Generator) -> exact.Point:
    ws = sp.symbols(f"w1:{d + 1}", real=True)
    xs = sp.symbols(f"x1:{d + 1}", real=True)
    c = sp.Symbol("c", real=True)
    loss = sp.Add(*(x * w for x, w in zip(xs, ws))) ** 2 / 2 + c * sp.Add(*(w**2 for w in ws)) / 2
    samples = tuple(tuple(sp.Rational(int(v), 4) for v in rng.integers(-4, 5, d)) + (sp.Rational(1, 2) + i,)
                    for i in range(3))
    model = exact.Model(loss, ws, xs + (c,), samples, (sp.Rational(1, 3),) * 3)
    return exact.Point(model, {w: 0 for w in ws}, 1, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "stability.json"))
    args = parser.parse_args()
    examples = {}
    for name, (loss, params, samples, at) in EXAMPLES.items():
        examples[name] = timed(lambda: stability.derive(loss, params, samples, None, None, at, 1, False, None, False, 50))
    rng = np.random.default_rng(0)
    dimensions = []
    for d in range(1, exact.MAX_DIMENSION + 1):
        point = dimension_case(d, rng)
        seconds = timed(lambda: point.mean_square_max_lr)
        dimensions.append({"d": d, "operator_size": d * (d + 1) // 2, "seconds": seconds,
                           "degree": point.mean_square_polynomial.degree()})
    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "sympy": sp.__version__},
               "examples_seconds": examples, "mean_square_threshold_by_dimension": dimensions}
    for name, seconds in examples.items():
        print(f"  {name:45s} {seconds:7.2f} s")
    for row in dimensions:
        print(f"  d = {row['d']}: operator {row['operator_size']:2d} × {row['operator_size']:2d}, degree "
              f"{row['degree']:2d}, {row['seconds']:7.2f} s")
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
