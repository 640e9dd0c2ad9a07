"""Helpers of the continuous-time claim ``ziyin.appc`` (2021 App. C / 2022 App. B).

Sets of the curvature parameter are decided in the dimensionless ratio r = -Sa/λ (a = -rλ/S):
every condition of these appendices is homogeneous in λ/S, so in r it is a condition on one real
number, and SymPy can compare, intersect and sample the sets exactly for all S, λ > 0.
"""

from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from numerics.precision import evaluate, working_precision
from theory import fokker_planck as fp

w, wp, lam, S, a, b, sigma = fp.w, fp.w_plus, fp.lam, fp.S, fp.a, fp.b, fp.sigma

#: r = -Sa/λ, the 2021 signal-to-noise ratio (2022's printed ratio -Sa/(2λ) is r/2)
RATIO = sp.Symbol("r", real=True)
#: coefficient of w in L' (E[x] = a in 2021, a/2 in 2022)
CURVATURE = {"ziyin2021": a, "ziyin2022": a / 2}
#: the parameter point of the counterexamples
UNIT = {S: 1, lam: 1, b: 1}


def in_ratio(condition: sp.Boolean) -> sp.Set:
    """The set of r = -Sa/λ where ``condition`` (on a, S, λ) holds, for every S, λ > 0."""
    found = fp.condition_in(condition.subs(a, -RATIO * lam / S), RATIO)
    if found.free_symbols - {RATIO}:
        raise AssertionError(f"{condition} is not a condition on -Sa/λ alone")
    return found


def at_unit(ratio: sp.Expr) -> dict:
    """The point S = λ = b = 1 with -Sa/λ = ``ratio``."""
    return {**UNIT, a: -ratio}


@cache
def escape_sets(version: str) -> dict:
    """Escape from w = 0 by Itô's formula on ln w for the GBM (2021 (68), 2022 (44)), and
    normalisability of the σ → 0 density (2021 (62), 2022 (38)): sets in a and in r."""
    curvature = CURVATURE[version]
    rate = fp.log_growth_rate(fp.quadratic_multiplicative(curvature))
    quiet = fp.stationary_density(fp.quartic_multiplicative(curvature))
    normaliser, converges = fp.half_line_normaliser(quiet, wp)
    return {"rate": rate, "ito": in_ratio(rate > 0), "normalisable": in_ratio(converges),
            "ito_in_a": fp.condition_in(rate > 0, a), "normalisable_in_a": fp.condition_in(converges, a),
            "normaliser": normaliser, "quiet_density": quiet, "exponent_at_0": fp.power_form(quiet, wp)[0]}


def witness(first: sp.Set, second: sp.Set) -> sp.Expr | None:
    """A point of ``first`` \\ ``second`` (None if it is empty): the midpoint of a bounded interval,
    else one unit inside its finite end."""
    part = sp.Complement(first, second)
    if part is sp.S.EmptySet:
        return None
    piece = part.args[0] if isinstance(part, sp.Union) else part
    low, high = piece.inf, piece.sup
    if low.is_finite and high.is_finite:
        return (low + high) / 2
    return high - 1 if high.is_finite else low + 1


def quadrature(density: sp.Expr, cuts, dps: int) -> mpmath.mpf:
    """2 ∫_0^∞ of an even density in w, tanh-sinh with breakpoints at ``cuts``."""
    with working_precision(dps):
        function = sp.lambdify(w, density, "mpmath")
        return 2 * mpmath.quad(function, [0, *[evaluate(c, dps) for c in cuts], mpmath.inf])


def power_law_quadrature(density: sp.Expr, dps: int) -> mpmath.mpf:
    """∫_ℝ |w|^k e^{g(w)} dw (k > -1) as (2/(k+1)) ∫_0^∞ e^{g(u^{1/(k+1)})} du: the substitution
    u = w^{k+1} removes the singularity at 0 that tanh-sinh would resolve only to a few digits."""
    k, rest = fp.power_form(density, wp)
    u = sp.Symbol("u", positive=True)
    smooth = sp.exp(rest.subs(wp, u ** (1 / (k + 1))))
    with working_precision(dps):
        function = sp.lambdify(u, smooth, "mpmath")
        return 2 * mpmath.quad(function, [0, 1, mpmath.inf]) / evaluate(k + 1, dps)


@cache
def additive_normaliser(sigma_value: sp.Expr, a_value: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """∫_ℝ of the additive + multiplicative density (2021 (57)) at S = λ = b = 1 by SymPy (a
    Meijer-G closed form), and the density itself."""
    density = fp.stationary_density(fp.additive_multiplicative()).subs({**UNIT, a: a_value, sigma: sigma_value})
    density = sp.simplify(density)
    return 2 * sp.integrate(density.subs(w, wp), (wp, 0, sp.oo)), density


def in_a(ratio_set: sp.Set) -> sp.Set:
    """A set of r = -Sa/λ (intervals) as the set of a it describes, for display."""
    if isinstance(ratio_set, sp.Union):
        return sp.Union(*(in_a(part) for part in ratio_set.args))
    if not isinstance(ratio_set, sp.Interval):
        return ratio_set
    start, end = (-value * lam / S for value in (ratio_set.end, ratio_set.start))
    return sp.Interval(start, end, ratio_set.right_open, ratio_set.left_open)
