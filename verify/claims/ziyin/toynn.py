"""Ziyin et al. 2022 §6.3, Fig. 3, App. A.5 eqs. (16)-(17): SGD on a two-layer toy network.

f = w2 (w1 x)² at x = 1, y ∈ {-1, 2} w.p. ½: L = ½(w2w1²+1)² + ½(w2w1²-2)² depends on w only through
u = w2w1²; L* = 9/4 on the valley w1 = ±1/√(2w2), L = 5/2 on the line w1 = 0. Near the line w1 follows
the multiplicative model with factors 1 + 4λyw2, so the line attracts w1 iff λw2 is in the derived trap
set ((1-√17)/16, 0) ∪ (1/8, (1+√17)/16): at λ = 0.1 the runs stop at (0, w2 < 0), not at (0, 0).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import optimizers
from numerics.optimizers import Method, OptimizerConfig
from theory import toynn
from theory.multiplicative import lam

from ...claim import Claim, Finding, Verdict, replace, scale, simulation, symbolic
from ...display import tex
from ...papers import ZIYIN_2022
from ...stats import LEVEL, bonferroni, proportion_interval
from ...symbolic import is_zero
from ._landscapes import set_text
from ._optimizers import (
    loss,
    onset_bracket,
    output,
    threshold_verdict,
    toy_gradient,
    toy_start,
)

w1, w2, y = toynn.w1, toynn.w2, toynn.y

# --- the printed formulas (transcriptions; everything else is derived) ------------------------
# OCR "ɪ(w2w12 + 1)2 + 2(w2w2 − 2)2", read as ½(·)² + ½(·)²: the ½'s are the label probabilities
PRINTED_LOSS = sp.Rational(1, 2) * (w2 * w1**2 + 1) ** 2 + sp.Rational(1, 2) * (w2 * w1**2 - 2) ** 2
PRINTED_L_STAR, PRINTED_LINE_VALUE = sp.Rational(9, 4), sp.Rational(5, 2)  # "L* = 2.25", "L = 2.5"
PRINTED_VALLEY = 1 / sp.sqrt(2 * w2)  # "achieved when w1 = 1/√(2 w2)"
PRINTED_SADDLE_SIDE = 1  # "(0, w2) with w2 ≥ 0 are saddle points" (Def. 2 counts non-strict maxima as saddles)
PRINTED_HESSIAN_AT_ZERO_W2 = sp.Matrix([[0, 0], [0, -w1]])  # A.5 (16)-(17): H11 = H12 = H21 = 0, H22 = -w1
PRINTED_LIMIT_W2 = (-0.01, 0.01)  # Fig. 3 middle: λ = 0.1 converges to (0, 0) — w2 within 0.01 of 0 on the line
PRINTED_DIVERGENCE_LR = 0.108  # Fig. 3 caption; §6.3 says "λ ≈ 0.11"
PRINTED_ROUNDING = 0.005  # §6.3 gives the threshold to two decimals ("≈ 0.11"): half a unit of the last digit
# the corrected forms (ziyin.toynn-corrected)
CORRECTED_HESSIAN_AT_ZERO_W2 = sp.Matrix([[0, -2 * w1], [-2 * w1, 2 * w1**4]])
CORRECTED_W1_FACTOR = 1 + 4 * lam * y * w2  # the factor multiplying w1 near the line, for label y
CORRECTED_TRAP_LOWER = (1 - sp.sqrt(17)) / 16  # the line attracts w1 for λw2 ∈ ((1-√17)/16, 0)

# --- experiment parameters --------------------------------------------------------------------
TOY_SMALL_LR, TOY_LARGE_LR, TOY_STEPS, TOY_RUNS = 0.001, 0.1, 10000, 1000  # Fig. 3 left / middle
DIVERGENCE_GRID = (0.1, 0.104, 0.108, 0.11, 0.112, 0.115, 0.12, 0.13)
LINE_TOLERANCE = 1e-3  # |w1| below which a run counts as on the stationary line w1 = 0
# w2 above which the line repels w1 at rate ≥ ½ln((1 - 0.4λ)(1 + 0.8λ)) ≈ 0.002 per step at λ = 0.1:
# over 5000 steps a factor > e^9, so no run can sit there
SADDLE_SIDE_W2 = 0.01
FROZEN = 0.01  # largest change of w2 over the last half of the run for a limit point to count as frozen


def experiment(lrs, runs: int, seed, steps: int = TOY_STEPS, snapshot_at=()) -> list:
    """SGD ensembles of the toy network, one per λ (Fig. 3; the book's figure calls this)."""
    configs = [OptimizerConfig(Method.SGD, lr) for lr in lrs]
    return optimizers.run(configs, runs, steps, seed, toy_start, toy_gradient(), 2, snapshot_at=snapshot_at)


# --- the landscape ------------------------------------------------------------------------------


@symbolic("L = ½(w2w1²+1)² + ½(w2w1²-2)², L* = 2.25 on w1 = 1/√(2w2), L = 2.5 on the line w1 = 0", version="ziyin2022",
          falsifiers=(scale("PRINTED_L_STAR", 2),))
def landscape(ctx):
    shape = toynn.landscape()
    positive = sp.Symbol("w_2", positive=True)
    valley_ok = any(is_zero((branch - PRINTED_VALLEY).subs(w2, positive)) for branch in shape.valley)
    observed = {"L": shape.loss, "L*": shape.minimum, "L on the line": shape.line_value}
    expected = {"L": PRINTED_LOSS, "L*": PRINTED_L_STAR, "L on the line": PRINTED_LINE_VALUE}
    ok = all(is_zero(observed[k] - expected[k]) for k in observed) and valley_ok
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"E_y (f - y)² = {tex(shape.loss_in_output)} in u = w2 w1²; min at u = {tex(shape.optimal_output)}: L* = {tex(shape.minimum)} "
        f"(printed {tex(PRINTED_L_STAR)}), on w1 = ±1/√(2w2) (printed + branch {'found' if valley_ok else 'not found'}); "
        f"L(0, w2) = {tex(shape.line_value)} (printed {tex(PRINTED_LINE_VALUE)}); with ½(f - y)² L* would be "
        f"{tex(toynn.landscape(sp.Rational(1, 2)).minimum)}",
        "exact", {"valley": shape.valley}, observed=observed, expected=expected,
    )


@symbolic("the stationary line w1 = 0: saddle points (Def. 2 [2022]) for w2 ≥ 0", version="ziyin2022",
          falsifiers=(replace("PRINTED_SADDLE_SIDE", -1, "the line at w2 ≤ 0 as saddles"),))
def stationary(ctx):
    """Near the line L - 5/2 = -u + u², u = w2 w1²: below 5/2 for w2 > 0 (non-strict local maxima, saddles under
    Def. 2), above for w2 < 0 (non-strict local minima), both at (0, 0)."""
    points = toynn.stationary_set()
    samples = (0, PRINTED_SADDLE_SIDE * sp.Rational(1, 2), PRINTED_SADDLE_SIDE)
    observed = {f"(0, {v})": toynn.classify_line_point(v) for v in samples}
    saddle_under_def2 = ("saddle", "non-strict local maximum")
    ok = {w1: 0} in points.solutions and all(kind in saddle_under_def2 for kind in observed.values())
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"∇L = 0 on w1 = 0 and w2 = 1/(2w1²); L - 5/2 = {tex(points.excess)} (u = w2 w1²): "
        + ", ".join(f"{k} is a {v}" for k, v in observed.items())
        + f"; {'all' if ok else 'not all'} saddles under Def. 2 (which counts non-strict maxima); (0, -1) is a "
        f"{toynn.classify_line_point(-1)} with the same L = 2.5, not mentioned in §6.3",
        "exact (sign of L - 5/2 = u(u - 1) near u = 0)",
        {"hessian_on_line": points.hessian_on_line}, observed=observed,
        expected={k: "saddle under Def. 2" for k in observed},
    )


@symbolic("App. A.5 eqs. (16)-(17): at w2 = 0, H11 = H12 = H21 = 0 and H22 = -w1", version="ziyin2022",
          falsifiers=(replace("PRINTED_HESSIAN_AT_ZERO_W2", CORRECTED_HESSIAN_AT_ZERO_W2, "the derived Hessian"),))
def hessian_printed(ctx):
    """OCR reading 'Hw2,w2 = -w1' (an exponent may be lost); the off-diagonal entry is wrong in any reading."""
    derived = toynn.stationary_set().hessian_at_zero_w2
    same = is_zero(sp.Matrix(derived - PRINTED_HESSIAN_AT_ZERO_W2))
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"derived Hessian at w2 = 0: {tex(derived)}, printed {tex(PRINTED_HESSIAN_AT_ZERO_W2)}; at (1, 0): "
        f"{tex(derived.subs(w1, 1))} vs {tex(PRINTED_HESSIAN_AT_ZERO_W2.subs(w1, 1))}",
        "exact", {"at_w1_1": {"derived": derived.subs(w1, 1), "printed": PRINTED_HESSIAN_AT_ZERO_W2.subs(w1, 1)}},
        observed=derived, expected=PRINTED_HESSIAN_AT_ZERO_W2,
    )


@symbolic("corrected A.5: H(w1, 0) = [[0, -2w1], [-2w1, 2w1⁴]], so L is not ρ-Hessian Lipschitz", version="ziyin2022",
          falsifiers=(scale("CORRECTED_HESSIAN_AT_ZERO_W2", 2),))
def hessian_corrected(ctx):
    derived = toynn.stationary_set().hessian_at_zero_w2
    growth = sp.diff(derived[1, 1], w1)
    unbounded = sp.limit(growth, w1, sp.oo) is sp.oo
    ok = is_zero(sp.Matrix(derived - CORRECTED_HESSIAN_AT_ZERO_W2)) and unbounded
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"H(w1, 0) = {tex(derived)} (stated {tex(CORRECTED_HESSIAN_AT_ZERO_W2)}); ∂H22/∂w1 = {tex(growth)} is "
        f"{'unbounded' if unbounded else 'bounded'}, so no ρ bounds ‖∇²L(w) - ∇²L(w')‖ ≤ ρ‖w - w'‖",
        "exact", {"d_H22": growth}, observed=derived, expected=CORRECTED_HESSIAN_AT_ZERO_W2,
    )


def _trap_pieces() -> list:
    """The derived trap set of λw2 (open intervals), ordered."""
    trap = toynn.w1_trap_set()
    return sorted(trap.args if isinstance(trap, sp.Union) else (trap,), key=lambda piece: float(piece.start))


@symbolic("linearised w1-dynamics on w1 = 0: factors 1 + 4λyw2; the line attracts w1 iff λw2 ∈ ((1-√17)/16, 0) or "
          "(1/8, (1+√17)/16)", version="ziyin2022", falsifiers=(scale("CORRECTED_TRAP_LOWER", 2),))
def line_trap(ctx):
    """w1 ← (1 - λh(y)) w1 with h(y) = ∂²L̂/∂w1² at w1 = 0 = -4yw2: the multiplicative model with x = h(y);
    Prop. 2 / Cor. 1 on that law give the set of z = λw2 where w1 → 0."""
    factors = toynn.w1_factors()
    stated = tuple(CORRECTED_W1_FACTOR.subs(y, v) for v in toynn.labels().values)
    minima_piece = _trap_pieces()[0]
    ok = all(is_zero(f - e) for f, e in zip(factors, stated)) and minima_piece == sp.Interval.open(CORRECTED_TRAP_LOWER, 0)
    ends = [tuple(round(float(e) / TOY_LARGE_LR, 4) for e in (p.start, p.end)) for p in _trap_pieces()]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"factors {', '.join(tex(f) for f in factors)} (stated {', '.join(tex(s) for s in stated)}); μ < 0 exactly for "
        f"λw2 ∈ {set_text(toynn.w1_trap_set())}, whose negative piece is {set_text(minima_piece)} (stated "
        f"({tex(CORRECTED_TRAP_LOWER)}, 0)): at λ = {TOY_LARGE_LR} the line attracts w1 for w2 ∈ {ends[0]} (non-strict minima) "
        f"and {ends[1]} (local maxima that trap SGD)",
        "exact (SymPy inequality solver on P(z)² < 1)", {"w2_pieces_at_large_lr": ends},
        observed={"factors": factors, "negative piece": minima_piece},
        expected={"factors": stated, "negative piece": sp.Interval.open(CORRECTED_TRAP_LOWER, 0)},
    )


# --- the experiments ----------------------------------------------------------------------------


@simulation("Fig. 3 left: λ = 0.001 at step 10000 converges to the global-minimum valley", version="ziyin2022",
            falsifiers=(replace("TOY_SMALL_LR", TOY_LARGE_LR),))
def small_lr(ctx):
    """In the valley: L < (L* + 5/2)/2, i.e. 0 < u < 1. Confirmed if that fraction is ≥ 0.95 (Clopper–Pearson lower
    bound) and every run outside is still moving towards u* = ½."""
    runs = 500 if ctx.quick else TOY_RUNS
    result = experiment([TOY_SMALL_LR], runs, ctx.seed, snapshot_at=(0,))[0]
    shape = toynn.landscape()
    cut = float((shape.minimum + shape.line_value) / 2)
    final, start = loss(result.w), result.snapshots[0]
    inside = (final < cut) & ~result.escaped
    approaching = np.abs(output(result.w) - 0.5) < np.abs(output(start) - 0.5)
    ci = proportion_interval(int(inside.sum()), runs, method="exact")
    ok = ci.low >= 0.95 and bool(np.all(inside | approaching))
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"λ = {TOY_SMALL_LR}: {int(inside.sum())}/{runs} runs end in the valley (fraction ≥ {ci.low:.3f}; mean L = "
        f"{final.mean():.5f}, L* = 2.25); of the {int((~inside).sum())} others, {int((~inside & approaching).sum())} are "
        "still moving towards it",
        f"Clopper–Pearson lower bound ≥ 0.95 at level {LEVEL}; every other run approaching u* = 1/2",
        {"lr": TOY_SMALL_LR, "steps": TOY_STEPS, "runs": runs, "valley_cut_L": cut, "ci": ci.describe()},
        observed={"in valley": int(inside.sum()), "outside and not approaching": int((~inside & ~approaching).sum())},
        expected={"in valley": runs, "outside and not approaching": 0},
    )


@simulation("Fig. 3 middle: λ = 0.1 at step 10000, all runs converge to the saddle point (0, 0)", version="ziyin2022",
            falsifiers=(replace("PRINTED_LIMIT_W2", (-np.inf, SADDLE_SIDE_W2), "the limit set widened to w2 ≤ 0.01"),))
def large_lr(ctx):
    """Refuted if, with Clopper–Pearson confidence, more than 5% of runs end frozen on the line (w2 moved < 0.01 over
    the last 5000 steps) outside the printed limit; confirmed only if every run ends there."""
    runs = 200 if ctx.quick else TOY_RUNS
    result = experiment([TOY_LARGE_LR], runs, ctx.seed, snapshot_at=(TOY_STEPS // 2,))[0]
    half = result.snapshots[TOY_STEPS // 2]
    w2_end = result.w[:, 1]
    on_line = (np.abs(result.w[:, 0]) < LINE_TOLERANCE) & ~result.escaped
    at_printed = on_line & (w2_end >= PRINTED_LIMIT_W2[0]) & (w2_end <= PRINTED_LIMIT_W2[1])
    elsewhere = on_line & ~at_printed & (np.abs(w2_end - half[:, 1]) < FROZEN)
    ci = proportion_interval(int(elsewhere.sum()), runs, method="exact")
    verdict = Verdict.REFUTED if ci.low > 0.05 else Verdict.CONFIRMED if at_printed.all() else Verdict.INCONCLUSIVE
    mean_loss = float(loss(result.w[~result.escaped]).mean())
    return Finding(
        verdict,
        f"λ = {TOY_LARGE_LR}: mean L = {mean_loss:.7f}; {int(at_printed.sum())}/{runs} runs end on the line with w2 in "
        f"[{PRINTED_LIMIT_W2[0]}, {PRINTED_LIMIT_W2[1]}], {int(elsewhere.sum())} frozen on it elsewhere (fraction ≥ "
        f"{ci.low:.3f}; median w2 {float(np.median(w2_end[elsewhere])) if elsewhere.any() else float('nan'):.3g}), "
        f"{int((on_line & (w2_end > SADDLE_SIDE_W2)).sum())} on the saddle side w2 > {SADDLE_SIDE_W2}, "
        f"{int(runs - on_line.sum())} off the line",
        f"Clopper–Pearson lower bound > 0.05 at level {LEVEL}; confirmed only if every run ends at the printed limit",
        {"lr": TOY_LARGE_LR, "steps": TOY_STEPS, "runs": runs, "diverged": int(result.escaped.sum()), "ci": ci.describe(),
         "mean_L": mean_loss},
        observed={"at the printed limit": int(at_printed.sum()), "frozen elsewhere on the line": int(elsewhere.sum())},
        expected={"at the printed limit": runs, "frozen elsewhere on the line": 0},
    )


@simulation("corrected Fig. 3 middle: λ = 0.1 ends on L = 2.5 at (0, w2 ≤ 0), where the line traps w1", version="ziyin2022",
            falsifiers=(replace("TOY_LARGE_LR", TOY_SMALL_LR),))
def large_lr_corrected(ctx):
    """No run diverges; ≥ 0.95 end on the plateau |L - 5/2| < 0.01 and ≥ 0.8 on the line at w2 < 0 (Clopper–Pearson,
    Bonferroni over the two), each with λw2 in ((1-√17)/16, 0); none on the line at w2 > 0.01 (it repels w1 there)."""
    runs = 500 if ctx.quick else TOY_RUNS
    result = experiment([TOY_LARGE_LR], runs, ctx.seed)[0]
    w2_end = result.w[:, 1]
    on_line = (np.abs(result.w[:, 0]) < LINE_TOLERANCE) & ~result.escaped
    minima = on_line & (w2_end < 0)
    z = TOY_LARGE_LR * w2_end[minima]
    trapped = int(np.count_nonzero((z > float(CORRECTED_TRAP_LOWER)) & (z < 0)))
    plateau = int(np.count_nonzero((np.abs(loss(result.w) - 2.5) < 0.01) & ~result.escaped))
    level = bonferroni(2)
    plateau_ci = proportion_interval(plateau, runs, level, method="exact")
    minima_ci = proportion_interval(int(minima.sum()), runs, level, method="exact")
    saddle_side = int(np.count_nonzero(on_line & (w2_end > SADDLE_SIDE_W2)))
    observed = {"diverged": int(result.escaped.sum()), "plateau lower bound ≥ 0.95": plateau_ci.low >= 0.95,
                "line at w2 < 0 lower bound ≥ 0.8": minima_ci.low >= 0.8,
                "at w2 < 0 outside the trap": int(minima.sum()) - trapped, "saddle side": saddle_side}
    expected = {"diverged": 0, "plateau lower bound ≥ 0.95": True, "line at w2 < 0 lower bound ≥ 0.8": True,
                "at w2 < 0 outside the trap": 0, "saddle side": 0}
    return Finding(
        Verdict.CONFIRMED if observed == expected else Verdict.REFUTED,
        f"λ = {TOY_LARGE_LR}, {runs} runs: {observed['diverged']} diverged, {plateau} end with |L - 2.5| < 0.01; "
        f"{int(minima.sum())} on the line at w2 < 0 (median w2 = "
        f"{float(np.median(w2_end[minima])) if minima.any() else float('nan'):.3g}), {trapped} of them with λw2 in "
        f"({tex(CORRECTED_TRAP_LOWER)}, 0); {saddle_side} on the line at w2 > {SADDLE_SIDE_W2}",
        f"Clopper–Pearson lower bounds ≥ 0.95 (plateau) and ≥ 0.8 (line, w2 < 0) at joint level {LEVEL}; exact counts "
        "for the rest",
        {"lr": TOY_LARGE_LR, "steps": TOY_STEPS, "runs": runs, "plateau_ci": plateau_ci.describe(),
         "line_ci": minima_ci.describe(), "off_line": int(runs - on_line.sum())},
        observed=observed, expected=expected,
    )


@simulation("Fig. 3 right: the loss diverges for λ > 0.108 (§6.3: at λ ≈ 0.11)", version="ziyin2022",
            falsifiers=(scale("PRINTED_DIVERGENCE_LR", 0.5), scale("PRINTED_DIVERGENCE_LR", 1.2)))
def divergence(ctx):
    """Diverged runs within 10000 steps on a λ grid (a run diverges when |w| > 1e12: an event). The mean loss over
    the runs, which Fig. 3 plots, diverges once one run does: its onset is bracketed by the grid in (lo, hi]; the
    printed threshold (± its rounding) must meet that bracket."""
    runs = 250 if ctx.quick else TOY_RUNS
    results = experiment(DIVERGENCE_GRID, runs, ctx.seed)
    level = bonferroni(len(DIVERGENCE_GRID))
    diverged = [int(r.escaped.sum()) for r in results]
    lo, hi = onset_bracket(DIVERGENCE_GRID, diverged)
    verdict = threshold_verdict(PRINTED_DIVERGENCE_LR, PRINTED_ROUNDING, lo, hi)
    rows = [{"lr": lr, "diverged": k, "runs": runs, "ci": proportion_interval(k, runs, level, method="exact").describe(),
             "first_divergence_step": int(r.escaped_at[r.escaped].min()) if k else -1}
            for lr, k, r in zip(DIVERGENCE_GRID, diverged, results)]
    relation = {Verdict.CONFIRMED: "meets", Verdict.REFUTED: "misses", Verdict.INCONCLUSIVE: "cannot be compared with"}
    return Finding(
        verdict,
        "diverged runs " + ", ".join(f"λ = {lr}: {k}/{runs}" for lr, k in zip(DIVERGENCE_GRID, diverged))
        + f"; the onset lies in ({lo}, {hi}] on the grid, and the printed {PRINTED_DIVERGENCE_LR} ± {PRINTED_ROUNDING} "
        f"{relation[verdict]} it",
        f"onset bracket from the grid (runs diverged, an event); printed threshold ± {PRINTED_ROUNDING} (its printed "
        f"precision); Clopper–Pearson intervals at joint level {LEVEL} (Bonferroni over {len(DIVERGENCE_GRID)} λ) shown",
        {"steps": TOY_STEPS, "grid": rows}, observed={"onset after": lo, "onset at or before": hi},
        expected={"threshold": PRINTED_DIVERGENCE_LR, "rounding": PRINTED_ROUNDING},
    )


CLAIMS = (
    Claim(
        id="ziyin.toynn",
        papers=(ZIYIN_2022,),
        where="§6.3, Fig. 3 and App. A.5 eqs. (16)-(17) [2022]",
        statement=r"f = w_2 (w_1 x)^2,\ y \in \{-1, 2\}:\ L^* = 2.25 \text{ at } w_1 = 1/\sqrt{2w_2},\ L = 2.5 \text{ on }"
        r" \{w_1 = 0, w_2 \ge 0\};\ \lambda = 0.001 \to \text{valley},\ \lambda = 0.1 \to (0, 0),\ \text{divergence for }"
        r" \lambda > 0.108;\ H(w_1, 0) = \mathrm{diag}(0, -w_1)",
        summary="two-layer toy network: valley L* = 2.25, saddle line L = 2.5, large λ converges to the saddle (0, 0)",
        checks=(landscape, stationary, hessian_printed, small_lr, large_lr, divergence),
    ),
    Claim(
        id="ziyin.toynn-corrected",
        papers=(ZIYIN_2022,),
        where="§6.3 and App. A.5 [2022], with the limit points and the Hessian derived",
        statement=r"\lambda = 0.1:\ w_t \to (0, w_2^*),\ w_2^* \le 0 \text{ (non-strict minima, } L = 2.5),\ "
        r"\lambda w_2 \in \left(\tfrac{1-\sqrt{17}}{16}, 0\right);\ H(w_1, 0) = \begin{pmatrix}0 & -2w_1\\ -2w_1 & 2w_1^4\end{pmatrix}",
        summary="at λ = 0.1 the toy network ends on L = 2.5 at non-strict minima (0, w2 ≤ 0) next to the saddle (0, 0)",
        checks=(landscape, hessian_corrected, line_trap, large_lr_corrected),
        corrects="ziyin.toynn",
    ),
)
