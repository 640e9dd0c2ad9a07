"""Cost of the network curvature measurements, as ratios measured in one run on this machine.

At the shape the claims use (a 64-W-10 tanh MLP on n digits, MSE), one product with
  (a) Σ = (1/n) Σᵢ Hᵢ² − H² by per-sample HVPs batched with ``vmap`` (``sigma_operator``), against
      the full-batch HVP v ↦ Hv (``hessian_operator``) — the floor: Σv needs the n products Hᵢv,
      then Hᵢ(Hᵢv) and H(Hv), so it cannot cost less than about 2× a full-batch product, and a
      per-sample operator that costs more than n× it has lost the batching;
  (b) the same Σv as a Python loop of per-sample ``jax.jvp``-of-``grad`` calls (jit-compiled per
      sample, the naive route);
and the sharpness λmax(H) by Lanczos on HVPs (``sharpness``) against the dense Hessian by
``jax.hessian`` and ``numpy.linalg.eigvalsh`` at d ≈ 2,400, with the two values' difference.
Prints a table and writes JSON (``--out``, default benchmarks/networks.json). Not a test: only
ratios taken in one run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import jax
import numpy as np
from jax.flatten_util import ravel_pytree

from bench_simulator import best_of  # benchmarks/ is on the path when this file runs
from numerics import networks as nw
from numerics.networks.experiments import Setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "networks.json"))
    args = parser.parse_args()

    setup = Setup(samples=args.samples, width=args.width)
    loss, data = setup.per_sample_loss(), setup.dataset().arrays
    params = setup.model().init(0)
    d, n = setup.size, args.samples
    v = np.random.default_rng(0).standard_normal(d)
    hessian, sigma = nw.hessian_operator(loss, params, data), nw.sigma_operator(loss, params, data)
    full = best_of(lambda: hessian.matvec(v), args.repeats)
    batched = best_of(lambda: sigma.matvec(v), args.repeats)

    flat, unravel = ravel_pytree(params)
    sample_grad = jax.grad(lambda w, x, y: loss(unravel(w), x, y))
    sample_hvp = jax.jit(lambda w, u, x, y: jax.jvp(lambda z: sample_grad(z, x, y), (w,), (u,))[1])
    xs, ys = (np.asarray(a) for a in data)

    def loop():
        hv = [sample_hvp(flat, v, x, y) for x, y in zip(xs, ys)]
        return sum(sample_hvp(flat, h, x, y) for h, x, y in zip(hv, xs, ys))

    looped = best_of(loop, max(1, args.repeats // 2))

    start = time.perf_counter()
    lanczos = nw.sharpness(loss, params, data)
    lanczos_time = time.perf_counter() - start
    start = time.perf_counter()
    dense_value = float(np.linalg.eigvalsh(nw.dense_hessian(loss, params, data))[-1])
    dense_time = time.perf_counter() - start

    results = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "jax": jax.__version__},
        "shape": {"samples": n, "parameters": d},
        "sigma_product_over_full_batch_hvp": batched / full,
        "python_loop_over_sigma_product": looped / batched,
        "dense_eigvalsh_over_lanczos": dense_time / lanczos_time,
        "lanczos_products": lanczos.products,
        "lanczos_minus_dense": lanczos.value - dense_value,
        "lanczos_residual": lanczos.residual,
        "seconds": {"full_batch_hvp": full, "sigma_product": batched, "python_loop": looped,
                    "lanczos_sharpness": lanczos_time, "dense_hessian_and_eigvalsh": dense_time},
    }
    print(f"n = {n}, d = {d}")
    print(f"  Σv (vmap per-sample HVPs) / Hv (full batch)     {results['sigma_product_over_full_batch_hvp']:8.2f}×"
          f"   (floor ≈ 2, batching lost above n = {n})")
    print(f"  Python loop of per-sample HVPs / Σv (vmap)      {results['python_loop_over_sigma_product']:8.1f}×")
    print(f"  dense jax.hessian + eigvalsh / Lanczos sharpness {results['dense_eigvalsh_over_lanczos']:8.1f}×"
          f"   ({lanczos.products} products; λ differs by {results['lanczos_minus_dense']:.1e},"
          f" residual {lanczos.residual:.1e})")
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
