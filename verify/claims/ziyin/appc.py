"""Ziyin et al. App. C [2021] / App. B [2022]: stationary densities of continuous-time SGD and escape.

For dw = -λL'dt + (λ/√S)√C dW (2021 (43)) the zero-flux densities are (57), (62), (70) [2022: (33),
(38), (46)], the most probable w is ŵ = ±√(-λ/(Sb) - a/b) past a = -λ/S (59) [(35): -2λ/S], and w
escapes 0 iff -Sa/λ > 1 (71) [(47): -Sa/(2λ) > 1]. Itô's formula on ln w gives 1/2 for that 1.
OCR readings of 2022: (33) exponent -1 - Sa/(2λ) + S²bσ²/λ (as in the line above (35)); (38), (46)
w^{-2-Sa/λ}; (39) '-2λ < 1' and (47) '-2a > 1' read -Sa/(2λ) < 1 and -Sa/(2λ) > 1 (the text after (47):
"Sa/2λ is the signal to noise ratio"). Slips beside the claim: (60) prints bw²/4 for bw⁴/4.

Fig. 7 [2021] / Fig. 8 [2022]: discrete SGD with Fig. 1's a = -1, λ = 0.8 and additive gradient noise σ = 0.1
has a stationary law that "is not a delta function" [2021] ("has finite width" [2022]). It is the law of a
random affine recursion, heavy-tailed with index κ: E|1 - λx|^κ = 1 (κ ≈ 0.416 here), so its quantiles are
finite while E|w| and the variance are not.

Line after (71) [2021]: "this line agrees with the boundary of the lower branch of the phase diagram in Figure 2
when a → 0"; Fig. 9 [2022]: the continuous-time bound "agrees well with the discrete-time process in the small λ
small a limit" (S = 1). The discrete lower end a/(a - 1) ~ -a as a → 0⁻; the printed lines are λ = -Sa (71) and
λ = -Sa/2 (47, as read). 2021's agreement comes from two slips that cancel: the drift -λaw of (68) is twice
the -λ(a/2)w of E[x] = a/2, and the threshold 1 is twice Itô's ½.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp
from scipy import stats as scipy_stats

from numerics import escape_experiments, sde
from theory import fokker_planck as fp
from theory import ziyin

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    replace,
    scale,
    simulation,
    symbolic,
)
from ...display import tex
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval
from ...symbolic import is_zero
from ._continuous import (
    CURVATURE,
    UNIT,
    at_unit,
    densities,
    escape_finding,
    escape_sets,
    in_a,
    in_ratio,
    listed,
    mode,
    normaliser_finding,
    quadrature_finding,
    show,
)

w, wp, lam, S, a, b, sigma = fp.w, fp.w_plus, fp.lam, fp.S, fp.a, fp.b, fp.sigma
HALF = sp.Rational(1, 2)

# --- the printed formulas (transcriptions; everything else is derived) ------------------------
PRINTED_57 = (w**2 + S * sigma**2) ** (-1 - S * a / lam + S**2 * b * sigma**2 / lam) * sp.exp(-S * b * w**2 / lam)
PRINTED_59_PEAK = sp.sqrt(-lam / (S * b) - a / b)
PRINTED_59_CRITICAL = -lam / S
PRINTED_62 = wp ** (-2 - 2 * S * a / lam) * sp.exp(-S * b * wp**2 / lam)
PRINTED_70 = wp ** (-2 - 2 * S * a / lam)
PRINTED_33 = (w**2 + S * sigma**2) ** (-1 - S * a / (2 * lam) + S**2 * b * sigma**2 / lam) * sp.exp(-S * b * w**2 / lam)
PRINTED_35_PEAK = sp.sqrt(-lam / (S * b) - a / (2 * b))
PRINTED_35_CRITICAL = -2 * lam / S
PRINTED_38 = wp ** (-2 - S * a / lam) * sp.exp(-S * b * wp**2 / lam)
PRINTED_46 = wp ** (-2 - S * a / lam)
PRINTED_RATIO_2021 = -S * a / lam  # the ratio of (63), (71)
PRINTED_RATIO_2022 = -S * a / (2 * lam)  # the ratio of (39), (47)
PRINTED_71_ESCAPE_ABOVE = 1  # (71): escape requires -Sa/λ > 1
PRINTED_47_ESCAPE_ABOVE = 1  # (47): -Sa/(2λ) > 1
PRINTED_63_DIVERGES_BELOW = 1  # (63): if -Sa/λ < 1, ∫(62) dw diverges
PRINTED_39_DIVERGES_BELOW = 1  # (39): if -Sa/(2λ) < 1, ∫(38) dw diverges
_m2 = sp.Symbol("m_2", positive=True)  # E[x²]
PRINTED_65 = (_m2 * w**2 + a**2 * w**2) / S  # C(w) of (64): E[x] = a
#: the corrected escape threshold of -S·curvature/λ (Itô; 1/2 of the printed 1)
CORRECTED_ESCAPE_ABOVE = HALF

# --- experiment parameters --------------------------------------------------------------------
COUNTEREXAMPLE_RATIO = sp.Rational(3, 4)  # -S·c/λ of the printed checks' runs and quadrature: between 1/2 and 1
ADDITIVE_SIGMAS = (sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 1000))  # σ → 0 for (57)
CORRECTED_NORMALISER_RATIOS = (sp.Rational(11, 20), sp.Rational(3, 4), sp.Rational(9, 10), sp.Integer(2))
CORRECTED_RATIOS = (sp.Rational(1, 4), sp.Rational(3, 4))  # one on each side of the corrected 1/2
GBM_SIZES = {True: (2000, 20, sp.Rational(1, 100)), False: (20000, 40, sp.Rational(1, 200))}  # runs, T, dt
#: Fig. 7 [2021] / Fig. 8 [2022]: Fig. 1's a and λ, additive noise σ = 0.1, w0 ~ U[-1, 1], 2000 runs
PRINTED_ADDITIVE_SIGMA = sp.Rational(1, 10)
ADDITIVE_A, ADDITIVE_LR = sp.Integer(-1), sp.Rational(4, 5)
ADDITIVE_SIZES = {True: (2000, (200, 400)), False: (20000, (500, 1000))}  # runs, the two times compared
ADDITIVE_NEAR = sp.Rational(1, 1000)  # a delta at 0 would put every run within this of 0


def experiment(version: str, ratios, runs: int, horizon, dt, seed: np.random.SeedSequence, level=LEVEL) -> list:
    """Euler–Maruyama ensembles of the GBM dw = -λ·c·w dt + (λ/√S) w dW (c = a in 2021 (68), a/2 in
    2022 (44)) at S = λ = 1 from w0 = 1, one per ratio -S·c/λ in ``ratios``: rows with the Student-t
    ``interval`` of ln|w_T|/T at ``level``, the scheme's exact per-time rate (mpmath), Itô's rate
    -λc - λ²/(2S), and the runs that left [-1e100, 1e100]."""
    model, curvature = fp.quadratic_multiplicative(CURVATURE[version], w), CURVATURE[version]
    rows = []
    for ratio, child in zip(ratios, seed.spawn(len(ratios))):
        (a_value,) = sp.solve(curvature + ratio, a)
        values = {S: 1, lam: 1, a: a_value}
        result = sde.euler_maruyama(model, values, runs, horizon, dt, child, lambda rng, n: np.ones(n), bound=1e100)
        rates = np.log(np.abs(result.state[~result.escaped])) / float(horizon)
        rows.append({"ratio": ratio, "a": a_value, "interval": mean_interval(rates, level),
                     "scheme_rate": float(sde.linear_step_log_rate(model, values, dt, 30) / dt),
                     "ito_rate": escape_sets(version)["rate"].subs(values), "diverged": int(result.escaped.sum())})
    return rows


def _outcome(row) -> str:
    interval = row["interval"]
    return "escape" if interval.low > 0 else "no escape" if interval.high < 0 else "undecided"


def _shown(rows) -> list:
    return [{**row, "interval": row["interval"].describe()} for row in rows]


def _simulated(ctx, version: str, ratios, predicted) -> Finding:
    """Runs at ``ratios`` (of -S·c/λ) judged against ``predicted(row)`` ('escape' or 'no escape'; the row
    holds the ratio and the a simulated)."""
    runs, horizon, dt = GBM_SIZES[ctx.quick]
    rows = experiment(version, ratios, runs, horizon, dt, ctx.seed, bonferroni(len(ratios)))
    observed = {str(row["ratio"]): _outcome(row) for row in rows}
    expected = {str(row["ratio"]): predicted(row) for row in rows}
    faulty = [str(r["ratio"]) for r in rows if r["diverged"] or r["scheme_rate"] not in r["interval"]]
    verdict = (Verdict.INCONCLUSIVE if faulty or "undecided" in observed.values()
               else Verdict.CONFIRMED if observed == expected else Verdict.REFUTED)
    text = "; ".join(f"-S·c/λ = {tex(r['ratio'])}: ln|w_T|/T in {r['interval'].describe()} (Itô {tex(r['ito_rate'])}, "
                     f"{observed[str(r['ratio'])]}; predicted {expected[str(r['ratio'])]})" for r in rows)
    problem = f"; the scheme misses its exact rate or diverges at {', '.join(faulty)}" if faulty else ""
    return Finding(verdict, f"S = λ = 1, T = {horizon}: {text}{problem}",
                   f"Student-t intervals at joint level {LEVEL} (Bonferroni over {len(ratios)}); each must contain the "
                   "scheme's exact rate (mpmath); no run may leave [-1e100, 1e100]",
                   {"points": _shown(rows), "w0": 1, "runs": runs, "dt": dt}, observed=observed, expected=expected)


def _printed_holds(condition):
    """Whether a printed condition on a holds at S = λ = b = 1, -Sa/λ = ratio."""
    return lambda ratio: bool(condition.subs(at_unit(ratio)))


def _printed_says(condition):
    """The printed escape condition's prediction for a simulated row (S = λ = 1 and the row's a)."""
    return lambda row: "escape" if bool(condition.subs({**UNIT, a: row["a"]})) else "no escape"


def continuum_line(version: str) -> sp.Expr:
    """The λ(a) at which the printed escape condition of ``version`` ((71) / (47)) holds with equality, at S = 1."""
    ratio, above = ((PRINTED_RATIO_2021, PRINTED_71_ESCAPE_ABOVE) if version == "ziyin2021"
                    else (PRINTED_RATIO_2022, PRINTED_47_ESCAPE_ABOVE))
    (line,) = sp.solve(sp.Eq(ratio.subs(S, 1), above), lam)
    return line


def _continuum_finding(version: str) -> Finding:
    lower = ziyin.trap_interval().lower.subs(ziyin.a, a)
    line = continuum_line(version)
    ratio = sp.limit(line / lower, a, 0, "-")
    slopes = {"discrete": sp.limit(lower / a, a, 0, "-"), "continuous": sp.limit(line / a, a, 0, "-")}
    agree = is_zero(ratio - 1)
    return Finding(
        Verdict.PROVED if agree else Verdict.REFUTED,
        f"the printed continuous-time line is {tex(sp.Eq(lam, line))} at $S = 1$; the discrete lower end "
        f"{tex(sp.Eq(lam, lower))} has slope {tex(slopes['discrete'])} at $a = 0^-$ against {tex(slopes['continuous'])}, "
        f"so their ratio tends to {tex(ratio)}: " + ("they agree as a → 0" if agree else "they do not agree as a → 0"),
        "exact (SymPy limits)",
        {"continuous line": line, "discrete lower end": lower, "slopes at 0": slopes},
        observed={"lim λ_continuous / λ₋": ratio}, expected={"lim λ_continuous / λ₋": 1},
    )


def additive_experiment(runs: int, record, seed: np.random.SeedSequence, sigma=None) -> dict:
    """Fig. 7 [2021] / Fig. 8 [2022]: w_t of discrete SGD on x w²/2 (x ∈ {1, a - 1}, Fig. 1's a and λ) with
    additive gradient noise σξ from w0 ~ U[-1, 1] (``w[t]`` for t in ``record``), and the tail index κ."""
    law = ziyin.noise(ADDITIVE_A)
    sigma = PRINTED_ADDITIVE_SIGMA if sigma is None else sigma
    w_t = escape_experiments.additive_noise(law, ADDITIVE_LR, sigma, runs, record, seed)
    return {"w": w_t, "kappa": escape_experiments.kesten_index(law, ADDITIVE_LR)}


# --- the densities and the mode ---------------------------------------------------------------


@symbolic("zero-flux densities (57), (62), (70) derived by dsolve equal the printed ones", version="ziyin2021",
          falsifiers=(replace("PRINTED_70", PRINTED_46, "(70) in the a/2 normalisation of 2022"),))
def densities_2021(ctx):
    printed = {"(57)": PRINTED_57, "(62)": PRINTED_62, "(70)": PRINTED_70}
    derived, same = densities("ziyin2021", printed)
    x = sp.Symbol("x", real=True)
    variance = sp.expand(sp.expand((x * w) ** 2).subs(x**2, _m2) - (a * w) ** 2)
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"J = 0 for L = aw²/2 + bw⁴/4 with C = w² + Sσ² and C = w², and L = aw²/2 with C = w², gives "
        f"{', '.join(f'{k} P ∝ {tex(v)}' for k, v in derived.items())}: {'all' if same else 'not all'} proportional to "
        f"the printed ones. Beside it, (65) prints C = {tex(PRINTED_65)}, while Var(xw) = {tex(variance)}",
        "exact (SymPy dsolve; equal logarithmic derivatives)",
        {"gradient_variance": variance, "printed_65": PRINTED_65}, observed=derived, expected=printed,
    )


@symbolic("most probable ŵ and critical a = -λ/S from d ln P/dw = 0 (58)-(59)", version="ziyin2021",
          falsifiers=(scale("PRINTED_59_CRITICAL", 2), scale("PRINTED_59_PEAK", 2)))
def mode_2021(ctx):
    observed, expected, same = mode("ziyin2021", PRINTED_59_PEAK, PRINTED_59_CRITICAL)
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"d ln P/dw = 0 at w ∈ {{{listed(observed['stationary points'])}}}; w = 0 turns from mode to antimode at a = "
        f"{listed(observed['critical a'])}; printed ŵ = ±{tex(PRINTED_59_PEAK)} past a = {tex(PRINTED_59_CRITICAL)}: "
        f"{'the same' if same else 'different'} (also without additive noise, (62))",
        "exact", {}, observed=observed, expected=expected,
    )


@symbolic("(33), (35), (38), (46) in the a/2 normalisation, critical a = -2λ/S", version="ziyin2022",
          falsifiers=(replace("PRINTED_46", PRINTED_70, "(46) in the a normalisation of 2021"),
                      scale("PRINTED_35_CRITICAL", HALF)))
def densities_2022(ctx):
    printed = {"(33)": PRINTED_33, "(38)": PRINTED_38, "(46)": PRINTED_46}
    derived, same_densities = densities("ziyin2022", printed)
    found, expected_mode, same_mode = mode("ziyin2022", PRINTED_35_PEAK, PRINTED_35_CRITICAL)
    same = same_densities and same_mode
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"with drift -λ(a/2)w: {', '.join(f'{k} P ∝ {tex(v)}' for k, v in derived.items())} "
        f"({'proportional' if same_densities else 'not all proportional'} to the printed ones); critical a = "
        f"{listed(found['critical a'])} against (35)'s {tex(PRINTED_35_CRITICAL)}",
        "exact (SymPy dsolve and simplification)", {},
        observed={**derived, **found}, expected={**printed, **expected_mode},
    )


# --- the escape condition ---------------------------------------------------------------------


@symbolic("(71): escape iff -Sa/λ > 1, against Itô's formula for the GBM (68)", version="ziyin2021",
          falsifiers=(scale("PRINTED_71_ESCAPE_ABOVE", HALF), scale("PRINTED_RATIO_2021", 2)))
def escape_2021(ctx):
    return escape_finding("ziyin2021", PRINTED_RATIO_2021 > PRINTED_71_ESCAPE_ABOVE, "(71)")


@symbolic("(47) read as -Sa/(2λ) > 1, against Itô's formula for the GBM (44)", version="ziyin2022",
          falsifiers=(scale("PRINTED_47_ESCAPE_ABOVE", HALF), scale("PRINTED_RATIO_2022", 2)))
def escape_2022(ctx):
    return escape_finding("ziyin2022", PRINTED_RATIO_2022 > PRINTED_47_ESCAPE_ABOVE, "(47)")


@symbolic("C.3: when -Sa/λ < 1 the normalisation of (62) diverges", version="ziyin2021",
          falsifiers=(scale("PRINTED_63_DIVERGES_BELOW", HALF),))
def normaliser_2021(ctx):
    return normaliser_finding("ziyin2021", PRINTED_RATIO_2021 < PRINTED_63_DIVERGES_BELOW, "(63)")


@symbolic("B.3: when -Sa/(2λ) < 1 the normalisation of (38) diverges", version="ziyin2022",
          falsifiers=(scale("PRINTED_39_DIVERGES_BELOW", HALF),))
def normaliser_2022(ctx):
    return normaliser_finding("ziyin2022", PRINTED_RATIO_2022 < PRINTED_39_DIVERGES_BELOW, "(39)")


@high_precision("normalisers at -Sa/λ = 3/4 by quadrature: finite, Γ(1/4), and (57)'s stay bounded as σ → 0",
                version="ziyin2021", falsifiers=(scale("PRINTED_63_DIVERGES_BELOW", HALF),))
def normaliser_quadrature(ctx):
    return quadrature_finding(ctx, (COUNTEREXAMPLE_RATIO,), _printed_holds(PRINTED_RATIO_2021 < PRINTED_63_DIVERGES_BELOW),
                              "(63)", ADDITIVE_SIGMAS)


@simulation("Euler–Maruyama GBM (68) at -Sa/λ = 3/4: ln|w| grows although (71) says no escape", version="ziyin2021",
            falsifiers=(scale("PRINTED_71_ESCAPE_ABOVE", HALF), replace("COUNTEREXAMPLE_RATIO", sp.Rational(1, 4))))
def simulation_2021(ctx):
    return _simulated(ctx, "ziyin2021", (COUNTEREXAMPLE_RATIO,),
                      _printed_says(PRINTED_RATIO_2021 > PRINTED_71_ESCAPE_ABOVE))


@simulation("Euler–Maruyama GBM (44) at -Sa/(2λ) = 3/4: ln|w| grows although (47) says no escape", version="ziyin2022",
            falsifiers=(scale("PRINTED_47_ESCAPE_ABOVE", HALF), replace("COUNTEREXAMPLE_RATIO", sp.Rational(1, 4))))
def simulation_2022(ctx):
    return _simulated(ctx, "ziyin2022", (COUNTEREXAMPLE_RATIO,),
                      _printed_says(PRINTED_RATIO_2022 > PRINTED_47_ESCAPE_ABOVE))


# --- the corrected threshold ------------------------------------------------------------------


@symbolic("escape iff -Sa/λ > 1/2 [2021] / -Sa/(2λ) > 1/2 [2022]: Itô drift and normalisability agree",
          falsifiers=(scale("CORRECTED_ESCAPE_ABOVE", 2),))
def corrected_escape(ctx):
    observed, expected, agree = {}, {}, True
    for version, curvature in CURVATURE.items():
        sets = escape_sets(version)
        agree &= sets["ito"] == sets["normalisable"]
        observed[version] = in_a(sets["ito"])
        expected[version] = in_a(in_ratio(-S * curvature / lam > CORRECTED_ESCAPE_ABOVE))
    same = agree and observed == expected
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"Itô: escape iff {show(observed['ziyin2021'])} (2021, drift -λaw), {show(observed['ziyin2022'])} (2022, "
        f"drift -λ(a/2)w); the σ → 0 density is {'normalisable exactly there' if agree else 'normalisable elsewhere'}; "
        f"-S·c/λ > {tex(CORRECTED_ESCAPE_ABOVE)} gives {show(expected['ziyin2021'])} and {show(expected['ziyin2022'])}",
        "exact (Itô's formula; SymPy's convergence condition; sets in r = -Sa/λ)",
        {version: {"log_growth_rate": escape_sets(version)["rate"]} for version in CURVATURE},
        observed=observed, expected=expected,
    )


@high_precision("corrected threshold: normaliser of the σ → 0 density is finite for -Sa/λ > 1/2 (quadrature)",
                falsifiers=(scale("CORRECTED_ESCAPE_ABOVE", 2),))
def corrected_normaliser(ctx):
    return quadrature_finding(ctx, CORRECTED_NORMALISER_RATIOS, lambda ratio: ratio <= CORRECTED_ESCAPE_ABOVE,
                              f"-Sa/λ > {tex(CORRECTED_ESCAPE_ABOVE)}")


@simulation("Euler–Maruyama GBM on both sides of -Sa/λ = 1/2: ln|w| falls at 1/4, grows at 3/4",
            falsifiers=(scale("CORRECTED_ESCAPE_ABOVE", 2),))
def corrected_simulation(ctx):
    return _simulated(ctx, "ziyin2021", CORRECTED_RATIOS,
                      lambda row: "escape" if row["ratio"] > CORRECTED_ESCAPE_ABOVE else "no escape")


@simulation("Fig. 7 [2021] / Fig. 8 [2022]: with additive noise σ = 0.1 the law of w_t is stationary and no delta at 0",
            version="ziyin2021", falsifiers=(replace("PRINTED_ADDITIVE_SIGMA", sp.Integer(0), "no additive noise"),))
def additive_stationary(ctx):
    """Two independent ensembles read at T1 < T2: stationary if a two-sample KS test does not tell them apart;
    no delta at 0 if the Wilson interval of the fraction with |w_T2| > 1/1000 lies above 0 (both at joint level)."""
    runs, (first, last) = ADDITIVE_SIZES[ctx.quick]
    early_seed, late_seed = ctx.seed.spawn(2)
    early = additive_experiment(runs, (first,), early_seed)["w"][first]
    late_run = additive_experiment(runs, (last,), late_seed)
    late, kappa = late_run["w"][last], late_run["kappa"]
    level = bonferroni(2)
    test = scipy_stats.ks_2samp(early, late)
    stationary = bool(test.pvalue >= 1 - level)
    away = int(np.count_nonzero(np.abs(late) > float(ADDITIVE_NEAR)))
    spread = proportion_interval(away, runs, level)
    no_delta = spread.low > 0
    quartiles = np.quantile(late, (0.25, 0.5, 0.75))
    ok = stationary and no_delta
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"$a = {sp.latex(ADDITIVE_A)}$, $\\lambda = {sp.latex(ADDITIVE_LR)}$, $\\sigma = {sp.latex(PRINTED_ADDITIVE_SIGMA)}$, "
        f"{runs} runs per ensemble: the two-sample KS distance between t = {first} and t = {last} is {test.statistic:.3g} "
        f"(p = {test.pvalue:.3g}, {'stationary' if stationary else 'still moving'}); the fraction of runs with "
        f"$|w_T| > {sp.latex(ADDITIVE_NEAR)}$ has the {spread.describe()} ({'no delta at 0' if no_delta else 'all at 0'}); "
        f"quartiles {', '.join(f'{q:.3g}' for q in quartiles)}; for σ > 0 the tail index is κ = {mpmath.nstr(kappa, 4)}, "
        "so the stationary E|w| is infinite",
        f"two-sample KS test and Wilson interval at joint level {LEVEL} (Bonferroni over 2)",
        {"runs": runs, "times": [first, last], "ks distance": float(test.statistic), "ks p value": float(test.pvalue),
         "fraction away from 0": spread.describe(), "quartiles": [float(q) for q in quartiles],
         "tail index": float(kappa), "level": level},
        observed={"KS p value": float(test.pvalue), "fraction with |w| > 1/1000": spread.describe()},
        expected={"KS p value": f"≥ {1 - level:.3g}", "fraction with |w| > 1/1000": "> 0"},
    )


@symbolic("the line λ = -Sa of (71) agrees with the discrete lower branch of Fig. 2 as a → 0 (S = 1)", version="ziyin2021",
          falsifiers=(scale("PRINTED_71_ESCAPE_ABOVE", 2),))
def continuum_limit_2021(ctx):
    return _continuum_finding("ziyin2021")


@symbolic("Fig. 9: (47)'s line λ = -Sa/2 agrees with the discrete bound for small λ, small a (S = 1)", version="ziyin2022",
          falsifiers=(replace("PRINTED_47_ESCAPE_ABOVE", HALF, "(47) with Itô's threshold ½"),))
def continuum_limit_2022(ctx):
    return _continuum_finding("ziyin2022")


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
        checks=(densities_2021, mode_2021, densities_2022, escape_2021, escape_2022, normaliser_2021, normaliser_2022,
                normaliser_quadrature, simulation_2021, simulation_2022, additive_stationary, continuum_limit_2021,
                continuum_limit_2022),
    ),
    Claim(
        id="ziyin.appc-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="App. C (71) [2021] / App. B (47) [2022] with the Itô threshold",
        statement=r"dw = -\lambda a w\,dt + \tfrac{\lambda}{\sqrt S} w\,dW:\ |w_t| \to \infty \text{ a.s. iff } "
        r"-\tfrac{Sa}{\lambda} > \tfrac12,\ w_t \to 0 \text{ a.s. iff } -\tfrac{Sa}{\lambda} < \tfrac12\ "
        r"[2021;\ 2022:\ -\tfrac{Sa}{2\lambda} \gtrless \tfrac12];\ \int P\,dw < \infty \text{ iff } -\tfrac{Sa}{\lambda} > \tfrac12",
        summary="escape threshold -Sa/λ = 1/2 (half the printed one); the printed -λ/S is the mode threshold",
        checks=(corrected_escape, corrected_normaliser, corrected_simulation),
        corrects="ziyin.appc",
    ),
)
