r"""The quartic landscape of Ziyin et al. (2021 §6.1, Fig. 1 right, App. A.1 / Fig. 5; 2022 §6.1,
Fig. 1 middle, App. A.1 / Fig. 4):

    \hat L(w; x) = c₂ x w² + c₄ w⁴,  x from theory.ziyin.noise(a) (x ∈ {1, a - 1} w.p. ½).

The papers print three normalisations: (c₂, c₄) = (½, ¼) in 2021 §6.1 and in 2022, (½, 1) in
the 2021 Fig. 1 caption, (1, 1) in the 2021 §5.1 Remark; the default is (½, ¼). From the one
sampled loss SymPy derives the expected loss and its minima, the SGD map, its linearisation at
w = 0 (which is the quadratic model's factor 1 - λx when c₂ = ½, so the trap interval of
theory.ziyin decides the local stability of w = 0) and a radius beyond which a run diverges.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import ziyin
from .errors import ParameterError
from .multiplicative import lam, w
from .noise import x

a = ziyin.a
HALF, QUARTER = sp.Rational(1, 2), sp.Rational(1, 4)


@dataclass(frozen=True)
class Normalisation:
    """\\hat L = quadratic · x w² + quartic · w⁴."""

    quadratic: sp.Expr = HALF
    quartic: sp.Expr = QUARTER

    def __post_init__(self):
        for name in ("quadratic", "quartic"):
            value = sp.sympify(getattr(self, name))
            if not (value.is_real and value.is_positive):
                raise ParameterError(name, f"coefficient must be positive, got {value}")
            object.__setattr__(self, name, value)


SECTION_6_1 = Normalisation()


def sampled_loss(x_value: sp.Expr = x, norm: Normalisation = SECTION_6_1) -> sp.Expr:
    return norm.quadratic * x_value * w**2 + norm.quartic * w**4


def expected_loss(a_value: sp.Expr = a, norm: Normalisation = SECTION_6_1) -> sp.Expr:
    """L(w) = E_x[L̂] with E[x] = a/2 (the two-point law's true mean)."""
    return sp.expand(ziyin.noise(a_value).expectation(lambda v: sampled_loss(v, norm)))


def strict_minima(loss: sp.Expr) -> tuple[sp.Expr, ...]:
    """The real solutions of L'(w) = 0 with L''(w) > 0 (for symbolic a < 0), in increasing order."""
    curvature = sp.diff(loss, w, 2)
    found = [sp.simplify(s) for s in sp.solve(sp.diff(loss, w), w)]
    found = [s for s in found if s.is_real and sp.simplify(curvature.subs(w, s)).is_positive]
    return tuple(sorted(found, key=lambda s: float(s.subs(a, -1))))


def expected_minima(a_value: sp.Expr = a, norm: Normalisation = SECTION_6_1) -> tuple[sp.Expr, ...]:
    """The minima of L = E[L̂] for a < 0 (w = 0 is then a local maximum)."""
    ziyin.require_local_maximum(sp.sympify(a_value))
    return strict_minima(expected_loss(a_value, norm))


def sgd_map(x_value: sp.Expr, lr: sp.Expr = lam, norm: Normalisation = SECTION_6_1) -> sp.Expr:
    """w ← w - λ ∂_w L̂(w; x)."""
    return sp.expand(w - lr * sp.diff(sampled_loss(x_value, norm), w))


def linearisation(x_value: sp.Expr, lr: sp.Expr = lam, norm: Normalisation = SECTION_6_1) -> sp.Expr:
    """d(SGD map)/dw at w = 0: the factor by which an infinitesimal w is multiplied in one step."""
    return sp.expand(sp.diff(sgd_map(x_value, lr, norm), w).subs(w, 0))


def escape_radius_formula(norm: Normalisation = SECTION_6_1) -> sp.Expr:
    """``escape_radius`` for symbolic a and λ: √((2 + max_x |m(x)|)/k), for evaluating on a grid."""
    largest = sp.Max(*(sp.Abs(linearisation(v, lam, norm)) for v in ziyin.noise().values))
    cubic = -sp.Poly(sgd_map(x, lam, norm), w).coeff_monomial(w**3)
    return sp.sqrt((2 + largest) / cubic)


def escape_radius(a_value: sp.Expr, lr: sp.Expr, norm: Normalisation = SECTION_6_1) -> sp.Expr:
    """R such that |w_t| > R forces |w_{t+k}| ≥ 2^k |w_t| → ∞ whatever the draws.

    The map is w·(m(x) - k w²) with k = 4 c₄ λ and m(x) the linearisation, so
    |w'| ≥ |w| (k w² - max_x |m(x)|) ≥ 2|w| once k w² ≥ 2 + max_x |m(x)|.
    """
    lr = sp.sympify(lr)
    if not (lr.is_real and lr.is_positive):
        raise ParameterError("lr", f"learning rate must be positive, got {lr}")
    law = ziyin.noise(sp.sympify(a_value))
    largest = sp.Max(*(sp.Abs(linearisation(v, lr, norm)) for v in law.values))
    cubic = -sp.Poly(sgd_map(x, lr, norm), w).coeff_monomial(w**3)
    radius = sp.Symbol("R", positive=True)
    (root,) = sp.solve(sp.Eq(cubic * radius**2, 2 + largest), radius)
    return sp.simplify(root)
