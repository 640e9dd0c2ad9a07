"""Ziyin et al. §6.1, Fig. 1, App. A.1 (2021, 2022): SGD on the quartic loss L̂ = xw²/2 + w⁴/4.

With E[x] = a/2 (the two-point law of theory.ziyin) L = aw²/4 + w⁴/4 has minima ±√(-a/2) for a < 0;
the linearisation at w = 0 is the quadratic model's factor 1 - λx, so the trap interval decides the
stability of w = 0; at λ = 0.8, a = -1 a third of the runs diverge.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import landscapes
from numerics.precision import evaluate
from theory import multiplicative, quartic, ziyin
from theory.multiplicative import lam

from ...claim import Claim, Finding, Verdict, replace, scale, simulation, symbolic
from ...display import tex
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, proportion_interval
from ...symbolic import is_zero
from ._printed import PRINTED_LOWER, PRINTED_UPPER

a = ziyin.a

# --- the printed formulas (transcriptions; everything else is derived) ------------------------
PRINTED_SECTION = quartic.Normalisation(sp.Rational(1, 2), sp.Rational(1, 4))  # 2021 §6.1; 2022 §6.1, Fig. 1
PRINTED_CAPTION = quartic.Normalisation(sp.Rational(1, 2), sp.Integer(1))  # 2021 Fig. 1 caption: xw²/2 + w⁴
PRINTED_REMARK = quartic.Normalisation(sp.Integer(1), sp.Integer(1))  # 2021 §5.1 Remark: xw² + w⁴
PRINTED_MINIMUM_2021 = sp.sqrt(a)  # 2021 §6.1: "w = ±√a"
PRINTED_READINGS_2022 = {"±√(-a/2)": sp.sqrt(-a / 2), "±√(-2a)": sp.sqrt(-2 * a)}  # 2022 §6.1, OCR '±λ∕-2a'
PRINTED_A, PRINTED_LR, PRINTED_RUNS = sp.Integer(-1), sp.Rational(4, 5), 2000  # §6.1
# the corrected form (ziyin.quartic-corrected)
CORRECTED_MINIMUM = sp.sqrt(-a / 2)

# --- experiment parameters --------------------------------------------------------------------
PHASE_A = (sp.Rational(-1, 10), sp.Rational(-1, 5), sp.Rational(-2, 5))  # A.1: small |a|
AT_ZERO, AT_MINIMA = 1e-8, 1e-3  # |w| below which a run is at 0; ||w| - minimum| below which at a minimum
PHASE_AT_ZERO = 1e-6


def experiment(a_value, lr, runs: int, steps: int, seed, norm=PRINTED_SECTION, level: float = LEVEL,
               positions_at=()) -> dict:
    """Runs from w0 ~ U[-1, 1]: how many end at 0, at the minima ±√(-a/2) (of ``norm``), diverged (past the
    escape radius, after which |w| at least doubles every step: theory.quartic.escape_radius) or elsewhere.
    With ``positions_at`` (steps) also "positions": step -> w of the runs not diverged by then, the last step
    included, and "diverged_by": step -> how many had (Fig. 1 right [2021] / middle [2022]; for the book)."""
    snapshot_at = tuple(t for t in positions_at if t < steps)
    result = landscapes.quartic_runs(a_value, lr, runs, steps, seed, norm, snapshot_at=snapshot_at)
    w = result.state[:, 0]
    minimum = float(quartic.expected_minima(a_value, norm)[1])
    finite = ~result.escaped
    counts = {"at_zero": int((finite & (np.abs(w) < AT_ZERO)).sum()),
              "at_minima": int((finite & (np.abs(np.abs(w) - minimum) < AT_MINIMA)).sum()),
              "diverged": int(result.escaped.sum())}
    counts["other"] = runs - sum(counts.values())
    book = {}
    if positions_at:
        states = {**{t: result.snapshots[t][:, 0] for t in snapshot_at}, steps: w}
        gone = {t: (result.escaped_at >= 0) & (result.escaped_at <= t) for t in states}
        book = {"positions": {t: v[~gone[t]] for t, v in states.items()},
                "diverged_by": {t: int(g.sum()) for t, g in gone.items()}}
    return {**book,"loss": quartic.sampled_loss(quartic.x, norm), "a": a_value, "lambda": lr, "runs": runs, "steps": steps,
            "init": "uniform in [-1, 1]", "escape_radius": quartic.escape_radius(a_value, lr, norm), "minimum": minimum,
            **counts, "ci": {k: proportion_interval(v, runs, level, method="exact").describe() for k, v in counts.items()}}


def phase_diagram(a_grid, lr_grid, runs: int, steps: int, seed, eps=PHASE_AT_ZERO, norm=PRINTED_SECTION) -> np.ndarray:
    """Fig. 5 [2021] / Fig. 4 [2022]: the fraction of runs from w0 ~ U[-1, 1] that escaped w = 0 (diverged, or
    |w_T| > eps) at each (a, λ); row i is λ = lr_grid[i], column j is a = a_grid[j]."""
    return landscapes.quartic_phase_diagram(a_grid, lr_grid, runs, steps, float(eps), seed, norm)


def _sizes(ctx) -> tuple[int, int]:
    return (500, 500) if ctx.quick else (PRINTED_RUNS, 2000)


# --- the minima ---------------------------------------------------------------------------------


@symbolic("the expected loss has two local minima at w = ±√a", version="ziyin2021",
          falsifiers=(replace("PRINTED_MINIMUM_2021", CORRECTED_MINIMUM, "the minima ±√(-a/2)"),))
def minima_2021(ctx):
    derived = quartic.expected_minima()
    printed = (-PRINTED_MINIMUM_2021, PRINTED_MINIMUM_2021)
    at_minus_1 = PRINTED_MINIMUM_2021.subs(a, -1)
    same = len(derived) == 2 and all(is_zero(d - p) for d, p in zip(derived, printed))
    readings = {"§6.1 (xw²/2 + w⁴/4)": quartic.expected_minima(norm=PRINTED_SECTION),
                "Fig. 1 caption (xw²/2 + w⁴)": quartic.expected_minima(norm=PRINTED_CAPTION),
                "Remark 5.1 (xw² + w⁴)": quartic.expected_minima(norm=PRINTED_REMARK),
                "§6.1 with E[x] = a (2021 §4)": quartic.strict_minima(quartic.sampled_loss(a))}
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"L = {tex(quartic.expected_loss())} (E[x] = a/2) has minima ±{tex(derived[1])} (±{sp.N(derived[1].subs(a, -1), 4)} at "
        f"a = -1); printed ±{tex(PRINTED_MINIMUM_2021)} ({'the same' if same else 'different'}; at a = -1 it is "
        f"{tex(at_minus_1) if at_minus_1.is_real else 'imaginary'}); the other normalisations give "
        + "; ".join(f"{k}: ±{tex(v[-1])}" for k, v in readings.items()),
        "exact", {"minima_by_reading": readings}, observed=derived, expected=printed,
    )


@symbolic("the expected loss has two local minima at w = ±(OCR '±λ∕-2a')", version="ziyin2022",
          falsifiers=(replace("PRINTED_READINGS_2022", {"±√(-2a)": sp.sqrt(-2 * a)}, "the OCR read as ±√(-2a) only"),))
def minima_2022(ctx):
    """The OCR of 2022 §6.1 admits two readings; decided only if all readings agree."""
    derived = quartic.expected_minima()
    right = {k: is_zero(derived[1] - v) for k, v in PRINTED_READINGS_2022.items()}
    verdict = (Verdict.PROVED if all(right.values()) else Verdict.REFUTED if not any(right.values())
               else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"the derived minima are ±{tex(derived[1])}; of the readings of the OCR, "
        + ", ".join(f"{k} is {'right' if ok else 'wrong'}" for k, ok in right.items())
        + ("" if verdict is not Verdict.INCONCLUSIVE else ": the print cannot be decided"),
        "exact, per reading", {"reading_correct": right},
        observed=derived[1], expected=PRINTED_READINGS_2022,
    )


@symbolic("L = E[L̂] has exactly the two minima ±√(-a/2) (a < 0)", falsifiers=(scale("CORRECTED_MINIMUM", 2),))
def corrected_minima(ctx):
    derived = quartic.expected_minima()
    stated = (-CORRECTED_MINIMUM, CORRECTED_MINIMUM)
    same = len(derived) == 2 and all(is_zero(d - c) for d, c in zip(derived, stated))
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"L'(w) = 0 with L''(w) > 0 has the solutions {', '.join(tex(m) for m in derived)}; stated ±{tex(CORRECTED_MINIMUM)}",
        "exact", {"at_a_minus_1": [evaluate(m.subs(a, -1), ctx.dps) for m in derived]}, observed=derived, expected=stated,
    )


@symbolic("the linearisation at w = 0 is the quadratic model: its trap interval decides the stability of w = 0",
          falsifiers=(replace("PRINTED_SECTION", PRINTED_REMARK, "the loss xw² + w⁴ of the Remark"),
                      replace("PRINTED_LR", sp.Rational(2, 5))))
def linearisation(ctx):
    factor = quartic.linearisation(quartic.x, lam, PRINTED_SECTION)
    quadratic = multiplicative.update_factor(quartic.x)
    interval = ziyin.trap_interval()
    lower, upper = (sp.radsimp(e.subs(a, PRINTED_A)) for e in (interval.lower, interval.upper))
    trapped = bool(lower < PRINTED_LR < upper)
    ok = is_zero(factor - quadratic) and trapped
    others = {"Fig. 1 caption": quartic.linearisation(quartic.x, lam, PRINTED_CAPTION),
              "Remark 5.1": quartic.linearisation(quartic.x, lam, PRINTED_REMARK)}
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"d(w - λ∂L̂)/dw at 0 is {tex(factor)} (the quadratic model's {tex(quadratic)}); at a = {tex(PRINTED_A)} w = 0 is locally "
        f"attracting iff λ ∈ ({tex(lower)}, {tex(upper)}), and λ = {tex(PRINTED_LR)} is {'inside' if trapped else 'outside'}; "
        + "; ".join(f"{k}: {tex(v)}" for k, v in others.items()),
        "exact", {"other_normalisations": others},
        observed={"factor": factor, "lambda trapped": trapped}, expected={"factor": quadratic, "lambda trapped": True},
    )


# --- the experiments ----------------------------------------------------------------------------


@simulation("λ = 0.8, a = -1: the distribution concentrates at w = 0, no run reaches the minima", version="ziyin2021",
            falsifiers=(replace("PRINTED_LR", sp.Rational(11, 20), "λ = 11/20, where no run diverges"),))
def printed_experiment(ctx):
    """Concentrates at 0 means every run converges to 0: refuted when a diverged fraction > 0 (Clopper–Pearson,
    Bonferroni over 4 categories × 2 normalisations) or any run at the minima."""
    runs, steps = _sizes(ctx)
    rows = {"§6.1": PRINTED_SECTION, "Fig. 1 caption": PRINTED_CAPTION}
    level = bonferroni(4 * len(rows))
    rows = {k: experiment(PRINTED_A, PRINTED_LR, runs, steps, s, norm, level)
            for (k, norm), s in zip(rows.items(), ctx.seed.spawn(len(rows)))}
    main = rows["§6.1"]
    diverged_low = proportion_interval(main["diverged"], runs, level, method="exact").low
    at_minima = sum(r["at_minima"] for r in rows.values())
    verdict = (Verdict.REFUTED if diverged_low > 0 or at_minima else
               Verdict.CONFIRMED if main["at_zero"] == runs else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"x w²/2 + w⁴/4, a = {tex(PRINTED_A)}, λ = {tex(PRINTED_LR)}: {main['at_zero']}/{runs} runs → 0, {main['at_minima']} at the "
        f"minima, {main['diverged']} diverge (w⁴ as in the 2021 Fig. 1 caption: {rows['Fig. 1 caption']['diverged']}); "
        f"diverged fraction ≥ {diverged_low:.3f}",
        f"Clopper–Pearson at joint level {LEVEL} (Bonferroni over {4 * len(rows)})", rows,
        observed={"at zero": main["at_zero"], "diverged": main["diverged"], "at minima": at_minima},
        expected={"at zero": runs, "diverged": 0, "at minima": 0},
    )


@simulation("λ = 0.8, a = -1: every run that does not diverge converges to w = 0, none to the minima",
            falsifiers=(replace("PRINTED_LR", sp.Rational(2, 5)),))
def corrected_experiment(ctx):
    runs, steps = _sizes(ctx)
    row = experiment(PRINTED_A, PRINTED_LR, runs, steps, ctx.seed, PRINTED_SECTION, bonferroni(4))
    survivors = runs - row["diverged"]
    mu = multiplicative.log_rate(ziyin.noise(PRINTED_A), PRINTED_LR)
    ok = row["at_zero"] == survivors and row["at_minima"] == 0 and bool(mu < 0)
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{row['at_zero']}/{survivors} non-diverged runs end within {AT_ZERO:g} of 0 (μ = {sp.N(mu, 5)} at w = 0), "
        f"{row['at_minima']} at ±{row['minimum']:.4f}; {row['diverged']}/{runs} diverge",
        f"all non-diverged runs at w = 0; Clopper–Pearson intervals at level {LEVEL}",
        {**row, "mu_at_zero": sp.simplify(mu)},
        observed={"at zero": row["at_zero"], "at minima": row["at_minima"]},
        expected={"at zero": survivors, "at minima": 0},
    )


@simulation("A.1: at small λ the quadratic phase line predicts the quartic one", version="ziyin2022",
            falsifiers=(scale("PRINTED_LOWER", 4),))
def phase(ctx):
    """For each a, λ = ½ and 2 × the derived lower end a/(a-1) (well off the line): the majority phase of the
    quartic runs must be the one the printed trap interval (eq. (8) / (5)) predicts."""
    runs, steps = (200, 4000) if ctx.quick else (1000, 8000)
    level = bonferroni(2 * len(PHASE_A))
    seeds = iter(ctx.seed.spawn(2 * len(PHASE_A)))
    interval = ziyin.trap_interval()
    rows, observed, expected = [], {}, {}
    for a_value in PHASE_A:
        derived_lower = interval.lower.subs(a, a_value)
        lower, upper = (e.subs(a, a_value) for e in (PRINTED_LOWER, PRINTED_UPPER))
        for lr in (derived_lower / 2, 2 * derived_lower):
            result = landscapes.quartic_runs(a_value, lr, runs, steps, next(seeds))
            k = int(((~result.escaped) & (np.abs(result.state[:, 0]) < PHASE_AT_ZERO)).sum())
            ci = proportion_interval(k, runs, level)
            key = f"a = {a_value}, λ = {lr}"
            observed[key] = "trapped" if ci.low > 0.5 else "not trapped" if ci.high < 0.5 else "undecided"
            expected[key] = "trapped" if bool(lower < lr < upper) else "not trapped"
            rows.append({"a": a_value, "lambda": lr, "mu": evaluate(multiplicative.log_rate(ziyin.noise(a_value), lr), ctx.dps),
                         "at_zero": k, "diverged": int(result.escaped.sum()), "runs": runs, "ci": ci.describe()})
    disagree = [k for k in observed if observed[k] != "undecided" and observed[k] != expected[k]]
    undecided = [k for k in observed if observed[k] == "undecided"]
    verdict = Verdict.REFUTED if disagree else Verdict.INCONCLUSIVE if undecided else Verdict.CONFIRMED
    return Finding(
        verdict,
        f"{len(rows)} points, {runs} runs × {steps} steps: {len(disagree)} phase disagreements with the quadratic line"
        f"{' (' + '; '.join(disagree) + ')' if disagree else ''}, {len(undecided)} undecided",
        f"Wilson interval on the fraction with |w| < {PHASE_AT_ZERO:g} excludes ½, joint level {LEVEL} (Bonferroni)",
        {"points": rows, "init": "uniform in [-1, 1]", "loss": quartic.sampled_loss(quartic.x)},
        observed=observed, expected=expected,
    )


CLAIMS = (
    Claim(
        id="ziyin.quartic",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="§6.1, Fig. 1 right, App. A.1 / Fig. 5 [2021]; §6.1, Fig. 1 middle, App. A.1 / Fig. 4 [2022]",
        statement=r"\hat L=\tfrac12xw^2+\tfrac14w^4:\ \text{minima at } w=\pm\sqrt a;\ \lambda=0.8,\ a=-1:\ "
        r"\text{the distribution of } w \text{ concentrates at } 0,\ \text{no } w \text{ converges to the minima};\ "
        r"\text{the quadratic phase line predicts the quartic one at small } \lambda",
        summary="on the quartic loss SGD is still attracted to the local maximum w = 0",
        checks=(minima_2021, minima_2022, linearisation, printed_experiment, phase),
    ),
    Claim(
        id="ziyin.quartic-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="§6.1 [2021, 2022] with the minima derived and the divergent runs counted",
        statement=r"L=\tfrac a4w^2+\tfrac14w^4 \text{ has minima } \pm\sqrt{-a/2};\ \lambda=0.8,\ a=-1:\ "
        r"\text{every run that does not diverge converges to } w=0,\ \text{none to the minima; about a third diverge}",
        summary="w = 0 attracts every non-diverging run; a third of the runs diverge",
        checks=(corrected_minima, linearisation, corrected_experiment),
        corrects="ziyin.quartic",
    ),
)
