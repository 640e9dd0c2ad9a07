r"""Patel (arXiv 1709.04718v2): the stochastic quadratic problem, SGD-k on it, and the two
nonconvex test problems, as SymPy models.

Problem 3.1 with a finite law: (Q, r) = (Q_i, r_i) with probability p_i, exact rationals.
Everything below is derived from that model:

* A = E[Q], its nonzero eigenvalues λ_1 ≥ … ≥ λ_m > 0 and M = E[Q A Q] - A³ (Table 1);
* t_Q, s_Q of eqs. (4)-(5): the sup and inf of v'Mv / v'Av over v with v'Av ≠ 0, i.e. the
  extreme generalised eigenvalues of the pencil (M, A) on range(A) (null(A) ⊂ null(M), so
  the quotient only sees the range(A) part of v);
* E[e_{N+1} | θ_N] of SGD-k (Lemma 3.6) by exact expectation over a batch of k i.i.d. draws;
* the exact one-step thresholds: the step sizes at which the part of E[e_{N+1} | θ_N] - e_N
  that is quadratic in θ_N - θ* turns negative (resp. positive) definite on range(A);
* the step-size bounds that Lemma 3.7 (Thm 3.8) and Lemmas 3.10-3.11 (Thm 3.12) give, as a
  minimum / maximum over all eigenvalues; the printed case rules, eqs. (18)-(20) and (34)-(36),
  are transcribed in verify/claims/patel.py and compared with these;
* gradient descent on ½(θ-θ*)'Q(θ-θ*) (Thm 2.1);
* the quadratic-circle pieces (App. A, (A1)-(A2)) and the Styblinski–Tang term (eq. (54)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import sympy as sp

from .errors import ParameterError

C = sp.Symbol("C", real=True)  # the step size C_{N+1}
k = sp.Symbol("k", positive=True)  # the batch size; k → ∞ is gradient descent
mu = sp.Symbol("mu", real=True)  # a generalised eigenvalue
lam = sp.Symbol("lambda", positive=True)  # an eigenvalue of E[Q]
gamma = sp.Symbol("gamma", positive=True)  # Thm 3.12's γ
_t = sp.Symbol("t")

#: exact work is refused beyond these sizes (characteristic polynomials, pseudo-inverses)
MAX_DIMENSION = 8
MAX_ATOMS = 64


# --- the finite law and its moments ------------------------------------------------------------


@dataclass(frozen=True)
class QuadraticLaw:
    """Atoms (Q_i, b_i) with probabilities p_i, where b_i = Q_i θ* + r_i is the gradient of the
    i-th sampled objective at θ*; E[b] = 0 because θ* solves (1). No validation: the entries may
    be symbols (for identities that hold for every law)."""

    Q: tuple[sp.Matrix, ...]
    b: tuple[sp.Matrix, ...]
    probs: tuple[sp.Expr, ...]

    def expectation(self, f):
        """E[f(Q, b)] = Σ_i p_i f(Q_i, b_i)."""
        terms = [p * f(Q, b) for Q, b, p in zip(self.Q, self.b, self.probs)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    @cached_property
    def mean_Q(self) -> sp.Matrix:
        return sp.Matrix(self.expectation(lambda Q, b: Q)).applyfunc(sp.expand)

    @cached_property
    def curvature_excess(self) -> sp.Matrix:
        """M = E[Q E[Q] Q] - E[Q]³ (Table 1)."""
        A = self.mean_Q
        return (self.expectation(lambda Q, b: Q * A * Q) - A**3).applyfunc(sp.expand)

    @cached_property
    def cross_moment(self) -> sp.Matrix:
        """E[Q E[Q] (Qθ* + r)], the vector of the cross term of eq. (9)."""
        A = self.mean_Q
        return sp.Matrix(self.expectation(lambda Q, b: Q * A * b)).applyfunc(sp.expand)

    @cached_property
    def offset_energy(self) -> sp.Expr:
        """E[(Qθ* + r)' E[Q] (Qθ* + r)], the constant term of eq. (9)."""
        A = self.mean_Q
        return sp.expand(self.expectation(lambda Q, b: (b.T * A * b)[0, 0]))


def generic_law(dimension: int, atoms: int) -> QuadraticLaw:
    """A law with symbolic symmetric Q_i, symbolic probabilities summing to one, and offsets
    b_i = c_i - Σ_j p_j c_j for free symbolic c_i (the general solution of E[b] = 0, polynomial)."""
    probs = [sp.Symbol(f"p{i}", positive=True) for i in range(atoms - 1)]
    probs.append(1 - sum(probs))
    Qs = []
    for i in range(atoms):
        entries = {}
        for row in range(dimension):
            for col in range(row, dimension):
                entries[row, col] = entries[col, row] = sp.Symbol(f"q{i}_{row}{col}", real=True)
        Qs.append(sp.Matrix(dimension, dimension, lambda r, c: entries[r, c]))
    free = [sp.Matrix([sp.Symbol(f"c{i}_{row}", real=True) for row in range(dimension)]) for i in range(atoms)]
    centre = sum((p * c for p, c in zip(probs, free)), sp.zeros(dimension, 1))
    return QuadraticLaw(tuple(Qs), tuple((c - centre).applyfunc(sp.expand) for c in free), tuple(probs))


def displacement(dimension: int) -> sp.Matrix:
    """d = θ_N - θ* as a column of symbols."""
    return sp.Matrix([sp.Symbol(f"d{i}", real=True) for i in range(dimension)])


# --- Problem 3.1 with exact rational data ------------------------------------------------------


def _rational_matrix(parameter: str, value, rows: int, cols: int) -> sp.ImmutableMatrix:
    matrix = sp.ImmutableMatrix(value)
    if matrix.shape != (rows, cols):
        raise ParameterError(parameter, f"expected shape {(rows, cols)}, got {matrix.shape}")
    if not all(entry.is_Rational for entry in matrix):
        raise ParameterError(parameter, "entries must be exact rational numbers")
    return matrix


def is_positive_semidefinite(matrix: sp.Matrix) -> bool:
    """A symmetric S is PSD iff the coefficients of det(tI - S) alternate in sign (weakly):
    its roots are real, and p(-t) ≠ 0 for t > 0 exactly when no root is negative."""
    coeffs = matrix.charpoly(_t).all_coeffs()
    return all((-1) ** i * c >= 0 for i, c in enumerate(coeffs))


@dataclass(frozen=True)
class StochasticQuadratic:
    """Problem 3.1: Q_i symmetric PSD, r_i ∈ col(Q_i), with exact rational entries and exact
    probabilities p_i > 0 summing to 1."""

    Q: tuple[sp.ImmutableMatrix, ...]
    r: tuple[sp.ImmutableMatrix, ...]
    probs: tuple[sp.Expr, ...]

    def __post_init__(self):
        atoms = len(self.Q)
        if atoms == 0 or atoms > MAX_ATOMS:
            raise ParameterError("Q", f"need 1 to {MAX_ATOMS} atoms, got {atoms}")
        if len(self.r) != atoms or len(self.probs) != atoms:
            raise ParameterError("r", f"{len(self.r)} vectors r and {len(self.probs)} probabilities for {atoms} matrices Q")
        p = sp.ImmutableMatrix(self.Q[0]).shape[0]
        if not 1 <= p <= MAX_DIMENSION:
            raise ParameterError("Q", f"dimension must lie in [1, {MAX_DIMENSION}], got {p}")
        Qs = tuple(_rational_matrix("Q", Q, p, p) for Q in self.Q)
        rs = tuple(_rational_matrix("r", r, p, 1) for r in self.r)
        for index, (Q, r) in enumerate(zip(Qs, rs)):
            if Q != Q.T:
                raise ParameterError("Q", f"Q[{index}] is not symmetric")
            if not is_positive_semidefinite(Q):
                raise ParameterError("Q", f"Q[{index}] is not positive semidefinite")
            if sp.Matrix.hstack(Q, r).rank() != Q.rank():
                raise ParameterError("r", f"r[{index}] is not in the image of Q[{index}]")
        probs = tuple(sp.sympify(q) for q in self.probs)
        if not all(q.is_Rational and q > 0 for q in probs):
            raise ParameterError("probs", "probabilities must be exact positive rationals")
        if sum(probs) != 1:
            raise ParameterError("probs", f"probabilities sum to {sum(probs)}, not exactly 1")
        if all(Q.is_zero_matrix for Q in Qs):
            raise ParameterError("Q", "Q must be a nonzero random matrix (Problem 3.1)")
        object.__setattr__(self, "Q", Qs)
        object.__setattr__(self, "r", rs)
        object.__setattr__(self, "probs", probs)

    @classmethod
    def of(cls, Q, r, probs) -> "StochasticQuadratic":
        """From nested lists of ints, Rationals or exact strings."""
        return cls(
            tuple(sp.ImmutableMatrix(q).applyfunc(sp.Rational) for q in Q),
            tuple(sp.ImmutableMatrix(v).applyfunc(sp.Rational) for v in r),
            tuple(sp.Rational(q) for q in probs),
        )

    @property
    def dimension(self) -> int:
        return self.Q[0].shape[0]

    @cached_property
    def mean_Q(self) -> sp.Matrix:
        return sp.Matrix(sum((q * Q for Q, q in zip(self.Q, self.probs)), sp.zeros(self.dimension)))

    @cached_property
    def minimizer(self) -> sp.Matrix:
        """The minimum-norm θ* of (1): E[Q]θ* = -E[r] (Lemma 3.2); E[r] ∈ range(E[Q])."""
        mean_r = sum((q * r for r, q in zip(self.r, self.probs)), sp.zeros(self.dimension, 1))
        return -self.mean_Q.pinv() * mean_r

    @cached_property
    def law(self) -> QuadraticLaw:
        theta = self.minimizer
        offsets = tuple(sp.Matrix(Q * theta + r) for Q, r in zip(self.Q, self.r))
        return QuadraticLaw(tuple(sp.Matrix(Q) for Q in self.Q), offsets, self.probs)

    @property
    def homogeneous(self) -> bool:
        """Def. 3.4: θ* minimises every ½θ'Q_iθ + r_i'θ, i.e. Q_iθ* + r_i = 0 for every atom
        (the same for every solution θ*, since null(E[Q]) ⊂ null(Q_i))."""
        return all(b.is_zero_matrix for b in self.law.b)

    @cached_property
    def range_basis(self) -> sp.Matrix:
        """A rational basis of range(E[Q]) as the columns of a p × m matrix."""
        return sp.Matrix.hstack(*self.mean_Q.columnspace())

    @cached_property
    def eigenvalues(self) -> tuple[sp.Expr, ...]:
        """λ_1 ≥ … ≥ λ_m > 0: the nonzero eigenvalues of E[Q] with multiplicity (exact roots)."""
        roots = sp.Poly(self.mean_Q.charpoly(_t).as_expr(), _t).all_roots()
        return tuple(sorted((root for root in roots if root != 0), key=lambda root: -root.evalf(30)))

    @cached_property
    def curvature_range(self) -> tuple[sp.Expr, sp.Expr]:
        """(t_Q, s_Q), eqs. (4)-(5)."""
        roots = restricted_pencil_roots(self.law.curvature_excess, self.mean_Q, self.range_basis)
        return roots[-1], roots[0]

    @property
    def t_Q(self) -> sp.Expr:
        return self.curvature_range[0]

    @property
    def s_Q(self) -> sp.Expr:
        return self.curvature_range[1]


def probability_constant(problem: StochasticQuadratic) -> sp.Expr:
    """P[Q = E[Q]]."""
    return sum((q for Q, q in zip(problem.Q, problem.probs) if sp.Matrix(Q) == problem.mean_Q), sp.Integer(0))


def curvature_vanishes(problem: StochasticQuadratic) -> bool:
    """s_Q = 0 ⇔ the restricted pencil (B'MB, B'E[Q]B) has the root 0 ⇔ det(B'MB) = 0 (exact)."""
    B = problem.range_basis
    return (B.T * problem.law.curvature_excess * B).det() == 0


def has_constant_direction(problem: StochasticQuadratic) -> bool:
    """Whether some v with E[Q]v ≠ 0 has Q_i v = E[Q]v for every atom: v'Mv = Σ_i p_i
    ‖E[Q]^{1/2}(Q_i - E[Q])v‖², and (Q_i - E[Q])v lies in range(E[Q]), so v'Mv = 0 exactly for
    such v. The corrected Lemma 3.3(3): s_Q > 0 iff there is none."""
    A = problem.mean_Q
    stacked = sp.Matrix.vstack(*[sp.Matrix(Q) - A for Q in problem.Q])
    return any(not (A * v).is_zero_matrix for v in stacked.nullspace())


def restricted_pencil_roots(top: sp.Matrix, bottom: sp.Matrix, basis: sp.Matrix) -> tuple[sp.Expr, ...]:
    """Roots of det(B'·top·B - μ B'·bottom·B) in increasing order: the values of the quotient
    v'·top·v / v'·bottom·v at its stationary points v ∈ col(B) (B'·bottom·B ≻ 0)."""
    restricted_top, restricted_bottom = basis.T * top * basis, basis.T * bottom * basis
    # det(T − μB) = det(B)·det(B⁻¹T − μI) with B ≻ 0: the same roots as the characteristic polynomial
    # of B⁻¹T, which SymPy computes over the rationals (the determinant of T − μB with a symbolic μ
    # expanded to millions of terms at p = 8)
    roots = (restricted_bottom.inv() * restricted_top).charpoly(mu).all_roots()
    return tuple(sorted(roots, key=lambda root: root.evalf(30)))


# --- SGD-k on the quadratic problem (Def. 3.5, Lemma 3.6) --------------------------------------


def curvature_pencil_determinant(problem: StochasticQuadratic) -> sp.Expr:
    """det(B'MB - μB'AB) for the basis B of range(A), factored: its roots in μ are the curvature
    quotients v'Mv / v'Av, the extremes t_Q and s_Q."""
    B = problem.range_basis
    return sp.factor((B.T * problem.law.curvature_excess * B - mu * B.T * problem.mean_Q * B).det())


def sgd_k_step(theta: sp.Matrix, batch: Sequence[tuple[sp.Matrix, sp.Matrix]], step: sp.Expr) -> sp.Matrix:
    """θ_{N+1} = θ_N - (C/k) Σ_j (Q_j θ_N + r_j) over the k draws (Q_j, r_j) of one batch (eq. (8)).

    Eq. (8) prints the batch as j = Nk + 1, …, N(k + 1), which has N terms; the k draws
    j = Nk + 1, …, (N + 1)k are meant (Def. 3.5 says 'batch size of k')."""
    gradient = sum((Q * theta + r for Q, r in batch), sp.zeros(theta.shape[0], 1))
    return theta - step / len(batch) * gradient


def error(mean_Q: sp.Matrix, d: sp.Matrix, power: int = 1) -> sp.Expr:
    """e_{N,l} = (θ_N - θ*)' E[Q]^l (θ_N - θ*) (Table 1); e_N for l = 1."""
    return sp.expand((d.T * mean_Q**power * d)[0, 0])


def one_step_expectation(law: QuadraticLaw, d: sp.Matrix, step: sp.Expr = C, batch: sp.Expr = k) -> sp.Expr:
    """E[e_{N+1} | θ_N] for θ_N = θ* + d (Lemma 3.6), by expectation over a batch of k i.i.d. draws.

    One draw gives the sampled gradient X = Qθ_N + r = Q d + b; the batch mean G = (1/k) Σ_j X_j
    gives d_{N+1} = d - C G. Then E[G] = E[X], and Σ_{i,j} E[X_i' A X_j] has k diagonal pairs
    E[X'AX] and k(k - 1) independent off-diagonal pairs E[X]' A E[X]. ``batch = oo`` is the
    limit k → ∞ (gradient descent).
    """
    A = law.mean_Q
    mean = sp.Matrix(law.expectation(lambda Q, b: Q * d + b))
    diagonal = law.expectation(lambda Q, b: ((Q * d + b).T * A * (Q * d + b))[0, 0])
    off_diagonal = (mean.T * A * mean)[0, 0]
    if batch == sp.oo:
        second = off_diagonal
    else:
        second = (batch * diagonal + batch * (batch - 1) * off_diagonal) / batch**2
    return sp.expand(error(A, d) - 2 * step * (d.T * A * mean)[0, 0] + step**2 * second)


def second_moment_step(law: QuadraticLaw, moment: sp.Matrix, step: sp.Expr, batch: sp.Expr) -> sp.Matrix:
    """E[d_{N+1} d_{N+1}'] from S = E[d_N d_N'] for a homogeneous law (b = 0): with G = Ĝ d_N and
    Ĝ the batch mean of k draws of Q, E[ĜSĜ] = (E[QSQ] + (k - 1) A S A)/k by the same pair
    splitting as ``one_step_expectation``; so S' = S - C(AS + SA) + C² E[ĜSĜ]."""
    A = law.mean_Q
    diagonal = law.expectation(lambda Q, b: Q * moment * Q)
    off_diagonal = A * moment * A
    second = off_diagonal if batch == sp.oo else (diagonal + (batch - 1) * off_diagonal) / batch
    return (moment - step * (A * moment + moment * A) + step**2 * second).applyfunc(sp.expand)


def quadratic_objective(dimension: int):
    """The sampled objective ½θ'Qθ + r'θ of Problem 3.1 with symbolic θ, Q (symmetric) and r:
    returns (objective, θ symbols, data symbols), data = upper-triangular Q entries then r."""
    theta = [sp.Symbol(f"theta{i}", real=True) for i in range(dimension)]
    entries = {}
    for row in range(dimension):
        for col in range(row, dimension):
            entries[row, col] = entries[col, row] = sp.Symbol(f"Q{row}{col}", real=True)
    r = [sp.Symbol(f"r{i}", real=True) for i in range(dimension)]
    Q = sp.Matrix(dimension, dimension, lambda a, b: entries[a, b])
    vector = sp.Matrix(theta)
    objective = (vector.T * Q * vector)[0, 0] / 2 + sum(ri * ti for ri, ti in zip(r, theta))
    data = [entries[row, col] for row in range(dimension) for col in range(row, dimension)] + r
    return objective, theta, data


@dataclass(frozen=True)
class OneStepPencil:
    """The part of E[e_{N+1} | θ_N] - e_N quadratic in d is d'(-2C·first + C²·second)d."""

    first: sp.Matrix
    second: sp.Matrix


@cache
def _symbolic_pencil(problem: StochasticQuadratic) -> OneStepPencil:
    """Read off from the derived one-step expectation (symbolic k): ½ ∂²/∂d² of E[e_{N+1} | θ_N] - e_N."""
    d = displacement(problem.dimension)
    change = one_step_expectation(problem.law, d, C, k) - error(problem.mean_Q, d)
    quadratic = sp.hessian(change, list(d)) / 2
    first = -quadratic.applyfunc(lambda e: sp.expand(e).coeff(C, 1)) / 2
    second = quadratic.applyfunc(lambda e: sp.expand(e).coeff(C, 2))
    return OneStepPencil(first, second)


def one_step_pencil(problem: StochasticQuadratic, batch: sp.Expr) -> OneStepPencil:
    """The pencil at a batch size (k = oo: the limit; the entries are affine in 1/k)."""
    pencil = _symbolic_pencil(problem)
    at = (lambda e: sp.limit(e, k, sp.oo)) if batch == sp.oo else (lambda e: e.subs(k, batch))
    return OneStepPencil(pencil.first.applyfunc(at), pencil.second.applyfunc(at))


@dataclass(frozen=True)
class ExactThresholds:
    """0 < C < converge ⇔ E[e_{N+1} | θ_N] < e_N (quadratic part) for every θ_N ∉ θ* + null(E[Q]);
    C > diverge ⇔ it exceeds e_N by a factor ρ > 1 for every such θ_N."""

    converge: sp.Expr
    diverge: sp.Expr


def exact_thresholds(problem: StochasticQuadratic, batch: sp.Expr) -> ExactThresholds:
    """C(-2·first + C·second) ≺ 0 on range(E[Q]) ⇔ C μ_max < 2, ≻ 0 ⇔ C μ_min > 2, with μ the
    generalised eigenvalues of (second, first) there (first = E[Q]² ≻ 0 on the range)."""
    pencil = one_step_pencil(problem, batch)
    roots = restricted_pencil_roots(pencil.second, pencil.first, problem.range_basis)
    return ExactThresholds(2 / roots[-1], 2 / roots[0])


def one_step_form(problem: StochasticQuadratic, batch: sp.Expr, step: sp.Expr) -> sp.Matrix:
    """B'(-2C·first + C²·second)B on a rational basis B of range(E[Q]), at a given step C."""
    pencil = one_step_pencil(problem, batch)
    B = problem.range_basis
    return B.T * (-2 * step * pencil.first + step**2 * pencil.second) * B


def is_positive_definite(matrix: sp.Matrix) -> bool:
    """Sylvester's criterion: every leading principal minor is positive (exact)."""
    return all(matrix[:i, :i].det() > 0 for i in range(1, matrix.shape[0] + 1))


# --- the bounds of Lemma 3.7 and Lemmas 3.10-3.11 ------------------------------------------------


def lemma37_factor(eigenvalue: sp.Expr, curvature: sp.Expr, batch: sp.Expr = k, step: sp.Expr = C,
                   inflation: sp.Expr = 1) -> sp.Expr:
    """Eq. (12)/(14) with α0 = 1, α1 = 2, α2 = inflation, α3 = 1/k: the factor multiplying e_N
    when all weight sits on one eigenvalue and e_{N,M}/e_N is replaced by t_Q (or s_Q)."""
    tail = 0 if batch == sp.oo else step**2 * curvature / batch
    return 1 - 2 * step * eigenvalue + inflation * step**2 * eigenvalue**2 + tail


def unit_crossing(factor: sp.Expr, step: sp.Symbol = C) -> sp.Expr:
    """The positive step size at which a factor that is 1 at C = 0 and convex in C returns to 1."""
    roots = [root for root in sp.solve(sp.Eq(factor, 1), step) if root != 0]
    if len(roots) != 1:
        raise AssertionError(f"expected one nonzero crossing, got {roots}")
    return sp.simplify(roots[0])


kappa = sp.Symbol("kappa", nonnegative=True)  # t_Q or s_Q in a bound


@cache
def lemma37_crossing(inflation_by_batch: bool = False, gradient_descent: bool = False) -> sp.Expr:
    """The positive C at which the factor (12)/(14) — with α2 = 1 + 1/k for eq. (37) when
    ``inflation_by_batch`` — equals 1, as a closed form in (λ, κ, k); κ is t_Q or s_Q."""
    batch = sp.oo if gradient_descent else k
    inflation = 1 + 1 / k if inflation_by_batch and not gradient_descent else 1
    return unit_crossing(lemma37_factor(lam, kappa, batch, C, inflation))


def lemma37_bounds(eigenvalues: Sequence[sp.Expr], t_value: sp.Expr, s_value: sp.Expr, batch: sp.Expr):
    """(converge, diverge) from Lemma 3.7 (Thm 3.8): the upper bound max_l [factor(λ_l, t_Q)] < 1
    iff C < min_l crossing(λ_l, t_Q); the lower bound min_l [factor(λ_l, s_Q)] > 1 iff
    C > max_l crossing(λ_l, s_Q)."""
    crossing = lemma37_crossing(gradient_descent=batch == sp.oo)
    at = lambda eigenvalue, curvature: crossing.subs({lam: eigenvalue, kappa: curvature, k: batch})  # noqa: E731
    converge = min((at(v, t_value) for v in eigenvalues), key=_value)
    diverge = max((at(v, s_value) for v in eigenvalues), key=_value)
    return converge, diverge


def inhomogeneous_converge_bound(eigenvalues: Sequence[sp.Expr], t_value: sp.Expr, batch: sp.Expr) -> sp.Expr:
    """Eq. (37): the factor 1 - 2Cλ + (1 + 1/k)C²λ² + C² t_Q/k < 1 at every eigenvalue."""
    crossing = lemma37_crossing(inflation_by_batch=True, gradient_descent=batch == sp.oo)
    return min((crossing.subs({lam: v, kappa: t_value, k: batch}) for v in eigenvalues), key=_value)


def inhomogeneous_factor(eigenvalue: sp.Expr, s_value: sp.Expr, batch: sp.Expr, gamma_value: sp.Expr = gamma) -> sp.Expr:
    """Eq. (40): (1 - 4γ²/(λ² + s_Q/k)) - 2Cλ + C²λ² + C² s_Q/k."""
    spread = eigenvalue**2 + s_value / batch
    return 1 - 4 * gamma_value**2 / spread - 2 * C * eigenvalue + C**2 * spread


@cache
def inhomogeneous_crossing() -> sp.Expr:
    """The larger root in C of [factor (40)] = 1, as a closed form in (λ, κ = s_Q, k, γ)."""
    roots = sp.solve(sp.Eq(inhomogeneous_factor(lam, kappa, k, gamma), 1), C)
    return max(roots, key=lambda root: root.subs({lam: 1, kappa: 1, k: 1, gamma: 1}))


def _value(expr: sp.Expr):
    return sp.N(expr, 40)


# --- Theorem 2.1: gradient descent on a quadratic ------------------------------------------------


def gd_step(Q: sp.Matrix, theta_star: sp.Matrix, theta: sp.Matrix, step: sp.Expr) -> sp.Matrix:
    """θ_{k+1} = θ_k - C ∇f(θ_k) for f(θ) = ½(θ - θ*)'Q(θ - θ*) (Thm 2.1), ∇f by SymPy."""
    symbols = displacement(theta.shape[0])
    f = (symbols - theta_star).T * Q * (symbols - theta_star) / 2
    gradient = sp.Matrix([sp.diff(f[0, 0], s) for s in symbols]).subs(dict(zip(symbols, theta)))
    return theta - step * gradient


def gd_factor(eigenvalue: sp.Expr = lam) -> sp.Expr:
    """The factor of one GD step along an eigenvector of Q: 1 - Cλ (derived from gd_step)."""
    v = sp.Matrix([1])
    return sp.expand(gd_step(sp.Matrix([[eigenvalue]]), sp.zeros(1, 1), v, C)[0, 0])


def gd_stability_limit(eigenvalue: sp.Expr = lam) -> sp.Expr:
    """|1 - Cλ| < 1 ⇔ 0 < C < 2/λ: the positive root of (1 - Cλ)² = 1 (the other root is 0)."""
    return unit_crossing(gd_factor(eigenvalue) ** 2)


def scalar_gd_iterates(loss: sp.Expr, variable: sp.Symbol, start: sp.Expr, step: sp.Expr, steps: int) -> list[sp.Expr]:
    """x_{n+1} = x_n - C f'(x_n), exactly (§2's example f = x²)."""
    slope = sp.diff(loss, variable)
    iterates = [sp.sympify(start)]
    for _ in range(steps):
        iterates.append(sp.expand(iterates[-1] - step * slope.subs(variable, iterates[-1])))
    return iterates


# --- the nonconvex problems ------------------------------------------------------------------------

x1, x2 = sp.symbols("x1 x2", real=True)
QC_POINT = (x1, x2)
q1, q2, q3 = sp.symbols("q1 q2 q3", real=True)
c1, c2, c3, c4 = sp.symbols("c1 c2 c3 c4", real=True)
QUADRATIC_PARAMS = (q1, q2, q3)
CIRCULAR_PARAMS = (c1, c2, c3, c4)


def quadratic_basin() -> sp.Expr:
    """(A1): g(x) = q1 (x2 - q2 x1² - q3)²."""
    return q1 * (x2 - q2 * x1**2 - q3) ** 2


def circular_basin() -> sp.Expr:
    """(A2): c4 inside ‖x‖ ≤ c2, c4 + c1 outside ‖x‖ ≥ c3, and between them
    c4 + c1 s³(6s² - 15s + 10) with s = (‖x‖ - c2)/(c3 - c2). The quadratic-circle function (A3) is
    min{h, g}, with the quadratic piece's gradient where they tie (Remark 3): numerics.patel.qc_pieces
    evaluates both pieces and selects."""
    radius = sp.sqrt(x1**2 + x2**2)
    s = (radius - c2) / (c3 - c2)
    band = c4 + c1 * s**3 * (6 * s**2 - 15 * s + 10)
    return sp.Piecewise((c4, radius <= c2), (c4 + c1, radius >= c3), (band, True))


xi = sp.Symbol("x", real=True)
st1, st2, st3 = sp.symbols("a_1 a_2 a_3", real=True)
ST_PARAMS = (st1, st2, st3)


def styblinski_tang_term() -> sp.Expr:
    """One coordinate of eq. (54): ½(c_{i,1} x⁴ + c_{i,2} x² + c_{i,3} x); f sums it over i."""
    return (st1 * xi**4 + st2 * xi**2 + st3 * xi) / 2


def styblinski_tang(point: Sequence[sp.Expr], coefficients: Sequence[Sequence[sp.Expr]]) -> sp.Expr:
    """Eq. (54) in dimension p: Σ_i ½(c_{i,1} x_i⁴ + c_{i,2} x_i² + c_{i,3} x_i)."""
    term = styblinski_tang_term()
    return sum(term.subs({xi: x, st1: a, st2: b, st3: c}) for x, (a, b, c) in zip(point, coefficients))


def disc_average(expr: sp.Expr, center: tuple[sp.Expr, sp.Expr], radius: sp.Expr) -> sp.Expr:
    """(1/|B|) ∫_B expr over the disc B of the given centre and radius (eq. (49)), in polar
    coordinates; exact for polynomial integrands such as the Hessian of (A1)."""
    r, phi = sp.Symbol("rho", positive=True), sp.Symbol("phi", real=True)
    polar = expr.subs({x1: center[0] + r * sp.cos(phi), x2: center[1] + r * sp.sin(phi)}, simultaneous=True)
    integral = sp.integrate(sp.integrate(sp.expand(polar) * r, (phi, 0, 2 * sp.pi)), (r, 0, radius))
    return sp.simplify(integral / (sp.pi * radius**2))


def ball_mean_square(dimension: int) -> sp.Expr:
    """E[u_1²] for u uniform in the unit ball of R^p: (1/p)·∫_0^1 ρ^{p+1} dρ / ∫_0^1 ρ^{p-1} dρ = 1/(p + 2).
    The ε-ball average (49) of a Styblinski–Tang Hessian entry 6c₁x² + c₂ is thus
    6c₁(x*² + ε²/(p + 2)) + c₂."""
    rho = sp.Symbol("rho", positive=True)
    p = sp.Integer(dimension)
    return sp.integrate(rho ** (p + 1), (rho, 0, 1)) / sp.integrate(rho ** (p - 1), (rho, 0, 1)) / p


def styblinski_tang_stationarity() -> list[sp.Expr]:
    """Coefficients (highest first) of the cubic ∂/∂x of one term: its roots are the
    coordinate's stationary points (separable: ∂²f/∂x_i∂x_j = 0 for i ≠ j)."""
    return sp.Poly(sp.diff(styblinski_tang_term(), xi), xi).all_coeffs()
