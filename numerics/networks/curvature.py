r"""Curvature of any per-sample loss ℓ(w, x, y) at a point, by Hessian-vector products and Lanczos.

With L(w) = (1/n) Σᵢ ℓ(w, xᵢ, yᵢ), Hᵢ = ∇²ℓ(w, xᵢ, yᵢ) and H = (1/n) Σᵢ Hᵢ (Wu, Ma & E, Def. 3):

- sharpness a = λmax(H);
- non-uniformity s = √λmax(Σ), Σ = (1/n) Σᵢ Hᵢ² − H², applied as
  Σv = (1/n) Σᵢ Hᵢ(Hᵢv) − H(Hv) with per-sample HVPs batched by ``vmap``;
- λmax(D⁻¹H) for a positive diagonal D (Wu et al. §5, quasi-Newton), through the symmetric
  D^{-1/2} H D^{-1/2}, which has the same eigenvalues.

Hessian-vector products are forward-over-reverse (``jax.jvp`` of ``jax.grad``), jit-compiled;
the products are compiled once per (loss, parameter layout) and reused for every point;
the largest eigenvalue comes from ARPACK's Lanczos (``scipy.sparse.linalg.eigsh``) on a
``LinearOperator``, and every result carries its residual ‖Av − λv‖ (v the unit Ritz vector), one
extra product computed after convergence. For a symmetric A some eigenvalue lies within the residual
of λ (Bauer–Fike); Lanczos started from a random vector finds the largest unless the start is
orthogonal to its eigenvector, which happens with probability 0.

``per_sample_loss(params, *sample)`` may take any pytree of parameters (flattened with
``ravel_pytree``) and ``data`` is a tuple of arrays whose leading axis indexes the n samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from theory.errors import ParameterError

from .training import _layout, flat_loss, mean_loss

#: eigsh's relative accuracy for the Ritz value (the residual is reported whatever it is)
LANCZOS_TOL = 1e-12


@dataclass(frozen=True)
class Eigen:
    """A measured curvature: ``value`` (λ, or √λ for the non-uniformity) from the operator's
    top ``eigenvalue`` λ, its unit ``vector``, the ``residual`` ‖Av − λv‖, ``error`` (the bound
    on |value − exact| the residual gives) and the number of operator ``products`` used."""

    value: float
    eigenvalue: float
    residual: float
    error: float
    vector: np.ndarray = field(repr=False)
    products: int


def _flat(per_sample_loss: Callable, params):
    w, unravel = _layout(params)
    return w, flat_loss(per_sample_loss, unravel)


@lru_cache(maxsize=256)
def _compiled(product: Callable) -> Callable:
    return jax.jit(product)


def _hvp(function: Callable) -> Callable:
    """(w, v, *args) ↦ ∇²_w function(w, *args) · v, forward over reverse."""
    gradient = jax.grad(function)
    return lambda w, v, *args: jax.jvp(lambda u: gradient(u, *args), (w,), (v,))[1]


@lru_cache(maxsize=256)
def _hessian_product(loss: Callable, count: int) -> Callable:
    """(w, v, *data) ↦ Hv for ``count`` data arrays."""
    return _hvp(mean_loss(loss, count))


@lru_cache(maxsize=256)
def _sigma_product(loss: Callable, count: int) -> Callable:
    sample_hvp = _hvp(loss)
    shared_v = jax.vmap(sample_hvp, in_axes=(None, None) + (0,) * count)
    own_v = jax.vmap(sample_hvp, in_axes=(None, 0) + (0,) * count)
    full = _hessian_product(loss, count)

    def product(w, v, *arrays):
        hv = shared_v(w, v, *arrays)  # (n, d): Hᵢv
        return jnp.mean(own_v(w, hv, *arrays), axis=0) - full(w, jnp.mean(hv, axis=0), *arrays)

    return product


def _operator(product: Callable, w, data, scale=None) -> LinearOperator:
    """The d×d operator v ↦ product(w, v, *data), optionally as S·A·S with S = diag(scale)."""
    compiled = _compiled(product)
    arrays = tuple(jnp.asarray(a) for a in data)

    def matvec(v):
        v = jnp.asarray(np.ravel(v), dtype=jnp.float64)
        if scale is None:
            return np.asarray(compiled(w, v, *arrays))
        return np.asarray(scale * compiled(w, scale * v, *arrays))

    return LinearOperator((w.size, w.size), matvec=matvec, dtype=np.float64)


def hessian_operator(per_sample_loss: Callable, params, data) -> LinearOperator:
    """H = ∇²L as a scipy ``LinearOperator`` on the flat parameter vector."""
    w, loss = _flat(per_sample_loss, params)
    return _operator(_hessian_product(loss, len(data)), w, data)


def sigma_operator(per_sample_loss: Callable, params, data) -> LinearOperator:
    """Σ = (1/n) Σᵢ Hᵢ² − H² as a scipy ``LinearOperator`` (per-sample HVPs by ``vmap``)."""
    w, loss = _flat(per_sample_loss, params)
    return _operator(_sigma_product(loss, len(data)), w, data)


def top_eigen(operator: LinearOperator, seed=0, tol: float = LANCZOS_TOL) -> tuple[float, np.ndarray, float, int]:
    """(λmax, unit v, ‖Av − λv‖, products) of a symmetric operator, Lanczos from a seeded start."""
    counted = [0]

    def matvec(v):
        counted[0] += 1
        return operator.matvec(v)

    counting = LinearOperator(operator.shape, matvec=matvec, dtype=np.float64)
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    start = np.random.Generator(np.random.PCG64(sequence)).standard_normal(operator.shape[0])
    values, vectors = eigsh(counting, k=1, which="LA", v0=start, tol=tol)
    value, vector = float(values[0]), vectors[:, 0] / np.linalg.norm(vectors[:, 0])
    residual = float(np.linalg.norm(counting.matvec(vector) - value * vector))
    return value, vector, residual, counted[0]


def sharpness(per_sample_loss: Callable, params, data, seed=0, tol: float = LANCZOS_TOL) -> Eigen:
    """a = λmax(H), H the Hessian of the mean of ``per_sample_loss`` over ``data`` at ``params``."""
    value, vector, residual, products = top_eigen(hessian_operator(per_sample_loss, params, data), seed, tol)
    return Eigen(value, value, residual, residual, vector, products)


def nonuniformity(per_sample_loss: Callable, params, data, seed=0, tol: float = LANCZOS_TOL) -> Eigen:
    """s = √λmax(Σ), Σ = (1/n) Σᵢ Hᵢ² − H²; ``error`` bounds |s − √λ_exact| from the residual r
    of λ: max(√(λ + r) − √λ, √λ − √max(λ − r, 0))."""
    value, vector, residual, products = top_eigen(sigma_operator(per_sample_loss, params, data), seed, tol)
    root = float(np.sqrt(max(value, 0.0)))
    error = max(np.sqrt(max(value, 0.0) + residual) - root, root - np.sqrt(max(value - residual, 0.0)))
    return Eigen(root, value, residual, float(error), vector, products)


def sharpness_and_nonuniformity(per_sample_loss: Callable, params, data, seed=0,
                                tol: float = LANCZOS_TOL) -> dict[str, Eigen]:
    """{"sharpness": a, "nonuniformity": s} of any per-sample loss at ``params`` over ``data``,
    each an :class:`Eigen` with its residual: the call for researchers' own models."""
    return {"sharpness": sharpness(per_sample_loss, params, data, seed, tol),
            "nonuniformity": nonuniformity(per_sample_loss, params, data, seed, tol)}


def preconditioned_sharpness(per_sample_loss: Callable, params, data, diagonal, seed=0,
                             tol: float = LANCZOS_TOL) -> Eigen:
    """λmax(D⁻¹H) for D = diag(``diagonal``) > 0, computed on D^{-1/2} H D^{-1/2} (same spectrum);
    ``vector`` is the unit eigenvector u of D⁻¹H, u ∝ D^{-1/2} v; the residual is the symmetric
    operator's."""
    w, loss = _flat(per_sample_loss, params)
    diagonal = np.asarray(diagonal, dtype=np.float64).ravel()
    if diagonal.shape != (w.size,) or not np.all(np.isfinite(diagonal) & (diagonal > 0)):
        raise ParameterError("diagonal", f"must be {w.size} positive finite numbers")
    scale = jnp.asarray(1 / np.sqrt(diagonal))
    operator = _operator(_hessian_product(loss, len(data)), w, data, scale)
    value, vector, residual, products = top_eigen(operator, seed, tol)
    u = np.asarray(scale) * vector
    return Eigen(value, value, residual, residual, u / np.linalg.norm(u), products)


def dense_hessian(per_sample_loss: Callable, params, data) -> np.ndarray:
    """H as a dense d×d array by ``jax.hessian`` (for cross-checks at small d)."""
    w, loss = _flat(per_sample_loss, params)
    return np.asarray(jax.hessian(mean_loss(loss, len(data)))(w, *[jnp.asarray(a) for a in data]))


def dense_sample_hessians(per_sample_loss: Callable, params, data) -> np.ndarray:
    """The n per-sample Hessians Hᵢ as an (n, d, d) array (for cross-checks at small n·d²)."""
    w, loss = _flat(per_sample_loss, params)
    each = jax.vmap(jax.hessian(loss), in_axes=(None,) + (0,) * len(data))
    return np.asarray(each(w, *[jnp.asarray(a) for a in data]))
