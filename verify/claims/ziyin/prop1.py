"""Ziyin et al. Prop. 1 and eqs. (5)-(7) [2021] / (3)-(4) [2022]: λ = 1, x ∈ {1, a - 1} w.p. ½ each.

The step factor 1 - x is 0 or 2 - a, so P(w_t ≠ 0) = 2^-t → 0 (w_t → 0 a.s.), while
E[w_t] = (1 - a/2)^t w0 and E[w_t²] = ((2 - a)²/2)^t w0² grow exponentially for a < 0.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics.multiplicative_sim import simulate
from theory import multiplicative, ziyin

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    replace,
    scale,
    simulation,
    symbolic,
    together,
)
from ...display import tex
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, proportion_interval
from ...symbolic import is_zero
from ._two_point import HALF, a, same_geometric, t, w0

# --- the printed formulas ---------------------------------------------------------------------
PRINTED_MEAN = (1 - a / 2) ** t * w0  # 2021 eq. (6) / 2022 eq. (4), right-hand side
PRINTED_MEAN_STEP_2021 = a  # 2021 eq. (6), middle: E[w_t] = a E[w_{t-1}]
PRINTED_SECOND_2021 = w0**2 * sp.exp(2 * t * sp.log((2 - a) / 2))  # 2021 eq. (7), last expression
PRINTED_SECOND_2021_MIDDLE = 2**-t * (2 - a) ** (2 * t) * w0**2  # 2021 eq. (7), middle expression
PRINTED_SECOND_2022 = w0**2 * sp.exp(2 * t * sp.log((2 - a) / sp.sqrt(2)))  # 2022 §4, after eq. (4)
PRINTED_ZERO_PROB_2021 = 1 / (1 - 2**-t)  # "w_t = 0 with probability 1/(1 - 2^-t)" (2021 §4, before (7))
PRINTED_ZERO_PROB_2022 = 1 - 2**-t  # 2022 §4, after eq. (4)

# the corrected 2021 forms (what 2022 prints, or what the middle expressions say)
CORRECTED_MEAN_STEP = 1 - a / 2
CORRECTED_SECOND = w0**2 * sp.exp(2 * t * sp.log((2 - a) / sp.sqrt(2)))

# --- experiment parameters --------------------------------------------------------------------
UNIT_LR = 1  # the proposition's λ
SIM_A = sp.Integer(-1)
SIM_TIMES = (1, 2, 4, 8, 12)
SIM_RUNS = {True: 20000, False: 200000}
EXACT_A = (sp.Integer(-1), sp.Rational(-7, 2))
EXACT_TIMES = (1, 5, 12)


def experiment(a_value, lr, runs: int, times, seed) -> dict:
    """t -> number of the ``runs`` runs (w0 = 1) with w_t ≠ 0, at each t in ``times``."""
    log_w = simulate(ziyin.noise(a_value), float(lr), runs, max(times), seed, record=times).values
    return {step: int(np.count_nonzero(np.isfinite(row))) for step, row in zip(times, log_w)}


def enumerate_law(a_value, lr, steps: int) -> dict:
    """P(w_t ≠ 0), E[w_t], E[w_t²] (w0 = 1) by enumerating all 2^t draw sequences, exactly."""
    factors = [multiplicative.update_factor(v, lr) for v in ziyin.noise(a_value).values]
    sequences = [sp.Mul(*(factors[i] for i in seq)) for seq in np.ndindex(*(2,) * steps)]
    weight = HALF**steps
    return {"P(w_t ≠ 0)": sum(weight for f in sequences if f != 0),
            "E[w_t]": sp.nsimplify(sum(weight * f for f in sequences)),
            "E[w_t²]": sp.nsimplify(sum(weight * f**2 for f in sequences))}


@symbolic("λ = 1: w_t = 0 w.p. 1 - 2^-t, E[w_t] = (1 - a/2)^t w0, E[w_t²] = w0² e^(2t ln((2-a)/√2)), both growing",
          version="ziyin2022",
          falsifiers=(scale("PRINTED_SECOND_2022", 2), scale("PRINTED_MEAN", 2), scale("PRINTED_ZERO_PROB_2022", HALF)))
def moments_2022(ctx):
    moments = ziyin.unit_rate_moments()
    law = ziyin.noise()
    checks = {
        "P(w_t = 0)": is_zero(1 - moments.prob_nonzero - PRINTED_ZERO_PROB_2022),
        "E[w_t]": is_zero(moments.mean - PRINTED_MEAN),
        "E[w_t²]": same_geometric(moments.second_moment, PRINTED_SECOND_2022),
    }
    growth = {k: sp.expand(multiplicative.moment_factor(law, k, UNIT_LR)) for k in (1, 2)}
    grows = all(bool((g - 1).is_positive) for g in growth.values())  # for every a < 0 (SymPy's assumptions)
    wrong = [name for name, ok in checks.items() if not ok]
    ok = not wrong and grows
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"factors {tex(moments.factors)}: P(w_t ≠ 0) = {tex(moments.prob_nonzero)}, E[w_t] = {tex(moments.mean)}, "
        f"E[w_t²] = {tex(moments.second_moment)}; per-step growth factors {tex(growth[1])} and {tex(growth[2])} are "
        f"{'> 1 for every a < 0' if grows else 'not shown > 1 for all a < 0'}; "
        + (f"differs from the printed {', '.join(wrong)}" if wrong else "all equal the printed forms"),
        "exact (SymPy simplification to 0; signs from a < 0)",
        {"prob_nonzero": moments.prob_nonzero, "mean": moments.mean, "second_moment": moments.second_moment,
         "growth_factors": growth},
        observed={"P(w_t = 0)": 1 - moments.prob_nonzero, "E[w_t]": moments.mean, "E[w_t²]": moments.second_moment,
                  "growth of E[w_t]": growth[1], "growth of E[w_t²]": growth[2]},
        expected={"P(w_t = 0)": PRINTED_ZERO_PROB_2022, "E[w_t]": PRINTED_MEAN, "E[w_t²]": PRINTED_SECOND_2022,
                  "growth": "> 1 for a < 0"},
    )


@symbolic("eqs. (6)-(7) and the zero probability as printed in 2021", version="ziyin2021",
          falsifiers=(together("2021's forms replaced by the correct ones",
                               replace("PRINTED_MEAN_STEP_2021", CORRECTED_MEAN_STEP),
                               replace("PRINTED_SECOND_2021", CORRECTED_SECOND),
                               replace("PRINTED_ZERO_PROB_2021", PRINTED_ZERO_PROB_2022)),))
def printed_2021(ctx):
    moments = ziyin.unit_rate_moments()
    step_factor = multiplicative.moment_factor(ziyin.noise(), 1, UNIT_LR)
    checks = {
        "(6) E[w_t] = a E[w_(t-1)]": is_zero(step_factor - PRINTED_MEAN_STEP_2021),
        "(6) E[w_t] = (1 - a/2)^t w0": is_zero(moments.mean - PRINTED_MEAN),
        "(7) middle": same_geometric(moments.second_moment, PRINTED_SECOND_2021_MIDDLE),
        "(7) exponential form": same_geometric(moments.second_moment, PRINTED_SECOND_2021),
        "P(w_t = 0)": is_zero(1 - moments.prob_nonzero - PRINTED_ZERO_PROB_2021),
    }
    at = {a: -1, t: 1, w0: 1}
    example = {"a": -1, "t": 1, "w0": 1, "true": moments.second_moment.subs(at), "printed": PRINTED_SECOND_2021.subs(at),
               "P(w_t = 0) printed": PRINTED_ZERO_PROB_2021.subs(at)}
    wrong = [name for name, ok in checks.items() if not ok]
    return Finding(
        Verdict.REFUTED if wrong else Verdict.PROVED,
        f"the model gives E[w_t] = ({tex(step_factor)})·E[w_(t-1)] = {tex(moments.mean)}, E[w_t²] = {tex(moments.second_moment)}, "
        f"P(w_t = 0) = {tex(1 - moments.prob_nonzero)}; "
        + (f"wrong as printed: {'; '.join(wrong)} (a = -1, t = 1: E[w_1²] = {tex(example['true'])}, printed "
           f"{tex(example['printed'])}; printed P(w_1 = 0) = {tex(example['P(w_t = 0) printed'])})" if wrong
           else "every printed expression agrees"),
        "exact",
        {"checks": checks, "counterexample": example},
        observed={"E[w_t]/E[w_(t-1)]": step_factor, "E[w_t²]": moments.second_moment,
                  "P(w_t = 0)": 1 - moments.prob_nonzero},
        expected={"E[w_t]/E[w_(t-1)]": PRINTED_MEAN_STEP_2021, "E[w_t²]": PRINTED_SECOND_2021,
                  "P(w_t = 0)": PRINTED_ZERO_PROB_2021},
    )


@high_precision("λ = 1: exact law of the draws gives P(w_t ≠ 0) = 2^-t and the printed moments, a = -1, -7/2",
                falsifiers=(scale("PRINTED_SECOND_2022", 2), scale("PRINTED_ZERO_PROB_2022", HALF)))
def enumeration(ctx):
    """Enumerating the 2^t draw sequences (t ≤ 12) reproduces the printed closed forms exactly."""
    rows, wrong = {}, []
    for a_value in EXACT_A:
        for steps in EXACT_TIMES:
            at = {a: a_value, t: steps, w0: 1}
            found = enumerate_law(a_value, UNIT_LR, steps)
            printed = {"P(w_t ≠ 0)": 1 - PRINTED_ZERO_PROB_2022.subs(at), "E[w_t]": PRINTED_MEAN.subs(at),
                       "E[w_t²]": sp.nsimplify(sp.simplify(PRINTED_SECOND_2022.subs(at)))}
            wrong += [f"{name} at a = {a_value}, t = {steps}" for name in found
                      if not is_zero(found[name] - printed[name])]
            rows[f"a = {a_value}, t = {steps}"] = {"enumerated": found, "printed": printed}
    return Finding(
        Verdict.CONFIRMED if not wrong else Verdict.REFUTED,
        f"exhaustive enumeration at {len(rows)} (a, t): "
        + ("every P(w_t ≠ 0), E[w_t], E[w_t²] equals the printed form" if not wrong
           else f"{len(wrong)} values differ from the printed forms ({'; '.join(wrong[:3])})"),
        "exact rational arithmetic",
        rows,
        observed={k: v["enumerated"] for k, v in rows.items()}, expected={k: v["printed"] for k, v in rows.items()},
    )


@simulation("λ = 1, a = -1: the fraction of runs with w_t ≠ 0 is 2^-t", version="ziyin2022",
            falsifiers=(scale("PRINTED_ZERO_PROB_2022", HALF),))
def surviving_fraction(ctx):
    runs = SIM_RUNS[ctx.quick]
    level = bonferroni(len(SIM_TIMES))
    rows, misses = [], 0
    for step, k in experiment(SIM_A, UNIT_LR, runs, SIM_TIMES, ctx.seed).items():
        predicted = float(1 - PRINTED_ZERO_PROB_2022.subs(t, step))
        ci = proportion_interval(k, runs, level, method="exact")
        misses += predicted not in ci
        rows.append({"t": step, "nonzero": k, "runs": runs, "predicted": predicted, "ci": ci.describe()})
    fractions = ", ".join(f"{row['nonzero'] / runs:.4g}" for row in rows)
    return Finding(
        Verdict.CONFIRMED if misses == 0 else Verdict.REFUTED,
        f"{runs} runs: the surviving fraction at t = {', '.join(str(s) for s in SIM_TIMES)} is "
        f"{fractions}; {misses} of {len(rows)} intervals miss the printed "
        "1 - P(w_t = 0)",
        f"Clopper–Pearson interval at joint level {LEVEL} (Bonferroni over {len(SIM_TIMES)} times)",
        {"points": rows},
        observed={f"t = {r['t']}": r["nonzero"] / runs for r in rows},
        expected={f"t = {r['t']}": r["predicted"] for r in rows},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 1 and eqs. (5)–(7) [2021] / (3)–(4) [2022]",
        statement=r"\lambda = 1,\ x \in \{1, a-1\}:\ w_t \to 0 \text{ a.s., while } \mathbb{E}[w_t] = (1-\tfrac a2)^t w_0"
        r" \text{ and } \mathbb{E}[w_t^2] = 2^{-t}(2-a)^{2t} w_0^2 = w_0^2 e^{2t\ln\frac{2-a}{2}}",
        summary="at λ = 1 SGD reaches the local maximum a.s. although E[w_t], E[w_t²] grow exponentially",
        checks=(moments_2022, printed_2021, enumeration, surviving_fraction),
    ),
)
