r"""Beyond the papers: the batch factor of SGD's noise, by exact enumeration of every batch.

Wu, Ma & E's (n-B)/(B(n-1)) (eq. (8), a uniform subset of size B) and Patel's 1/k (Lemma 3.6,
eq. (10): k independent draws) are both the factor c in E[M∘M] - H∘H = c (Q - H∘H) for the batch
mean M; ``theory.wu.batch_moments`` derives them by counting, and here every batch is enumerated
in rational arithmetic — scalars, the matrix of (8) and the d²×d² second-moment operator.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from theory import wu
from theory.wu import H_BAR, Q_BAR, B, n

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
from ...papers import BEYOND, PATEL, WU
from ...stats import LEVEL, bonferroni, mean_interval
from ..wu._printed import PRINTED_BATCH_FACTOR

R = sp.Rational

# --- printed forms (Wu's eq. (8) factor is typed in wu/_printed.py) ----------------------------
PRINTED_PATEL_FACTOR = 1 / B  # Patel, Lemma 3.6 eq. (10): the C²/k in front of e_{N,M}, k = B draws
C_STEP = sp.Symbol("C", positive=True)  # Patel's step size C_{N+1}
G_MEAN, W_MOMENT = sp.symbols("G W", commutative=False)  # E[Q] and E[Q E[Q] Q]
PRINTED_PATEL_10 = (G_MEAN - 2 * C_STEP * G_MEAN**2 + C_STEP**2 * G_MEAN**3
                    + C_STEP**2 / B * (W_MOMENT - G_MEAN**3))  # e_N - 2C e_{N,2} + C² e_{N,3} + (C²/k) e_{N,M}

# --- experiment parameters --------------------------------------------------------------------
WITHOUT = ((1, 1), (2, 1), (3, 1), (3, 2), (4, 2), (5, 2), (5, 3), (6, 3), (6, 5))
WITH = ((1, 2), (2, 1), (2, 3), (3, 2), (4, 2), (3, 3))
ENUMERATION_LR = R(3, 10)
FLOAT_TOLERANCE = 1e-12  # float64 rounding of a d²×d² sum of products
#: the float routes sample with the other scheme than the exact one when True (a falsifier sets it)
SWAP_SAMPLING = False
SAMPLER_CASES = ((5, 2, False), (5, 2, True), (40, 5, False), (40, 5, True))  # the last two sample on the fly
SAMPLER_LR, SAMPLER_HORIZON = R(1, 5), 3
SIMULATED_LR = float(SAMPLER_LR)  # the runs' learning rate (a falsifier moves it away from the exact one)


def _printed_factor(count: int, batch: int, with_replacement: bool) -> sp.Expr:
    if with_replacement:
        return PRINTED_PATEL_FACTOR.subs(B, batch)
    if batch == count:  # the batch is the whole set: no noise (eq. (8) at B = n, also n = 1)
        return sp.Integer(0)
    return PRINTED_BATCH_FACTOR.subs({n: count, B: batch})


@symbolic("the factors (n-B)/(B(n-1)) and 1/B, and Patel's eq. (10), derived by counting batches",
          falsifiers=(scale("PRINTED_BATCH_FACTOR", 2), scale("PRINTED_PATEL_FACTOR", 2),
                      replace("PRINTED_PATEL_10", PRINTED_PATEL_10.subs(C_STEP**2 / B, C_STEP**2),
                              "(10) without the 1/k")))
def factors(ctx):
    wu_factor = wu.batch_moments(replace=False).factor
    patel_factor = wu.batch_moments(replace=True).factor
    # Patel's e_{N+1} = θ'(I - CM)' E[Q] (I - CM) θ: the bilinear product X∘Y = X E[Q] Y, so
    # E[M] = G, H∘H = G³ and Q∘ = E[Q G Q] = W in the moments with replacement.
    second = wu.batch_moments(replace=True).second.subs(H_BAR**2, G_MEAN**3).subs(Q_BAR, W_MOMENT)
    patel = sp.expand(G_MEAN - 2 * C_STEP * G_MEAN**2 + C_STEP**2 * second)
    same = {"subsets": sp.simplify(wu_factor - PRINTED_BATCH_FACTOR) == 0,
            "independent draws": sp.simplify(patel_factor - PRINTED_PATEL_FACTOR) == 0,
            "Patel (10)": sp.expand(patel - sp.expand(PRINTED_PATEL_10)) == 0}
    differ = [k for k, v in same.items() if not v]
    return Finding(
        Verdict.PROVED if not differ else Verdict.REFUTED,
        f"uniform subsets: c = {tex(sp.factor(wu_factor))} (printed {tex(PRINTED_BATCH_FACTOR)}); independent draws: c = "
        f"{tex(patel_factor)} (printed {tex(PRINTED_PATEL_FACTOR)}); with ∘ = X E[Q] Y Patel's (10) {'follows' if same['Patel (10)'] else 'does not follow'}; "
        f"differ: {', '.join(differ) or 'none'}",
        "exact (noncommutative SymPy algebra, symbolic n and B)", {"agreement": same},
        observed={"subsets": wu_factor, "independent draws": patel_factor, "Patel (10)": patel},
        expected={"subsets": PRINTED_BATCH_FACTOR, "independent draws": PRINTED_PATEL_FACTOR, "Patel (10)": PRINTED_PATEL_10},
    )


def _random_curvatures(rng, count):
    return [R(int(v), 4) for v in rng.integers(0, 21, count)]


def _random_hessians(rng, count, size=2):
    out = []
    for _ in range(count):
        factor = sp.Matrix(rng.integers(-3, 4, (size, size)).tolist())
        out.append(factor * factor.T / 4)
    return out


def _patel_enumerated(rng, hessians, lr, batch) -> bool:
    """E[(θ - CMθ)' E[Q] (θ - CMθ)] over every ordered k-draw against eq. (10) with Table 1's e's."""
    theta = sp.Matrix([R(int(v), 3) for v in rng.integers(-6, 7, hessians[0].shape[0])])
    mean = wu.mean_hessian(hessians)
    chosen = wu.batches(len(hessians), batch, True)
    total = sp.Integer(0)
    for draw in chosen:
        step = theta - lr * sp.Add(*(hessians[i] for i in draw)) / batch * theta
        total += (step.T * mean * step)[0]
    moment = sp.Add(*(h * mean * h for h in hessians)) / len(hessians) - mean**3

    def e(matrix):
        return (theta.T * matrix * theta)[0]

    coefficient = PRINTED_PATEL_FACTOR.subs(B, batch)
    predicted = e(mean) - 2 * lr * e(mean**2) + lr**2 * e(mean**3) + lr**2 * coefficient * e(moment)
    return total / len(chosen) == predicted


@symbolic("every batch enumerated: scalars, (8)'s matrix, the d²×d² operator and Patel's (10) match the closed forms",
          falsifiers=(scale("PRINTED_BATCH_FACTOR", 2), scale("PRINTED_PATEL_FACTOR", R(1, 2))))
def enumeration(ctx):
    """The scalar identity E[M²] - a² = c s² and Patel's (10) are compared with the printed c."""
    rng = ctx.rng()
    rows, observed, expected = [], {}, {}
    for with_replacement, cases in ((False, WITHOUT), (True, WITH)):
        for count, batch in cases:
            printed = _printed_factor(count, batch, with_replacement)
            curvatures = _random_curvatures(rng, count)
            mean, variance = wu.curvature_statistics(curvatures)
            chosen = wu.batches(count, batch, with_replacement)
            second = sp.Add(*((sp.Add(*(curvatures[i] for i in S)) / batch) ** 2 for S in chosen)) / len(chosen)
            key = f"n = {count}, B = {batch}, {'with' if with_replacement else 'without'} replacement"
            observed[key] = sp.nsimplify(second - mean**2)
            expected[key] = printed * variance
            hessians = _random_hessians(rng, count)
            square, operator = wu.enumerated_moments(hessians, ENUMERATION_LR, batch, with_replacement)
            row = {"n": count, "batch": batch, "replace": with_replacement, "batches": len(chosen), "printed_c": printed,
                   "scalar": observed[key] == expected[key],
                   "matrix_8": square == wu.condition_8_matrix(hessians, ENUMERATION_LR, batch, with_replacement),
                   "operator": operator == wu.second_moment_operator(hessians, ENUMERATION_LR, batch, with_replacement)}
            if with_replacement:
                row["patel_eq10"] = _patel_enumerated(rng, hessians, ENUMERATION_LR, batch)
            rows.append(row)
    failed = [f"n = {r['n']}, B = {r['batch']}" for r in rows
              if not all(r[k] for k in ("scalar", "matrix_8", "operator", "patel_eq10") if k in r)]
    return Finding(
        Verdict.PROVED if not failed else Verdict.REFUTED,
        f"{len(rows)} (n, B) cases, every batch enumerated exactly (E[M²] - a² against the printed c s², E[(I-ηM)²], "
        f"E[(I-ηM)⊗(I-ηM)] against the closed forms, Patel's (10) for k draws): failing {', '.join(failed) or 'none'}",
        "exact (rational arithmetic, every batch)", {"lr": ENUMERATION_LR, "cases": rows},
        observed=observed, expected=expected,
    )


@high_precision("the float enumeration of numerics.linear equals the exact closed form",
                falsifiers=(replace("SWAP_SAMPLING", True, "the float route samples with the other scheme"),))
def float_enumeration(ctx):
    rng = ctx.rng()
    worst, rows = 0.0, []
    for with_replacement, cases in ((False, WITHOUT), (True, WITH)):
        for count, batch in cases:
            hessians = _random_hessians(rng, count, size=3)
            floats = np.array([np.array(h.tolist(), dtype=float) for h in hessians])
            exact = np.array(wu.second_moment_operator(hessians, ENUMERATION_LR, batch, with_replacement).tolist(),
                             dtype=float)
            numeric_scheme = with_replacement != SWAP_SAMPLING
            if not numeric_scheme and batch > count:
                numeric_scheme = True  # no subset that large: the swap leaves this case as it is
            numeric = linear.second_moment_operator(floats, float(ENUMERATION_LR), batch, numeric_scheme)
            gap = float(np.max(np.abs(numeric - exact)) / max(1.0, float(np.max(np.abs(exact)))))
            worst = max(worst, gap)
            rows.append({"replace": with_replacement, "n": count, "batch": batch, "relative_gap": gap})
    return Finding(
        Verdict.CONFIRMED if worst <= FLOAT_TOLERANCE else Verdict.REFUTED,
        f"d = 3, {len(rows)} cases: largest relative gap {worst:.2g}",
        f"relative gap ≤ {FLOAT_TOLERANCE:g} (float64 rounding)", {"cases": rows},
        observed=worst, expected=FLOAT_TOLERANCE,
    )


@simulation("the simulator's batch draws reproduce E‖x_t‖² of the exact operator (precomputed and on-the-fly sampling)",
            falsifiers=(scale("SIMULATED_LR", 1.5),))
def sampler(ctx):
    runs = 20000 if ctx.quick else 200000
    rng = ctx.rng()
    seeds = iter(ctx.seed.spawn(len(SAMPLER_CASES)))
    level = bonferroni(2 * len(SAMPLER_CASES))
    rows, observed, expected, misses = [], {}, {}, 0
    for count, batch, with_replacement in SAMPLER_CASES:
        hessians = _random_hessians(rng, count)
        operator = wu.second_moment_operator(hessians, SAMPLER_LR, batch, with_replacement)
        moment = sp.Matrix([1, 0, 0, 0])
        exact = {}
        for t in range(SAMPLER_HORIZON + 1):
            exact[t] = moment[0] + moment[3]
            moment = operator * moment
        floats = np.array([np.array(h.tolist(), dtype=float) for h in hessians])
        result = linear.simulate_linear(floats, SIMULATED_LR, batch, with_replacement, runs, SAMPLER_HORIZON, next(seeds),
                                        [1.0, 0.0], record=(1, SAMPLER_HORIZON))
        for t in (1, SAMPLER_HORIZON):
            samples = np.sum(result.snapshots[t] ** 2, axis=1)
            ci = mean_interval(samples, level)
            misses += float(exact[t]) not in ci
            key = f"n = {count}, B = {batch}, {'with' if with_replacement else 'without'} replacement, t = {t}"
            observed[key], expected[key] = float(np.mean(samples)), exact[t]
            rows.append({"n": count, "batch": batch, "replace": with_replacement, "t": t, "exact": exact[t],
                         "sample_mean": float(np.mean(samples)), "ci": ci.describe()})
    return Finding(
        Verdict.CONFIRMED if misses == 0 else Verdict.REFUTED,
        f"{len(rows)} (case, t) points, {runs} runs at η = {SIMULATED_LR:g}: {misses} exact values (η = {tex(SAMPLER_LR)}) outside their interval",
        f"Student-t intervals at joint level {LEVEL} (Bonferroni over {len(rows)})",
        {"lr": SAMPLER_LR, "x0": [1, 0], "points": rows}, observed=observed, expected=expected,
    )


CLAIMS = (
    Claim(
        id="ext.batch_exact",
        papers=(BEYOND, WU, PATEL),
        where="Wu, Ma & E eq. (8); Patel Lemma 3.6 eq. (10); every batch enumerated",
        statement=r"\mathbb E[M\circ M] - H\circ H = c\,(Q - H\circ H),\ c = \frac{n-B}{B(n-1)} \text{ (subsets)},\ "
        r"c = \frac1B \text{ (independent draws)}",
        summary="the batch factors of Wu (without replacement) and Patel (with), by exact enumeration",
        checks=(factors, enumeration, float_enumeration, sampler),
    ),
)
