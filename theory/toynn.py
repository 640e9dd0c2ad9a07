r"""The two-layer toy network of Ziyin et al. (2022), §6.3 and App. A.5, derived from the model.

f(x) = w_2 σ(w_1 x) with σ(z) = z², one input x = 1, labels y ∈ {-1, 2} with probability ½
each, and the per-sample squared error c (f - y)² (c = 1 reproduces the printed
L(w_1, w_2) = ½(w_2 w_1² + 1)² + ½(w_2 w_1² - 2)²). The loss depends on w only through the
output u = f(1) = w_2 w_1², so its minimum, valley and the value on the stationary line w_1 = 0
follow from a quadratic in u; the classification of that line, the Hessian and the linearised
SGD dynamics of w_1 there (a multiplicative model, ``theory.multiplicative``) are derived below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from . import multiplicative
from .errors import ParameterError
from .multiplicative import lam
from .noise import FiniteNoise

w1 = sp.Symbol("w_1", real=True)
w2 = sp.Symbol("w_2", real=True)
y = sp.Symbol("y", real=True)
output = sp.Symbol("u", real=True)  # the network output f(1) = w_2 w_1²
z = sp.Symbol("z", real=True)  # λ w_2, the one combination the linearised w_1-dynamics sees
INPUT = sp.Integer(1)
PARAMS = (w1, w2)


def activation(pre: sp.Expr) -> sp.Expr:
    """σ(z) = z² (§6.3)."""
    return pre**2


def network(x_value: sp.Expr = INPUT) -> sp.Expr:
    """f(x) = w_2 σ(w_1 x)."""
    return w2 * activation(w1 * x_value)


def labels() -> FiniteNoise:
    """y = -1 or 2 with probability ½ each (the single data point x = 1)."""
    half = sp.Rational(1, 2)
    return FiniteNoise((sp.Integer(-1), sp.Integer(2)), (half, half))


def _normalisation(scale) -> sp.Expr:
    scale = sp.sympify(scale)
    if not (scale.is_real and scale.is_positive and scale.is_finite):
        raise ParameterError("normalisation", f"must be a positive number, got {scale}")
    return scale


def sampled_loss(label: sp.Expr = y, normalisation=1) -> sp.Expr:
    """\\hat L(w; y) = c (f(1) - y)², c = 1 (plain squared error) unless given."""
    return _normalisation(normalisation) * (network() - label) ** 2


def expected_loss(normalisation=1) -> sp.Expr:
    """L(w_1, w_2) = E_y \\hat L(w; y), exactly."""
    return sp.expand(labels().expectation(lambda v: sampled_loss(v, normalisation)))


@dataclass(frozen=True)
class Landscape:
    """What §6.3 states about L, derived: L as a quadratic in u = w_2 w_1², its minimiser u*,
    L* = min L, the valley {u = u*} solved for w_1, and L on the stationary line w_1 = 0."""

    loss: sp.Expr
    loss_in_output: sp.Expr
    optimal_output: sp.Expr
    minimum: sp.Expr
    valley: tuple[sp.Expr, ...]  # the solutions w_1(w_2) of w_2 w_1² = u*
    line_value: sp.Expr  # L(0, w_2)


@cache
def landscape(normalisation=1) -> Landscape:
    """u ↦ E_y c(u - y)² is a convex quadratic and u = w_2 w_1² takes every real value, so its
    minimum over u is the global minimum of L."""
    loss = expected_loss(normalisation)
    in_output = sp.expand(labels().expectation(lambda v: _normalisation(normalisation) * (output - v) ** 2))
    if sp.expand(in_output.subs(output, network()) - loss) != 0:
        raise AssertionError("L does not factor through u = w_2 w_1²")
    stationary = sp.solve(sp.diff(in_output, output), output)
    if len(stationary) != 1 or not sp.diff(in_output, output, 2).is_positive:
        raise AssertionError(f"expected one minimum in u, got {stationary}")
    best = stationary[0]
    valley = tuple(sp.solve(sp.Eq(network(), best), w1))
    return Landscape(loss, in_output, best, sp.simplify(in_output.subs(output, best)), valley, sp.simplify(loss.subs(w1, 0)))


@dataclass(frozen=True)
class StationarySet:
    """∇L = 0 (SymPy's solve), the Hessian, and how L compares with its value on w_1 = 0.

    ``excess`` = L - L(0, w_2) = u(u - 1) as a function of u = w_2 w_1²; ``slope`` is its
    derivative at u = 0. Near the line, excess = slope·u + u², so for w_1 ≠ 0 small its sign is
    sign(slope)·sign(w_2): with slope = -1 the points (0, w_2 > 0) are non-strict local maxima,
    (0, w_2 < 0) non-strict local minima, and at (0, 0) u takes both signs (a saddle).
    """

    solutions: tuple[dict, ...]
    excess: sp.Expr
    slope: sp.Expr
    hessian: sp.Matrix
    hessian_on_line: sp.Matrix  # at w_1 = 0
    hessian_at_zero_w2: sp.Matrix  # at w_2 = 0 (App. A.5, eqs. (16)-(17))


@cache
def stationary_set() -> StationarySet:
    shape = landscape()
    gradient = [sp.diff(shape.loss, p) for p in PARAMS]
    solutions = tuple(sp.solve(gradient, PARAMS, dict=True))
    excess = sp.factor(shape.loss_in_output - shape.line_value)
    hessian = sp.hessian(shape.loss, PARAMS)
    return StationarySet(
        solutions,
        excess,
        sp.diff(excess, output).subs(output, 0),
        hessian,
        sp.simplify(hessian.subs(w1, 0)),
        sp.simplify(hessian.subs(w2, 0)),
    )


def classify_line_point(w2_value) -> str:
    """Type of the stationary point (0, w_2) under the plain definitions, from the sign rule
    sign(L - 5/2) = sign(slope)·sign(w_2) near the line (see ``StationarySet``)."""
    w2_value = sp.sympify(w2_value)
    if not (w2_value.is_real and w2_value.is_finite):
        raise ParameterError("w2", f"must be a finite real number, got {w2_value}")
    if w2_value == 0:
        return "saddle"
    below = sp.sign(stationary_set().slope * w2_value) < 0  # L < L(0, w_2) off the line
    return "non-strict local maximum" if below else "non-strict local minimum"


def induced_law(w2_value: sp.Expr = w2) -> FiniteNoise:
    r"""The w_1-dynamics on the line w_1 = 0, linearised: w_1 ← w_1 - λ h(y) w_1 with
    h(y) = ∂²\hat L/∂w_1² at w_1 = 0. It is the multiplicative model x w²/2 with x = h(y):
    the returned law of x (values derived, probabilities those of y)."""
    curvature = sp.diff(sampled_loss(y), w1, 2).subs(w1, 0)
    law = labels()
    return FiniteNoise(tuple(sp.expand(curvature.subs({y: v, w2: w2_value})) for v in law.values), law.probs)


def w1_factors() -> tuple[sp.Expr, ...]:
    """The factors 1 - λ h(y) multiplying w_1 near w_1 = 0 (one per label): 1 + 4λ y w_2."""
    return tuple(multiplicative.update_factor(v) for v in induced_law().values)


@cache
def w1_trap_set() -> sp.Set:
    r"""{z = λ w_2 : E ln|1 - λ h(y)| < 0}: where the line w_1 = 0 attracts w_1 (Prop. 2 / Cor. 1
    applied to the induced law). μ depends on λ, w_2 only through z; μ < 0 ⇔ P(z)² < 1."""
    poly = multiplicative.trap_polynomial(induced_law()).poly.as_expr()
    in_z = sp.expand(poly.subs(lam, z / w2))
    if in_z.has(w2):
        raise AssertionError("the linearised w_1-dynamics should depend on λ w_2 only")
    return sp.solve_univariate_inequality(in_z**2 < 1, z, relational=False)
