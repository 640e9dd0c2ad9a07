"""Kleinberg, Li & Yuan (ICML 2018) §3 Theorem 1, proof §4 (Steps 1-4, eq. (3)).

η < min{1/(2L), c/L², 1/(2c)}, λ = 2ηc - η²L², b = η²r²(1+ηL)², T1 ≥ log(λ‖y0 - x*‖²/b)/λ:
P[‖y_T1 - x*‖² ≤ 20b/λ and ‖y_t - x*‖² ≤ O(log(T2) b/λ) for t ∈ [T1, T1+T2]] ≥ 1/2.
The statement holds; two steps of Step 3 are wrong as printed (proof gaps). ``-corrected``: the proof
with those steps repaired (geometric factor 1/(λ(2-λ)), differences bounded term by term).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory import kleinberg
from theory.kleinberg import T2, D, L, b, c, delta, eta, lam, m0, r, t, y

from ...claim import About, Claim, Finding, Verdict, high_precision, replace, scale, simulation, symbolic, together
from ...display import tex
from ...papers import KLEINBERG
from ...stats import LEVEL, bonferroni, proportion_interval
from ...symbolic import is_zero
from ._printed import PRINTED_B, PRINTED_LAMBDA, PRINTED_MARKOV_PROBABILITY, PRINTED_PROBABILITY, PRINTED_RADIUS
from ._spiky import same_log
from ._thm1_numbers import (THEOREM1_INSTANCES, exceeds_on, in_units, instance_rows, measured_constants,
                            one_step_margins, theorem1_runs)

q = sp.Symbol("q", positive=True)  # ηL

# --- the printed formulas (with PRINTED_LAMBDA, ... from _printed) ------------------------------
PRINTED_STEP_ONE = (1 - 2 * eta * c + eta**2 * L**2) * D + eta**2 * r**2 * (1 + eta * L) ** 2  # Step 1, last line
PRINTED_T1 = sp.log(lam * m0 / b) / lam  # Thm 1, m0 = ‖y0 - x*‖²
PRINTED_ZETA = sp.Rational(9, 4) * T2  # Step 3
PRINTED_MU = sp.Max(8, 42 * sp.sqrt(sp.log(PRINTED_ZETA)))  # Step 3: μ ≥ max{8, 42 log^{1/2} ζ}, δ = μ√(b/λ)
PRINTED_STEP_FOUR = sp.Rational(5, 9)  # "holds with probability 1 - T2/ζ = 5/9"
PRINTED_STEP_SIZE_BOUNDS = (1 / (2 * L), c / L**2, 1 / (2 * c))  # Thm 1
PRINTED_GEOMETRIC = 1 / (2 * lam - 2 * lam**2)  # Step 3: "1/(1-(1-λ)²) = 1/(2λ-2λ²)"
PRINTED_DIFFERENCE_LINE = (  # Step 3, the line before "≤ (1-λ)^{-t}(3.5η²r² + 7ηrδ)", ‖y_t - x*‖ ≤ δ
    eta**2 * r**2 + 2 * eta * r * delta + 4 * eta**2 * r * L * (eta * r + delta)
    + eta**2 * (2 * eta**2 * r**2 * L**2 + 4 * L * delta * 2 * eta * r * L) + 4 * eta**2 * r * L * delta
)
PRINTED_M = sp.Rational(7, 2) * eta**2 * r**2 + 7 * eta * r * delta  # M ≜ 3.5η²r² + 7ηrδ
PRINTED_ETA_L = sp.Interval.Lopen(0, sp.Rational(1, 2))  # Step 3 uses ηL ≤ 1/2

# the corrected proof (kleinberg.thm1-corrected)
CORRECTED_GEOMETRIC = 1 / (lam * (2 - lam))
CORRECTED_DIFFERENCE = sp.Rational(13, 4) * eta**2 * r**2 + 6 * eta * r * delta
DELTA_OVER_STEP = 8  # δ = μ√(b/λ) ≥ 8ηr, since μ ≥ 8 and b/λ ≥ η²r² (λ ≤ 1)


def exceeds(expr: sp.Expr, bound: sp.Expr) -> sp.Set:
    """The ηL ∈ PRINTED_ETA_L at which expr ≤ bound fails for some δ ≥ 8ηr (``_thm1_numbers.exceeds``)."""
    return exceeds_on(expr, bound, q, PRINTED_ETA_L, DELTA_OVER_STEP)


# --- Theorem 1: the constants of the statement ------------------------------------------------


@symbolic("Step 1: the proof's bounds give (1-λ)‖y_t - x*‖² + b with the printed λ, b; attained for f = L x²/2",
          falsifiers=(scale("PRINTED_B", 2), scale("PRINTED_LAMBDA", sp.Rational(1, 2))))
def step_one(ctx):
    derived = kleinberg.contraction()
    observed = {"lambda": derived.lam, "b": derived.b, "bound": derived.bound}
    expected = {"lambda": PRINTED_LAMBDA, "b": PRINTED_B, "bound": PRINTED_STEP_ONE}
    differ = [k for k in observed if not is_zero(observed[k] - expected[k])]
    exact = kleinberg.quadratic_one_step()
    attained = is_zero(exact.coeff(y, 2) - (1 - derived.lam).subs(c, L))
    return Finding(
        Verdict.PROVED if not differ and attained else Verdict.REFUTED,
        f"bounding the moments of E‖u - ηω - η∇f(y - ηω)‖² as the proof does gives λ = {tex(derived.lam)}, b = {tex(derived.b)}; "
        f"printed λ = {tex(PRINTED_LAMBDA)}, b = {tex(PRINTED_B)} (differing: {', '.join(differ) or 'none'}); for f = Lx²/2, ω = ±r "
        f"the factor is {tex(sp.factor(exact.coeff(y, 2)))} (1 - λ at c = L: {'attained' if attained else 'not attained'})",
        "exact (SymPy)", {"quadratic_exact_second_moment": sp.factor(exact)}, observed=observed, expected=expected,
    )


@symbolic("Step 2: supermartingale G_t, T1 bound, Markov radius 20b/λ, ζ = 9T2/4 and probability 9/10 · 5/9 = 1/2",
          falsifiers=(scale("PRINTED_RADIUS", sp.Rational(1, 2)), scale("PRINTED_ZETA", 2), scale("PRINTED_T1", 2)))
def step_two(ctx):
    mean = kleinberg.expected_distance()
    steps = {
        "supermartingale": kleinberg.supermartingale_drift() == 0,
        "E bound": is_zero(mean - ((1 - lam) ** t * (m0 - b / lam) + b / lam)),
        "T1": same_log(kleinberg.burn_in_time(), PRINTED_T1),
    }
    radius = kleinberg.markov_radius(kleinberg.after_burn_in_bound(), 1 - PRINTED_MARKOV_PROBABILITY)
    zeta = kleinberg.zeta_for(PRINTED_PROBABILITY, PRINTED_RADIUS)
    step_four = sp.simplify(1 - T2 / PRINTED_ZETA)
    probability = kleinberg.success_probability(PRINTED_RADIUS, PRINTED_ZETA)
    bounds = kleinberg.step_size_bounds()
    steps["radius"] = is_zero(radius - PRINTED_RADIUS)
    steps["zeta"] = is_zero(zeta - PRINTED_ZETA)
    steps["1 - T2/zeta"] = step_four == PRINTED_STEP_FOUR
    steps["probability"] = is_zero(probability - PRINTED_PROBABILITY)
    steps["step sizes"] = all(is_zero(d - p) for d, p in zip(bounds, PRINTED_STEP_SIZE_BOUNDS))
    wrong = [k for k, ok in steps.items() if not ok]
    return Finding(
        Verdict.REFUTED if wrong else Verdict.PROVED,
        f"E‖y_t - x*‖² ≤ {tex(mean)}; T1 = {tex(kleinberg.burn_in_time())} (printed {tex(PRINTED_T1)}); Markov with failure "
        f"{tex(1 - PRINTED_MARKOV_PROBABILITY)} gives R = {tex(radius)} (printed {tex(PRINTED_RADIUS)}); probability "
        f"{tex(PRINTED_PROBABILITY)} at that radius needs ζ = {tex(zeta)} (printed {tex(PRINTED_ZETA)}, 1 - T2/ζ = "
        f"{tex(step_four)}); the printed ζ gives {tex(probability)}; η below {tex(bounds)}; steps that differ: {', '.join(wrong) or 'none'}",
        "exact (SymPy)", {"expected_distance": mean, "steps": steps},
        observed={"T1": kleinberg.burn_in_time(), "radius": radius, "zeta": zeta, "probability": probability},
        expected={"T1": PRINTED_T1, "radius": PRINTED_RADIUS, "zeta": PRINTED_ZETA, "probability": PRINTED_PROBABILITY},
    )


# --- Theorem 1: Step 3 as printed (proof gaps) and repaired -----------------------------------


@symbolic("Step 3 as printed: 1/(1-(1-λ)²) = 1/(2λ-2λ²)", about=About.PROOF,
          falsifiers=(replace("PRINTED_GEOMETRIC", CORRECTED_GEOMETRIC, "the printed factor replaced by 1/(λ(2-λ))"),))
def geometric_printed(ctx):
    derived = kleinberg.geometric_factor()
    same = is_zero(derived - PRINTED_GEOMETRIC)
    at = sp.Rational(1, 2)
    true_at, printed_at = derived.subs(lam, at), PRINTED_GEOMETRIC.subs(lam, at)
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"1/(1-(1-λ)²) = {tex(derived)}, printed {tex(PRINTED_GEOMETRIC)} (λ = 1/2: {tex(true_at)} vs {tex(printed_at)}); "
        f"{'the same' if same else 'different'}",
        "exact (SymPy)", {"counterexample": {"lambda": at, "true": true_at, "printed": printed_at}},
        observed=derived, expected=PRINTED_GEOMETRIC,
    )


@symbolic("Step 3 as printed: the last line of the martingale-difference chain is ≤ 3.5η²r² + 7ηrδ for ηL ≤ 1/2",
          about=About.PROOF,
          falsifiers=(replace("PRINTED_DIFFERENCE_LINE", sp.Add(*kleinberg.martingale_difference_terms(True).values()),
                              "the printed line replaced by the term-by-term bound"),))
def difference_printed(ctx):
    """Reading: the extracted line η²r² + 2ηrδ + 4η²rL(ηr + δ) + η²(2η²r²L² + 8ηrL²δ) + 4η²rLδ;
    its η²r² coefficient is exactly the printed 3.5 at ηL = 1/2, which supports the reading."""
    alpha, beta = kleinberg.in_step_units(PRINTED_DIFFERENCE_LINE)
    m_alpha, m_beta = kleinberg.in_step_units(PRINTED_M)
    failing = exceeds(PRINTED_DIFFERENCE_LINE, PRINTED_M)
    return Finding(
        Verdict.PROVED if failing == sp.EmptySet else Verdict.REFUTED,
        f"in units η²r², ηrδ (q = ηL) the printed line is {tex((alpha, beta))} against M = {tex((m_alpha, m_beta))}; "
        f"the final '≤' fails for ηL in {tex(failing)} (δ ≥ 8ηr) of the range {tex(PRINTED_ETA_L)}",
        "exact (solveset over the whole range of ηL)",
        {"coefficients_printed_line": (alpha, beta), "coefficients_M": (m_alpha, m_beta)},
        observed=failing, expected=sp.EmptySet,
    )


@symbolic("Step 3 corrected: 1/(1-(1-λ)²) = 1/(λ(2-λ)) ≤ 1/λ; the differences are ≤ 3.25η²r² + 6ηrδ ≤ M",
          falsifiers=(scale("PRINTED_M", sp.Rational(1, 2)), scale("CORRECTED_GEOMETRIC", 2)))
def step_three_corrected(ctx):
    """Term-by-term bounds (theory.kleinberg.martingale_difference_terms), with and without ∇f(x*) = 0."""
    geometric = kleinberg.geometric_factor()
    below_inverse = sp.solveset(sp.factor(1 / geometric - lam) < 0, lam, sp.Interval.Lopen(0, 1))
    observed = {"geometric": geometric, "fails 1/λ bound for λ in": below_inverse}
    for vanishes, name in ((True, "grad f(x*) = 0"), (False, "grad f(x*) != 0")):
        total = sp.Add(*kleinberg.martingale_difference_terms(vanishes).values())
        observed[f"exceeds M ({name}) for ηL in"] = exceeds(total, PRINTED_M)
    observed["exceeds 3.25η²r² + 6ηrδ for ηL in"] = exceeds(
        sp.Add(*kleinberg.martingale_difference_terms(True).values()), CORRECTED_DIFFERENCE)
    observed["3.25η²r² + 6ηrδ exceeds M for ηL in"] = exceeds(CORRECTED_DIFFERENCE, PRINTED_M)
    expected = {k: (CORRECTED_GEOMETRIC if k == "geometric" else sp.EmptySet) for k in observed}
    wrong = [k for k in observed if not (is_zero(observed[k] - expected[k]) if k == "geometric" else observed[k] == expected[k])]
    return Finding(
        Verdict.REFUTED if wrong else Verdict.PROVED,
        f"1/(1-(1-λ)²) = {tex(geometric)} (stated {tex(CORRECTED_GEOMETRIC)}), below 1/λ except for λ in {tex(below_inverse)}; "
        f"the seven parts of |Q - E[Q|F_t]| exceed M for ηL in {tex(observed['exceeds M (grad f(x*) = 0) for ηL in'])} "
        f"(∇f(x*) = 0) and {tex(observed['exceeds M (grad f(x*) != 0) for ηL in'])} (not assumed); failing: {', '.join(wrong) or 'none'}",
        "exact (solveset over ηL ∈ (0, 1/2], δ ≥ 8ηr)", {}, observed=observed, expected=expected,
    )


# --- Theorem 1: numbers on the spiky instances -------------------------------------------------
SIM_SIZES = {True: (500, 300), False: (4000, 1000)}  # quick: (runs, T2)


def constants_table(dps: int = 30) -> list[dict]:
    """Theorem 1's constants on the spiky instances, with the printed radius 20b/λ (the book's table)."""
    return instance_rows(PRINTED_RADIUS, dps)


def experiment(runs: int, window: int, seed) -> dict:
    """SGD on each spiky instance from x_0 = 40 for the derived T1 and a window of T2 steps:
    ‖y_T1 - x*‖² and the window's max, in units of b/λ (``_thm1_numbers.theorem1_runs``)."""
    seeds = seed.spawn(len(THEOREM1_INSTANCES))
    return {inst.label: theorem1_runs(inst, runs, window, s, 30) for inst, s in zip(THEOREM1_INSTANCES, seeds)}


@high_precision("Assumption 1 and L on two spiky f: derived c, L match the numerical estimates; η obeys the bounds")
def thm1_constants(ctx):
    """A consistency check of the test instances (no printed quantity enters it)."""
    rows = measured_constants(ctx.quick, ctx.dps)
    gaps = {label: max(abs(row["c_estimate"] - float(row["c"])), abs(row["L_estimate"] - float(row["L"])),
                       abs(row["L_of_g_estimate"] - float(row["L_of_g"]))) for label, row in rows.items()}
    fine = {label: bool(row["sinc_form"] and row["conditions_hold"] and gaps[label] <= 1e-6 and row["local_minima_f"] > 1
                        and row["local_minima_g"] == 1) for label, row in rows.items()}
    return Finding(
        Verdict.CONFIRMED if all(fine.values()) else Verdict.REFUTED,
        "largest gap between derived and grid-estimated c, L, sup|g''|: "
        + ", ".join(f"{gaps[k]:.2g}" for k in rows) + "; minima of f / of g: "
        + ", ".join(f"{row['local_minima_f']} / {row['local_minima_g']}" for row in rows.values())
        + "; η below min{1/(2L), c/L², 1/(2c)}: " + ", ".join("yes" if row["conditions_hold"] else "no" for row in rows.values()),
        "gaps ≤ 1e-6 (grids on |y| ≤ 60, |x| ≤ 10)", rows, observed=gaps, expected={k: 1e-6 for k in gaps},
    )


@high_precision("Step 1 inequality E‖y_{t+1} - x*‖² ≤ (1-λ)‖y_t - x*‖² + b (printed λ, b) by quadrature on a grid of y_t",
                falsifiers=(scale("PRINTED_LAMBDA", 2),))
def thm1_one_step(ctx):
    dps = min(ctx.dps, 30)
    rows = one_step_margins(PRINTED_LAMBDA, PRINTED_B, ctx.quick, dps)
    worst = {label: row["smallest_margin_over_b"] for label, row in rows.items()}
    return Finding(
        Verdict.CONFIRMED if all(v > 0 for v in worst.values()) else Verdict.REFUTED,
        r"smallest $((1-\lambda)y^2 + b - E\|y_{t+1}\|^2)/b$ on [-45, 45]: " + ", ".join(f"{v:.4g}" for v in worst.values())
        + " (the first instance has f'(x*) ≠ 0)",
        f"margin > 0 at {dps} digits (mpmath quadrature over ω)", rows, observed=worst, expected="> 0 on every instance",
    )


@simulation("P(‖y_T1 - x*‖² ≤ 20b/λ and max_{T1≤t≤T1+T2} ‖y_t - x*‖² ≤ μ²b/λ) ≥ 1/2 on the spiky instances",
            falsifiers=(scale("PRINTED_RADIUS", sp.Rational(1, 1000)), scale("PRINTED_MU", sp.Rational(1, 200)),
                        together("probability 99/100 at radius b/λ", replace("PRINTED_PROBABILITY", sp.Rational(99, 100)),
                                 scale("PRINTED_RADIUS", sp.Rational(1, 20)))))
def thm1_simulation(ctx):
    """μ = max{8, 42 log^{1/2}(9T2/4)} is the proof's δ/√(b/λ) (the O(·) of the statement). It can
    refute only a radius below the measured quantile of ‖y_T1‖²λ/b at the printed probability."""
    runs, window = SIM_SIZES[ctx.quick]
    level = bonferroni(len(THEOREM1_INSTANCES))
    radius, cap = float(in_units(PRINTED_RADIUS)), float(PRINTED_MU.subs(T2, window)) ** 2
    p = float(PRINTED_PROBABILITY)
    rows, verdicts = {}, []
    for label, data in experiment(runs, window, ctx.seed).items():
        event = (data["at_T1"] <= radius) & (data["window_max"] <= cap)
        ci = proportion_interval(int(event.sum()), runs, level, "exact")
        verdicts.append(Verdict.CONFIRMED if ci.low >= p else Verdict.REFUTED if ci.high < p else Verdict.INCONCLUSIVE)
        rows[label] = {"T1": data["T1"], "T2": window, "runs": runs, "event": int(event.sum()), "ci": ci.describe(),
                       "ci_low": ci.low, "ci_high": ci.high,
                       "quantile_at_T1": float(np.quantile(data["at_T1"], p)),
                       "quantile_window_max": float(np.quantile(data["window_max"], p)),
                       "largest_at_T1": float(data["at_T1"].max()), "mean_at_T1": float(data["at_T1"].mean()),
                       "step2_mean_bound": data["mean_bound"], "escaped": data["escaped"]}
    verdict = (Verdict.REFUTED if Verdict.REFUTED in verdicts else Verdict.CONFIRMED
               if set(verdicts) == {Verdict.CONFIRMED} else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"in units of b/λ, radius {radius:.4g} and window bound μ² = {cap:.4g}: event in "
        + ", ".join(f"{row['event']}/{runs}" for row in rows.values()) + f" runs; the {p:.4g}-quantile of ‖y_T1‖²λ/b is "
        + ", ".join(f"{row['quantile_at_T1']:.3g}" for row in rows.values()) + ", of the window max "
        + ", ".join(f"{row['quantile_window_max']:.3g}" for row in rows.values())
        + " (a radius or bound below these would fail; mean ‖y_T1‖²λ/b "
        + ", ".join(f"{row['mean_at_T1']:.3g} vs Step 2's {row['step2_mean_bound']:.3g}" for row in rows.values()) + ")",
        f"Clopper–Pearson interval of P(event) against {p:.4g} (joint level {LEVEL}, Bonferroni over the instances)",
        {"instances": rows},
        observed={label: {"P(event) interval": (row["ci_low"], row["ci_high"]), "quantile at T1 (b/λ)": row["quantile_at_T1"]}
                  for label, row in rows.items()},
        expected={"P(event) at least": PRINTED_PROBABILITY, "radius (b/λ)": in_units(PRINTED_RADIUS)},
    )


STATEMENT = (r"\eta < \min\{\tfrac1{2L}, \tfrac c{L^2}, \tfrac1{2c}\},\ \lambda = 2\eta c - \eta^2L^2,\ "
             r"b = \eta^2r^2(1+\eta L)^2,\ T_1 \ge \tfrac{\log(\lambda\|y_0-x^*\|^2/b)}{\lambda}:\ "
             r"\Pr\big[\|y_{T_1}-x^*\|^2 \le \tfrac{20b}{\lambda},\ \|y_t-x^*\|^2 \le O(\tfrac{\log(T_2)b}{\lambda})\ "
             r"\forall t \in [T_1, T_1+T_2]\big] \ge \tfrac12")
CLAIMS = (
    Claim(
        id="kleinberg.thm1",
        papers=(KLEINBERG,),
        where="§3 Thm 1, §4 proof (Steps 1-4, eq. (3))",
        statement=STATEMENT + r";\ \text{proof: } \tfrac1{1-(1-\lambda)^2} = \tfrac1{2\lambda-2\lambda^2},\ "
        r"|G_{t+1}\mathbb 1 - \mathbb E[\cdot]| \le (1-\lambda)^{-t}(3.5\eta^2r^2 + 7\eta r\delta)",
        summary="SGD gets within $20b/\\lambda$ of $x^*$ and stays within $O(\\log(T_2)\\, b/\\lambda)$ w.p. ≥ 1/2 (the statement holds; "
        "two steps of the proof are wrong as printed)",
        checks=(step_one, step_two, geometric_printed, difference_printed, thm1_constants, thm1_one_step, thm1_simulation),
    ),
    Claim(
        id="kleinberg.thm1-corrected",
        papers=(KLEINBERG,),
        where="§4 Step 3 with 1/(1-(1-λ)²) = 1/(λ(2-λ)) and the martingale differences bounded directly",
        statement=r"\tfrac1{1-(1-\lambda)^2} = \tfrac1{\lambda(2-\lambda)} \le \tfrac1\lambda,\ "
        r"|Q - \mathbb E[Q|\mathcal F_t]| \le 3.25\eta^2r^2 + 6\eta r\delta \le M \ (\eta L \le \tfrac12),\ "
        r"\text{so the proof of Theorem 1 goes through with its printed constants}",
        summary="the proof of Theorem 1 with its two Step 3 slips repaired (M stays valid, also when ∇f(x*) ≠ 0)",
        checks=(step_one, step_two, step_three_corrected, thm1_constants, thm1_one_step, thm1_simulation),
        corrects="kleinberg.thm1",
    ),
)
