"""Ziyin et al. (2021, 2022): the continuous-time (Fokker–Planck) picture and Gaussian noise.

App. C [2021] / App. B [2022] (stationary densities, the most probable w, the escape condition),
Props. 6, 7, 10 with Examples 1-2 [2021, §5.5 and D.5], and Prop. 9 [2021, App. B.2]. The printed
formulas are transcribed here (and only here); theory/fokker_planck.py derives every closed form
from the SDE dw = -λL'dt + (λ/√S)√C dW (2021 eq. (43)), and numerics/sde.py simulates that SDE.
"""

from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp
from scipy.stats import norm

from numerics import sde, trapset
from numerics.multiplicative_sim import simulate
from numerics.precision import decimal, evaluate, working_precision
from theory import fokker_planck as fp
from theory import multiplicative
from theory.noise import GaussianNoise

from ...claim import Claim, Finding, Verdict, high_precision, simulation, symbolic
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval, relative_gap
from ...symbolic import is_zero

w, wp, lam, S, a, b, sigma, c0 = fp.w, fp.w_plus, fp.lam, fp.S, fp.a, fp.b, fp.sigma, fp.c0
HALF = sp.Rational(1, 2)

# --- the papers' printed formulas (transcriptions; everything else is derived) --------------
# 2021 App. C (E[x] = a)
PRINTED_57 = (w**2 + S * sigma**2) ** (-1 - S * a / lam + S**2 * b * sigma**2 / lam) * sp.exp(-S * b * w**2 / lam)
PRINTED_59_PEAK = sp.sqrt(-lam / (S * b) - a / b)
PRINTED_59_CRITICAL = -lam / S
PRINTED_62 = wp ** (-2 - 2 * S * a / lam) * sp.exp(-S * b * wp**2 / lam)
PRINTED_70 = wp ** (-2 - 2 * S * a / lam)
PRINTED_63_DENSITY_DIVERGES = -S * a / lam < 1  # "P(w) diverges at w = 0 … the normalization also diverges"
PRINTED_71_ESCAPE = -S * a / lam > 1
# 2022 App. B (E[x] = a/2; OCR-garbled, the readings are stated in the checks)
PRINTED_33 = (w**2 + S * sigma**2) ** (-1 - S * a / (2 * lam) + S**2 * b * sigma**2 / lam) * sp.exp(-S * b * w**2 / lam)
PRINTED_35_PEAK = sp.sqrt(-lam / (S * b) - a / (2 * b))
PRINTED_35_CRITICAL = -2 * lam / S
PRINTED_38 = wp ** (-2 - S * a / lam) * sp.exp(-S * b * wp**2 / lam)
PRINTED_46 = wp ** (-2 - S * a / lam)
PRINTED_39_DENSITY_DIVERGES = -S * a / (2 * lam) < 1
PRINTED_47_ESCAPE = -S * a / (2 * lam) > 1
_x, _m2 = sp.Symbol("x", real=True), sp.Symbol("m_2", positive=True)  # E[x] = a, E[x²] = m_2
PRINTED_65 = (_m2 * w**2 + a**2 * w**2) / S
# 2021 C.1 eq. (51) and D.5 Examples 1-2
_L, _C = sp.Function("L")(w), sp.Function("C")(w)
PRINTED_51 = sp.exp(-2 * S / lam * sp.Integral(sp.diff(_L, w) / _C, w)) / _C
PRINTED_EXAMPLE1_C = c0 * wp ** (2 + 2 * S * a / lam) + wp**2
_v = sp.Symbol("v", real=True)
PRINTED_EXAMPLE2_C = sp.exp((w - fp.shift) ** 2) * (
    c0 - 2 * S / lam * sp.Integral(_v * sp.exp(-((_v - fp.shift) ** 2)), (_v, -sp.oo, w))
)
# 2021 App. B.2: (35) x ~ N(-a, σ²) and the step factor printed in (37)
_eps, _a35 = sp.Symbol("epsilon", real=True), sp.Symbol("a", real=True)
PRINTED_37_FACTOR = 1 - lam * (_a35 + sigma * _eps)

CURVATURE = {"ziyin2021": a, "ziyin2022": a / 2}  # coefficient of w in L' (E[x] = a vs a/2)
UNIT = {S: 1, lam: 1, b: 1}  # the parameter point of the counterexamples
COUNTEREXAMPLE_A = {"ziyin2021": sp.Rational(-3, 4), "ziyin2022": sp.Rational(-3, 2)}


def _show(interval: sp.Set) -> str:
    """An interval of a as an inequality, e.g. 'a < -lambda/(2*S)'."""
    if isinstance(interval, sp.Interval) and interval.start == -sp.oo:
        return f"a < {interval.end}"
    if isinstance(interval, sp.Interval) and interval.end == sp.oo:
        return f"a > {interval.start}"
    return str(interval)


def _same_peak(roots: list[sp.Expr], printed: sp.Expr, sample: dict) -> bool:
    """±printed are among the roots: equal squares, and equal signs at a point past the critical a."""
    positive = [r for r in roots if r != 0 and bool(r.subs(sample) > 0)]
    return len(positive) == 1 and is_zero(positive[0] ** 2 - printed**2) and bool(printed.subs(sample) > 0)


# --- App. C: stationary densities and the most probable w -------------------------------------


def _density_rows(version: str, printed: dict) -> dict:
    curvature = CURVATURE[version]
    models = {
        "additive+multiplicative": fp.additive_multiplicative(curvature),
        "quartic, multiplicative": fp.quartic_multiplicative(curvature),
        "quadratic, multiplicative": fp.quadratic_multiplicative(curvature),
    }
    rows = {}
    for (name, model), (label, expected) in zip(models.items(), printed.items()):
        derived = fp.stationary_density(model)
        rows[label] = {"model": name, "derived": str(derived), "printed": str(expected),
                       "proportional": fp.same_up_to_constant(derived, expected, model.variable)}
    return rows


def _mode_data(version: str, printed_peak: sp.Expr, printed_critical: sp.Expr) -> dict:
    curvature = CURVATURE[version]
    sample = {**UNIT, a: 4 * printed_critical.subs(UNIT), sigma: HALF}
    noisy = fp.stationary_density(fp.additive_multiplicative(curvature))
    quiet = fp.stationary_density(fp.quartic_multiplicative(curvature))
    roots = fp.stationary_points(noisy, w)
    critical = fp.critical_value(noisy, w)
    return {
        "stationary_points": [str(r) for r in roots],
        "curvature_at_0": str(fp.curvature_at_zero(noisy, w)),
        "critical_a": [str(c) for c in critical],
        "peak_matches": _same_peak(roots, printed_peak, sample),
        "critical_matches": len(critical) == 1 and is_zero(critical[0] - printed_critical),
        "peak_without_additive_noise_matches": _same_peak(fp.stationary_points(quiet, wp), printed_peak, sample),
    }


def _gradient_variance() -> sp.Expr:
    """Var of the sampled gradient ∂_w(x w²/2) = x w, with E[x] = a and E[x²] = m_2 (the C of (65) before 1/S)."""
    gradient = sp.diff(_x * w**2 / 2, w)
    second = sp.expand(gradient**2).subs(_x**2, _m2)
    return sp.expand(second - gradient.subs(_x, a) ** 2)


@symbolic("zero-flux densities (57), (62), (70) derived by dsolve equal the printed ones", version="ziyin2021")
def _appc_densities_2021(ctx):
    rows = _density_rows("ziyin2021", {"(57)": PRINTED_57, "(62)": PRINTED_62, "(70)": PRINTED_70})
    ok = all(row["proportional"] for row in rows.values())
    variance = _gradient_variance()
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        "solving J = λL'P + (λ²/2S)(CP)' = 0 for L = aw²/2 + bw⁴/4 (52) with C = w² + Sσ² (56), C = w² (61) and "
        "L = aw²/2 (68) gives exactly the printed densities (equal logarithmic derivatives). Slips on the way: (60) "
        f"prints bw²/4 for bw⁴/4; (65) prints C = (E[x²]w² + a²w²)/S, but Var(xw) = {variance} (minus a², and the 1/S "
        "is already in (43)); (68) takes C = w², i.e. Var x = 1",
        "exact (SymPy dsolve and simplification)",
        {**rows, "gradient_variance": str(variance), "printed_65": str(PRINTED_65)},
    )


@symbolic("most probable ŵ and critical a = -λ/S from d ln P/dw = 0 (58)-(59)", version="ziyin2021")
def _appc_mode_2021(ctx):
    data = _mode_data("ziyin2021", PRINTED_59_PEAK, PRINTED_59_CRITICAL)
    ok = data["peak_matches"] and data["critical_matches"] and data["peak_without_additive_noise_matches"]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"d ln P/dw = 0 at w ∈ {{{', '.join(data['stationary_points'])}}}; d² ln P/dw²(0) = {data['curvature_at_0']} "
        "changes sign at a = -λ/S; the peaks are the same without additive noise (62), as C.3 says. This is the "
        "threshold of the mode, not of escape (see (71))",
        "exact",
        data,
    )


@symbolic("(33), (35), (38), (46) in the a/2 normalisation, critical a = -2λ/S", version="ziyin2022")
def _appc_densities_2022(ctx):
    rows = _density_rows("ziyin2022", {"(33)": PRINTED_33, "(38)": PRINTED_38, "(46)": PRINTED_46})
    mode = _mode_data("ziyin2022", PRINTED_35_PEAK, PRINTED_35_CRITICAL)
    ok = all(row["proportional"] for row in rows.values()) and mode["peak_matches"] and mode["critical_matches"]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        "with drift -λ(a/2)w (29)-(31), (37), (44) the derived densities equal (33), (38), (46) and the mode "
        "threshold is a = -2λ/S (35). OCR readings: (33) exponent -1 - Sa/(2λ) + S²bσ²/λ (as in the line above "
        "(35)); (38), (46) w^{-2-Sa/λ}; (35) ŵ = ±√(-λ/(Sb) - a/(2b))",
        "exact (SymPy dsolve and simplification)",
        {"densities": rows, "mode": mode},
    )


# --- App. C: the escape condition --------------------------------------------------------------


def _escape_sets(version: str) -> dict:
    """Escape set in a from Itô's formula on ln w for GBM, and from normalisability of the σ → 0 density."""
    curvature = CURVATURE[version]
    rate = fp.log_growth_rate(fp.quadratic_multiplicative(curvature))
    quiet = fp.stationary_density(fp.quartic_multiplicative(curvature))
    normaliser, converges = fp.half_line_normaliser(quiet, wp)
    return {"rate": rate, "ito": fp.condition_in(rate > 0, a), "normalisable": fp.condition_in(converges, a),
            "normaliser": normaliser, "exponent_at_0": fp.power_form(quiet, wp)[0]}


def _escape_finding(version: str, printed, name: str, ratio: str) -> Finding:
    sets = _escape_sets(version)
    printed_set = fp.condition_in(printed, a)
    point = {**UNIT, a: COUNTEREXAMPLE_A[version]}
    rate = sets["rate"].subs(point)
    printed_says = bool(printed.subs(point))
    consistent = sets["ito"] == sets["normalisable"]
    mismatch = sets["ito"] != printed_set and rate > 0 and not printed_says
    return Finding(
        Verdict.REFUTED if consistent and mismatch else (Verdict.PROVED if sets["ito"] == printed_set else Verdict.INCONCLUSIVE),
        f"Itô: d ln w = ({sets['rate']}) dt + (λ/√S) dW, so |w_t| → ∞ a.s. iff {_show(sets['ito'])}, exactly where "
        f"the σ → 0 density is normalisable; {name} gives {_show(printed_set)}. Counterexample S = λ = b = 1, "
        f"a = {point[a]} ({ratio}): ln|w_t|/t → {rate} > 0, yet {name} says no escape",
        "exact (Itô's formula and SymPy's convergence condition of ∫ P dw)",
        {"log_growth_rate": str(sets["rate"]), "escape_set_ito": _show(sets["ito"]),
         "escape_set_normalisable": _show(sets["normalisable"]), "printed_set": _show(printed_set),
         "counterexample": {"S": "1", "lambda": "1", "b": "1", "a": str(point[a]), "log_growth_rate": str(rate),
                            "printed_predicts_escape": printed_says}},
    )


@symbolic("(71): escape iff -Sa/λ > 1, against Itô's formula for the GBM (68)", version="ziyin2021")
def _appc_escape_2021(ctx):
    return _escape_finding("ziyin2021", PRINTED_71_ESCAPE, "(71)", "-Sa/λ = 3/4")


@symbolic("(47) read as -Sa/(2λ) > 1, against Itô's formula for the GBM (44)", version="ziyin2022")
def _appc_escape_2022(ctx):
    """OCR of (47) is '-2a > 1'; the text after it ('Sa/2λ is the signal to noise ratio … escaping when the
    signal becomes larger than the noise') fixes the reading -Sa/(2λ) > 1."""
    return _escape_finding("ziyin2022", PRINTED_47_ESCAPE, "(47) read as -Sa/(2λ) > 1", "-Sa/(2λ) = 3/4")


def _normaliser_finding(version: str, printed, name: str) -> Finding:
    sets = _escape_sets(version)
    point = {**UNIT, a: COUNTEREXAMPLE_A[version]}
    total = sp.simplify(2 * sets["normaliser"].subs(point))
    density_diverges = fp.condition_in(sets["exponent_at_0"] < 0, a)
    printed_set = fp.condition_in(printed, a)
    first_half = density_diverges == printed_set
    refuted = bool(printed.subs(point)) and total.is_finite and total.is_positive
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"P ∝ w^k e^(-Sbw²/λ) with k = {sets['exponent_at_0']}: P diverges at 0 iff {_show(density_diverges)} "
        f"({'as' if first_half else 'unlike'} {name}), but ∫P dw converges iff {_show(sets['normalisable'])}. At S = λ = b = 1, "
        f"a = {point[a]}, {name} holds, yet ∫_ℝ P dw = {total} ≈ {sp.N(total, 8)} is finite",
        "exact (SymPy's closed form and convergence condition)",
        {"exponent_at_0": str(sets["exponent_at_0"]), "density_diverges_set": _show(density_diverges),
         "normalisable_set": _show(sets["normalisable"]), "printed_divergence_set": _show(printed_set),
         "counterexample": {"S": "1", "lambda": "1", "b": "1", "a": str(point[a]), "normaliser": str(total)}},
    )


@symbolic("C.3: when -Sa/λ < 1 the normalisation of (62) diverges", version="ziyin2021")
def _appc_normaliser_2021(ctx):
    return _normaliser_finding("ziyin2021", PRINTED_63_DENSITY_DIVERGES, "-Sa/λ < 1 (63)")


@symbolic("B.3: when -Sa/(2λ) < 1 the normalisation of (38) diverges", version="ziyin2022")
def _appc_normaliser_2022(ctx):
    """OCR of (39) is '-2λ < 1'; read as -Sa/(2λ) < 1, the condition under which (38) diverges at 0."""
    return _normaliser_finding("ziyin2022", PRINTED_39_DENSITY_DIVERGES, "-Sa/(2λ) < 1 (39)")


def _additive_normaliser(sigma_value: sp.Expr, a_value: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """∫_ℝ of (57) at S = λ = b = 1 by SymPy (a Meijer-G closed form), and the density itself."""
    density = sp.simplify(fp.stationary_density(fp.additive_multiplicative()).subs({**UNIT, a: a_value, sigma: sigma_value}))
    return 2 * sp.integrate(density.subs(w, wp), (wp, 0, sp.oo)), density


def _quadrature(density: sp.Expr, cuts, dps: int) -> mpmath.mpf:
    """2 ∫_0^∞ of an even density, tanh-sinh with breakpoints at ``cuts``."""
    with working_precision(dps):
        function = sp.lambdify(w, density, "mpmath")
        return 2 * mpmath.quad(function, [0, *[evaluate(c, dps) for c in cuts], mpmath.inf])


def _power_law_quadrature(density: sp.Expr, dps: int) -> mpmath.mpf:
    """∫_ℝ |w|^k e^{g(w)} dw (k > -1) as (2/(k+1)) ∫_0^∞ e^{g(u^{1/(k+1)})} du: the substitution u = w^{k+1}
    removes the singularity at 0 that tanh-sinh would otherwise resolve only to a few digits."""
    k, rest = fp.power_form(density, wp)
    u = sp.Symbol("u", positive=True)
    smooth = sp.exp(rest.subs(wp, u ** (1 / (k + 1))))
    with working_precision(dps):
        function = sp.lambdify(u, smooth, "mpmath")
        return 2 * mpmath.quad(function, [0, 1, mpmath.inf]) / evaluate(k + 1, dps)


@high_precision("normalisers at -Sa/λ = 3/4 by quadrature: finite, Γ(1/4), and (57)'s stay bounded as σ → 0",
                version="ziyin2021")
def _appc_high_precision(ctx):
    a_value = COUNTEREXAMPLE_A["ziyin2021"]
    quiet = fp.stationary_density(fp.quartic_multiplicative()).subs({**UNIT, a: a_value})
    closed = sp.simplify(2 * _escape_sets("ziyin2021")["normaliser"].subs({**UNIT, a: a_value}))
    limit_numeric = _power_law_quadrature(quiet, ctx.dps)
    tolerance = mpmath.mpf(10) ** (-(ctx.dps - 5))
    with working_precision(ctx.dps):
        worst = relative_gap(limit_numeric, evaluate(closed, ctx.dps))
    rows, sequence = {}, []
    for sigma_value in (sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 1000)):
        exact, density = _additive_normaliser(sigma_value, a_value)
        numeric = _quadrature(density, [sigma_value, 1], ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(numeric, evaluate(exact, ctx.dps)))
        sequence.append(numeric)
        rows[f"sigma={sigma_value}"] = numeric
    bounded = all(x < y for x, y in zip(sequence, [*sequence[1:], limit_numeric]))
    agree = worst <= tolerance
    return Finding(
        Verdict.REFUTED if agree and bounded else Verdict.INCONCLUSIVE,
        f"S = λ = b = 1, a = -3/4: ∫|w|^(-1/2) e^(-w²) dw = {closed} = {decimal(limit_numeric, 12)} by quadrature; "
        f"the normalisers of (57) at σ = 0.1, 0.01, 0.001 (quadrature = Meijer-G closed form) increase to it, so "
        "the σ → 0 limit is a proper density, not a Dirac delta",
        f"relative gap ≤ 1e-{ctx.dps - 5} between quadrature and closed forms (largest {mpmath.nstr(worst, 3)})",
        {"a": "-3/4", "S": "1", "lambda": "1", "b": "1", "limit_normaliser": limit_numeric,
         "closed_form": str(closed), "normalisers_of_57": rows},
    )


@high_precision("corrected threshold: normaliser of the σ → 0 density is finite for -Sa/λ > 1/2 (quadrature)")
def _appc_corrected_high_precision(ctx):
    sets = _escape_sets("ziyin2021")
    quiet = fp.stationary_density(fp.quartic_multiplicative())
    tolerance = mpmath.mpf(10) ** (-(ctx.dps - 5))
    rows, worst = {}, mpmath.mpf(0)
    for ratio in (sp.Rational(11, 20), sp.Rational(3, 4), sp.Rational(9, 10), sp.Integer(2)):
        point = {**UNIT, a: -ratio}
        closed = sp.simplify(2 * sets["normaliser"].subs(point))
        numeric = _power_law_quadrature(quiet.subs(point), ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(numeric, evaluate(closed, ctx.dps)))
        rows[f"-Sa/lambda={ratio}"] = {"closed_form": str(closed), "quadrature": numeric}
    return Finding(
        Verdict.CONFIRMED if worst <= tolerance else Verdict.REFUTED,
        f"S = λ = b = 1: ∫_ℝ |w|^(-2-2Sa/λ) e^(-w²) dw by quadrature equals SymPy's Γ((−1−2Sa/λ)/2) closed form "
        f"at -Sa/λ ∈ {{11/20, 3/4, 9/10, 2}} (largest gap {mpmath.nstr(worst, 3)}); it converges iff {_show(sets['normalisable'])}",
        f"relative gap ≤ 1e-{ctx.dps - 5}",
        rows,
    )


@symbolic("escape iff -Sa/λ > 1/2 [2021] / -Sa/(2λ) > 1/2 [2022]: Itô drift and normalisability agree")
def _appc_corrected_symbolic(ctx):
    rows, ok = {}, True
    for version in ("ziyin2021", "ziyin2022"):
        sets = _escape_sets(version)
        ok &= sets["ito"] == sets["normalisable"]
        rows[version] = {"log_growth_rate": str(sets["rate"]), "escape_set": _show(sets["ito"]),
                         "normalisable_set": _show(sets["normalisable"])}
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"2021 (drift -λaw): ln w_t/t → {rows['ziyin2021']['log_growth_rate']}, escape iff {rows['ziyin2021']['escape_set']}; "
        f"2022 (drift -λ(a/2)w): escape iff {rows['ziyin2022']['escape_set']}; in both the σ → 0 density is "
        "normalisable exactly there. The mode threshold a = -λ/S (2022: -2λ/S) is a different, larger |a|",
        "exact",
        rows,
    )


def _gbm_points(ctx, version: str, ratios) -> tuple[list[dict], int, int]:
    """Euler–Maruyama runs of dw = -λ·curvature·w dt + (λ/√S)|w| dW at S = λ = 1, w0 = 1: Student-t interval of
    ln|w_T|/T against the exact per-step rate of the scheme (mpmath), Bonferroni over the points."""
    runs, horizon, dt = (2000, 20, sp.Rational(1, 100)) if ctx.quick else (20000, 40, sp.Rational(1, 200))
    model = fp.quadratic_multiplicative(CURVATURE[version], w)
    level = bonferroni(len(ratios))
    seeds = iter(ctx.seed.spawn(len(ratios)))
    scale = 1 if version == "ziyin2021" else 2  # printed ratio -Sa/λ [2021], -Sa/(2λ) [2022]
    rows, misses, diverged = [], 0, 0
    for ratio in ratios:
        values = {S: 1, lam: 1, a: -scale * ratio}
        result = sde.euler_maruyama(model, values, runs, horizon, dt, next(seeds), lambda rng, n: np.ones(n), bound=1e100)
        diverged += int(result.escaped.sum())
        rates = np.log(np.abs(result.state[~result.escaped])) / horizon
        ci = mean_interval(rates, level)
        exact = float(sde.linear_step_log_rate(model, values, dt, 30) / dt)
        ito = fp.log_growth_rate(fp.quadratic_multiplicative(CURVATURE[version])).subs(values)
        misses += exact not in ci
        rows.append({"printed_ratio": str(ratio), "a": str(values[a]), "mean_rate_ci": ci.describe(),
                     "exact_scheme_rate": exact, "ito_rate": str(ito), "escapes": ci.low > 0, "converges": ci.high < 0,
                     "diverged_runs": int(result.escaped.sum())})
    return rows, misses, diverged


def _gbm_printed_finding(ctx, version: str, name: str) -> Finding:
    rows, misses, diverged = _gbm_points(ctx, version, [sp.Rational(3, 4)])
    row = rows[0]
    return Finding(
        Verdict.REFUTED if row["escapes"] and misses == 0 and diverged == 0 else Verdict.INCONCLUSIVE,
        f"at {name} = 3/4 (S = λ = 1) the printed condition says w does not escape, but the simulated growth rate of "
        f"ln|w| is {row['mean_rate_ci']} > 0 (Itô: {row['ito_rate']})",
        f"Student-t interval at level {LEVEL}; it must contain the scheme's exact rate (mpmath); no run may leave "
        "[-1e100, 1e100]",
        {"points": rows, "w0": "1"},
    )


@simulation("Euler–Maruyama GBM (68) at -Sa/λ = 3/4: ln|w| grows although (71) says no escape", version="ziyin2021")
def _appc_simulation_2021(ctx):
    return _gbm_printed_finding(ctx, "ziyin2021", "-Sa/λ")


@simulation("Euler–Maruyama GBM (44) at -Sa/(2λ) = 3/4: ln|w| grows although (47) says no escape", version="ziyin2022")
def _appc_simulation_2022(ctx):
    return _gbm_printed_finding(ctx, "ziyin2022", "-Sa/(2λ)")


@simulation("Euler–Maruyama GBM on both sides of -Sa/λ = 1/2: ln|w| falls at 1/4, grows at 3/4")
def _appc_corrected_simulation(ctx):
    rows, misses, diverged = _gbm_points(ctx, "ziyin2021", [sp.Rational(1, 4), sp.Rational(3, 4)])
    ok = rows[0]["converges"] and rows[1]["escapes"] and misses == 0
    return Finding(
        Verdict.INCONCLUSIVE if diverged else Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"-Sa/λ = 1/4: {rows[0]['mean_rate_ci']} < 0 (w → 0); -Sa/λ = 3/4: {rows[1]['mean_rate_ci']} > 0 (escape); "
        "each interval contains the scheme's exact rate",
        f"Student-t intervals at joint level {LEVEL} (Bonferroni over the two points)",
        {"points": rows, "w0": "1"},
    )


# --- Props. 6, 7, 10 and Examples 1-2 (2021) ---------------------------------------------------


@symbolic("(51) from dsolve of J = 0, and (112)'s C makes J ≡ 0 for any L, p", version="ziyin2021")
def _prop10_zero_flux(ctx):
    loss, density = sp.Function("L")(w), sp.Function("p")(w)
    derived_51 = fp.stationary_density(fp.ItoModel(loss, _C))
    same_51 = fp.same_up_to_constant(derived_51, PRINTED_51, w)
    covariance = fp.covariance_for_density(loss, density, w)
    current = sp.simplify(fp.ItoModel(loss, covariance).current(density))
    return Finding(
        Verdict.PROVED if same_51 and current == 0 else Verdict.REFUTED,
        f"dsolve(J = 0) gives P = {derived_51} ∝ (51) (Itô convention); with C = (1/p)[c0 - (2S/λ)∫L'p dw] (112) "
        f"the current is J = {current} for arbitrary L and p",
        "exact (SymPy, undefined functions L, C, p)",
        {"derived_51": str(derived_51), "current_with_112": str(current)},
    )


@symbolic("Props. 6/10 hypotheses (0 < p < ∞, lim w L' p < ∞) do not give C ≥ 0: L = w²/2, Cauchy p",
          version="ziyin2021")
def _prop6_cauchy(ctx):
    """Every C making p stationary solves (49): C p = C1 + C2 w - (2S/λ)∫L'p (dsolve). For the Cauchy
    density that is C1 + C2 w - (S/πλ) ln(1 + w²) + const, negative at -∞ (C2 ≥ 0) or at +∞ (C2 ≤ 0)."""
    loss, density = w**2 / 2, fp.cauchy_density()
    hypothesis_limit = sp.limit(w * sp.diff(loss, w) * density, w, sp.oo)
    products = fp.stationary_products(loss, density, w)
    flux = sp.Symbol("C2")
    k = sp.Symbol("k", positive=True)
    ends = {"C2=0": products.subs(flux, 0), "C2>0": products.subs(flux, k), "C2<0": products.subs(flux, -k)}
    limits = {name: [str(sp.limit(g, w, -sp.oo)), str(sp.limit(g, w, sp.oo))] for name, g in ends.items()}
    negative_somewhere = all("-oo" in pair for pair in limits.values())
    covariance = fp.covariance_for_density(loss, density, w).subs({S: 1, lam: 1, c0: 1})
    at_five = sp.simplify(covariance.subs(w, 5))
    return Finding(
        Verdict.REFUTED if hypothesis_limit.is_finite and negative_somewhere and at_five < 0 else Verdict.INCONCLUSIVE,
        f"p = 1/(π(1+w²)), L = w²/2: lim w L' p = {hypothesis_limit} < ∞ and 0 < p < ∞, but every stationary "
        f"C p = {products} tends to -∞ at one end for every (C1, C2), so no C ≥ 0 exists; e.g. (112) with "
        f"S = λ = c0 = 1 gives C(5) = {at_five} ≈ {sp.N(at_five, 6)} < 0. The proof's (113)-(114) bounds only "
        "∫L'p over all of ℝ (here 0 as a principal value), not sup_w ∫_{-∞}^w L'p",
        "exact (SymPy dsolve and limits)",
        {"lim_w_Lprime_p": str(hypothesis_limit), "stationary_C_times_p": str(products),
         "limits_at_minus_and_plus_infinity": limits, "C_at_w=5": str(at_five)},
    )


@symbolic("Examples 1 and 2: (112) gives the printed C, and p solves the stationary FP equation (49)",
          version="ziyin2021")
def _prop6_examples(ctx):
    first = fp.example1()
    first_matches = is_zero(sp.powsimp(sp.expand(first.covariance - PRINTED_EXAMPLE1_C), force=True))
    first_residual = sp.simplify(fp.ItoModel(first.loss, PRINTED_EXAMPLE1_C, wp).fokker_planck_rhs(first.density))
    second = fp.example2()
    printed_second = PRINTED_EXAMPLE2_C.doit()
    second_matches = is_zero((second.covariance.subs(c0, c0 / sp.sqrt(sp.pi)) - printed_second).rewrite(sp.erf))
    second_residual = sp.simplify(fp.ItoModel(second.loss, printed_second, w).fokker_planck_rhs(second.density))
    ok = first_matches and second_matches and first_residual == 0 and second_residual == 0
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"Example 1: (112) gives C = {first.covariance} (printed c0 w^(2+2Sa/λ) + w²; c0 = 0 gives w², the '(B(w) = "
        "w²)' of the text should read C); Example 2: (112) gives the printed C with c0 ↦ c0/√π (the 1/√π of p is "
        "absorbed in c0); both FP residuals are 0",
        "exact (SymPy)",
        {"example1_C": str(first.covariance), "example1_residual": str(first_residual),
         "example2_C": str(second.covariance), "example2_residual": str(second_residual),
         "example2_reading": "the printed ∫ w' e^{-(w'-w0)²} dw' taken from -∞ (another lower limit shifts c0)"},
    )


@symbolic("Prop. 7: some C admits no L with p_S = p (proof's witness C = 0 fails)", version="ziyin2021")
def _prop7(ctx):
    """Stationarity (49) integrates to (Cp)' = (2S/λ²)(J0 - λL'p); a derivative L' has no jumps (Darboux), so
    C = 1 + |w|, whose (Cp)' jumps by 2p(0) at 0, admits no L. The proof's C = 0 is met by L' = 0, which
    leaves every p stationary."""
    density = fp.example2_density(0)
    witness = 1 + sp.Abs(w)
    slope = sp.diff(witness * density, w)
    jump = sp.simplify(sp.limit(slope, w, 0, "+") - sp.limit(slope, w, 0, "-"))
    proof_gradient = fp.gradient_for_stationary(sp.Integer(0), density, w)
    smooth = fp.gradient_for_stationary(sp.Function("C")(w), density, w)
    return Finding(
        Verdict.PROVED if jump.is_positive and proof_gradient == 0 else Verdict.INCONCLUSIVE,
        f"with p = N(0, 1/2): C = 1 + |w| gives a jump {jump} of (Cp)' at 0, impossible for a zero-flux stationary p "
        "with differentiable L, so the statement holds. The proof's witness fails: for C = 0, L' = "
        f"{proof_gradient} (L constant) leaves every p stationary; and every differentiable C admits L' = {smooth}",
        "exact (one-sided limits); the statement needs a non-differentiable C",
        {"jump_of_Cp_derivative": str(jump), "L_prime_for_C_zero": str(proof_gradient),
         "L_prime_for_differentiable_C": str(smooth)},
    )


EXAMPLE2_CENTRE = HALF
EXAMPLE2_VALUES = {S: 1, lam: 1}
EXAMPLE2_WALL = EXAMPLE2_CENTRE - 4  # reflecting wall: the stationary mass below it is erfc(4)/2 ≈ 7.7e-9


@cache
def _example2_model() -> tuple[fp.ItoModel, sp.Expr]:
    """Example 2 at w0 = 1/2 with the least c0 = (2S/λ) sup ∫_{-∞}^w L'p, for which C > 0 everywhere."""
    constant = fp.minimal_constant(fp.example2(EXAMPLE2_CENTRE)).subs(EXAMPLE2_VALUES)
    return fp.example2(EXAMPLE2_CENTRE, constant).model, constant


@simulation("Example 2: Euler–Maruyama from U[-1, 1] reaches p = N(w0, 1/2) (mean, variance, KS)", version="ziyin2021")
def _example2_simulation(ctx):
    """C grows like e^{(w-w0)²} on the left for every c0 (w0 ≠ 0), so a fixed step diverges; the scheme bounds
    each increment's variance by κ and reflects at w0 - 4, where the stationary mass is ½erfc(4) = 7.7e-9 (a
    reflecting wall keeps the zero-flux density; Fig. 8 truncates w at ±4)."""
    runs, dt, kappa = (2000, 1 / 100, 1 / 100) if ctx.quick else (40000, 1 / 200, 1 / 200)
    horizon = 4
    model, constant = _example2_model()
    result = sde.euler_maruyama(model, EXAMPLE2_VALUES, runs, horizon, dt, ctx.seed, lambda rng, n: rng.uniform(-1, 1, n),
                                max_increment_variance=kappa, reflect_below=float(EXAMPLE2_WALL))
    if result.escaped.any():
        return Finding(Verdict.INCONCLUSIVE, f"{int(result.escaped.sum())} runs diverged", "no divergence allowed",
                       {"escaped": int(result.escaped.sum())})
    level = bonferroni(3)
    centre = float(EXAMPLE2_CENTRE)
    mean_ci = mean_interval(result.state, level)
    spread_ci = mean_interval((result.state - centre) ** 2, level)
    ordered = np.sort(result.state)
    cdf = norm.cdf(ordered, centre, np.sqrt(0.5))
    distance = float(max(np.max(np.arange(1, runs + 1) / runs - cdf), np.max(cdf - np.arange(runs) / runs)))
    dkw = float(np.sqrt(np.log(2 / (1 - level)) / (2 * runs)))
    ok = centre in mean_ci and 0.5 in spread_ci and distance <= dkw
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"w0 = 1/2, S = λ = 1, c0 = {constant} (least with C ≥ 0), t = {horizon}: mean {mean_ci.describe()} ∋ 1/2 "
        f"(not 0, the minimum of L), E(w-w0)² {spread_ci.describe()} ∋ 1/2, KS distance {distance:.4g} ≤ DKW {dkw:.3g}",
        f"Student-t intervals and DKW band at joint level {LEVEL} (Bonferroni over 3 tests); increment variance "
        f"≤ κ = {kappa}, reflecting wall at w0 - 4 (stationary mass beyond it 7.7e-9)",
        {"runs": runs, "horizon": horizon, "dt": dt, "max_increment_variance": kappa, "wall": str(EXAMPLE2_WALL),
         "c0": str(constant), "mean_ci": mean_ci.describe(), "second_moment_ci": spread_ci.describe(),
         "ks_distance": distance, "dkw": dkw, "iterations": result.iterations},
    )


@symbolic("if F(w) = ∫_{-∞}^w L'p is finite and bounded above, c0 > (2S/λ) sup F gives C > 0 and J ≡ 0")
def _prop6_corrected_symbolic(ctx):
    loss, density = sp.Function("L")(w), sp.Function("p")(w)
    covariance = fp.covariance_for_density(loss, density, w, -sp.oo)
    current = sp.simplify(fp.ItoModel(loss, covariance).current(density))
    example = fp.example2()
    integrand = sp.diff(example.loss, w) * example.density
    supremum = fp.antiderivative_supremum(integrand, w)
    flux = fp.antiderivative(integrand, w, -sp.oo)
    margin = sp.simplify(supremum - flux)  # (λ/2S) C p at the least c0
    cauchy_flux = fp.antiderivative(w * fp.cauchy_density(), w, -sp.oo)
    ok = current == 0 and is_zero(supremum - fp.shift) and is_zero(sp.diff(margin, w) + integrand)
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"C p = c0 - (2S/λ)F(w) makes J = {current} for any L, p, and C > 0 iff c0 > (2S/λ)F(w) for all w. "
        f"Example 2: F' = w p, F(-∞) = 0, F(∞) = sup F = {supremum}, so c0 = 2S w0/λ already gives C > 0 "
        f"((λ/2S)Cp = {margin}, decreasing to 0 only at +∞). The Cauchy counterexample has ∫_{{-∞}}^w L'p = {cauchy_flux}",
        "exact (SymPy, undefined functions L, p; Example 2 with symbolic w0 > 0)",
        {"current": str(current), "example2_sup_F": str(supremum), "example2_margin": str(margin),
         "cauchy_F": str(cauchy_flux)},
    )


# --- Prop. 9 (2021, App. B.2) -----------------------------------------------------------------

TRAP_SHIFT, TRAP_SPREAD = sp.Rational(1, 10), sp.Integer(1)  # x ~ N(-TRAP_SHIFT/λ, (TRAP_SPREAD/λ)²)
PROP9_RATES = (sp.Rational(1, 1000), sp.Rational(1, 10), sp.Integer(1), sp.Integer(10), sp.Integer(1000))


def _trap_law(lr: sp.Expr) -> GaussianNoise:
    """x ~ N(-1/(10λ), 1/λ²): 1 - λx ~ N(11/10, 1) whatever λ, and E[x] < 0 (w = 0 a local maximum)."""
    return GaussianNoise(-TRAP_SHIFT / lr, TRAP_SPREAD / lr)


@symbolic("x ~ N(-1/(10λ), 1/λ²): E[x] < 0 and 1 - λx ~ N(11/10, 1) for every λ > 0", version="ziyin2021")
def _prop9_symbolic(ctx):
    standard = sp.Symbol("epsilon", real=True)
    law = _trap_law(lam)
    factor = sp.expand(multiplicative.update_factor(law.mean + law.std * standard, lam))
    curvature = sp.diff(law.mean * w**2 / 2, w, 2)
    derived_37 = sp.expand(multiplicative.update_factor(-_a35 + sigma * _eps, lam))
    sign_gap = sp.simplify(derived_37 - PRINTED_37_FACTOR)
    ok = lam not in factor.free_symbols and curvature.is_negative
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"the step factor is {factor} with ε ~ N(0, 1), free of λ, so μ(λ) = E ln|N(11/10, 1)| for every λ > 0, and "
        f"E[L̂]'' = {curvature} < 0. Proof B.2 mixes signs: with x ~ N(-a, σ²) (35)-(36) the factor is "
        f"{derived_37}, not (37)'s 1 - λ(a + σε) (gap {sign_gap}); (40) '√μ' should be √t μ, (41) '√(2ts)' √(2t) s",
        "exact (SymPy)",
        {"step_factor": str(factor), "mean_curvature": str(curvature), "factor_from_35": str(derived_37),
         "printed_37": str(PRINTED_37_FACTOR), "gap_35_vs_37": str(sign_gap)},
    )


@high_precision("μ = E ln|1 - λx| < 0: hypergeometric Mellin route = quadrature at several λ", version="ziyin2021")
def _prop9_high_precision(ctx):
    rows, values = {}, []
    worst = mpmath.mpf(0)
    for lr in PROP9_RATES:
        law = _trap_law(lr)
        mellin = trapset.log_rate(law, evaluate(lr, ctx.dps), ctx.dps)
        quadrature = trapset.log_rate_by_quadrature(law, evaluate(lr, ctx.dps), ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(mellin, quadrature))
        values.append(mellin)
        rows[f"lambda={lr}"] = {"mellin": mellin, "quadrature": quadrature}
    with working_precision(ctx.dps):
        spread = max(relative_gap(v, values[0]) for v in values)
    tolerance = mpmath.mpf(10) ** (-(ctx.dps - 5))
    ok = worst <= tolerance and spread <= tolerance and values[0] < 0
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"μ = {decimal(values[0], 15)} < 0 at λ ∈ {{1/1000, 1/10, 1, 10, 1000}} by both routes (largest gap "
        f"{mpmath.nstr(worst, 3)}, spread over λ {mpmath.nstr(spread, 3)}), so w_t → 0 a.s. (SLLN) for every λ",
        f"relative gap ≤ 1e-{ctx.dps - 5} at {ctx.dps} digits",
        rows,
    )


@simulation("SGD with Gaussian x at λ ∈ {1/10, 1, 10}: runs converge to w = 0", version="ziyin2021")
def _prop9_simulation(ctx):
    runs, steps = (2000, 1000) if ctx.quick else (10000, 2000)
    rates = (sp.Rational(1, 10), sp.Integer(1), sp.Integer(10))
    level = bonferroni(2 * len(rates))
    seeds = iter(ctx.seed.spawn(len(rates)))
    mu = float(trapset.log_rate(_trap_law(sp.Integer(1)), 1, 30))
    rows, ok = [], True
    for lr in rates:
        log_w = simulate(_trap_law(lr), float(lr), runs, steps, next(seeds)).values[0]
        k = int(np.count_nonzero(log_w > np.log(1e-3)))
        escaped = proportion_interval(k, runs, level, method="exact")
        rate = mean_interval(log_w / steps, level)
        ok &= escaped.high < 0.05 and mu in rate
        rows.append({"lambda": str(lr), "not_converged": k, "runs": runs, "escaped_ci": escaped.describe(),
                     "rate_ci": rate.describe()})
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"at T = {steps}, |w_T| > 1e-3 in at most {max(r['not_converged'] for r in rows)}/{runs} runs per λ "
        f"(Clopper–Pearson upper bounds < 0.05), and the intervals of ln|w_T|/T contain μ = {mu:.6g}",
        f"Clopper–Pearson and Student-t intervals at joint level {LEVEL} (Bonferroni)",
        {"points": rows, "mu": mu, "w0": "1"},
    )


CLAIMS = (
    Claim(
        id="ziyin.appc",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="App. C eqs. (52)-(71) [2021] / App. B eqs. (28)-(47) [2022]",
        statement=r"P \propto (w^2+S\sigma^2)^{-1-\frac{Sa}{\lambda}+\frac{S^2b\sigma^2}{\lambda}}e^{-\frac{Sb}{\lambda}w^2},\ "
        r"\hat w = \pm\sqrt{-\tfrac{\lambda}{Sb}-\tfrac ab} \text{ iff } a < -\tfrac{\lambda}{S},\ "
        r"P \propto w^{-2-\frac{2Sa}{\lambda}},\ \text{normaliser diverges if } -\tfrac{Sa}{\lambda} < 1,\ "
        r"\text{escape iff } -\tfrac{Sa}{\lambda} > 1\ [2021],\ -\tfrac{Sa}{2\lambda} > 1\ [2022]",
        summary="stationary densities with additive and multiplicative noise, the biased mode, and the escape condition",
        checks=(_appc_densities_2021, _appc_mode_2021, _appc_densities_2022, _appc_escape_2021, _appc_escape_2022,
                _appc_normaliser_2021, _appc_normaliser_2022, _appc_high_precision, _appc_simulation_2021,
                _appc_simulation_2022),
    ),
    Claim(
        id="ziyin.appc-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="App. C (71) [2021] / App. B (47) [2022] with the Itô threshold",
        statement=r"dw = -\lambda a w\,dt + \tfrac{\lambda}{\sqrt S} w\,dW:\ |w_t| \to \infty \text{ a.s. iff } "
        r"-\tfrac{Sa}{\lambda} > \tfrac12,\ w_t \to 0 \text{ a.s. iff } -\tfrac{Sa}{\lambda} < \tfrac12\ "
        r"[2021;\ 2022:\ -\tfrac{Sa}{2\lambda} \gtrless \tfrac12];\ \int P\,dw < \infty \text{ iff } -\tfrac{Sa}{\lambda} > \tfrac12",
        summary="escape threshold -Sa/λ = 1/2 (half the printed one); the printed -λ/S is the mode threshold",
        checks=(_appc_corrected_symbolic, _appc_corrected_high_precision, _appc_corrected_simulation),
        corrects="ziyin.appc",
    ),
    Claim(
        id="ziyin.prop6",
        papers=(ZIYIN_2021,),
        where="Props. 6, 7 (§5.5), Prop. 10 eqs. (110)-(114) and Examples 1-2 (D.5) [2021]",
        statement=r"0 < p < \infty,\ \lim_{w\to\infty} w L'(w) p(w) < \infty \Rightarrow p_S = p \text{ for } "
        r"C = \frac1p\left[c_0 - \frac{2S}{\lambda}\int p\,dL\right];\ \exists C:\ p_S \ne p\ \forall L",
        summary="any regular density is the stationary law for a suitable C(w) (Props. 6/10), and not conversely (Prop. 7)",
        checks=(_prop10_zero_flux, _prop6_cauchy, _prop6_examples, _prop7, _example2_simulation),
    ),
    Claim(
        id="ziyin.prop6-corrected",
        papers=(ZIYIN_2021,),
        where="Prop. 10 [2021] with a hypothesis that bounds ∫L'p",
        statement=r"F(w) = \int_{-\infty}^w L'p \text{ finite and } \sup_w F < \infty,\ c_0 > \tfrac{2S}{\lambda}\sup F "
        r"\Rightarrow C = \frac{c_0 - \frac{2S}{\lambda}F}{p} > 0 \text{ and } p \text{ is zero-flux stationary}",
        summary="Prop. 10 holds when ∫_{-∞}^w L'p is bounded above (e.g. L'p integrable)",
        checks=(_prop6_corrected_symbolic, _example2_simulation),
        corrects="ziyin.prop6",
    ),
    Claim(
        id="ziyin.prop9",
        papers=(ZIYIN_2021,),
        where="Prop. 9 and proof, App. B.2 eqs. (35)-(41) [2021]",
        statement=r"\forall \lambda > 0\ \exists\, x \sim \mathcal N(m, \sigma^2),\ m < 0:\ "
        r"w_{t+1} = (1 - \lambda x_t) w_t \to 0 \text{ with probability } 1",
        summary="with Gaussian x, a local maximum can still attract SGD at any learning rate",
        checks=(_prop9_symbolic, _prop9_high_precision, _prop9_simulation),
    ),
)
