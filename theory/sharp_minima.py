r"""Ziyin et al.'s 2-D landscape on which SGD prefers the sharper minima (2021 §5.3, eq. (10);
2022 §5.3, eq. (6); Prop. 4 and its proof, D.3 eqs. (86)–(93) [2021] / C.5 eqs. (77)–(84) [2022]).

    \hat L(w_1, w_2; x) = ½[-(w1-w2)² - (w1+w2)² + (w1-w2)⁴ + (w1+w2)⁴ - 2a w2² + x b w1²],

with x = ±1 w.p. ½ drawn afresh each step. Everything below is obtained by SymPy from this one
expression: the expected loss, its critical points and their type (∇L = 0, Hessian test), the
sharpness Tr ∇²L (Def. 3 [2021] / Def. 4 [2022]), the SGD multiplier of w1, the proof's bound
r_t on |w_{1,t+1}/w_{1,t}| over the box |w1|, |w2| ≤ 1, and the set of λ where E ln r_t < 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from .errors import ParameterError
from .multiplicative import lam
from .noise import FiniteNoise, x

w1, w2 = sp.symbols("w_1 w_2", real=True)
a = sp.Symbol("a", positive=True)  # the papers take a, b > 0
b = sp.Symbol("b", real=True)  # real: the proof's choice b = 1/λ - 6 is negative for λ > 1/6
PARAMS = (w1, w2)
POSITIVE_A = sp.Interval.open(0, sp.oo)


def noise() -> FiniteNoise:
    """p(x) = ½ δ(x - 1) + ½ δ(x + 1)."""
    half = sp.Rational(1, 2)
    return FiniteNoise((sp.Integer(1), sp.Integer(-1)), (half, half))


def require_positive(name: str, value: sp.Expr) -> sp.Expr:
    value = sp.sympify(value)
    if not (value.is_real and value.is_positive):
        raise ParameterError(name, f"must be a positive real number, got {value}")
    return value


def sampled_loss(x_value: sp.Expr = x, a_value: sp.Expr = a, b_value: sp.Expr = b) -> sp.Expr:
    r"""\hat L of eq. (10) [2021] / (6) [2022]."""
    quadratic = -((w1 - w2) ** 2) - (w1 + w2) ** 2
    quartic = (w1 - w2) ** 4 + (w1 + w2) ** 4
    return sp.Rational(1, 2) * (quadratic + quartic - 2 * a_value * w2**2 + x_value * b_value * w1**2)


def expected_loss(a_value: sp.Expr = a) -> sp.Expr:
    """L = E_x[L̂]: the x b w1² term averages out, so b does not enter."""
    return sp.expand(noise().expectation(lambda v: sampled_loss(v, a_value)))


def hessian(a_value: sp.Expr = a) -> sp.Matrix:
    """∇²L, whose diagonal the papers print as eq. (11) [2021] / (7) [2022]."""
    return sp.hessian(expected_loss(a_value), PARAMS)


@dataclass(frozen=True)
class CriticalPoint:
    """A solution of ∇L = 0 and the a > 0 for which it is real and a strict local minimum."""

    point: tuple[sp.Expr, sp.Expr]
    hessian: sp.Matrix
    sharpness: sp.Expr  # Tr ∇²L (Def. 3/4)
    determinant: sp.Expr
    real_for: sp.Set  # the a > 0 at which both coordinates are real
    minimum_for: sp.Set  # the a > 0 at which ∇²L is positive definite (real points only)


@cache
def critical_points() -> tuple[CriticalPoint, ...]:
    """All solutions of ∇L = 0 for symbolic a > 0, each with its Hessian test.

    Positive definiteness of the 2×2 Hessian is H11 > 0 and det H > 0 (Sylvester); a coordinate
    ±√q is real exactly where q = coordinate² ≥ 0.
    """
    loss = expected_loss()
    solutions = sp.solve([sp.diff(loss, p) for p in PARAMS], PARAMS, dict=True)
    points = []
    for solution in solutions:
        point = (sp.simplify(solution[w1]), sp.simplify(solution[w2]))
        matrix = sp.simplify(hessian().subs(solution))
        det = sp.factor(matrix.det())
        real = sp.Intersection(*(sp.solveset(c**2 >= 0, a, POSITIVE_A) for c in point))
        definite = sp.Intersection(
            real, sp.solveset(matrix[0, 0] > 0, a, POSITIVE_A), sp.solveset(det > 0, a, POSITIVE_A)
        )
        points.append(CriticalPoint(point, matrix, sp.simplify(matrix.trace()), det, real, definite))
    return tuple(points)


def local_minima(a_value: sp.Expr) -> list[CriticalPoint]:
    """The strict local minima of L at a given a > 0."""
    a_value = require_positive("a", a_value)
    return [c for c in critical_points() if c.minimum_for.contains(a_value) == sp.true]


# --- the proof of Prop. 4: the multiplier of w1 and its bound r_t --------------------------


def sgd_step(
    x_value: sp.Expr, lr: sp.Expr = lam, a_value: sp.Expr = a, b_value: sp.Expr = b
) -> tuple[sp.Expr, sp.Expr]:
    """w ← w - λ ∇_w L̂(w; x): eq. (86) [2021] / (77) [2022]."""
    loss = sampled_loss(x_value, a_value, b_value)
    return tuple(sp.expand(p - lr * sp.diff(loss, p)) for p in PARAMS)


def w1_multiplier(x_value: sp.Expr, b_value: sp.Expr = b) -> sp.Expr:
    """w_{1,t+1}/w_{1,t} (eq. (87) [2021] / (78) [2022]); w1 = 0 is invariant, so the ratio is a polynomial."""
    return sp.expand(sp.cancel(sgd_step(x_value, lam, a, b_value)[0] / w1))


@dataclass(frozen=True)
class RatioBound:
    """|w_{1,t+1}/w_{1,t}| = |c - s| with c the multiplier at the origin and s ∈ [0, spread] on the box."""

    constant: sp.Expr
    spread: sp.Expr
    bound: sp.Expr  # r = max(|c|, |c - spread|): eq. (89) [2021] / (80) [2022]


def ratio_bound(x_value: sp.Expr, b_value: sp.Expr = b) -> RatioBound:
    """s = c - multiplier is a combination of w1², w2² with positive coefficients (checked), so on
    |w1|, |w2| ≤ 1 it ranges over [0, s(1, 1)]; |c - s| is convex in s, so its maximum over that
    range sits at an end."""
    multiplier = w1_multiplier(x_value, b_value)
    constant = multiplier.subs({w1: 0, w2: 0})
    s = sp.Poly(sp.expand(constant - multiplier), *PARAMS)
    if any(any(e % 2 for e in m) or not sp.simplify(c).is_positive for m, c in s.terms()):
        raise AssertionError(f"s = {s.as_expr()} is not a positive combination of even monomials")
    spread = s.as_expr().subs({w1: 1, w2: 1})
    return RatioBound(constant, spread, sp.Max(sp.Abs(constant), sp.Abs(constant - spread)))


@cache
def optimal_b(x_value: sp.Expr) -> sp.Expr:
    """The b minimising r(x): max(|c|, |c - spread|) is least when c sits at the midpoint spread/2."""
    bound = ratio_bound(x_value)
    (root,) = sp.solve(sp.Eq(bound.constant, bound.spread / 2), b)
    return sp.simplify(root)


@cache
def proof_b() -> sp.Expr:
    """The proof's b (stated before eq. (91) [2021] / (82) [2022]): the minimiser of r(+1)."""
    return optimal_b(sp.Integer(1))


def bounds_at_proof_b() -> dict[sp.Expr, sp.Expr]:
    """r(x) for x = ±1 with b = proof_b(): eq. (91) [2021] / (82) [2022]."""
    return {v: sp.simplify(ratio_bound(v, proof_b()).bound) for v in noise().values}


@cache
def log_bound_rate() -> sp.Expr:
    """E ln r_t with b = proof_b(): the quantity the proof calls μ in eq. (92) [2021] / (83) [2022]."""
    bounds = bounds_at_proof_b()
    return noise().expectation(lambda v: sp.log(bounds[v]))


def contraction_set(rate: sp.Expr) -> sp.Set:
    """{λ > 0 : rate(λ) < 0} for a rate ½ ln r(+1) + ½ ln r(-1), solved exactly as r(+1) r(-1) < 1
    (SymPy's solveset splits the Max/Abs pieces itself)."""
    return sp.solveset(sp.expand(sp.exp(2 * rate)) < 1, lam, sp.Interval.open(0, sp.oo))


@cache
def proof_threshold() -> sp.Expr:
    """The supremum of the λ at which the proof's argument gives w1 → 0: E ln r_t < 0 there."""
    solved = contraction_set(log_bound_rate())
    if not (isinstance(solved, sp.Interval) and solved.left == 0):
        raise AssertionError(f"expected an interval (0, c), got {solved}")
    return sp.radsimp(solved.right)


@cache
def origin_rate() -> sp.Expr:
    """E ln|w1 multiplier| at (w1, w2) = (0, 0) with b = proof_b().

    On the invariant line w2 = 0 near w1 = 0 this is the exact growth rate of ln|w1|: where it is
    positive, runs that reach w2 ≈ 0 cannot have w1 → 0 — the bound r_t is attained there.
    """
    return noise().expectation(lambda v: sp.log(sp.Abs(w1_multiplier(v, proof_b()).subs({w1: 0, w2: 0}))))
