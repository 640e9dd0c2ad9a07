r"""Wu, Ma & E (NeurIPS 2018) §3.1, eq. (9), the sentences around it, and Fig. 3.

(9): 0 ≤ a ≤ 2/η, 0 ≤ s ≤ (1/η)√(B(n-1)/(n-B)) ≈ √B/η (B ≪ n), each term of (8) ≤ 1 on its own —
a necessary condition for (8). The text also calls (8) sharp, says the minima SGD can converge to
satisfy (9), and Fig. 3 calls the rectangle linearly stable; in d = 1 only the inscribed half-ellipse
(1-ηa)² + η²c_B s² ≤ 1 is.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from numerics.precision import decimal
from theory import wu
from theory.wu import B, eta, n

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
from ...papers import WU
from ...stats import LEVEL
from ...symbolic import is_zero
from . import _linear
from ._printed import PRINTED_EQ8, PRINTED_EQ9_NONUNIFORMITY, PRINTED_EQ9_SHARPNESS, PRINTED_EQ9_SMALL_BATCH
from .thm1 import BELOW_8_LR, COUNTER_BATCH, COUNTER_LR, COUNTEREXAMPLE, SEARCH_SIZE
from .thm1 import one_dimension as thm1_one_dimension

R = sp.Rational

# --- the printed formulas (transcriptions; everything else is derived) ------------------------

# --- the corrected statement (wu.eq9-corrected) ------------------------------------------------
CORRECTED_SHARPNESS_BOUND = 2 / eta  # any d: stable ⇒ a ≤ 2/η
CORRECTED_STABLE_FRACTION = sp.pi / 4  # d = 1: the stable half-ellipse covers π/4 of (9)

# --- experiment parameters --------------------------------------------------------------------
#: a 1-D instance inside the rectangle (9) that is unstable: n = 10, a_i = 3 once and 0 nine times, η = 1
RECTANGLE_CURVATURES = (3,) + (0,) * 9
RECTANGLE_LR, RECTANGLE_BATCH = sp.Integer(1), 1
RECTANGLE_LRS = (sp.Integer(1), R(1, 2))  # the simulation: inside (9) and unstable; the same minimum, stable
DIAGRAM_SETTINGS = ((R(1, 10), 4, 1000), (R(1, 10), 25, 1000), (R(1, 2), 4, 1000), (R(1, 2), 1, 1000))


def diagram(lr, batch: int, count: int, points: int, extent: float = 1.0) -> dict:
    """Fig. 3 at one (η, B, n): the exact 1-D stable set and (9) on a points × points midpoint grid of
    [0, extent·a_max] × [0, extent·s_max], with the rectangle's corners (a_max, s_max)."""
    a_max, s_max = (float(v) for v in wu.rectangle_at(lr, batch, count))
    a_grid = (np.arange(points) + 0.5) * extent * a_max / points
    s_grid = (np.arange(points) + 0.5) * extent * s_max / points
    return {"diagram": linear.stability_diagram(float(lr), batch, count, False, a_grid, s_grid), "a_max": a_max,
            "s_max": s_max}


def rectangle_point(curvatures, lr, batch: int) -> dict:
    """a, s of the given a_i, the derived (9) corners at (η, B, n), and E x²_(t+1)/x_t² there."""
    mean, variance = wu.curvature_statistics(curvatures)
    a_max, s_max = wu.rectangle_at(lr, batch, len(curvatures))
    return {"sharpness": mean, "nonuniformity": sp.sqrt(variance), "a_max": a_max, "s_max": s_max,
            "second_moment_factor": wu.one_dimensional_second_moment(curvatures, lr, batch)}


# --- checks -----------------------------------------------------------------------------------


@symbolic("(9) is each term of (8) ≤ 1 on its own", version="wu",
          falsifiers=(scale("PRINTED_EQ9_NONUNIFORMITY", 2), scale("PRINTED_EQ9_SHARPNESS", R(1, 2))))
def rectangle(ctx):
    box = wu.rectangle()
    derived_s = wu.nonuniformity_bound()
    sharp_ok = is_zero(box.sharpness_max - PRINTED_EQ9_SHARPNESS)
    positive = {n: sp.Symbol("m", positive=True) + B}  # n > B: the factor is positive
    s_ok = is_zero(sp.radsimp((derived_s**2 - PRINTED_EQ9_NONUNIFORMITY**2).subs(positive)))
    return Finding(
        Verdict.PROVED if sharp_ok and s_ok else Verdict.REFUTED,
        f"(1-ηλ)² ≤ 1 ⇔ 0 ≤ λ ≤ {tex(box.sharpness_max)} (printed {tex(PRINTED_EQ9_SHARPNESS)}); η²c_B s² ≤ 1 ⇔ s ≤ {tex(derived_s)} "
        f"(printed {tex(PRINTED_EQ9_NONUNIFORMITY)}) for B < n: {'both equal' if sharp_ok and s_ok else 'they differ'}",
        "exact",
        {"no bound on s when": "B = n (c_B = 0)"},
        observed={"a_max": box.sharpness_max, "s_max": derived_s},
        expected={"a_max": PRINTED_EQ9_SHARPNESS, "s_max": PRINTED_EQ9_NONUNIFORMITY},
    )


@symbolic("B ≪ n: the bound tends to √B/η from above", version="wu",
          falsifiers=(scale("PRINTED_EQ9_SMALL_BATCH", 2),))
def small_batch(ctx):
    limit = wu.small_batch_bound()
    excess = sp.factor((wu.nonuniformity_bound() / limit) ** 2 - 1)
    m, k = sp.Symbol("m", positive=True), sp.Symbol("k", nonnegative=True)  # n = B + m, B = 1 + k
    from_above = bool(sp.factor(excess.subs(n, B + m).subs(B, 1 + k)).is_nonnegative)
    ok = is_zero(limit - PRINTED_EQ9_SMALL_BATCH) and from_above
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"lim_(n→∞) of (9)'s bound = {tex(limit)} (printed {tex(PRINTED_EQ9_SMALL_BATCH)}); (bound/limit)² - 1 = {tex(excess)}, "
        f"{'≥ 0' if from_above else 'not ≥ 0'} for 1 ≤ B < n: √B/η {'underestimates' if from_above else 'does not bound'} "
        "the bound",
        "exact",
        {"ratio_squared_minus_one": excess},
        observed=limit, expected=PRINTED_EQ9_SMALL_BATCH,
    )


@high_precision("(8) ⇒ (9) on random rational instances (the paper's 'necessary condition for (8)')", version="wu",
                falsifiers=(scale("PRINTED_EQ9_NONUNIFORMITY", R(1, 2)), scale("PRINTED_EQ9_SHARPNESS", R(1, 2))))
def necessary_for_8(ctx):
    """Weyl: both terms of (8) are PSD, so λmax of the sum bounds each; the search checks it exactly."""
    sharp, spread = PRINTED_EQ9_SHARPNESS, PRINTED_EQ9_NONUNIFORMITY
    found = _linear.search(ctx.rng(), SEARCH_SIZE[ctx.quick], lambda h, lr, b: {
        "condition (8)": _linear.satisfies_printed_8(PRINTED_EQ8, h, lr, b),
        "rectangle (9)": _linear.in_printed_rectangle(sharp, spread, h, lr, b)})
    violations = [e for e in found["examples"] if e["condition (8)"] and not e["rectangle (9)"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): (8) holds without (9) in {len(violations)} (tallies: {_linear.tally_text(found['tallies'])})",
        "exact rational arithmetic; a search, backed by λmax(X + Y) ≥ max(λmax X, λmax Y) for PSD X, Y",
        {"tallies": found["tallies"], "violations": violations[:3]},
        observed={"(8) without (9)": len(violations), "cases": len(found["examples"])}, expected={"(8) without (9)": 0},
    )


def _counterexample_facts() -> dict:
    return _linear.exact_facts(_linear.matrices(COUNTEREXAMPLE), COUNTER_LR, COUNTER_BATCH, PRINTED_EQ8)


@symbolic("'the condition (8) is sharp' (before (9)): not in d ≥ 2", version="wu",
          falsifiers=(replace("COUNTER_LR", BELOW_8_LR, f"the instance at η = {BELOW_8_LR}, where (8) holds"),))
def sharp(ctx):
    """Reading: a sufficient condition called sharp cannot be weakened, i.e. is also necessary —
    true in d = 1 (Theorem 1), false in d ≥ 2, where the exact threshold exceeds (8)'s."""
    facts = _counterexample_facts()
    floats = _linear.as_float(COUNTEREXAMPLE)
    exact_lr, lr_8 = linear.threshold_lr(floats, COUNTER_BATCH), linear.threshold_lr(floats, COUNTER_BATCH, criterion="condition_8")
    refuted = facts["stable"] and not facts["condition_8"]
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"H_i = {', '.join(tex(h) for h in COUNTEREXAMPLE)}, B = {COUNTER_BATCH}, η = {tex(COUNTER_LR)}: λmax of (8) = {decimal(facts['lambda_max_8'], 6)}, "
        f"ρ(T) = {decimal(facts['spectral_radius'], 6)}: " + ("stable although (8) fails" if refuted else
                                                            "this η is no counterexample") +
        f"; thresholds η_(8) ≈ {lr_8:.6g}, η* ≈ {exact_lr:.6g}. Under the weaker reading 'attained for some instances' "
        "(d = 1, commuting H_i) it holds",
        "exact decision at the instance's η; thresholds by float bisection (reported only)",
        {"hessians": COUNTEREXAMPLE, "batch": COUNTER_BATCH, "lr": COUNTER_LR, "facts": _linear.facts_data(facts),
         "threshold_condition_8": lr_8, "threshold_exact": exact_lr},
        observed={"(8) holds": "yes" if facts["condition_8"] else "no", "stable": "yes" if facts["stable"] else "no"},
        expected={"sharp: stable only if (8) holds": "stable ⇒ (8)"},
    )


@symbolic("§3.1: 'the global minima that SGD can converge to satisfy (9)': not in d ≥ 2", version="wu",
          falsifiers=(scale("PRINTED_EQ9_NONUNIFORMITY", 2),))
def necessary_for_stability(ctx):
    """True in d = 1 (there (8) is the exact criterion) and, for the sharpness, in any d (E x_t =
    (I-ηH)^t x_0 and ‖E x_t‖² ≤ E‖x_t‖²); false for the non-uniformity in d ≥ 2."""
    hessians = _linear.matrices(COUNTEREXAMPLE)
    facts = _counterexample_facts()
    in_9 = _linear.in_printed_rectangle(PRINTED_EQ9_SHARPNESS, PRINTED_EQ9_NONUNIFORMITY, hessians, COUNTER_LR, COUNTER_BATCH)
    s_squared = wu.largest_eigenvalue(wu.hessian_covariance(hessians))
    bound = PRINTED_EQ9_NONUNIFORMITY.subs({eta: COUNTER_LR, n: len(hessians), B: COUNTER_BATCH})
    refuted = facts["stable"] and not in_9
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"H_i = {', '.join(tex(h) for h in COUNTEREXAMPLE)}, B = {COUNTER_BATCH}, η = {tex(COUNTER_LR)}: s² = {tex(s_squared)} ≈ {decimal(s_squared, 8)} against "
        f"(9)'s bound² {tex(bound**2)}, a = {tex(facts['sharpness'])} against 2/η = {tex(PRINTED_EQ9_SHARPNESS.subs(eta, COUNTER_LR))}, "
        f"ρ(T) = {decimal(facts['spectral_radius'], 8)}: " + (
            "a linearly stable minimum outside (9)" if refuted else "no stable minimum outside (9) here"),
        "exact (algebraic numbers compared exactly; PSD tests in rational arithmetic)",
        {"hessians": COUNTEREXAMPLE, "batch": COUNTER_BATCH, "lr": COUNTER_LR, "s_squared": s_squared,
         "bound_squared": bound**2, "facts": _linear.facts_data(facts)},
        observed={"stable": "yes" if facts["stable"] else "no", "in (9)": "yes" if in_9 else "no"},
        expected={"stable ⇒ in (9)": "yes"},
    )


@symbolic("Fig. 3: 'the rectangular region that is linearly stable for SGD': only its inscribed half-ellipse is (d = 1)",
          version="wu", falsifiers=(scale("PRINTED_EQ9_NONUNIFORMITY", R(1, 2)),))
def figure(ctx):
    point = rectangle_point(RECTANGLE_CURVATURES, RECTANGLE_LR, RECTANGLE_BATCH)
    values = {eta: RECTANGLE_LR, n: len(RECTANGLE_CURVATURES), B: RECTANGLE_BATCH}
    a_max, s_max = PRINTED_EQ9_SHARPNESS.subs(values), PRINTED_EQ9_NONUNIFORMITY.subs(values)
    inside = bool(point["sharpness"] <= a_max and point["nonuniformity"] <= s_max)
    second = point["second_moment_factor"]
    refuted = inside and second > 1
    fraction = wu.one_dimensional_region_fraction()
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"n = {len(RECTANGLE_CURVATURES)}, a_i = {RECTANGLE_CURVATURES[0]} once and 0 otherwise, B = {RECTANGLE_BATCH}, "
        f"η = {tex(RECTANGLE_LR)}: a = {tex(point['sharpness'])}, s = {tex(point['nonuniformity'])} "
        f"{'inside' if inside else 'outside'} the printed rectangle (a ≤ {tex(a_max)}, s ≤ {tex(s_max)}); E x²_(t+1)/x_t² = {tex(second)}"
        + (" > 1: unstable" if second > 1 else " ≤ 1: stable") + f". The exact 1-D stable set is the half-ellipse "
        f"(1-ηa)² + η²c_B s² ≤ 1, a fraction {tex(fraction)} of (9)'s area; at fixed s > 0 its a-range narrows as B "
        "decreases, so the batch size limits sharpness too (§3.2 says B acts only on s)",
        "exact",
        {"curvatures": list(RECTANGLE_CURVATURES), "lr": RECTANGLE_LR, "batch": RECTANGLE_BATCH, **point,
         "stable_area_fraction": fraction},
        observed={"in (9)": "yes" if inside else "no", "E x²_(t+1)/x_t²": second},
        expected={"in (9) ⇒ E x²_(t+1)/x_t² ≤": 1},
    )


@high_precision("Fig. 3 data: the stable 1-D region covers π/4 of the rectangle at several (η, B)", version="wu",
                falsifiers=(replace("CORRECTED_STABLE_FRACTION", sp.Integer(1), "the whole rectangle stable, as Fig. 3 says"),))
def diagram_fraction(ctx):
    """The grid's stable share against the stated π/4, which must also be the derived area ratio."""
    points = 400 if ctx.quick else 1600
    stated, derived = CORRECTED_STABLE_FRACTION, wu.one_dimensional_region_fraction()
    rows, worst = [], 0.0
    for lr, batch, count in DIAGRAM_SETTINGS:
        found = diagram(lr, batch, count, points)
        covered = float(found["diagram"].stable_one_dimension.mean())
        worst = max(worst, abs(covered - float(stated)))
        rows.append({"lr": lr, "batch": batch, "n": count, "a_max": found["a_max"], "s_max": found["s_max"],
                     "in_rectangle": float(found["diagram"].rectangle.mean()), "stable_fraction": covered})
    tolerance = 4.0 / points  # boundary cells: perimeter/area of the grid
    fractions = ", ".join(f"{r['stable_fraction']:.4f}" for r in rows)
    ok = worst <= tolerance and is_zero(derived - stated)
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"on a {points}² midpoint grid of each rectangle the exact 1-D stable set covers "
        f"{fractions} of it; largest gap to the stated {tex(stated)} ≈ {float(stated):.4f} is {worst:.2g}; the derived "
        f"area ratio is {tex(derived)}",
        f"|fraction - {tex(stated)}| ≤ {tolerance:.3g} (cells cut by the boundary); derived ratio equal exactly",
        {"settings": rows, "derived_area_ratio": derived},
        observed={"grid fractions": [r["stable_fraction"] for r in rows], "area ratio": derived},
        expected={"area ratio": stated},
    )


@simulation("d = 1: the rectangle point grows, the same minimum at η/2 decays", version="wu",
            falsifiers=(replace("RECTANGLE_LRS", tuple(reversed(RECTANGLE_LRS)), "the two rates swapped"),))
def simulated(ctx):
    horizon = 8 if ctx.quick else 10
    runs = 20000 if ctx.quick else 200000
    hessians = tuple(((v,),) for v in RECTANGLE_CURVATURES)
    rows, misses = _linear.two_sides(ctx.seed, runs, hessians, RECTANGLE_BATCH, RECTANGLE_LRS, [1.0], horizon)
    inside_lr, half_lr = RECTANGLE_LRS
    by = {(r["lr"], r["t"]): r for r in rows}
    observed = {"first rate (inside (9))": _linear.sign_of(by[(inside_lr, horizon)]),
                "second rate": _linear.sign_of(by[(half_lr, horizon)]), "exact values outside": misses}
    expected = {"first rate (inside (9))": "grows", "second rate": "decays", "exact values outside": 0}
    ok = observed == expected
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"a_i = ({RECTANGLE_CURVATURES[0]}, 0×{len(RECTANGLE_CURVATURES) - 1}): η = {tex(inside_lr)} rate "
        f"{by[(inside_lr, horizon)]['rate']:.3g} ({observed['first rate (inside (9))']}); η = {tex(half_lr)} rate "
        f"{by[(half_lr, horizon)]['rate']:.3g} ({observed['second rate']}); {misses} exact values outside their intervals",
        f"Student-t intervals of the mean of x_t² at joint level {LEVEL} (Bonferroni)",
        {"curvatures": list(RECTANGLE_CURVATURES), "points": rows},
        observed=observed, expected=expected,
    )


@high_precision("any d: linear stability forces a ≤ 2/η (exact search)", version="wu",
                falsifiers=(scale("CORRECTED_SHARPNESS_BOUND", R(1, 2)),))
def sharpness_necessary(ctx):
    bound = CORRECTED_SHARPNESS_BOUND
    found = _linear.search(ctx.rng(), SEARCH_SIZE[ctx.quick], lambda h, lr, b: {
        "stable": wu.stable_exactly(wu.second_moment_operator(h, lr, b)),
        "a within the bound": wu.is_psd(bound.subs(eta, lr) * sp.eye(h[0].shape[0]) - wu.mean_hessian(h))})
    violations = [e for e in found["examples"] if e["stable"] and not e["a within the bound"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): {len(violations)} stable with a > {tex(bound)} (tallies: {_linear.tally_text(found['tallies'])})",
        "exact rational arithmetic; a search, backed by ‖(I-ηH)^t x_0‖² = ‖E x_t‖² ≤ E‖x_t‖²",
        {"tallies": found["tallies"], "violations": violations[:3]},
        observed={f"stable with a > {bound}": len(violations), "cases": len(found["examples"])},
        expected={f"stable with a > {bound}": 0},
    )


CLAIMS = (
    Claim(
        id="wu.eq9",
        papers=(WU,),
        where="§3.1, eq. (9), the sentences around it, Fig. 3 and its paragraph",
        statement=r"\text{(8) is sharp; } 0 \le a \le \tfrac2\eta,\ 0 \le s \le \tfrac1\eta\sqrt{\tfrac{B(n-1)}{n-B}}"
        r" \approx \tfrac{\sqrt B}{\eta} \text{ is necessary for (8); the minima SGD can converge to satisfy (9); "
        r"the rectangle is linearly stable (Fig. 3)}",
        summary="the sharpness–non-uniformity rectangle and what the text says it means",
        checks=(rectangle, small_batch, necessary_for_8, sharp, necessary_for_stability, figure, diagram_fraction, simulated),
    ),
    Claim(
        id="wu.eq9-corrected",
        papers=(WU,),
        where="eq. (9) as a necessary condition for (8); the exact 1-D region",
        statement=r"(8) \Rightarrow (9);\ d = 1:\ \text{stable} \iff (1-\eta a)^2 + \eta^2\tfrac{n-B}{B(n-1)}s^2 \le 1 "
        r"\text{ (a half-ellipse, } \pi/4 \text{ of the rectangle)};\ \text{any } d:\ \text{stable} \Rightarrow a \le 2/\eta",
        summary="(9) bounds (8), not linear stability; in 1-D the stable set is the inscribed half-ellipse",
        checks=(rectangle, small_batch, necessary_for_8, thm1_one_dimension, sharpness_necessary, diagram_fraction, simulated),
        corrects="wu.eq9",
    ),
)
