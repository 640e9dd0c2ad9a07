"""The spiky test losses of Kleinberg et al.'s claims: f(x) = x²/2 + (A/k²)(1 - cos(kx - φ)), whose
convolution with the SGD noise is derived in closed form, so Assumption 1's c and the smoothness
L are known exactly; Theorem 1's constants at an instance from the derived formulas."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import mpmath
import sympy as sp

from numerics import smoothed_sgd
from numerics.precision import evaluate, working_precision
from theory import kleinberg
from theory.kleinberg import L, b, c, eta, lam, m0, r, t, y
from theory.noise import FiniteNoise, UniformNoise

from ...symbolic import is_zero

HALF = sp.Rational(1, 2)


def same_log(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    return is_zero(sp.expand_log(lhs, force=True) - sp.expand_log(rhs, force=True))


@dataclass(frozen=True)
class SpikyInstance:
    """f(x) = x²/2 + (A/k²)(1 - cos(kx - φ)), ω ~ U[-r, r] (or ±r), step η, perturbation ξ = ηω."""

    label: str
    A: sp.Expr
    k: sp.Expr
    phi: sp.Expr
    s: sp.Expr  # ηr, the half-width of the perturbation
    eta: sp.Expr
    two_point: bool = False

    @property
    def r(self) -> sp.Expr:
        return self.s / self.eta

    @cached_property
    def loss(self) -> sp.Expr:
        return kleinberg.spiky_loss(self.A, self.k, self.phi)

    @property
    def perturbation(self):
        return kleinberg.perturbation(self.s, self.two_point)

    @property
    def omega(self):
        if self.two_point:
            return FiniteNoise((-self.r, self.r), (HALF, HALF))
        return UniformNoise(-self.r, self.r)

    @cached_property
    def characteristic(self) -> sp.Expr:
        return kleinberg.characteristic(self.perturbation, self.k)

    @cached_property
    def ratio(self) -> sp.Expr:
        """⟨∇g(y), y⟩/y², derived from the convolved loss."""
        return kleinberg.one_point_ratio(kleinberg.convolved(self.loss, self.perturbation))

    @cached_property
    def smoothness(self) -> sp.Expr:
        """L = sup |f''| (Theorem 1's L: the smoothness of f itself)."""
        second = sp.diff(self.loss, kleinberg.x, 2)
        return sp.Max(sp.maximum(second, kleinberg.x), -sp.minimum(second, kleinberg.x))

    @cached_property
    def convolved_smoothness(self) -> sp.Expr:
        """sup |g''| of the convolved loss (smaller: the proof's variance term needs f's L)."""
        second = sp.diff(kleinberg.convolved(self.loss, self.perturbation), y, 2)
        return sp.Max(sp.maximum(second, y), -sp.minimum(second, y))

    def ratio_has_sinc_form(self) -> bool:
        """The derived ratio is 1 + (A/k) χ sin(ky - φ)/y with χ = E cos(kξ)."""
        expected = 1 + self.A / self.k * self.characteristic * sp.sin(self.k * y - self.phi) / y
        return is_zero(self.ratio - expected)

    def one_point_constant(self, dps: int, radius=None):
        """c = inf over 0 < |y| ≤ radius of the ratio: 1 if χ = 0; 1 + Aχ inf sinc if φ = 0, χ > 0;
        1 + Aχ if φ = 0, χ < 0 (the infimum at y → 0)."""
        chi = self.characteristic
        if chi == 0:
            return mpmath.mpf(1)
        if self.phi != 0:
            raise ValueError("Assumption 1 fails: g'(0) ≠ 0 when φ ≠ 0 and χ ≠ 0")
        with working_precision(dps):
            amplitude = evaluate(self.A * chi, dps)
            upper = None if radius is None else evaluate(self.k, dps) * mpmath.mpmathify(radius)
            return 1 + amplitude * (smoothed_sgd.sinc_infimum(upper, dps) if amplitude > 0 else 1)

    def constants(self, dps: int, c_value=None) -> dict:
        """c, L, η, r, the derived λ and b of Theorem 1 and its derived step-size bound (mpmath)."""
        formulas = theorem1_formulas()
        with working_precision(dps):
            c_num = self.one_point_constant(dps) if c_value is None else c_value
            L_num, lr_num, r_num = (evaluate(e, dps) for e in (self.smoothness, self.eta, self.r))
            lam_num, b_num = (formulas[name](lr_num, c_num, L_num, r_num) for name in ("lambda", "b"))
            bound = min(formulas["step_size_bounds"](c_num, L_num))
            return {"c": c_num, "L": L_num, "eta": lr_num, "r": r_num, "lambda": lam_num, "b": b_num,
                    "eta_bound": bound, "conditions_hold": bool(lr_num < bound)}


@cache
def theorem1_formulas() -> dict:
    """The derived constants of Theorem 1 as mpmath functions (no printed formula in them)."""
    derived = kleinberg.contraction()
    return {
        "lambda": sp.lambdify((eta, c, L, r), derived.lam, "mpmath"),
        "b": sp.lambdify((eta, c, L, r), derived.b, "mpmath"),
        "step_size_bounds": sp.lambdify((c, L), kleinberg.step_size_bounds(), "mpmath"),
        "burn_in": sp.lambdify((lam, b, m0), kleinberg.burn_in_time(), "mpmath"),
        "expected_distance": sp.lambdify((lam, b, m0, t), kleinberg.expected_distance(), "mpmath"),
    }


def at_constants(expr: sp.Expr, constants: dict, dps: int):
    """A formula in λ, b (a radius such as 20b/λ) evaluated at an instance's constants."""
    with working_precision(dps):
        return evaluate(expr.subs({lam: sp.Float(constants["lambda"], dps), b: sp.Float(constants["b"], dps)}), dps)


def y0_squared(instance: SpikyInstance, start: sp.Expr) -> sp.Expr:
    """‖y_0 - x*‖² with y_0 = x_0 - η f'(x_0), x* = 0."""
    gradient = sp.diff(instance.loss, kleinberg.x).subs(kleinberg.x, start)
    return (start - instance.eta * gradient) ** 2


def burn_in(instance: SpikyInstance, start: sp.Expr, constants: dict, dps: int) -> int:
    """The smallest integer T1 ≥ log(λ‖y0 - x*‖²/b)/λ (the derived burn-in time), at least 1."""
    with working_precision(dps):
        d0 = evaluate(y0_squared(instance, start), dps)
        return max(1, int(mpmath.ceil(theorem1_formulas()["burn_in"](constants["lambda"], constants["b"], d0))))
