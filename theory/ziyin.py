r"""Ziyin et al.'s two-point construction, derived from the model.

Both versions draw x ∈ {1, a - 1} with probability 1/2 each (2021: Prop. 2, eq. (8)'s p(x);
2022: Cor. 1, eq. (5)), so E[x] = a/2 and w = 0 is a local maximum of E[\hat L] when a < 0.
Everything below is obtained by SymPy from ``theory.multiplicative`` applied to that law:
the trap interval (Cor. 1) from P(λ) = ±1, the optimal escape rate (Prop. 3) from dμ/dλ = 0,
the ε-condition from γ* = ε, and the λ = 1 moments of Prop. 1 from E[(1 - λx)^k].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from . import multiplicative
from .errors import ParameterError
from .multiplicative import lam
from .noise import FiniteNoise

a = sp.Symbol("a", negative=True)  # the local-maximum side, where the papers' claims live
eps = sp.Symbol("epsilon", positive=True)
t = sp.Symbol("t", positive=True, integer=True)
w0 = sp.Symbol("w_0", real=True, nonzero=True)


def noise(a_value: sp.Expr = a) -> FiniteNoise:
    """p(x) = ½ δ(x - 1) + ½ δ(x + 1 - a)."""
    half = sp.Rational(1, 2)
    return FiniteNoise((sp.Integer(1), a_value - 1), (half, half))


def require_local_maximum(a_value: sp.Expr) -> sp.Expr:
    if not (a_value.is_real and a_value.is_negative):
        raise ParameterError("a", f"the construction needs a < 0 (w = 0 a local maximum), got {a_value}")
    return a_value


@dataclass(frozen=True)
class TrapInterval:
    """(lower, upper): the open interval of λ where μ(λ) < 0, for a < 0."""

    lower: sp.Expr
    upper: sp.Expr


@cache
def trap_interval() -> TrapInterval:
    r"""Solve μ(λ) < 0 ⇔ P(λ)² < 1 with P(λ) = (1 - λ)(1 - λ(a - 1)), for symbolic a < 0.

    P - 1 = -λ(a + (1 - a)λ) vanishes at λ = 0 and λ = a/(a - 1) ∈ (0, 1); P + 1 is a downward
    quadratic with exactly one positive root. With P < 1 ⇔ λ > a/(a - 1) and P > -1 ⇔ λ below
    that root, the trap set is the open interval between them.
    """
    poly = multiplicative.trap_polynomial(noise()).poly.as_expr()
    lower = [r for r in sp.solve(sp.Eq(poly, 1), lam) if r != 0]
    upper = [r for r in sp.solve(sp.Eq(poly, -1), lam) if _positive_for_negative_a(r)]
    if len(lower) != 1 or len(upper) != 1:
        raise AssertionError(f"unexpected roots: {lower}, {upper}")
    return TrapInterval(sp.simplify(lower[0]), sp.simplify(upper[0]))


def _positive_for_negative_a(root: sp.Expr) -> bool:
    """A root of P + 1 is the positive one if it is positive at every a < 0 (checked exactly at
    a = -1 and decided for all a < 0 by the sign of the product of the two roots, -2/(1 - a))."""
    return bool(root.subs(a, -1) > 0)


def log_rate_below_one() -> sp.Expr:
    """μ(λ) on 0 < λ < 1, where both factors 1 - λ and 1 - λ(a - 1) are positive (a < 0)."""
    return noise().expectation(lambda v: sp.log(multiplicative.update_factor(v)))


@dataclass(frozen=True)
class OptimalEscape:
    """Prop. 3: the maximiser λ* of γ(λ) = μ(λ) on (0, 1] and the optimal rate γ*."""

    lam_star: sp.Expr
    gamma_star: sp.Expr
    curvature: sp.Expr  # d²μ/dλ², negative on (0, 1): μ is concave there, so λ* is the maximum


@cache
def optimal_escape() -> OptimalEscape:
    mu = log_rate_below_one()
    stationary = sp.solve(sp.diff(mu, lam), lam)
    if len(stationary) != 1:
        raise AssertionError(f"expected one stationary point, got {stationary}")
    lam_star = sp.simplify(stationary[0])
    gamma_star = sp.simplify(sp.logcombine(sp.expand_log(mu.subs(lam, lam_star), force=True), force=True))
    return OptimalEscape(lam_star, gamma_star, sp.simplify(sp.diff(mu, lam, 2)))


@cache
def epsilon_bound() -> sp.Expr:
    """The |a| at which γ* = ε: γ* < ε ⇔ |a| < bound (γ* increases with |a| on a < 0)."""
    gamma_star = optimal_escape().gamma_star
    # γ* = ε ⇔ (2 - a)² = 4 e^{2ε} (1 - a), a quadratic in a; keep its negative root.
    quadratic = sp.expand((2 - a) ** 2 - 4 * sp.exp(2 * eps) * (1 - a))
    roots = [r for r in sp.solve(quadratic, a) if (r.subs(eps, sp.Rational(1, 10)) < 0) is sp.true]
    if len(roots) != 1:
        raise AssertionError(f"expected one negative root, got {roots}")
    root = sp.simplify(roots[0])
    if abs(sp.N(gamma_star.subs(a, root).subs(eps, sp.Rational(1, 3)) - sp.Rational(1, 3), 50)) > 1e-45:
        raise AssertionError("γ*(root) ≠ ε")
    return sp.simplify(-root)


@dataclass(frozen=True)
class UnitRateMoments:
    """Prop. 1 (λ = 1): the step factor is 0 or 2 - a, each with probability ½."""

    factors: tuple[sp.Expr, ...]
    prob_nonzero: sp.Expr  # P(w_t ≠ 0)
    mean: sp.Expr  # E[w_t]
    second_moment: sp.Expr  # E[w_t²]


@cache
def unit_rate_moments() -> UnitRateMoments:
    law = noise()
    factors = tuple(multiplicative.update_factor(v, 1) for v in law.values)
    survive = sp.Add(*(p for f, p in zip(factors, law.probs) if f != 0))
    mean = multiplicative.moment_factor(law, 1, 1) ** t * w0
    second = multiplicative.moment_factor(law, 2, 1) ** t * w0**2
    return UnitRateMoments(factors, survive**t, sp.simplify(mean), sp.simplify(second))
