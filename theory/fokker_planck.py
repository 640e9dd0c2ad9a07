r"""Continuous-time SGD: the Itô SDE, its Fokker–Planck current and stationary densities.

Ziyin et al. (2021, App. C eq. (43); 2022, App. B eq. (23)) approximate SGD by the Itô SDE

    dw = -λ L'(w) dt + (λ/√S) √C(w) dW,

whose Fokker–Planck equation (2021 (46)) is ∂_t P = λ ∂_w(L'P) + (λ²/2S) ∂_w²(CP), with
current J = λ L'P + (λ²/2S) ∂_w(CP) (2021 (48)). Everything below is derived by SymPy from a
loss L and a covariance C: stationary densities by ``dsolve`` on J = 0, modes from d ln P/dw = 0,
growth rates of ln|w| by Itô's formula, normalisers by ``integrate`` with their convergence
conditions, and Prop. 10's C(w) (2021 (112)) from the zero-flux condition. The printed formulas
are transcribed only in verify/claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from .errors import ParameterError
from .multiplicative import lam

w = sp.Symbol("w", real=True)
#: the half-line w > 0, for the purely multiplicative models (their densities are even in w)
w_plus = sp.Symbol("w", positive=True)
S = sp.Symbol("S", positive=True)  # batch size
a = sp.Symbol("a", real=True, nonzero=True)  # curvature parameter of the papers' losses
b = sp.Symbol("b", positive=True)  # quartic coefficient
sigma = sp.Symbol("sigma", positive=True)  # additive-noise strength
c0 = sp.Symbol("c_0", real=True)  # integration constant of Prop. 10, eq. (112)
shift = sp.Symbol("w_0", positive=True)  # centre of Example 2's Gaussian

#: symbols that must be positive whenever a value is substituted
POSITIVE = (lam, S, b, sigma, shift)


@dataclass(frozen=True)
class ItoModel:
    """dw = -λ L'(w) dt + (λ/√S) √C(w) dW with loss L and covariance C in ``variable``."""

    loss: sp.Expr
    covariance: sp.Expr
    variable: sp.Symbol = w
    rate: sp.Expr = lam  # the learning rate λ
    batch: sp.Expr = S  # the batch size S

    @property
    def gradient(self) -> sp.Expr:
        return sp.diff(self.loss, self.variable)

    @property
    def drift(self) -> sp.Expr:
        return -self.rate * self.gradient

    @property
    def diffusion(self) -> sp.Expr:
        return self.rate / sp.sqrt(self.batch) * sp.sqrt(self.covariance)

    def current(self, density: sp.Expr) -> sp.Expr:
        """J = λ L' P + (λ²/2S) ∂_w(C P), 2021 eq. (48) / 2022 eq. (26)."""
        noise = self.rate**2 / (2 * self.batch)
        return self.rate * self.gradient * density + noise * sp.diff(self.covariance * density, self.variable)

    def fokker_planck_rhs(self, density: sp.Expr) -> sp.Expr:
        """∂_t P = λ ∂_w(L'P) + (λ²/2S) ∂_w²(CP), 2021 eq. (46); zero for a stationary P (49)."""
        var, noise = self.variable, self.rate**2 / (2 * self.batch)
        return self.rate * sp.diff(self.gradient * density, var) + noise * sp.diff(self.covariance * density, var, 2)

    def at(self, values: dict) -> "ItoModel":
        """The model with exact values substituted; every symbol but the variable must get one."""
        exact = {}
        for symbol, value in values.items():
            value = sp.sympify(value)
            if not (value.is_real and value.is_finite):
                raise ParameterError(str(symbol), f"{value} is not a finite real number")
            if symbol in POSITIVE and not value.is_positive:
                raise ParameterError(str(symbol), f"must be positive, got {value}")
            exact[symbol] = value
        loss, covariance, rate, batch = (
            sp.sympify(part).subs(exact) for part in (self.loss, self.covariance, self.rate, self.batch)
        )
        free = set().union(*(part.free_symbols for part in (loss, covariance, rate, batch))) - {self.variable}
        if free:
            raise ParameterError("values", f"no value for {sorted(map(str, free))}")
        return ItoModel(loss, covariance, self.variable, rate, batch)


def covariance_from_amplitude(amplitude: sp.Expr) -> sp.Expr:
    """C(w) such that (λ/√S)√C equals the noise amplitude of an equation of motion (2021 (55) → (56))."""
    return sp.expand(S * (amplitude / lam) ** 2)


# --- the models of 2021 App. C / 2022 App. B -------------------------------------------------
# ``curvature`` is the coefficient of w in L': a in 2021 (E[x] = a), a/2 in 2022 (E[x] = a/2).


def additive_multiplicative(curvature: sp.Expr = a) -> ItoModel:
    """L = curvature w²/2 + b w⁴/4 with noise amplitude λ√(w²/S + σ²) (2021 (52), (55); 2022 (28), (31))."""
    amplitude = lam * sp.sqrt(w**2 / S + sigma**2)
    return ItoModel(curvature * w**2 / 2 + b * w**4 / 4, covariance_from_amplitude(amplitude), w)


def quartic_multiplicative(curvature: sp.Expr = a) -> ItoModel:
    """The same loss with only SGD noise λ w/√S, on w > 0 (2021 (60)-(61); 2022 (36)-(37))."""
    amplitude = lam * w_plus / sp.sqrt(S)
    return ItoModel(curvature * w_plus**2 / 2 + b * w_plus**4 / 4, covariance_from_amplitude(amplitude), w_plus)


def quadratic_multiplicative(curvature: sp.Expr = a, variable: sp.Symbol = w_plus) -> ItoModel:
    """Geometric Brownian motion dw = -λ curvature w dt + (λ/√S) w dW (2021 (68); 2022 (44))."""
    amplitude = lam * variable / sp.sqrt(S)
    return ItoModel(curvature * variable**2 / 2, covariance_from_amplitude(amplitude), variable)


# --- stationary densities and their features --------------------------------------------------


@cache
def stationary_density(model: ItoModel) -> sp.Expr:
    """The zero-flux stationary density (up to a constant): the solution of J = 0 (2021 (50) with
    J_0 = 0) found by ``dsolve``; for symbolic L and C this is 2021 eq. (51)."""
    density = sp.Function("P")
    solution = sp.dsolve(sp.Eq(model.current(density(model.variable)), 0), density(model.variable))
    return solution.rhs.subs(sp.Symbol("C1"), 1)


def same_up_to_constant(first: sp.Expr, second: sp.Expr, variable: sp.Symbol) -> bool:
    """first ∝ second: their logarithmic derivatives agree identically."""
    return sp.simplify(sp.diff(first, variable) / first - sp.diff(second, variable) / second) == 0


def log_slope(density: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """d ln P / dw (2021 (58))."""
    return sp.simplify(sp.diff(sp.expand_log(sp.log(density), force=True), variable))


def stationary_points(density: sp.Expr, variable: sp.Symbol) -> list[sp.Expr]:
    """All solutions of d ln P/dw = 0 (the candidates for the most probable w, 2021 (58)-(59))."""
    return sp.solve(sp.numer(sp.together(log_slope(density, variable))), variable)


def curvature_at_zero(density: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """d² ln P/dw² at w = 0: negative ⇔ w = 0 is a local mode."""
    return sp.simplify(sp.diff(log_slope(density, variable), variable).subs(variable, 0))


def critical_value(density: sp.Expr, variable: sp.Symbol, parameter: sp.Symbol = a) -> list[sp.Expr]:
    """Values of ``parameter`` where w = 0 changes from a mode to an antimode ("critical a", (59))."""
    return sp.solve(curvature_at_zero(density, variable), parameter)


def power_form(density: sp.Expr, variable: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """(k, rest) with density = variable**k · exp(rest), for a density built from exp and log."""
    log_density = sp.expand(sp.expand_log(sp.log(density), force=True))
    k = log_density.coeff(sp.log(variable))
    return sp.simplify(k), sp.simplify(log_density - k * sp.log(variable))


def half_line_normaliser(density: sp.Expr, variable: sp.Symbol) -> tuple[sp.Expr, sp.Boolean]:
    """∫_0^∞ P dw for P = w^k e^{rest}, as SymPy's closed form with its convergence condition."""
    k, rest = power_form(density, variable)
    value, condition = sp.integrate(variable**k * sp.exp(rest), (variable, 0, sp.oo), conds="separate")
    return sp.simplify(value), condition


def ito_drift(model: ItoModel, function: sp.Expr) -> sp.Expr:
    """Drift of f(w_t) by Itô's formula: f'(w) μ(w) + ½ f''(w) g(w)², with g the diffusion."""
    var = model.variable
    return sp.simplify(sp.diff(function, var) * model.drift + sp.diff(function, var, 2) * model.diffusion**2 / 2)


def log_growth_rate(model: ItoModel) -> sp.Expr:
    """Drift of ln w on w > 0 (Itô); for geometric Brownian motion a constant: ln w_t / t → it a.s."""
    return ito_drift(model, sp.log(model.variable))


def condition_in(condition: sp.Boolean, parameter: sp.Symbol) -> sp.Set:
    """The set of real ``parameter`` values satisfying a univariate condition."""
    return sp.solve_univariate_inequality(condition, parameter, relational=False)


# --- Prop. 6/10 (2021, §5.5 and D.5) ----------------------------------------------------------


@cache
def antiderivative(integrand: sp.Expr, variable: sp.Symbol, lower: sp.Expr | None = None) -> sp.Expr:
    """∫ integrand dw: indefinite (lower = None) or ∫_lower^w."""
    if lower is None:
        return sp.integrate(integrand, variable)
    dummy = sp.Dummy("v", real=True)
    return sp.simplify(sp.integrate(integrand.subs(variable, dummy), (dummy, lower, variable)))


def covariance_for_density(loss: sp.Expr, density: sp.Expr, variable: sp.Symbol, lower: sp.Expr | None = None,
                           constant: sp.Expr = c0) -> sp.Expr:
    """Prop. 10, eq. (112): C = (1/p) [c0 - (2S/λ) ∫ L' p dw], the C that makes p zero-flux stationary."""
    flux = antiderivative(sp.diff(loss, variable) * density, variable, lower)
    return (constant - 2 * S / lam * flux) / density


def stationary_products(loss: sp.Expr, density: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """All G = C·p with p stationary for (46): ``dsolve`` of λ(L'p)' + (λ²/2S) G'' = 0 (2021 (49)),
    general solution with constants C1 (c0) and C2 (the flux J0 of (111))."""
    product = sp.Function("G")
    equation = lam * sp.diff(sp.diff(loss, variable) * density, variable) + lam**2 / (2 * S) * sp.diff(
        product(variable), variable, 2
    )
    return sp.dsolve(equation, product(variable)).rhs


def gradient_for_stationary(covariance: sp.Expr, density: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """The L'(w) that makes p zero-flux stationary for a given C: solve J = 0 for L' (Prop. 7)."""
    slope = sp.Symbol("Lprime")
    current = lam * slope * density + lam**2 / (2 * S) * sp.diff(covariance * density, variable)
    (solution,) = sp.solve(current, slope)
    return sp.simplify(solution)


def antiderivative_supremum(integrand: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """sup_w ∫_{-∞}^w f: the larger of the limit at +∞ and the values at the local maxima
    (roots of f where f' < 0); the limit at -∞ is 0 by construction."""
    flux = antiderivative(integrand, variable, -sp.oo)
    candidates = [sp.Integer(0), sp.limit(flux, variable, sp.oo)]
    for root in sp.solve(integrand, variable):
        slope = sp.simplify(sp.diff(integrand, variable).subs(variable, root))
        if slope.is_negative:
            candidates.append(flux.subs(variable, root))
        elif not slope.is_positive:
            raise AssertionError(f"cannot classify the critical point {root} (f' = {slope})")
    return sp.simplify(sp.Max(*candidates))


@dataclass(frozen=True)
class Example:
    """A loss, a target density and the covariance Prop. 10 gives for it."""

    loss: sp.Expr
    density: sp.Expr
    covariance: sp.Expr
    variable: sp.Symbol

    @property
    def model(self) -> ItoModel:
        return ItoModel(self.loss, self.covariance, self.variable)


@cache
def example1() -> Example:
    """2021 D.5 Example 1: L = a w²/2, p ∝ w^{-2-2Sa/λ} on w > 0, C from (112) (indefinite integral)."""
    loss = a * w_plus**2 / 2
    density = w_plus ** (-2 - 2 * S * a / lam)
    return Example(loss, density, sp.expand(sp.powsimp(covariance_for_density(loss, density, w_plus))), w_plus)


def example2_density(centre: sp.Expr = shift) -> sp.Expr:
    """p(w) = π^{-1/2} exp(-(w - w0)²), i.e. N(w0, 1/2) (2021 D.5 Example 2)."""
    return sp.exp(-((w - centre) ** 2)) / sp.sqrt(sp.pi)


@cache
def example2(centre: sp.Expr = shift, constant: sp.Expr = c0) -> Example:
    """2021 D.5 Example 2: L = w²/2 and C from (112) with ∫_{-∞}^w (the paper's c0 absorbs √π)."""
    centre, constant = sp.sympify(centre), sp.sympify(constant)
    if not (centre.is_real and centre.is_finite):
        raise ParameterError("w0", f"{centre} is not a finite real number")
    loss = w**2 / 2
    density = example2_density(centre)
    covariance = covariance_for_density(loss, density, w, -sp.oo, constant)
    return Example(loss, density, sp.simplify(sp.expand(covariance.rewrite(sp.erfc))), w)


@cache
def minimal_constant(example: Example) -> sp.Expr:
    """The least c0 with C ≥ 0 everywhere: (2S/λ) sup_w ∫_{-∞}^w L' p."""
    return sp.simplify(2 * S / lam * antiderivative_supremum(sp.diff(example.loss, example.variable) * example.density,
                                                           example.variable))


def cauchy_density() -> sp.Expr:
    """p(w) = 1 / (π (1 + w²)): 0 < p < ∞ and w·L'·p → 1/π for L = w²/2 (Props. 6/10 hold)."""
    return 1 / (sp.pi * (1 + w**2))
