r"""Wu, Ma & E (NeurIPS 2018): linearised SGD at a global minimum, derived from the model.

§2: f(x) = (1/2n) Σ a_i x², i.e. sampled losses f_i = a_i x²/2 (the multiplicative model of
``theory.multiplicative`` with x ≡ a_i). §3.1 eq. (7): x ← x - (η/B) Σ_{j∈S} H_j x, the batch S
drawn uniformly without replacement (the paper) or as B independent uniform draws (Patel's
SGD-k). With M = (1/B) Σ_{j∈S} H_j the step is x ← (I - ηM) x, so everything rests on the first
two moments of M, which SymPy obtains here by counting batches:

* ``batch_moments``: E[M] = H and E[M∘M] - H∘H = c_B (Q - H∘H) for any bilinear associative
  product ∘ (matrix product for (8), Kronecker product for the second-moment operator), with
  H = (1/n) Σ H_i, Q = (1/n) Σ H_i∘H_i and c_B = (n-B)/(B(n-1)) or 1/B;
* eqs. (2)-(3) and the 1-D condition as E[(1 - ηM)^k], k = 1, 2; the largest stable η;
* the matrix of (8), the exact second-moment operator T(P) = E[(I-ηM) P (I-ηM)] (closed form and
  by enumerating every batch), exact PSD decisions; the rectangle (9); the toy losses of §2.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import sympy as sp

from . import multiplicative
from .errors import ParameterError

x = sp.Symbol("x", real=True)
eta = sp.Symbol("eta", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
B = sp.Symbol("B", positive=True, integer=True)
a = sp.Symbol("a", nonnegative=True)  # sharpness
s = sp.Symbol("s", nonnegative=True)  # non-uniformity
c = sp.Symbol("c", positive=True)  # coefficient of a toy component, min{x², c (x-1)²}

#: noncommutative stand-ins: the mean Hessian H, Q = (1/n) Σ H_i∘H_i, and a batch mean M
H_BAR, Q_BAR, M_BATCH = sp.symbols("H Q M", commutative=False)

#: most batches ``batches`` enumerates
MAX_BATCHES = 1 << 16


# --- batch moments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchMoments:
    """E[M] and E[M∘M] in terms of H and Q, and the factor c_B of E[M∘M] - H∘H = c_B (Q - H∘H)."""

    mean: sp.Expr
    second: sp.Expr
    factor: sp.Expr


@cache
def batch_moments(replace: bool) -> BatchMoments:
    """The first two moments of the batch mean M = (1/B) Σ_{j∈S} H_j, by counting batches.

    Without replacement S is uniform over the C(n, B) subsets: P(j ∈ S) = C(n-1, B-1)/C(n, B),
    P(j, k ∈ S) = C(n-2, B-2)/C(n, B) (j ≠ k). With replacement the B draws are independent and
    uniform: of the B² ordered pairs of draws, B coincide (E = Q) and B(B-1) are independent
    (E = H∘H). In both cases Σ_{j≠k} H_j∘H_k = (Σ_j H_j)∘(Σ_k H_k) - Σ_j H_j∘H_j = n² H∘H - n Q.
    """
    if replace:
        mean = H_BAR
        second = (B * Q_BAR + B * (B - 1) * H_BAR**2) / B**2
    else:
        subsets = sp.binomial(n, B)
        one = sp.combsimp(sp.binomial(n - 1, B - 1) / subsets)
        two = sp.combsimp(sp.binomial(n - 2, B - 2) / subsets)
        mean = sp.simplify(one * n / B) * H_BAR
        second = (one * n * Q_BAR + two * (n**2 * H_BAR**2 - n * Q_BAR)) / B**2
    covariance = sp.expand(second - H_BAR**2)
    factor = sp.factor(covariance.coeff(Q_BAR))
    if sp.simplify(covariance - factor * (Q_BAR - H_BAR**2)) != 0:
        raise AssertionError(f"covariance {covariance} is not proportional to Q - H²")
    return BatchMoments(sp.expand(mean), sp.expand(second), factor)


def batch_factor(n_value: int, batch: int, replace: bool) -> sp.Rational:
    """c_B at concrete n, B (without replacement and B = n, including n = 1: the batch is fixed, c = 0)."""
    n_value, batch = check_batch(n_value, batch, replace)
    if not replace and batch == n_value:
        return sp.Integer(0)
    return sp.Rational(batch_moments(replace).factor.subs({n: n_value, B: batch}))


def check_batch(n_value: int, batch: int, replace: bool) -> tuple[int, int]:
    """1 ≤ B ≤ n without replacement; B ≥ 1 (any number of draws) with replacement."""
    for name, value in (("n", n_value), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(name, f"must be an integer ≥ 1, got {value!r}")
    if not replace and batch > n_value:
        raise ParameterError("batch", f"a batch drawn without replacement needs B ≤ n = {n_value}, got {batch}")
    return n_value, batch


def _expect_polynomial(polynomial: sp.Expr, moments: dict[int, sp.Expr]) -> sp.Expr:
    """E[p(M)] for a polynomial p in the noncommutative M: each M^k becomes moments[k]."""
    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(polynomial)):
        commuting, noncommuting = term.args_cnc()
        base, power = noncommuting[0].as_base_exp() if noncommuting else (M_BATCH, 0)
        if len(noncommuting) > 1 or base != M_BATCH:
            raise AssertionError(f"unexpected term {term}")
        total += sp.Mul(*commuting) * moments[int(power)]
    return sp.expand(total)


def expected_square_update(replace: bool, factor: sp.Expr | None = None) -> sp.Expr:
    """E[(I - ηM)²] in terms of H, Q: the matrix whose λmax is the left side of (8).

    The update I - ηM is the derived factor 1 - ηM of the quadratic loss M x²/2 (one model with
    ``theory.multiplicative``), squared in the noncommutative algebra; E[M²] = H² + c_B (Q - H²)
    with c_B from ``batch_moments`` (or the given value of it, e.g. 0 when B = n)."""
    moments = batch_moments(replace)
    c_b = moments.factor if factor is None else factor
    update = multiplicative.update_factor(M_BATCH, eta)
    return _expect_polynomial(update**2, {0: sp.Integer(1), 1: moments.mean, 2: H_BAR**2 + c_b * (Q_BAR - H_BAR**2)})


# --- one dimension: eqs. (2), (3) and the 1-D condition --------------------------------------


@dataclass(frozen=True)
class OneDimensionalStep:
    """E[x_{t+1}]/x_t and E[x_{t+1}²]/x_t² for f = (1/2n) Σ a_i x², in the sharpness a = mean a_i
    and non-uniformity s = √(mean a_i² - a²) of §2."""

    first: sp.Expr
    second: sp.Expr


@cache
def one_dimensional_step(replace: bool) -> OneDimensionalStep:
    """E[(1 - ηM)^k], k = 1, 2, with H → a and Q → s² + a² (the definition of s) in the batch moments."""
    moments = batch_moments(replace)
    commuting = {H_BAR: a, Q_BAR: s**2 + a**2}
    scalar = {0: sp.Integer(1), 1: moments.mean.subs(commuting), 2: moments.second.subs(commuting)}
    factor = multiplicative.update_factor(M_BATCH, eta)
    first = _expect_polynomial(factor, scalar)
    second = _expect_polynomial(factor**2, scalar)
    return OneDimensionalStep(sp.factor(first), sp.simplify(second))


@cache
def largest_stable_lr(replace: bool) -> sp.Expr:
    """The positive root of E[(1 - ηM)²] = 1: 1-D SGD is stable exactly for 0 < η ≤ this (a > 0)."""
    second = one_dimensional_step(replace).second
    roots = [r for r in sp.solve(sp.Eq(second, 1), eta) if r != 0]
    if len(roots) != 1:
        raise AssertionError(f"expected one nonzero root, got {roots}")
    return sp.factor(roots[0])


def curvature_statistics(curvatures) -> tuple[sp.Expr, sp.Expr]:
    """(a, s²) of §2: the mean of the a_i and mean a_i² - a², exactly."""
    values = [sp.sympify(v) for v in curvatures]
    if not values:
        raise ParameterError("curvatures", "at least one curvature is needed")
    for value in values:
        if not (value.is_real and value.is_finite and value.is_nonnegative):
            raise ParameterError("curvatures", f"{value} is not a finite curvature ≥ 0 (Hessians are PSD at a global minimum)")
    count = len(values)
    mean = sp.Add(*values) / count
    variance = sp.expand(sp.Add(*(v**2 for v in values)) / count - mean**2)
    return sp.simplify(mean), sp.simplify(variance)


def max_lr_one_dimension(curvatures, batch: int, replace: bool) -> sp.Expr:
    """The largest η with E[(1 - ηM)²] ≤ 1 for the given a_i (sympy.oo when every a_i is 0)."""
    mean, variance = curvature_statistics(curvatures)
    factor = batch_factor(len(curvatures), batch, replace)
    if mean == 0:
        return sp.oo
    return sp.simplify(2 * mean / (mean**2 + factor * variance))


#: Σ = Q - H², the covariance of the per-sample Hessians (Def. 3), as a noncommutative symbol
SIGMA = sp.Symbol("Sigma", commutative=False)


def in_covariance(expression: sp.Expr) -> sp.Expr:
    """``expression`` in H and Σ instead of H and Q (Q = Σ + H²): the coefficient of each
    noncommutative monomial collected and factored."""
    coefficients: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(sp.expand(expression).subs(Q_BAR, H_BAR**2 + SIGMA))):
        commuting, noncommuting = term.args_cnc()
        key = sp.Mul(*noncommuting)
        coefficients[key] = coefficients.get(key, sp.Integer(0)) + sp.Mul(*commuting)
    return sp.Add(*(sp.factor(value) * key for key, value in coefficients.items()))


def step_moments_summary(replace: bool = False) -> dict[str, sp.Expr]:
    """§2's quantities, each derived from the batch moments: E[M], E[M²] - H² (in Σ), c_B, the step
    factors E[x_{t+1}]/x_t and E[x_{t+1}²]/x_t², their variance, the second at B = 1, and η_max."""
    moments = batch_moments(replace)
    step = one_dimensional_step(replace)
    return {
        "mean": moments.mean,
        "covariance": in_covariance(moments.second - H_BAR**2),
        "factor": moments.factor,
        "factor_with_replacement": batch_moments(True).factor,
        "first": step.first,
        "variance": sp.factor(step.second - step.first**2),
        "second_at_one": sp.simplify(step.second.subs(B, 1)),
        "largest_stable_lr": largest_stable_lr(replace),
    }


def noise_term_of_8(replace: bool = False) -> sp.Expr:
    """E[(I - ηM)²] - (I - ηH)², in H and Σ: the term (8) adds to gradient descent's."""
    return in_covariance(expected_square_update(replace) - multiplicative.update_factor(H_BAR, eta) ** 2)


# --- the rectangle (9) and the 1-D stable region -----------------------------------------------


@dataclass(frozen=True)
class Rectangle:
    """(9): 0 ≤ a ≤ sharpness_max, 0 ≤ s ≤ nonuniformity_max, in terms of η and c_B."""

    sharpness_max: sp.Expr
    nonuniformity_max: sp.Expr


@cache
def rectangle() -> Rectangle:
    """Each term of (8) ≤ 1 on its own: λmax((I-ηH)²) = max (1-ηλ_i)² ≤ 1 for the eigenvalues
    λ_i ≥ 0 of H, and η² c λmax(Σ) = η² c s² ≤ 1, solved for a and s."""
    step = sp.Symbol("u", real=True)  # u = ηλ for an eigenvalue λ of H
    region = sp.solve_univariate_inequality((1 - step) ** 2 <= 1, step, relational=False)
    s_max = [r for r in sp.solve(sp.Eq(eta**2 * c * s**2, 1), s) if r.is_positive]
    if region != sp.Interval(0, region.sup) or len(s_max) != 1:
        raise AssertionError(f"unexpected region {region}, {s_max}")
    return Rectangle(region.sup / eta, s_max[0])


def nonuniformity_bound(replace: bool = False) -> sp.Expr:
    """(9)'s bound on s with c = c_B substituted: (1/η)√(B(n-1)/(n-B)) without replacement."""
    return sp.simplify(rectangle().nonuniformity_max.subs(c, batch_moments(replace).factor))


def small_batch_bound(replace: bool = False) -> sp.Expr:
    """The bound on s as n → ∞ (B ≪ n): √B/η."""
    return sp.limit(nonuniformity_bound(replace), n, sp.oo)


def rectangle_at(lr, batch: int, n_value: int, replace: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """(a_max, s_max) of (9) at concrete η, B, n (s_max = oo when c_B = 0)."""
    factor = batch_factor(n_value, batch, replace)
    box = rectangle()
    s_max = sp.oo if factor == 0 else sp.simplify(box.nonuniformity_max.subs({eta: lr, c: factor}))
    return box.sharpness_max.subs(eta, lr), s_max


def one_dimensional_second_moment(curvatures, lr, batch: int, replace: bool = False) -> sp.Expr:
    """E[x_{t+1}²]/x_t² for the given a_i at η = lr (``one_dimensional_step`` at their a, s, n, B)."""
    mean, variance = curvature_statistics(curvatures)
    check_batch(len(curvatures), batch, replace)
    return sp.simplify(one_dimensional_step(replace).second.subs(
        {eta: lr, a: mean, s: sp.sqrt(variance), n: len(curvatures), B: batch}))


def gd_largest_stable_lr() -> sp.Expr:
    """Gradient descent (s = 0): stable exactly for η ≤ this, 2/a."""
    return sp.simplify(largest_stable_lr(False).subs(s, 0))


@cache
def one_dimensional_region_fraction() -> sp.Expr:
    """Area of the exact 1-D stable set {(1-ηa)² + η² c s² ≤ 1, s ≥ 0} over the area of (9)."""
    box = rectangle()
    s_edge = sp.sqrt((1 - (1 - eta * a) ** 2) / (eta**2 * c))
    area = sp.integrate(s_edge, (a, 0, box.sharpness_max))
    return sp.simplify(area / (box.sharpness_max * box.nonuniformity_max))


# --- exact matrices --------------------------------------------------------------------------


def exact_hessians(hessians) -> tuple[sp.Matrix, ...]:
    """Exact symmetric square matrices of one size (SymPy numbers)."""
    matrices = tuple(sp.Matrix(h) for h in hessians)
    if not matrices:
        raise ParameterError("hessians", "at least one Hessian is needed")
    size = matrices[0].shape
    for matrix in matrices:
        if matrix.shape != size or size[0] != size[1] or size[0] < 1:
            raise ParameterError("hessians", f"expected square matrices of one size, got {matrix.shape}")
        if matrix != matrix.T:
            raise ParameterError("hessians", "Hessians must be symmetric")
        if not matrix.is_positive_semidefinite:
            raise ParameterError("hessians", "Hessians must be positive semidefinite at a global minimum")
    return matrices


def _mean(matrices) -> sp.Matrix:
    return sp.Add(*matrices) / len(matrices) if len(matrices) > 1 else matrices[0]


def mean_hessian(hessians) -> sp.Matrix:
    """H = (1/n) Σ H_i (Def. 3)."""
    return _mean(exact_hessians(hessians))


def hessian_covariance(hessians) -> sp.Matrix:
    """Σ = (1/n) Σ H_i² - H² (Def. 3)."""
    matrices = exact_hessians(hessians)
    mean = _mean(matrices)
    return _mean([h * h for h in matrices]) - mean * mean


def largest_eigenvalue(matrix: sp.Matrix) -> sp.Expr:
    """λmax of a rational symmetric matrix, as an exact real algebraic number (all roots are real)."""
    return max(matrix.charpoly().real_roots())


def sharpness(hessians) -> sp.Expr:
    """a = λmax(H) (Def. 3)."""
    return largest_eigenvalue(mean_hessian(hessians))


def nonuniformity(hessians) -> sp.Expr:
    """s = λmax(Σ^{1/2}) = √λmax(Σ) (Def. 3; Σ is PSD, the covariance of H_ξ)."""
    return sp.sqrt(largest_eigenvalue(hessian_covariance(hessians)))


def _substitute(expression: sp.Expr, values: dict, identity: sp.Matrix, product) -> sp.Matrix:
    """Evaluate a polynomial in H, Q (noncommutative) with matrices and the given product."""
    total = sp.zeros(*identity.shape)
    for term in sp.Add.make_args(sp.expand(expression)):
        commuting, noncommuting = term.args_cnc()
        value = identity
        for factor in noncommuting:
            base, power = factor.as_base_exp()
            for _ in range(int(power)):
                value = values[base] if value is identity else product(value, values[base])
        total += sp.Mul(*commuting) * value
    return total


def matrix_polynomial(expression: sp.Expr, hessians, lr, batch: int) -> sp.Matrix:
    """A polynomial in H, Q (noncommutative, coefficients in η, n, B) at concrete Hessians: η = lr,
    n = the number of Hessians, B = batch, H = (1/n) Σ H_i, Q = (1/n) Σ H_i² — e.g. a printed form
    of the matrix of (8), evaluated the way ``condition_8_matrix`` evaluates the derived one."""
    matrices = exact_hessians(hessians)
    size = matrices[0].shape[0]
    coefficients = sp.expand(expression).subs({eta: lr, n: len(matrices), B: batch})
    values = {H_BAR: _mean(matrices), Q_BAR: _mean([h * h for h in matrices])}
    return _substitute(coefficients, values, sp.eye(size), lambda u, v: u * v)


def condition_8_matrix(hessians, lr, batch: int, replace: bool = False) -> sp.Matrix:
    """E[(I - ηM)²] = (I - ηH)² + η² c_B Σ, from ``expected_square_update`` at concrete matrices."""
    matrices = exact_hessians(hessians)
    size = matrices[0].shape[0]
    factor = batch_factor(len(matrices), batch, replace)
    expression = expected_square_update(replace, factor).subs(eta, lr)
    values = {H_BAR: _mean(matrices), Q_BAR: _mean([h * h for h in matrices])}
    return _substitute(expression, values, sp.eye(size), lambda u, v: u * v)


def second_moment_operator(hessians, lr, batch: int, replace: bool = False) -> sp.Matrix:
    """The d²×d² matrix of T(P) = E[(I-ηM) P (I-ηM)] on row-major vec(P):
    E[A⊗A] = (I-ηH)⊗(I-ηH) + η² c_B ((1/n) Σ H_i⊗H_i - H⊗H), by the same moments with ∘ = ⊗."""
    matrices = exact_hessians(hessians)
    size = matrices[0].shape[0]
    kron = sp.kronecker_product
    mean = _mean(matrices)
    factor = batch_factor(len(matrices), batch, replace)
    step = sp.eye(size) - lr * mean
    covariance = _mean([kron(h, h) for h in matrices]) - kron(mean, mean)
    return kron(step, step) + lr**2 * factor * covariance


def batch_count(n_value: int, batch: int, replace: bool, limit: int = MAX_BATCHES) -> int:
    """C(n, B), or n^B with replacement, or any number above ``limit`` when it exceeds it (n^B for
    B = 10^9 is never formed: n ≥ 2 gives n^B ≥ 2^B)."""
    n_value, batch = check_batch(n_value, batch, replace)
    if replace:
        return 1 if n_value == 1 else (n_value**batch if batch <= limit.bit_length() else limit + 1)
    return int(sp.binomial(n_value, batch))


def batches(n_value: int, batch: int, replace: bool) -> list[tuple[int, ...]]:
    """Every equally likely batch: the C(n, B) subsets, or the n^B ordered draws with replacement."""
    count = batch_count(n_value, batch, replace)
    if count > MAX_BATCHES:
        raise ParameterError("batch", f"{count} batches exceed the enumeration limit {MAX_BATCHES}")
    source = itertools.product(range(n_value), repeat=batch) if replace else itertools.combinations(range(n_value), batch)
    return list(source)


def enumerated_moments(hessians, lr, batch: int, replace: bool = False) -> tuple[sp.Matrix, sp.Matrix]:
    """(E[(I-ηM)²], E[(I-ηM)⊗(I-ηM)]) by exact enumeration of every batch (rational arithmetic)."""
    matrices = exact_hessians(hessians)
    size = matrices[0].shape[0]
    chosen = batches(len(matrices), batch, replace)
    square, operator = sp.zeros(size, size), sp.zeros(size**2, size**2)
    for indices in chosen:
        step = sp.eye(size) - lr * sp.Add(*(matrices[i] for i in indices)) / batch
        square += step * step
        operator += sp.kronecker_product(step, step)
    return square / len(chosen), operator / len(chosen)


def is_psd(matrix: sp.Matrix) -> bool:
    """Exact decision for an exact symmetric matrix (pivoted LDLᵀ in rational arithmetic)."""
    verdict = matrix.is_positive_semidefinite
    if verdict is None:
        raise AssertionError("undecidable positive semidefiniteness")
    return bool(verdict)


def stable_exactly(operator: sp.Matrix) -> bool:
    """ρ(T) ≤ 1 for the symmetric matrix of T: all eigenvalues in [-1, 1], i.e. I ∓ T ⪰ 0.

    T is self-adjoint in the Frobenius product (A symmetric), hence diagonalisable: E‖x_t‖² stays
    bounded for every x_0 (Def. 2, (6)) exactly when ρ(T) ≤ 1."""
    identity = sp.eye(operator.shape[0])
    return is_psd(identity - operator) and is_psd(identity + operator)


def satisfies_condition_8(hessians, lr, batch: int, replace: bool = False) -> bool:
    """λmax(E[(I-ηM)²]) ≤ 1, i.e. I - E[(I-ηM)²] ⪰ 0, exactly."""
    square = condition_8_matrix(hessians, lr, batch, replace)
    return is_psd(sp.eye(square.shape[0]) - square)


def satisfies_rectangle_9(hessians, lr, batch: int, replace: bool = False) -> bool:
    """(9): a ≤ 2/η (a ≥ 0 holds for PSD H_i) and η² c_B s² ≤ 1, exactly (c_B = 0: no bound on s)."""
    matrices = exact_hessians(hessians)
    size = matrices[0].shape[0]
    factor = batch_factor(len(matrices), batch, replace)
    box = rectangle()
    sharp_ok = is_psd(box.sharpness_max.subs(eta, lr) * sp.eye(size) - _mean(matrices))
    if factor == 0:
        return sharp_ok
    bound_squared = (box.nonuniformity_max**2).subs({eta: lr, c: factor})
    return sharp_ok and is_psd(bound_squared * sp.eye(size) - hessian_covariance(matrices))


# --- the toy example of §2 -------------------------------------------------------------------

#: f_1 = min{x², 0.1 (x-1)²}, f_2 = min{x², 1.9 (x-1)²}, each drawn with probability 1/2
TOY_COEFFICIENTS = (sp.Rational(1, 10), sp.Rational(19, 10))


def toy_component(coefficient: sp.Expr = c) -> sp.Expr:
    """f_i(x) = min{x², c_i (x-1)²} as written in §2."""
    return sp.Min(x**2, coefficient * (x - 1) ** 2)


def toy_loss() -> sp.Expr:
    """f = (f_1 + f_2)/2."""
    return sp.Add(*(toy_component(k) for k in TOY_COEFFICIENTS)) / len(TOY_COEFFICIENTS)


def toy_minima() -> list[sp.Expr]:
    """The global minima: the common zeros of f_1 and f_2 (min{u, v} = 0 ⇔ u v = 0 for u, v ≥ 0)."""
    zeros = [set(sp.solve(sp.Eq(sp.Mul(x**2, k * (x - 1) ** 2), 0), x)) for k in TOY_COEFFICIENTS]
    return sorted(set.intersection(*zeros))


def toy_curvatures(point: sp.Expr) -> tuple[sp.Expr, ...]:
    """f_i''(point) for each component, from the branch of the min active at the point."""
    return tuple(sp.diff(toy_component(k).rewrite(sp.Piecewise), x, 2).subs(x, point) for k in TOY_COEFFICIENTS)


@dataclass(frozen=True)
class ToyEscape:
    """Why the loss bursts when SGD leaves x = 1 (Fig. 2, right), at one learning rate.

    Around 1 every component is on its c_i (x-1)² branch (``basin``), where one step of component i
    multiplies d = x - 1 by ``factors[i]`` and f = ``loss_coefficient`` · d². A run that leaves the
    basin does so in one step from a d in ``exit_set``; so its loss passes through at least
    ``loss_floor`` on the way out, whatever its start inside the basin.
    """

    basin: sp.Set
    factors: tuple[sp.Expr, ...]
    gd_factor: sp.Expr
    loss_coefficient: sp.Expr
    exit_set: sp.Set
    loss_floor: sp.Expr


@cache
def toy_escape(lr: sp.Expr) -> ToyEscape:
    """The escape from x = 1 of §2's toy derived at η = ``lr``: the basin, the steps on d = x - 1 and
    the least loss an escaping run passes through (Fig. 2's burst)."""
    d = sp.Symbol("d", real=True)
    branches = [sp.solveset(k * (x - 1) ** 2 - x**2 <= 0, x, sp.S.Reals) for k in TOY_COEFFICIENTS]
    around = sp.Intersection(*branches)
    basin = next(part for part in (around.args if isinstance(around, sp.Union) else (around,)) if part.contains(1))
    low, high = basin.inf - 1, basin.sup - 1
    factors = tuple(sp.simplify((x - lr * sp.diff(k * (x - 1) ** 2, x) - 1) / (x - 1)) for k in TOY_COEFFICIENTS)
    coefficient = sp.simplify(sp.Add(*(k * (x - 1) ** 2 for k in TOY_COEFFICIENTS)) / len(TOY_COEFFICIENTS) / (x - 1) ** 2)
    inside = sp.Interval.open(low, high)
    exit_set = sp.Union(*(sp.solveset(condition, d, inside) for f in factors
                          for condition in (f * d - low <= 0, f * d - high >= 0)))
    floor = coefficient * sp.Min(*(point**2 for point in exit_set.boundary)) if exit_set != sp.S.EmptySet else sp.oo
    gd_factor = sp.simplify((x - lr * sp.diff(toy_loss().rewrite(sp.Piecewise), x) - 1) / (x - 1)).subs(x, 1)
    return ToyEscape(basin, factors, sp.nsimplify(gd_factor), coefficient, exit_set, sp.radsimp(floor))
