r"""Kleinberg, Li & Yuan (ICML 2018): SGD seen as gradient descent on the noise-convolved loss.

With y_t = x_t - η∇f(x_t) the SGD iterates satisfy y_{t+1} = y_t - ηω_t - η∇f(y_t - ηω_t) (eq. (1)),
so y_t does gradient descent on g(y) = E_ω f(y - ηω) up to noise. Derived here by SymPy:

* Theorem 1 (§3) through its proof (§4): the one-step bound of Step 1 from the moments of the
  expansion and the bounds the proof uses, whence λ and b; its exactness on f = L‖x‖²/2; the
  supermartingale, the burn-in time T1 and the Markov radius of Step 2; the geometric factor
  and the martingale-difference bound M of Step 3.
* Corollary 2: the restart time that Theorem 1 gives for the second stage, and the shrinking
  of the radius 20b/λ with η and c.
* Theorem 3: the change of ‖x_t - x*‖² under one GD step and the step size above which it grows.
* The test functions: f(x) = x²/2 + (A/k²)(1 - cos(kx - φ)) (a spiky, roughly convex loss whose
  convolution is derived in closed form) and the Fig. 3 style loss of ``fig3_loss``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from .errors import ParameterError
from .noise import FiniteNoise, UniformNoise

eta, c, L, r = sp.symbols("eta c L r", positive=True)
c2 = sp.Symbol("c'", positive=True)  # Theorem 3's c'
lam, b, lam2, b2 = sp.symbols("lambda b lambda' b'", positive=True)  # primes: Corollary 2's second stage
D = sp.Symbol("D", nonnegative=True)  # ‖y_t - x*‖²
delta = sp.Symbol("delta", positive=True)  # the radius δ of Step 3
m0 = sp.Symbol("m_0", positive=True)  # ‖y_0 - x*‖²
T = sp.Symbol("T", positive=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
x, y, xi, z = sp.symbols("x y xi z", real=True)
A, k = sp.symbols("A k", positive=True)
phi = sp.Symbol("phi", real=True)

# moments of one SGD step, given F_t (the proof's Step 1)
W2 = sp.Symbol("E|omega|^2", nonnegative=True)  # E‖ω‖²
F2 = sp.Symbol("E|grad f(y - eta omega)|^2", nonnegative=True)  # E‖∇f(y_t - ηω)‖²
UG = sp.Symbol("<y - x*, grad g(y)>", real=True)  # ⟨y_t - x*, ∇g(y_t)⟩ with g = E f(· - ηω)
WF = sp.Symbol("E<omega, grad f(y - eta omega)>", real=True)


# --- Theorem 1, Step 1 ------------------------------------------------------------------------


def one_step_expectation() -> sp.Expr:
    """E‖y_t - ηω - η∇f(y_t - ηω) - x*‖² expanded and written with the moments of ω and ∇f.

    The squared norm of u - ηω - ηφ (u = y_t - x*, φ = ∇f(y_t - ηω)) is expanded by SymPy on
    scalar stand-ins for the inner products; then E⟨u, ω⟩ = 0, E⟨u, φ⟩ = ⟨u, ∇g(y_t)⟩.
    """
    u, w, phi_ = sp.symbols("u w varphi", real=True)
    square = sp.Poly(sp.expand((u - eta * w - eta * phi_) ** 2), u, w, phi_)
    moment = {(2, 0, 0): D, (1, 1, 0): 0, (0, 2, 0): W2, (0, 0, 2): F2, (1, 0, 1): UG, (0, 1, 1): WF}
    return sp.expand(sum(coeff * moment[monomial] for monomial, coeff in square.terms()))


def step_one_bounds() -> dict[sp.Symbol, tuple[str, sp.Expr]]:
    """The bound the proof uses for each moment, and its direction.

    E‖ω‖² ≤ r² (radius); E‖∇f(y-ηω)‖² ≤ L² E‖y - ηω - x*‖² ≤ L²(D + η²r²) (smoothness, with
    ∇g(x*) = 0: the mean is ∇g(y), of norm ≤ L‖y - x*‖, and ω ↦ ∇f(y - ηω) is ηL-Lipschitz,
    so its variance is ≤ η²L² E‖ω‖²); ⟨u, ∇g(y)⟩ ≥ cD (Assumption 1, eq. (2));
    E⟨ω, ∇f(y-ηω)⟩ = E⟨ω, ∇f(y-ηω) - ∇f(y)⟩ ≤ r·Lηr.
    """
    return {
        W2: ("upper", r**2),
        F2: ("upper", L**2 * (D + eta**2 * r**2)),
        UG: ("lower", c * D),
        WF: ("upper", L * eta * r**2),
    }


@dataclass(frozen=True)
class Contraction:
    """E[‖y_{t+1} - x*‖² | F_t] ≤ (1 - λ)‖y_t - x*‖² + b."""

    bound: sp.Expr
    lam: sp.Expr
    b: sp.Expr


@cache
def contraction() -> Contraction:
    """Substitute each moment's bound where its coefficient has the matching sign (an upper bound
    under a non-negative coefficient, a lower bound under a non-positive one); read off λ and b."""
    expansion = one_step_expectation()
    for moment, (direction, value) in step_one_bounds().items():
        coefficient = sp.diff(expansion, moment)
        wanted = coefficient.is_nonnegative if direction == "upper" else coefficient.is_nonpositive
        if not wanted:
            raise AssertionError(f"the {direction} bound on {moment} does not bound the expansion")
        expansion = expansion.subs(moment, value)
    bound = sp.expand(expansion)
    return Contraction(bound, sp.expand(1 - bound.coeff(D, 1)), sp.factor(bound.coeff(D, 0)))


def quadratic_one_step(L_value: sp.Expr = L) -> sp.Expr:
    """E‖y_{t+1}‖² given y_t = y for f = L x²/2 and ω = ±r w.p. ½ (where c = L exactly): the
    case in which the factor 1 - λ of Step 1 is attained."""
    law = FiniteNoise((-r, r), (sp.Rational(1, 2), sp.Rational(1, 2)))
    gradient = sp.diff(L_value * x**2 / 2, x)
    return sp.expand(law.expectation(lambda w: (y - eta * w - eta * gradient.subs(x, y - eta * w)) ** 2))


def step_size_bounds() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Upper bounds on η that the proof needs, solved for η: ηL ≤ 1/2 (Step 3), λ > ηc
    (Step 2, and 1/λ ≤ 1/(ηc) in Step 3), 2ηc < 1 (so that λ < 1)."""
    needs = (eta * L - sp.Rational(1, 2) <= 0, contraction().lam - eta * c > 0, 2 * eta * c - 1 < 0)
    bounds = []
    for need in needs:
        solved = sp.solve(need, eta)
        if solved.lhs != eta:
            raise AssertionError(f"unexpected solution {solved}")
        bounds.append(solved.rhs)
    return tuple(bounds)


# --- Theorem 1, Step 2 ------------------------------------------------------------------------


def supermartingale_drift() -> sp.Expr:
    """E[G_{t+1} | F_t] - G_t at the Step 1 bound, G_t = (1-λ)^{-t}(‖y_t - x*‖² - b/λ)."""
    after = (1 - lam) ** (-(t + 1)) * ((1 - lam) * D + b - b / lam)
    return sp.simplify(after - (1 - lam) ** (-t) * (D - b / lam))


def expected_distance() -> sp.Expr:
    """m_t solving m_{t+1} = (1-λ)m_t + b, m_0 = ‖y_0 - x*‖²: the bound on E‖y_t - x*‖²."""
    m = sp.Function("m")
    return sp.simplify(sp.rsolve(m(t + 1) - (1 - lam) * m(t) - b, m(t), {m(0): m0}))


def burn_in_time() -> sp.Expr:
    """The T at which e^{-λT} m_0 = b/λ; since (1-λ)^T ≤ e^{-λT}, any T1 beyond it gives
    E‖y_{T1} - x*‖² ≤ b/λ + (1-λ)^{T1} m_0 ≤ 2b/λ."""
    (solution,) = sp.solve(sp.exp(-lam * T) * m0 - b / lam, T)
    return sp.expand_log(solution, force=True)


def markov_radius(mean_bound: sp.Expr, failure: sp.Expr) -> sp.Expr:
    """The radius R with P(X > R) ≤ E[X]/R = ``failure`` (Markov's inequality)."""
    R = sp.Symbol("R", positive=True)
    (solution,) = sp.solve(mean_bound / R - failure, R)
    return solution


T2 = sp.Symbol("T_2", positive=True)  # the length of the window of Theorem 1
zeta = sp.Symbol("zeta", positive=True)  # Step 3's ζ: each step of the window fails w.p. ≤ 1/ζ
R = sp.Symbol("R", positive=True)  # the radius of eq. (3), in units of b/λ


def after_burn_in_bound() -> sp.Expr:
    """b/λ + e^{-λT1} m_0 at the derived burn-in time T1: the bound on E‖y_{T1} - x*‖²."""
    return sp.simplify((b / lam + sp.exp(-lam * T) * m0).subs(T, burn_in_time()))


def markov_failure(radius: sp.Expr) -> sp.Expr:
    """P(‖y_{T1} - x*‖² > radius) ≤ E‖y_{T1} - x*‖²/radius (Markov, with the derived mean bound)."""
    return sp.simplify(after_burn_in_bound() / radius)


def success_probability(radius: sp.Expr = R * b / lam, zeta_value: sp.Expr = zeta) -> sp.Expr:
    """Steps 2-4: (3) holds w.p. ≥ 1 - Markov failure at ``radius``; given (3), each of the T2 steps
    of the window fails w.p. ≤ 1/ζ, so all hold w.p. ≥ 1 - T2/ζ (union bound); the theorem's event
    has probability ≥ the product (conditioning on (3))."""
    return sp.simplify((1 - markov_failure(radius)) * (1 - T2 / zeta_value))


def zeta_for(probability: sp.Expr, radius: sp.Expr = R * b / lam) -> sp.Expr:
    """The ζ (a multiple of T2) for which Steps 2-4 give exactly ``probability`` at ``radius``."""
    (solution,) = sp.solve(success_probability(radius) - probability, zeta)
    return sp.simplify(solution)


def two_stage_probability(stage_probability: sp.Expr) -> sp.Expr:
    """Corollary 2: stage 2 starts where stage 1 succeeded, so the events chain and the two
    stages' probabilities multiply (P(A ∩ B) = P(A) P(B | A))."""
    first, second_given_first = sp.symbols("p_1 p_2", positive=True)
    joint = first * second_given_first
    return joint.subs({first: stage_probability, second_given_first: stage_probability})


# --- Theorem 1, Step 3 ------------------------------------------------------------------------


def geometric_factor() -> sp.Expr:
    """1/(1 - (1-λ)²), the sum of (1-λ)^{2τ} over τ ≥ 0."""
    return sp.factor(1 / (1 - (1 - lam) ** 2))


def martingale_difference_terms(gradient_vanishes_at_target: bool = True) -> dict[str, sp.Expr]:
    r"""Bounds on the seven parts of |Q - E[Q | F_t]|, Q = ‖u - ηω - η∇f(y - ηω)‖², ‖u‖ ≤ δ.

    With Δ = ∇f(y - ηω) - ∇f(y) (‖Δ‖ ≤ Lηr) and G ≥ ‖∇f(y)‖: G = Lδ when ∇f(x*) = 0 (what the
    proof uses), else G = L(δ + ηr), since ∇g(x*) = 0 gives ‖∇f(x*)‖ ≤ Lηr.
    """
    G = L * delta if gradient_vanishes_at_target else L * (delta + eta * r)
    return {
        "eta^2 (|omega|^2 - E)": eta**2 * r**2,
        "-2 eta <u, omega>": 2 * eta * r * delta,
        "2 eta^2 <grad f(y), Delta - E Delta>": 2 * eta**2 * G * 2 * L * eta * r,
        "eta^2 (|Delta|^2 - E)": eta**2 * (L * eta * r) ** 2,
        "-2 eta <u, Delta - E Delta>": 2 * eta * delta * 2 * L * eta * r,
        "2 eta^2 <omega, grad f(y)>": 2 * eta**2 * r * G,
        "2 eta^2 (<omega, Delta> - E)": 2 * eta**2 * 2 * L * eta * r**2,
    }


def in_step_units(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(α, β) with expr = α η²r² + β ηrδ, as polynomials in q = ηL."""
    q = sp.Symbol("q", positive=True)
    scaled = sp.expand(expr.subs(L, q / eta))
    alpha = sp.expand(scaled.coeff(delta, 0) / (eta**2 * r**2))
    beta = sp.expand(scaled.coeff(delta, 1) / (eta * r))
    if sp.expand(alpha * eta**2 * r**2 + beta * eta * r * delta - scaled) != 0 or alpha.free_symbols - {q}:
        raise AssertionError(f"{expr} is not of the form α η²r² + β ηrδ")
    return alpha, beta


# --- Corollary 2 --------------------------------------------------------------------------------


def restart_time() -> sp.Expr:
    """Theorem 1's T1 for the second stage (λ', b'), started at squared distance ≤ 20b/λ."""
    return burn_in_time().subs({lam: lam2, b: b2}, simultaneous=True).subs(m0, 20 * b / lam)


def radius_over_lambda() -> sp.Expr:
    """b/λ as a function of η and c (Theorem 1's constants)."""
    constants = contraction()
    return sp.cancel(constants.b / constants.lam)


# --- Theorem 3 ----------------------------------------------------------------------------------


def gd_distance_change(dimension: int = 3) -> sp.Expr:
    """‖x_t - η∇f(x_t) - x*‖² - ‖x_t - x*‖² for symbolic vectors u = x_t - x*, g = ∇f(x_t)."""
    u = sp.Matrix(sp.symbols(f"u1:{dimension + 1}", real=True))
    g = sp.Matrix(sp.symbols(f"g1:{dimension + 1}", real=True))
    step = u - eta * g
    return sp.expand(step.dot(step) - u.dot(u))


def escape_threshold() -> sp.Expr:
    """The η > 0 at which the lower bound η(η‖∇f‖² - 2c'‖u‖²) of the change (using
    ⟨∇f, u⟩ ≤ c'‖u‖²) vanishes."""
    U2, G2 = sp.symbols("U2 G2", positive=True)
    lower = -2 * eta * c2 * U2 + eta**2 * G2
    roots = [root for root in sp.solve(lower, eta) if root != 0]
    (root,) = roots
    return root


# --- Test functions ------------------------------------------------------------------------------


def spiky_loss(A_value: sp.Expr = A, k_value: sp.Expr = k, phi_value: sp.Expr = phi) -> sp.Expr:
    """f(x) = x²/2 + (A/k²)(1 - cos(kx - φ)): L-smooth with L = 1 + A, spiky for large A."""
    A_value, k_value, phi_value = map(sp.sympify, (A_value, k_value, phi_value))
    return x**2 / 2 + A_value / k_value**2 * (1 - sp.cos(k_value * x - phi_value))


def fig3_loss(a_value: sp.Expr, k_value: sp.Expr, w_value: sp.Expr) -> sp.Expr:
    """f(x) = √(1+x²) - 1 + (a/k)(1 - e^{-x²/w²})(1 - cos kx): a convex bowl with spikes of
    gradient amplitude a that fade near x* = 0 (in the spirit of Fig. 3, whose f is not given)."""
    a_value, k_value, w_value = map(sp.sympify, (a_value, k_value, w_value))
    spikes = a_value / k_value * (1 - sp.exp(-(x**2) / w_value**2)) * (1 - sp.cos(k_value * x))
    return sp.sqrt(1 + x**2) - 1 + spikes


def convolved(loss: sp.Expr, law: UniformNoise | FiniteNoise) -> sp.Expr:
    """g(y) = E_ξ f(y - ξ) for the perturbation ξ = ηω of one SGD step (the paper's g_t)."""
    shifted = loss.subs(x, y - xi)
    if isinstance(law, FiniteNoise):
        return sp.simplify(law.expectation(lambda v: shifted.subs(xi, v)))
    return sp.simplify(sp.integrate(shifted * law.density, (xi, law.low, law.high)))


def characteristic(law: UniformNoise | FiniteNoise, k_value: sp.Expr = k) -> sp.Expr:
    """χ(k) = E cos(kξ): the factor by which convolution scales a spike of frequency k."""
    if isinstance(law, FiniteNoise):
        return sp.simplify(law.expectation(lambda v: sp.cos(k_value * v)))
    return sp.simplify(sp.integrate(sp.cos(k_value * xi) * law.density, (xi, law.low, law.high)))


def perturbation(half_width: sp.Expr, two_point: bool = False) -> UniformNoise | FiniteNoise:
    """The law of ξ = ηω: uniform on [-s, s], or ±s w.p. ½ each."""
    half_width = sp.sympify(half_width)
    if not (half_width.is_real and half_width.is_positive):
        raise ParameterError("s", f"the perturbation half-width must be positive, got {half_width}")
    if two_point:
        return FiniteNoise((-half_width, half_width), (sp.Rational(1, 2), sp.Rational(1, 2)))
    return UniformNoise(-half_width, half_width)


def one_point_ratio(g: sp.Expr) -> sp.Expr:
    """⟨∇g(y), y - x*⟩ / ‖y - x*‖² at x* = 0 (Assumption 1, eq. (2): this is ≥ c)."""
    return sp.simplify(sp.diff(g, y) / y)


def sinc_critical_equation() -> sp.Expr:
    """Numerator of d/dz (sin z / z): z cos z - sin z; its first positive root z0 (in (π, 3π/2))
    is where sin z / z is smallest."""
    return sp.numer(sp.together(sp.diff(sp.sin(z) / z, z)))
