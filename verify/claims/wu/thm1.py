r"""Wu, Ma & E (NeurIPS 2018) §3.1, Definition 3, Theorem 1, eq. (8): linear stability of SGD.

x ← (I - ηM) x with M the mean of B of the n Hessians drawn without replacement. Theorem 1:
λmax{(I-ηH)² + η²(n-B)/(B(n-1)) Σ} ≤ 1 ⇒ x* is linearly stable (E‖x_t‖² ≤ C‖x_0‖²), and in
d = 1 the condition is also necessary. ``theory.wu`` derives E[(I-ηM)²] by counting batches.
"""

from __future__ import annotations

import sympy as sp

from numerics.precision import decimal
from theory import wu
from theory.wu import H_BAR, Q_BAR, B, a, eta, s

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    replace,
    simulation,
    symbolic,
    together,
)
from ...display import tex
from ...papers import WU
from ...stats import LEVEL
from ...symbolic import is_zero
from . import _linear
from ._printed import PRINTED_EQ3, PRINTED_EQ8, PRINTED_SIGMA

R = sp.Rational

# --- the printed formulas (8), Σ and §2's (3) are shared (``_printed``) -------------------------

#: mutations: (8) with Patel's with-replacement factor 1/B, and (8) without its noise term (GD's condition)
WITH_REPLACEMENT_8 = (1 - eta * H_BAR) ** 2 + eta**2 / B * PRINTED_SIGMA
GD_CONDITION = (1 - eta * H_BAR) ** 2

# --- experiment parameters --------------------------------------------------------------------
#: an exact d = 2 instance: n = 3 Hessians, B = 1; stable at η = 9/20 although (8) fails there
COUNTEREXAMPLE = (((4, -1), (-1, 3)), ((4, 2), (2, 2)), ((0, 0), (0, 3)))
COUNTER_LR, COUNTER_UNSTABLE_LR, COUNTER_BATCH = R(9, 20), R(1, 2), 1
BELOW_8_LR = R(2, 5)  # (8) holds here (its threshold is ≈ 0.4323): a falsifier's rate
SEARCH_SIZE = {True: 12, False: 60}  # random instances (quick, full)


def experiment(hessians, rates, batch, runs: int, horizon: int, seed, x0=(1.0, 0.0)) -> list[dict]:
    """E‖x_t‖² simulated beside tr T^t(x0 x0ᵀ) at t = 1 and ``horizon`` for each η (rows of
    ``_linear.two_sides``), with the sign of each growth rate."""
    rows, _ = _linear.two_sides(seed, runs, hessians, batch, rates, list(x0), horizon)
    return [{**row, "sign": _linear.sign_of(row)} for row in rows]


# --- checks -----------------------------------------------------------------------------------


@symbolic("E[(I-ηM)²] for batches without replacement is the matrix of (8)", version="wu",
          falsifiers=(replace("PRINTED_EQ8", WITH_REPLACEMENT_8, "(8) with the factor 1/B of independent draws"),))
def matrix(ctx):
    """Counting subsets: E[M] = H, E[M²] - H² = (n-B)/(B(n-1)) Σ with Σ as in Def. 3; any d."""
    derived = wu.expected_square_update(replace=False)
    moments = wu.batch_moments(replace=False)
    same = is_zero(derived - PRINTED_EQ8)
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"E[M] = {tex(moments.mean)}, E[M²] - H² = {tex(moments.factor)}·(Q - H²): E[(I-ηM)²] - (I-ηH)² = "
        f"{tex(wu.noise_term_of_8())}, {'equal to' if same else 'not'} (8)'s {tex(wu.in_covariance(PRINTED_EQ8 - GD_CONDITION))}; "
        "E‖x_(t+1)‖² = E[x_tᵀ E[(I-ηM)²] x_t] ≤ λmax(·) E‖x_t‖², so (8) bounds E‖x_t‖² by ‖x_0‖² (C = 1 in (6))",
        "exact (noncommutative SymPy algebra, symbolic n, B)",
        {"batch_factor": moments.factor},
        observed=derived, expected=PRINTED_EQ8,
    )


@symbolic("d = 1: (8) is necessary and sufficient; its form and largest stable η", version="wu",
          falsifiers=(replace("PRINTED_EQ8", WITH_REPLACEMENT_8, "(8) with the factor 1/B of independent draws"),))
def one_dimension(ctx):
    """E x_t² = T^t x_0² with T = E[(1-ηM)²] (independent batches): bounded iff T ≤ 1."""
    step = wu.one_dimensional_step(replace=False)
    one_d_printed = PRINTED_EQ8.subs({H_BAR: a, Q_BAR: s**2 + a**2})
    same = is_zero(step.second - one_d_printed)
    section2 = is_zero(step.second.subs(B, 1) - PRINTED_EQ3)
    difference = sp.factor(step.second - PRINTED_EQ3)
    lr_max = wu.largest_stable_lr(replace=False)
    return Finding(
        Verdict.PROVED if same and section2 else Verdict.REFUTED,
        f"T - 1 = {tex(sp.factor(step.second - 1))}: E x_t² = T^t x_0² stays bounded iff T ≤ 1 iff 0 < η ≤ {tex(lr_max)}; "
        f"T {'is' if same else 'is not'} (8) at d = 1 and {'is' if section2 else 'is not'} §2's (1-ηa)² + η²s² at B = 1 "
        f"(for general B they differ by {tex(difference)})",
        "exact",
        {"largest_stable_lr": lr_max, "difference_from_section2_form": difference},
        observed=step.second, expected=one_d_printed,
    )


@high_precision("(8) ⇒ ρ(T) ≤ 1 on random rational instances (d = 2, 3), decided exactly", version="wu",
                falsifiers=(replace("PRINTED_EQ8", GD_CONDITION, "(8) without its noise term"),))
def sufficient(ctx):
    printed = PRINTED_EQ8
    found = _linear.search(ctx.rng(), SEARCH_SIZE[ctx.quick], lambda h, lr, b: {
        "condition (8)": _linear.satisfies_printed_8(printed, h, lr, b),
        "stable": wu.stable_exactly(wu.second_moment_operator(h, lr, b))})
    violations = [e for e in found["examples"] if e["condition (8)"] and not e["stable"]]
    gaps = [e for e in found["examples"] if not e["condition (8)"] and e["stable"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): {len(violations)} with (8) and ρ(T) > 1; {len(gaps)} stable although "
        f"(8) fails (tallies: {_linear.tally_text(found['tallies'])})",
        "exact rational arithmetic (pivoted LDLᵀ tests of I ∓ T and I - E[(I-ηM)²]); a search, not a proof",
        {"tallies": found["tallies"], "violations": violations[:3], "stable_without_8": gaps[:3]},
        observed={"(8) and unstable": len(violations), "cases": len(found["examples"])},
        expected={"(8) and unstable": 0},
    )


@symbolic("d ≥ 2: (8) is sufficient only (the theorem claims no more): an exact stable instance violating (8)",
          version="wu", falsifiers=(replace("COUNTER_LR", BELOW_8_LR, f"the instance at η = {BELOW_8_LR}, where (8) holds"),))
def not_necessary(ctx):
    hessians = _linear.matrices(COUNTEREXAMPLE)
    facts = _linear.exact_facts(hessians, COUNTER_LR, COUNTER_BATCH, PRINTED_EQ8)
    above = _linear.exact_facts(hessians, COUNTER_UNSTABLE_LR, COUNTER_BATCH, PRINTED_EQ8)
    gap = facts["stable"] and not facts["condition_8"] and not above["stable"]
    return Finding(
        Verdict.PROVED if gap else Verdict.INCONCLUSIVE,
        f"H_i = {', '.join(tex(h) for h in COUNTEREXAMPLE)}, B = {COUNTER_BATCH}, η = {tex(COUNTER_LR)}: λmax of (8) = {decimal(facts['lambda_max_8'], 8)}, "
        f"ρ(T) = {decimal(facts['spectral_radius'], 8)}; at η = {tex(COUNTER_UNSTABLE_LR)}, ρ(T) = "
        f"{decimal(above['spectral_radius'], 8)}: " + (
            f"stable without (8), so the exact threshold lies in ({tex(COUNTER_LR)}, {tex(COUNTER_UNSTABLE_LR)}), above (8)'s"
            if gap else "no stable instance violating (8) here, so this instance cannot show the gap"),
        "exact (characteristic polynomials and PSD tests in rational arithmetic)",
        {"hessians": COUNTEREXAMPLE, "batch": COUNTER_BATCH, "lr": COUNTER_LR, "at_lr": _linear.facts_data(facts),
         "above": {"lr": COUNTER_UNSTABLE_LR, **_linear.facts_data(above)}},
        observed={"(8) holds": "yes" if facts["condition_8"] else "no", "stable": "yes" if facts["stable"] else "no"},
        expected={"(8) holds": "no", "stable": "yes"},
    )


@simulation("E‖x_t‖² on both sides of the exact threshold of the d = 2 instance", version="wu",
            falsifiers=(together("the two rates swapped", replace("COUNTER_LR", COUNTER_UNSTABLE_LR),
                                 replace("COUNTER_UNSTABLE_LR", COUNTER_LR)),))
def simulated(ctx):
    """η = 9/20 (stable, (8) violated): one step grows E‖x‖² from e_1 — what (8) measures — yet
    E‖x_t‖² decays; η = 1/2 (ρ > 1): it grows. Signs judged on the interval of (1/t) ln mean."""
    horizon = 8 if ctx.quick else 10
    runs = 20000 if ctx.quick else 200000
    rows = experiment(COUNTEREXAMPLE, (COUNTER_LR, COUNTER_UNSTABLE_LR), COUNTER_BATCH, runs, horizon, ctx.seed)
    by = {(r["lr"], r["t"]): r for r in rows}
    observed = {"first step at stable η": by[(COUNTER_LR, 1)]["sign"], "stable η": by[(COUNTER_LR, horizon)]["sign"],
                "unstable η": by[(COUNTER_UNSTABLE_LR, horizon)]["sign"],
                "exact values outside": sum(not r["exact_inside"] for r in rows)}
    expected = {"first step at stable η": "grows", "stable η": "decays", "unstable η": "grows", "exact values outside": 0}
    ok = observed == expected
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"η = {tex(COUNTER_LR)}: E‖x_1‖² ≈ {by[(COUNTER_LR, 1)]['sample_mean']:.4g} ({observed['first step at stable η']}), "
        f"rate at t = {horizon} {by[(COUNTER_LR, horizon)]['rate']:.3g} ({observed['stable η']}); η = {tex(COUNTER_UNSTABLE_LR)}: "
        f"rate {by[(COUNTER_UNSTABLE_LR, horizon)]['rate']:.3g} ({observed['unstable η']}); "
        f"{observed['exact values outside']} of {len(rows)} exact values outside their intervals",
        f"Student-t intervals of the mean of ‖x_t‖² at joint level {LEVEL} (Bonferroni); rates are (1/t) ln of their ends",
        {"hessians": COUNTEREXAMPLE, "batch": COUNTER_BATCH, "x0": [1, 0], "points": rows},
        observed=observed, expected=expected,
    )


CLAIMS = (
    Claim(
        id="wu.thm1",
        papers=(WU,),
        where="§3.1, Definition 3, Theorem 1, eq. (8)",
        statement=r"\lambda_{\max}\Big\{(I-\eta H)^2 + \frac{\eta^2(n-B)}{B(n-1)}\Sigma\Big\} \le 1 \Rightarrow "
        r"x^* \text{ linearly stable; iff when } d = 1",
        summary="(8) is sufficient for linear stability of SGD without replacement, and necessary in d = 1",
        checks=(matrix, one_dimension, sufficient, not_necessary, simulated),
    ),
)
