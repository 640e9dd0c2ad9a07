"""Ziyin et al. App. C [2021] / App. B [2022]: stationary densities of continuous-time SGD and escape.

For dw = -λL'dt + (λ/√S)√C dW (2021 (43)) the zero-flux densities are (57), (62), (70) [2022: (33),
(38), (46)], the most probable w is ŵ = ±√(-λ/(Sb) - a/b) past a = -λ/S (59) [(35): -2λ/S], and w
escapes 0 iff -Sa/λ > 1 (71) [(47): -Sa/(2λ) > 1]. Itô's formula on ln w gives 1/2 for that 1.
OCR readings of 2022: (33) exponent -1 - Sa/(2λ) + S²bσ²/λ (as in the line above (35)); (38), (46)
w^{-2-Sa/λ}; (39) '-2λ < 1' and (47) '-2a > 1' read -Sa/(2λ) < 1 and -Sa/(2λ) > 1 (the text after (47):
"Sa/2λ is the signal to noise ratio"). Slips beside the claim: (60) prints bw²/4 for bw⁴/4.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import sde
from theory import fokker_planck as fp

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
from ...stats import LEVEL, bonferroni, mean_interval
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
                normaliser_quadrature, simulation_2021, simulation_2022),
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
