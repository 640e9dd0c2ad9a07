"""Helpers of the continuous-time claim ``ziyin.appc`` (2021 App. C / 2022 App. B).

Sets of the curvature parameter are decided in the dimensionless ratio r = -Sa/λ (a = -rλ/S):
every condition of these appendices is homogeneous in λ/S, so in r it is a condition on one real
number, and SymPy can compare, intersect and sample the sets exactly for all S, λ > 0.
"""

from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from numerics.precision import decimal, evaluate, working_precision
from theory import fokker_planck as fp

from ...claim import Finding, Verdict
from ...display import latex, tex
from ...stats import DigitsTolerance, relative_gap

w, wp, lam, S, a, b, sigma = fp.w, fp.w_plus, fp.lam, fp.S, fp.a, fp.b, fp.sigma
HALF = sp.Rational(1, 2)

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


def show(found: sp.Set) -> str:
    """A set of a as inequalities in inline math, e.g. $a < - \\frac{\\lambda}{2 S}$ (for summaries)."""
    if isinstance(found, sp.Union):
        return " or ".join(show(part) for part in found.args)
    if found is sp.S.EmptySet:
        return "no a"
    if found == sp.Reals:
        return "every a"
    if not isinstance(found, sp.Interval):
        return f"a in {tex(found)}"
    below = "<" if found.right_open else r"\leq"
    above = "<" if found.left_open else r"\leq"
    if found.start == -sp.oo:
        return f"$a {below} {latex(found.end)}$"
    if found.end == sp.oo:
        at_least = ">" if found.left_open else r"\geq"
        return f"$a {at_least} {latex(found.start)}$"
    return f"${latex(found.start)} {above} a {below} {latex(found.end)}$"


def listed(values) -> str:
    """Values joined by commas, each as inline math (for summaries)."""
    return ", ".join(tex(value) for value in values)


# --- the findings the checks of ziyin.appc share (mutated values come in as arguments) --------


def densities(version: str, printed: dict) -> tuple[dict, bool]:
    curvature = CURVATURE[version]
    models = (fp.additive_multiplicative(curvature), fp.quartic_multiplicative(curvature),
              fp.quadratic_multiplicative(curvature))
    derived = {label: fp.stationary_density(model) for label, model in zip(printed, models)}
    same = all(fp.same_up_to_constant(derived[label], printed[label], model.variable)
               for label, model in zip(printed, models))
    return derived, same


def same_peak(roots, printed: sp.Expr, sample: dict) -> bool:
    """±printed are the nonzero roots: equal squares, and printed > 0 past the critical a."""
    positive = [r for r in roots if r != 0 and bool(r.subs(sample) > 0)]
    return len(positive) == 1 and sp.simplify(positive[0] ** 2 - printed**2) == 0 and bool(printed.subs(sample) > 0)


def mode(version: str, peak: sp.Expr, critical_printed: sp.Expr) -> tuple[dict, dict, bool]:
    curvature = CURVATURE[version]
    noisy = fp.stationary_density(fp.additive_multiplicative(curvature))
    quiet = fp.stationary_density(fp.quartic_multiplicative(curvature))
    roots, critical = fp.stationary_points(noisy, w), fp.critical_value(noisy, w)
    sample = {**UNIT, sigma: HALF, a: 4 * critical[0].subs(UNIT)}
    same = (len(critical) == 1 and sp.simplify(critical[0] - critical_printed) == 0
            and same_peak(roots, peak, sample) and same_peak(fp.stationary_points(quiet, wp), peak, sample))
    observed = {"stationary points": roots, "critical a": critical}
    return observed, {"most probable w": peak, "critical a": critical_printed}, same


def escape_finding(version: str, printed: sp.Boolean, name: str) -> Finding:
    sets = escape_sets(version)
    printed_set = in_ratio(printed)
    tolerance = "exact (Itô's formula; SymPy's convergence condition of ∫P dw; sets in r = -Sa/λ)"
    observed, expected = in_a(sets["ito"]), in_a(printed_set)
    if sets["ito"] != sets["normalisable"]:
        return Finding(Verdict.INCONCLUSIVE, f"Itô gives escape for {show(observed)} but the σ → 0 density is normalisable "
                       f"for {show(in_a(sets['normalisable']))}: the two routes disagree", tolerance, {}, observed, expected)
    point = witness(sets["ito"], printed_set)
    point = witness(printed_set, sets["ito"]) if point is None else point
    if point is None:
        return Finding(Verdict.PROVED, f"d ln w = ({tex(sets['rate'])}) dt + (λ/√S) dW: |w_t| → ∞ a.s. iff {show(observed)}, "
                       f"as {name} says", tolerance, {"log_growth_rate": sets["rate"]}, observed, expected)
    rate = sets["rate"].subs(at_unit(point))
    says = "escape" if bool(printed.subs(at_unit(point))) else "no escape"
    return Finding(
        Verdict.REFUTED,
        f"Itô: d ln w = ({tex(sets['rate'])}) dt + (λ/√S) dW, so |w_t| → ∞ a.s. iff {show(observed)} (where the σ → 0 density "
        f"is normalisable), but {name} gives {show(expected)}. At S = λ = b = 1, a = {tex(-point)}: ln|w_t|/t → {tex(rate)}, "
        f"yet {name} says {says}",
        tolerance, {"log_growth_rate": sets["rate"], "counterexample": {"a": -point, "log_growth_rate": rate}},
        observed, expected,
    )


def normaliser_finding(version: str, printed: sp.Boolean, name: str) -> Finding:
    """``printed``: the condition under which the σ → 0 density's normaliser is said to diverge."""
    sets = escape_sets(version)
    claimed, divergent = in_ratio(printed), sp.Complement(sp.Reals, sets["normalisable"])
    diverges_at_0 = in_a(in_ratio(sets["exponent_at_0"] < 0))
    observed, expected = in_a(divergent), in_a(claimed)
    point = witness(claimed, divergent)
    head = (f"P ∝ w^k e^(-Sbw²/λ) with k = {tex(sets['exponent_at_0'])}: P diverges at 0 iff {show(diverges_at_0)}, "
            f"but ∫P dw diverges iff {show(observed)}; {name} claims divergence for {show(expected)}")
    tolerance = "exact (SymPy's closed form and convergence condition of ∫P dw; sets in r = -Sa/λ)"
    if point is None:
        return Finding(Verdict.PROVED, f"{head}, inside it", tolerance, {"density_diverges_at_0": diverges_at_0},
                       observed, expected)
    total = sp.simplify(2 * sets["normaliser"].subs(at_unit(point)))
    return Finding(
        Verdict.REFUTED if total.is_finite and total.is_positive else Verdict.INCONCLUSIVE,
        f"{head}. At S = λ = b = 1, a = {tex(-point)}: ∫_ℝ P dw = {tex(total)} ≈ {sp.N(total, 8)}",
        tolerance, {"density_diverges_at_0": diverges_at_0, "counterexample": {"a": -point, "normaliser": total}},
        observed, expected,
    )


def quadrature_finding(ctx, ratios, predicts_divergence, name: str, sigmas=()) -> Finding:
    """∫_ℝ |w|^(-2-2Sa/λ) e^(-w²) dw (2021 (62) at S = λ = b = 1) at each -Sa/λ in ``ratios`` by quadrature
    against SymPy's closed form, judged against ``predicts_divergence(ratio)``; with ``sigmas``, also the
    normalisers of (57) at the first ratio (quadrature against a Meijer-G closed form), which must
    increase to it as σ → 0."""
    sets, tolerance = escape_sets("ziyin2021"), DigitsTolerance(ctx.dps)
    rows, observed, expected, worst = {}, {}, {}, mpmath.mpf(0)
    for ratio in ratios:
        closed = sp.simplify(2 * sets["normaliser"].subs(at_unit(ratio)))
        numeric = power_law_quadrature(sets["quiet_density"].subs(at_unit(ratio)), ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(numeric, evaluate(closed, ctx.dps)))
        observed[str(ratio)], expected[str(ratio)] = numeric, "diverges" if predicts_divergence(ratio) else "finite"
        rows[str(ratio)] = {"closed_form": closed, "quadrature": numeric}
    sequence = []
    for sigma_value in sigmas:
        exact, density = additive_normaliser(sigma_value, -ratios[0])
        numeric = quadrature(density, [sigma_value, 1], ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(numeric, evaluate(exact, ctx.dps)))
        sequence.append(numeric)
    increasing = all(x < y for x, y in zip(sequence, [*sequence[1:], observed[str(ratios[0])]]))
    wrong = [r for r, e in expected.items() if e == "diverges"]
    judged = f"{tolerance.describe()}, largest gap {mpmath.nstr(worst, 3)}"
    values = ", ".join(f"-Sa/λ = {r}: {tex(rows[r]['closed_form'])} = {decimal(observed[r], 12)}" for r in rows)
    approach = (f"; (57)'s normalisers at σ = {', '.join(map(tex, sigmas))} ({', '.join(decimal(v, 8) for v in sequence)}) "
                f"{'increase to' if increasing else 'do not increase to'} the first" if sigmas else "")
    if not tolerance.holds(worst) or not increasing:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.REFUTED if wrong else Verdict.CONFIRMED
    says = f"{name} predicts divergence at {', '.join(wrong)}" if wrong else f"{name} predicts finite values"
    return Finding(verdict, f"S = λ = b = 1, quadrature = closed form: {values}{approach}; {says}", judged,
                   {"normalisers": rows, "normalisers_of_57": dict(zip(map(str, sigmas), sequence))},
                   observed, expected)
