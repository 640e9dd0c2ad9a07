r"""The multiplicative model \hat L(w) = x w^2 / 2 with x drawn afresh at every step.

Ziyin et al. (2021, eq. (4); 2022, eq. (2)). One SGD step multiplies w by the factor 1 - λx,
so ln|w_t/w_0| is a sum of i.i.d. terms ln|1 - λx_i| (Lemma 1, eqs. (21)-(22) [2021]). All
closed forms here are derived from the sampled loss by SymPy, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import sympy as sp

from .errors import ParameterError
from .noise import FiniteNoise

w = sp.Symbol("w", real=True)
lam = sp.Symbol("lambda", positive=True)

#: degree above which the exact polynomial route is refused (SymPy root isolation cost).
MAX_EXACT_DEGREE = 240


def sampled_loss(x_value: sp.Expr) -> sp.Expr:
    r"""\hat L(w; x) = x w^2 / 2."""
    return x_value * w**2 / 2


def update_factor(x_value: sp.Expr, lr: sp.Expr = lam) -> sp.Expr:
    """The factor 1 - λx by which one SGD step w ← w - λ ∂_w L̂ multiplies w (derived)."""
    step = w - lr * sp.diff(sampled_loss(x_value), w)
    return sp.expand(sp.cancel(step / w))


def log_rate(noise: FiniteNoise, lr: sp.Expr = lam) -> sp.Expr:
    """μ(λ) = E ln|1 - λx| (Lemma 1); also the escape rate γ(λ) of Def. 2/3."""
    return noise.expectation(lambda v: sp.log(sp.Abs(update_factor(v, lr))))


def log_variance(noise: FiniteNoise, lr: sp.Expr = lam) -> sp.Expr:
    """s²(λ) = Var ln|1 - λx| (Lemma 1)."""
    mu = log_rate(noise, lr)
    return noise.expectation(lambda v: sp.log(sp.Abs(update_factor(v, lr))) ** 2) - mu**2


def moment_factor(noise: FiniteNoise, k: int, lr: sp.Expr = lam) -> sp.Expr:
    """E[(1 - λx)^k]: E[w_{t+1}^k] = E[(1-λx)^k] E[w_t^k] since x_t is independent of w_t."""
    return sp.expand(noise.expectation(lambda v: update_factor(v, lr) ** k))


@dataclass(frozen=True)
class TrapPolynomial:
    """μ(λ) = ln|P(λ)| / q with P(λ) = Π_i (1 - λx_i)^{q p_i}, for rational probabilities p_i.

    Hence μ(λ) < 0  ⇔  P(λ)² < 1: the trap set is cut out by the real roots of P ∓ 1.
    """

    poly: sp.Poly
    denominator: int


def trap_polynomial(noise: FiniteNoise) -> TrapPolynomial:
    if not all(p.is_Rational for p in noise.probs):
        raise ParameterError("probs", "the exact trap set needs rational probabilities")
    q = reduce(sp.ilcm, (p.q for p in noise.probs), 1)
    degree = sum(int(p * q) for v, p in noise.atoms if v != 0)
    if degree > MAX_EXACT_DEGREE:
        raise ParameterError(
            "probs",
            f"common denominator {q} gives a degree-{degree} polynomial (exact route limit {MAX_EXACT_DEGREE})",
        )
    product = sp.Mul(*(update_factor(v) ** int(p * q) for v, p in noise.atoms))
    return TrapPolynomial(sp.Poly(sp.expand(product), lam), int(q))


@dataclass(frozen=True)
class TrapInterval:
    """One open interval (low, high) of learning rates with μ(λ) < 0; ends are exact numbers.

    ``high`` is ``sympy.oo`` for an unbounded piece.
    """

    low: sp.Expr
    high: sp.Expr


def trap_set(noise: FiniteNoise) -> list[TrapInterval]:
    """The exact set {λ > 0 : E ln|1 - λx| < 0} as disjoint open intervals.

    Endpoints are the positive real roots of P(λ) = ±1, isolated exactly by SymPy
    (rational arithmetic, so the isolation is certified); each piece between consecutive
    roots is classified by the exact sign of P² - 1 at a rational point inside it.
    """
    if not all(v.is_Rational for v in noise.values):
        raise ParameterError("values", "the exact trap set needs rational values")
    trap = trap_polynomial(noise)
    poly = trap.poly
    if poly.degree() <= 0:
        return []  # x ≡ 0: μ ≡ 0, never negative
    roots = set()
    for shifted in (poly - 1, poly + 1):
        roots.update(r for r in shifted.real_roots() if r.is_positive)
    cuts = [sp.Integer(0)] + sorted(roots, key=lambda r: sp.Rational(str(r.evalf(60))))
    cuts.append(sp.oo)
    pieces = []
    for low, high in zip(cuts, cuts[1:]):
        probe = _rational_between(low, high)
        value = poly.eval(probe)
        if value**2 < 1:
            pieces.append(TrapInterval(low, high))
    return pieces


def _rational_between(low: sp.Expr, high: sp.Expr) -> sp.Rational:
    """A rational strictly inside (low, high), for exact algebraic low < high."""
    if high is sp.oo:
        return sp.floor(low.evalf(30)) + 1
    digits = 30
    while True:
        lo, hi = sp.Rational(str(low.evalf(digits))), sp.Rational(str(high.evalf(digits)))
        mid = (lo + hi) / 2
        if (mid - low).is_positive and (high - mid).is_positive:
            return mid
        digits *= 2
