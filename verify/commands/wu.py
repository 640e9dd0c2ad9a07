"""`derive wu.thm1`: Wu, Ma & E's stability quantities for your own curvatures or Hessians.

With ``--curvatures a1,...,an`` (exact numbers, d = 1): sharpness a, non-uniformity s and the
largest η with E[(1-ηM)²] = (1-ηa)² + η² c_B s² ≤ 1, where Theorem 1 is necessary and sufficient.
With ``--hessians FILE.npy`` (an (n, d, d) array of symmetric PSD matrices) and ``--lr``: λmax of
(8)'s matrix, whether (9) holds, and the spectral radius of the exact second-moment map
T(P) = E[(I-ηM) P (I-ηM)] on symmetric matrices, which decides linear stability (Def. 2) exactly.
"""

from __future__ import annotations

import click
import mpmath
import numpy as np
import sympy as sp

from numerics.precision import check_dps, decimal, working_precision
from theory import wu
from theory.errors import ParameterError
from theory.numbers import parse_exact, parse_list

from ..derive import Derived
from ..inputs import read_hessians
from ..options import BATCH, NUMBER, dps_option, emit, json_option

#: largest dimension and work (n·d⁴ products) of the high-precision route
MAX_DIMENSION = 10
MAX_WORK = 2_000_000


def from_curvatures(text: str, batch: int, replace: bool, dps: int) -> Derived:
    """d = 1: a, s of §2 / Def. 3 and the largest stable η (``theory.wu.max_lr_one_dimension``)."""
    check_dps(dps)
    curvatures = parse_list(text, "curvatures")
    mean, variance = wu.curvature_statistics(curvatures)
    wu.check_batch(len(curvatures), batch, replace)
    lr_max = wu.max_lr_one_dimension(curvatures, batch, replace)
    values = {"sharpness": decimal(mean, dps), "nonuniformity": decimal(sp.sqrt(variance), dps),
              "max_lr": decimal(lr_max, dps)}
    notes = [f"batch factor c_B = {wu.batch_factor(len(curvatures), batch, replace)}; "
             "d = 1: stable iff 0 < η ≤ max_lr (Theorem 1 is necessary and sufficient here)"]
    params = {"curvatures": ",".join(str(v) for v in curvatures), "batch": str(batch), "replace": str(replace).lower()}
    return Derived("claim", "wu.thm1", params, dps, values, notes)


def load_hessians(path: str) -> np.ndarray:
    """The validated (n, d, d) Hessians of ``path``, within the limits of the high-precision route."""
    array = read_hessians(path)
    n_value, size = array.shape[0], array.shape[1]
    if size > MAX_DIMENSION or n_value * size**4 > MAX_WORK:
        raise ParameterError("hessians", f"n = {n_value}, d = {size} exceed the high-precision route "
                                         f"(d ≤ {MAX_DIMENSION}, n·d⁴ ≤ {MAX_WORK})")
    return array


def _symmetric_basis(size: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(size) for j in range(i, size)]


def _apply(matrix: mpmath.matrix, i: int, j: int) -> mpmath.matrix:
    """A E_ij A for symmetric A and the orthonormal E_ii = e_i e_iᵀ, E_ij = (e_i e_jᵀ + e_j e_iᵀ)/√2."""
    size = matrix.rows
    out = mpmath.matrix(size, size)
    weight = 1 if i == j else 1 / mpmath.sqrt(2)
    for r in range(size):
        for q in range(size):
            value = matrix[r, i] * matrix[q, j] + (matrix[r, j] * matrix[q, i] if i != j else 0)
            out[r, q] = value * weight
    return out


def _coordinates(matrix: mpmath.matrix, basis) -> list:
    return [matrix[i, i] if i == j else mpmath.sqrt(2) * matrix[i, j] for i, j in basis]


def _high_precision(array: np.ndarray, lr: sp.Expr, factor: sp.Expr, dps: int) -> dict:
    """λmax of (8)'s matrix, a, s², and ρ of T restricted to symmetric matrices (T preserves them,
    E‖x_t‖² depends only on them, and ρ is attained at a PSD eigenvector), in mpmath."""
    size = array.shape[1]
    lr_mp = mpmath.mpmathify(sp.N(lr, dps + 10))
    c_mp = mpmath.mpf(factor.p) / factor.q
    hessians = [mpmath.matrix(h.tolist()) for h in array]
    mean = sum(hessians[1:], hessians[0]) / len(hessians)
    square_mean = sum((h * h for h in hessians[1:]), hessians[0] * hessians[0]) / len(hessians)
    covariance = square_mean - mean * mean
    step = mpmath.eye(size) - lr_mp * mean
    condition_8 = step * step + lr_mp**2 * c_mp * covariance
    basis = _symmetric_basis(size)
    operator = mpmath.matrix(len(basis), len(basis))
    for column, (i, j) in enumerate(basis):
        noise = sum((_apply(h, i, j) for h in hessians[1:]), _apply(hessians[0], i, j)) / len(hessians)
        image = _apply(step, i, j) + lr_mp**2 * c_mp * (noise - _apply(mean, i, j))
        for row, value in enumerate(_coordinates(image, basis)):
            operator[row, column] = value
    symmetric = (operator + operator.T) / 2
    return {
        "lhs_8": max(mpmath.eigsy(condition_8, eigvals_only=True)),
        "sharpness": max(mpmath.eigsy(mean, eigvals_only=True)),
        "s_squared": max(mpmath.mpf(0), max(mpmath.eigsy(covariance, eigvals_only=True))),
        "spectral_radius": max(abs(v) for v in mpmath.eigsy(symmetric, eigvals_only=True)),
        "lr": lr_mp,
        "factor": c_mp,
    }


def _rational_hessians(array: np.ndarray) -> list[sp.Matrix]:
    return [sp.Matrix([[sp.Rational(float(v)) for v in row] for row in h]) for h in array]


def from_hessians(path: str, lr_text: str | None, batch: int, replace: bool, dps: int) -> Derived:
    """Theorem 1 / (8), (9) and the exact criterion at the user's Hessians; values within
    10^-(dps-5) of their threshold are decided in exact rational arithmetic instead."""
    check_dps(dps)
    if lr_text is None:
        raise ParameterError("lr", "--hessians needs --lr")
    lr = parse_exact(lr_text, "lr")
    if not lr.is_positive:
        raise ParameterError("lr", f"learning rate must be positive, got {lr}")
    array = load_hessians(path)
    wu.check_batch(array.shape[0], batch, replace)
    factor = wu.batch_factor(array.shape[0], batch, replace)
    with working_precision(dps):
        found = _high_precision(array, lr, factor, dps)
        close = mpmath.mpf(10) ** (-(dps - 5))
        stable = found["spectral_radius"] <= 1
        if abs(found["spectral_radius"] - 1) <= close:
            stable = wu.stable_exactly(wu.second_moment_operator(_rational_hessians(array), lr, batch, replace))
        lr_mp = found["lr"]
        rect_margins = [2 / lr_mp - found["sharpness"]]
        if factor != 0:
            rect_margins.append(1 - lr_mp**2 * found["factor"] * found["s_squared"])
        rect = all(m >= 0 for m in rect_margins)
        if any(abs(m) <= close for m in rect_margins):
            rect = wu.satisfies_rectangle_9(_rational_hessians(array), lr, batch, replace)
        values = {
            "lhs_8": decimal(found["lhs_8"], dps),
            "rect_9": bool(rect),
            "stable_exact": bool(stable),
            "spectral_radius": decimal(found["spectral_radius"], dps),
            "sharpness": decimal(found["sharpness"], dps),
            "nonuniformity": decimal(mpmath.sqrt(found["s_squared"]), dps),
        }
    notes = [f"n = {array.shape[0]}, d = {array.shape[1]}, batch factor c_B = {factor}",
             "(8) ≤ 1 is sufficient; stable_exact (ρ ≤ 1) is necessary and sufficient; (9) is necessary for (8) only"]
    params = {"hessians": path, "lr": str(lr), "batch": str(batch), "replace": str(replace).lower()}
    return Derived("claim", "wu.thm1", params, dps, values, notes)


def register(group: click.Group) -> None:
    @group.command("wu.thm1")
    @click.option("--curvatures", type=NUMBER, help="d = 1: exact curvatures a_1,...,a_n ≥ 0, e.g. 1/5,19/5")
    @click.option("--hessians", "hessians_path", help="an .npy file with an (n, d, d) array of symmetric PSD Hessians")
    @click.option("--lr", type=NUMBER, help="learning rate η > 0 (with --hessians)")
    @click.option("--batch", required=True, type=BATCH, help="batch size B (1 ≤ B ≤ n without replacement)")
    @click.option("--replace", is_flag=True, help="draw the batch with replacement (B independent draws)")
    @dps_option
    @json_option
    def derive_thm1(curvatures, hessians_path, lr, batch, replace, dps, as_json):
        """Theorem 1: with --curvatures, values sharpness, nonuniformity, max_lr; with --hessians and
        --lr, values lhs_8, rect_9, stable_exact, spectral_radius (and sharpness, nonuniformity)."""
        if (curvatures is None) == (hessians_path is None):
            raise ParameterError("curvatures", "give exactly one of --curvatures or --hessians")
        if curvatures is not None:
            if lr is not None:
                raise ParameterError("lr", "--lr goes with --hessians; --curvatures reports the largest stable η")
            emit(from_curvatures(curvatures, batch, replace, dps), as_json)
        else:
            emit(from_hessians(hessians_path, lr, batch, replace, dps), as_json)
