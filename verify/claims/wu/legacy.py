r"""Wu, Ma & E (NeurIPS 2018): eqs. (1)-(3), Theorem 1 / (8), the rectangle (9) and Fig. 3, the toy
example of §2 (Fig. 2), and the numbers of §4.4 (Table 3).

The printed formulas and numbers are transcribed here (and only here) as ``PRINTED_…``; everything
they are compared with is derived in ``theory.wu`` (batch moments by counting batches) or computed
exactly (rational matrices, exact PSD decisions), and simulated by ``numerics.linear``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from numerics.precision import decimal
from theory import multiplicative, wu
from theory.wu import B, H_BAR, Q_BAR, a, eta, n, s

from ...claim import Claim, Finding, Verdict, high_precision, simulation, symbolic
from ...papers import WU
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval
from ...symbolic import is_zero

R = sp.Rational

# --- the paper's printed formulas and numbers (transcriptions; everything else is derived) ----
PRINTED_EQ2 = 1 - eta * a  # E x_{t+1} = (1 - ηa) x_t
PRINTED_EQ3 = (1 - eta * a) ** 2 + eta**2 * s**2  # E x²_{t+1} = [(1-ηa)² + η²s²] x_t²
PRINTED_SIGMA = Q_BAR - H_BAR**2  # Def. 3: Σ = (1/n) Σ H_i² - H²
PRINTED_EQ8 = (1 - eta * H_BAR) ** 2 + eta**2 * (n - B) / (B * (n - 1)) * PRINTED_SIGMA  # (8)
PRINTED_EQ9_SHARPNESS = 2 / eta  # (9): 0 ≤ a ≤ 2/η
PRINTED_EQ9_NONUNIFORMITY = sp.sqrt(B * (n - 1) / (n - B)) / eta  # (9): 0 ≤ s ≤ (1/η)√(B(n-1)/(n-B))
PRINTED_EQ9_SMALL_BATCH = sp.sqrt(B) / eta  # "when B ≪ n ... roughly √B/η"
PRINTED_TOY_LR = R(7, 10)
PRINTED_TOY_SHARPNESS = 1  # "The two minima has the same sharpness f'' = 1"
PRINTED_TOY_GD_BOUND = 2  # "η ≤ 2/f'' = 2 in this problem"
PRINTED_TOY_CURVATURES = {1: (R(1, 10), R(19, 10)), 0: (1, 1)}  # f1''(1) = 0.1, f2''(1) = 1.9; f1''(0) = f2''(0) = 1
PRINTED_TOY_NONUNIFORMITY = {1: R(18, 10), 0: 0}  # "at x = 1, s = 1.8 > 1/0.7 ... x = 0, where s = 0"
PRINTED_GD_THRESHOLD = 2 / R(19, 10)  # §4.4: "not stable for GD with learning rate larger than 2/1.9"
PRINTED_SHARPNESS_FLOOR = R(19)  # "the sharpnesses of both starting points are larger than 19.0"
PRINTED_TABLE3 = {"FashionMNIST": (R(197, 10), R(452, 10)), "Corrupted FashionMNIST": (R(199, 10), R(517, 10))}
PRINTED_ESCAPE_LR = R(1, 10)
PRINTED_NONUNIFORMITY_BOUNDS = {1: 10, 4: 20, 100: 100}  # √1/0.1 = 10, √4/0.1 = 20, √100/0.1 = 100
PRINTED_TABLE2_PREDICTION = {R(1, 100): 200, R(5, 100): 40, R(1, 10): 20, R(1, 2): 4, 1: 2, 5: R(4, 10)}
PRINTED_TABLE2_MEANS = {  # Table 2, mean sharpness found by GD (CIFAR10 blew up at η = 1, 5)
    "FashionMNIST": (R(535, 10), R(393, 10), R(196, 10), R(39, 10), R(19, 10), R(4, 10)),
    "CIFAR10": (R(1989, 10), R(398, 10), R(198, 10), R(36, 10)),
}
PRINTED_CIFAR_BOUND = (R(1, 100), 4, 200)  # §4.2: "about √4/η = 200" at η = 0.01

#: training-set sizes of §4 (1000 examples) and §4.4 (1000 + 200 random labels)
TRAINING_SIZES = {"FashionMNIST": 1000, "Corrupted FashionMNIST": 1200}

#: an exact d = 2 instance: n = 3 Hessians, B = 1; stable at η = 9/20 although (8) and (9) fail
COUNTEREXAMPLE = (((4, -1), (-1, 3)), ((4, 2), (2, 2)), ((0, 0), (0, 3)))
COUNTER_LR, COUNTER_UNSTABLE_LR, COUNTER_BATCH = R(9, 20), R(1, 2), 1

#: a 1-D instance inside the rectangle (9) that is unstable: n = 10, a_i = 3 once and 0 nine times, η = 1
RECTANGLE_CURVATURES = (3,) + (0,) * 9

#: a 1-D instance with Table 3's (a, s) = (19.9, 51.7), n = 1200: 120 examples with a_i = 175, 1080 with 8/3
TABLE3_CURVATURES = ((R(175), 120), (R(8, 3), 1080))


def _matrices(raw) -> list[sp.Matrix]:
    return [sp.Matrix(h) for h in raw]


def _as_float(raw) -> np.ndarray:
    return np.array([[[float(v) for v in row] for row in h.tolist()] for h in _matrices(raw)])


def _exact_facts(hessians, lr, batch, replace=False) -> dict:
    """Every exact quantity of Theorem 1 and (9) at one instance, decided in rational arithmetic."""
    operator = wu.second_moment_operator(hessians, lr, batch, replace)
    square = wu.condition_8_matrix(hessians, lr, batch, replace)
    factor = wu.batch_factor(len(hessians), batch, replace)
    s_value = wu.nonuniformity(hessians)
    return {
        "sharpness": wu.sharpness(hessians),
        "nonuniformity": s_value,
        "nonuniformity_bound": sp.oo if factor == 0 else 1 / (lr * sp.sqrt(factor)),
        "lambda_max_8": wu.largest_eigenvalue(square),
        "spectral_radius": wu.largest_eigenvalue(operator),
        "condition_8": wu.is_psd(sp.eye(square.shape[0]) - square),
        "rectangle_9": wu.satisfies_rectangle_9(hessians, lr, batch, replace),
        "stable": wu.stable_exactly(operator),
    }


def _facts_data(facts: dict, dps: int = 20) -> dict:
    return {k: (v if isinstance(v, bool) else decimal(v, dps)) for k, v in facts.items()}


def _random_instance(rng: np.random.Generator) -> tuple[list[sp.Matrix], int]:
    """d ∈ {2, 3}, n ∈ {2, 3, 4}, B ∈ [1, n-1]; H_i = X Xᵀ/4 with X integer in [-3, 3] of random rank."""
    d, count = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    batch = int(rng.integers(1, count))
    hessians = []
    for _ in range(count):
        factor = sp.Matrix(rng.integers(-3, 4, (d, int(rng.integers(1, d + 1)))).tolist())
        hessians.append(factor * factor.T / 4)
    return hessians, batch


def _rational_lr(value: float) -> sp.Rational:
    return R(int(round(value * 10000)), 10000)


def _search(ctx, count: int, keep) -> dict:
    """Random instances at two rational η each: the middle of the gap between the (8) threshold
    and the exact one (when there is a gap) and a uniform draw on (0, 1.5 η*); every decision exact."""
    rng = ctx.rng()
    tallies, examples = {}, []
    for _ in range(count):
        hessians, batch = _random_instance(rng)
        floats = _as_float(hessians)
        exact_lr = linear.threshold_lr(floats, batch)
        if not np.isfinite(exact_lr):
            continue
        lr_8 = linear.threshold_lr(floats, batch, criterion="condition_8")
        rates = [_rational_lr(rng.uniform(0.05, 1.5) * exact_lr)]
        if exact_lr > lr_8 * (1 + 1e-3):
            rates.append(_rational_lr((lr_8 + exact_lr) / 2))
        for lr in rates:
            if lr <= 0:
                continue
            facts = keep(hessians, lr, batch)
            key = ",".join(f"{k}={v}" for k, v in facts.items())
            tallies[key] = tallies.get(key, 0) + 1
            examples.append({"hessians": [str(h.tolist()) for h in hessians], "batch": batch, "lr": str(lr), **facts})
    return {"tallies": tallies, "examples": examples}


def _exact_mean_sq_norms(operator: sp.Matrix, x0, horizon: int) -> list[sp.Expr]:
    """E‖x_t‖² = tr T^t(x0 x0ᵀ), t = 0…horizon, in exact arithmetic."""
    size = len(x0)
    moment = sp.Matrix([sp.Rational(u) * sp.Rational(v) for u in x0 for v in x0])
    out = []
    for _ in range(horizon + 1):
        out.append(sp.Add(*(moment[i * (size + 1)] for i in range(size))))
        moment = operator * moment
    return out


def _sq_norms(runs: linear.LinearRuns, t: int) -> np.ndarray:
    return np.sum(runs.snapshots[t] ** 2, axis=1)


def _growth(samples: np.ndarray, t: int, level: float) -> dict:
    """(1/t) ln of the mean of ‖x_t‖²/‖x_0‖² with its Student-t interval (monotone image of the
    mean's interval) and the delta-method standard error."""
    ci = mean_interval(samples, level)
    mean = float(np.mean(samples))
    rate = np.log(mean) / t
    low = np.log(ci.low) / t if ci.low > 0 else -np.inf
    error = float(np.std(samples, ddof=1) / (np.sqrt(len(samples)) * mean * t))
    return {"mean": mean, "ci": ci, "rate": float(rate), "rate_low": float(low), "rate_high": float(np.log(ci.high) / t),
            "rate_se": error}


# --- wu.eq2_3 -----------------------------------------------------------------------------------


@symbolic("E x_{t+1} and E x²_{t+1} derived for B = 1 equal (2) and (3)", version="wu")
def _eq23_symbolic(ctx):
    """From f_ξ = a_ξ x²/2, ξ uniform on [n]: general n through the batch moments, and fully
    explicit a_1, …, a_n for n = 2…5."""
    step = wu.one_dimensional_step(replace=False)
    first = step.first.subs(B, 1)
    second = sp.simplify(step.second.subs(B, 1))
    general = is_zero(first - PRINTED_EQ2) and is_zero(second - PRINTED_EQ3)
    explicit = {}
    for count in range(2, 6):
        values = sp.symbols(f"a1:{count + 1}", nonnegative=True)
        mean = sp.Add(*values) / count
        spread = sp.Add(*(v**2 for v in values)) / count - mean**2
        factors = [multiplicative.update_factor(v, eta) for v in values]
        expect = [sp.Add(*(f**k for f in factors)) / count for k in (1, 2)]
        explicit[count] = is_zero(expect[0] - PRINTED_EQ2.subs(a, mean)) and is_zero(
            expect[1] - PRINTED_EQ3.subs({a: mean, s: sp.sqrt(spread)}))
    necessary = sp.solve_univariate_inequality(eta**2 * s**2 - 1 <= 0, s, relational=False).intersect(sp.Interval(0, sp.oo))
    ok = general and all(explicit.values())
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"E x_(t+1)/x_t = {first}, E x²_(t+1)/x_t² = {sp.factor(second)} = (1-ηa)² + η²s²; since both terms are ≥ 0, "
        f"(3) ≤ 1 forces s ∈ {necessary} (the text's s ≤ 1/η)",
        "exact (SymPy, general n and explicit n = 2…5)",
        {"first_moment_factor": str(first), "second_moment_factor": str(second), "explicit_n": explicit,
         "s_range_from_eq3": str(necessary)},
    )


EQ23_CURVATURES = (R(1, 5), R(11, 5))  # η = 1: factors 4/5, -6/5; E x_t = (-1/5)^t, E x_t² = (26/25)^t


@simulation("sample means of x_t and x_t² (B = 1) against the exact recursions (2), (3)", version="wu")
def _eq23_simulation(ctx):
    runs = 20000 if ctx.quick else 200000
    times = (1, 2, 4, 8)
    lr = 1
    hessians = np.array([[[float(v)]] for v in EQ23_CURVATURES])
    result = linear.simulate_linear(hessians, lr, 1, False, runs, times[-1], ctx.seed, [1.0], record=times)
    mean, variance = wu.curvature_statistics(EQ23_CURVATURES)
    first = PRINTED_EQ2.subs({eta: lr, a: mean})
    second = PRINTED_EQ3.subs({eta: lr, a: mean, s: sp.sqrt(variance)})
    level = bonferroni(2 * len(times))
    rows, misses = [], 0
    for t in times:
        states = result.snapshots[t][:, 0]
        for label, samples, exact in (("x", states, first**t), ("x^2", states**2, second**t)):
            ci = mean_interval(samples, level)
            misses += float(exact) not in ci
            rows.append({"t": t, "moment": label, "exact": exact, "sample_mean": float(np.mean(samples)), "ci": ci.describe()})
    return Finding(
        Verdict.CONFIRMED if misses == 0 and result.alive[-1] == runs else Verdict.REFUTED,
        f"a_i = 1/5, 11/5, η = 1: E x_t = ({first})^t and E x_t² = ({second})^t inside all but {misses} of "
        f"{len(rows)} intervals ({runs} runs)",
        f"Student-t intervals at joint level {LEVEL} (Bonferroni over {len(rows)})",
        {"curvatures": [str(v) for v in EQ23_CURVATURES], "lr": "1", "x0": "1", "runs": runs, "points": rows},
    )


# --- wu.thm1 ------------------------------------------------------------------------------------


@symbolic("E[(I-ηM)²] for batches without replacement is the matrix of (8)", version="wu")
def _thm1_matrix(ctx):
    """Counting subsets: E[M] = H, E[M²] - H² = (n-B)/(B(n-1)) Σ with Σ as in Def. 3; any d."""
    derived = wu.expected_square_update(replace=False)
    moments = wu.batch_moments(replace=False)
    ok = is_zero(derived - PRINTED_EQ8)
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"E[M] = {moments.mean}, E[M²] - H² = {moments.factor}·(Q - H²) with Q = (1/n)ΣH_i²: "
        "E[(I-ηM)²] = (I-ηH)² + η²(n-B)/(B(n-1))Σ exactly, so E‖x_(t+1)‖² = E[x_tᵀ E[(I-ηM)²] x_t] ≤ "
        "λmax(·) E‖x_t‖²: (8) bounds E‖x_t‖² by ‖x_0‖² (C = 1 in (6))",
        "exact (noncommutative SymPy algebra, symbolic n, B)",
        {"batch_factor": str(moments.factor), "expected_square_update": str(derived)},
    )


@symbolic("d = 1: (8) is necessary and sufficient; its form and largest stable η", version="wu")
def _thm1_one_dimension(ctx):
    """E x_t² = T^t x_0² with T = E[(1-ηM)²] (independent batches): bounded iff T ≤ 1."""
    step = wu.one_dimensional_step(replace=False)
    one_d_printed = PRINTED_EQ8.subs({H_BAR: a, Q_BAR: s**2 + a**2})
    same = is_zero(step.second - one_d_printed)
    section2 = is_zero(step.second.subs(B, 1) - PRINTED_EQ3)
    general_b = sp.factor(step.second - PRINTED_EQ3)
    lr_max = wu.largest_stable_lr(replace=False)
    excess = sp.factor(step.second - 1)
    return Finding(
        Verdict.PROVED if same and section2 else Verdict.REFUTED,
        f"T - 1 = {excess}: E x_t² = T^t x_0² stays bounded iff T ≤ 1 iff 0 < η ≤ {lr_max}, and T is (8) at d = 1. "
        "'this becomes the condition (1-ηa)² + η²s² ≤ 1 of Section 2' holds for B = 1 (the factor (n-B)/(B(n-1)) "
        f"is 1); for B > 1 the s² term keeps it (difference {general_b})",
        "exact",
        {"T": str(step.second), "largest_stable_lr": str(lr_max), "difference_from_section2_form": str(general_b)},
    )


@high_precision("(8) ⇒ ρ(T) ≤ 1 on random rational instances (d = 2, 3), decided exactly", version="wu")
def _thm1_sufficient(ctx):
    count = 12 if ctx.quick else 60
    found = _search(ctx, count, lambda h, lr, b: {"condition_8": wu.satisfies_condition_8(h, lr, b),
                                                  "stable": wu.stable_exactly(wu.second_moment_operator(h, lr, b))})
    violations = [e for e in found["examples"] if e["condition_8"] and not e["stable"]]
    gaps = [e for e in found["examples"] if not e["condition_8"] and e["stable"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): no case with (8) and ρ(T) > 1 (tallies {found['tallies']}); "
        f"{len(gaps)} cases are stable although (8) fails",
        "exact rational arithmetic (pivoted LDLᵀ tests of I ∓ T and I - E[(I-ηM)²]); a search, not a proof",
        {"tallies": found["tallies"], "violations": violations, "stable_without_8": gaps[:3]},
    )


@symbolic("d ≥ 2: (8) is sufficient only (the theorem claims no more): an exact stable instance violating (8)", version="wu")
def _thm1_not_necessary(ctx):
    hessians = _matrices(COUNTEREXAMPLE)
    facts = _exact_facts(hessians, COUNTER_LR, COUNTER_BATCH)
    above = _exact_facts(hessians, COUNTER_UNSTABLE_LR, COUNTER_BATCH)
    ok = facts["stable"] and not facts["condition_8"] and not above["stable"]
    return Finding(
        Verdict.PROVED if ok else Verdict.INCONCLUSIVE,
        f"H_i = {COUNTEREXAMPLE}, B = 1, η = 9/20: λmax of (8) = {decimal(facts['lambda_max_8'], 8)} > 1 yet "
        f"ρ(T) = {decimal(facts['spectral_radius'], 8)} < 1 (stable); at η = 1/2, ρ(T) = "
        f"{decimal(above['spectral_radius'], 8)} > 1: the exact threshold lies in (9/20, 1/2), above (8)'s",
        "exact (characteristic polynomials and PSD tests in rational arithmetic)",
        {"hessians": str(COUNTEREXAMPLE), "batch": 1, "lr": "9/20", "at_lr": _facts_data(facts),
         "at_lr_1/2": _facts_data(above)},
    )


def _two_sides(ctx, hessians_raw, batch, rates, x0, horizon) -> tuple[list[dict], int]:
    """Simulated ‖x_t‖² against tr T^t(x0 x0ᵀ) (exact) at t = 1 and the horizon, for each η."""
    runs = 20000 if ctx.quick else 200000
    floats = _as_float(hessians_raw)
    seeds = iter(ctx.seed.spawn(len(rates)))
    level = bonferroni(2 * len(rates))
    rows, misses = [], 0
    for lr in rates:
        exact = _exact_mean_sq_norms(wu.second_moment_operator(_matrices(hessians_raw), lr, batch), x0, horizon)
        result = linear.simulate_linear(floats, float(lr), batch, False, runs, horizon, next(seeds), x0, record=(1, horizon))
        for t in (1, horizon):
            growth = _growth(_sq_norms(result, t), t, level)
            inside = float(exact[t]) in growth["ci"]
            misses += not inside or result.alive[t] != runs
            rows.append({"lr": str(lr), "t": t, "exact_mean_sq_norm": exact[t], "sample_mean": growth["mean"],
                         "ci": growth["ci"].describe(), "rate": growth["rate"], "rate_se": growth["rate_se"],
                         "rate_interval": [growth["rate_low"], growth["rate_high"]], "exact_inside": inside})
    return rows, misses


@simulation("E‖x_t‖² on both sides of the exact threshold of the d = 2 instance", version="wu")
def _thm1_simulation(ctx):
    """η = 9/20 (stable, (8) violated): one step grows E‖x‖² from e_1 — what (8) measures — yet
    E‖x_t‖² decays; η = 1/2 (ρ > 1): it grows. Signs judged on the interval of (1/t) ln mean."""
    horizon = 8 if ctx.quick else 10
    rows, misses = _two_sides(ctx, COUNTEREXAMPLE, COUNTER_BATCH, (COUNTER_LR, COUNTER_UNSTABLE_LR), [1.0, 0.0], horizon)
    by = {(r["lr"], r["t"]): r for r in rows}
    signs = (by[("9/20", 1)]["rate_interval"][0] > 0 and by[("9/20", horizon)]["rate_interval"][1] < 0
             and by[("1/2", horizon)]["rate_interval"][0] > 0)
    return Finding(
        Verdict.CONFIRMED if misses == 0 and signs else Verdict.REFUTED,
        f"η = 9/20: E‖x_1‖² ≈ {by[('9/20', 1)]['sample_mean']:.4g} > 1 but rate at t = {horizon} is "
        f"{by[('9/20', horizon)]['rate']:.3g} < 0; η = 1/2: rate {by[('1/2', horizon)]['rate']:.3g} > 0; "
        f"exact values inside all intervals: {misses == 0}",
        f"Student-t intervals of the mean of ‖x_t‖² at joint level {LEVEL} (Bonferroni); rates are (1/t) ln of their ends",
        {"hessians": str(COUNTEREXAMPLE), "batch": 1, "x0": [1, 0], "points": rows},
    )


# --- wu.eq9 -------------------------------------------------------------------------------------


@symbolic("(9) is each term of (8) ≤ 1 on its own", version="wu")
def _eq9_rectangle(ctx):
    box = wu.rectangle()
    factor = wu.batch_moments(replace=False).factor
    sharp_ok = is_zero(box.sharpness_max - PRINTED_EQ9_SHARPNESS)
    derived_s = box.nonuniformity_max.subs(wu.c, factor)
    positive = {n: sp.Symbol("n_", positive=True) + B}  # n > B: the factor is positive
    s_ok = is_zero(sp.radsimp((derived_s**2 - PRINTED_EQ9_NONUNIFORMITY**2).subs(positive)))
    return Finding(
        Verdict.PROVED if sharp_ok and s_ok else Verdict.REFUTED,
        f"(1-ηλ)² ≤ 1 ⇔ 0 ≤ λ ≤ {box.sharpness_max}; η²c_B s² ≤ 1 ⇔ s ≤ {box.nonuniformity_max} = "
        "(1/η)√(B(n-1)/(n-B)) for B < n (no bound on s when B = n)",
        "exact",
        {"sharpness_max": str(box.sharpness_max), "nonuniformity_max": str(derived_s)},
    )


@symbolic("B ≪ n: the bound tends to √B/η from above", version="wu")
def _eq9_small_batch(ctx):
    limit = sp.limit(PRINTED_EQ9_NONUNIFORMITY, n, sp.oo)
    ratio = sp.simplify((PRINTED_EQ9_NONUNIFORMITY / PRINTED_EQ9_SMALL_BATCH) ** 2)
    excess = sp.factor(ratio - 1)
    ok = is_zero(limit - PRINTED_EQ9_SMALL_BATCH) and excess == sp.factor((B - 1) / (n - B))
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"lim_(n→∞) = {limit}; (bound/(√B/η))² - 1 = {excess} ≥ 0: √B/η underestimates the bound for 1 < B < n",
        "exact",
        {"limit": str(limit), "ratio_squared_minus_one": str(excess)},
    )


@high_precision("(8) ⇒ (9) on random rational instances (the paper's 'necessary condition for (8)')", version="wu")
def _eq9_necessary_for_8(ctx):
    """Weyl: both terms of (8) are PSD, so λmax of the sum bounds each; the search checks it exactly."""
    count = 12 if ctx.quick else 60
    found = _search(ctx, count, lambda h, lr, b: {"condition_8": wu.satisfies_condition_8(h, lr, b),
                                                  "rectangle_9": wu.satisfies_rectangle_9(h, lr, b)})
    violations = [e for e in found["examples"] if e["condition_8"] and not e["rectangle_9"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): (8) never holds without (9) (tallies {found['tallies']})",
        "exact rational arithmetic; a search, backed by λmax(X + Y) ≥ max(λmax X, λmax Y) for PSD X, Y",
        {"tallies": found["tallies"], "violations": violations},
    )


@symbolic("'the condition (8) is sharp' (before (9)): not in d ≥ 2", version="wu")
def _eq9_sharp(ctx):
    """Reading: a sufficient condition called sharp cannot be weakened, i.e. is also necessary —
    true in d = 1 (Theorem 1), false in d ≥ 2, where the exact threshold exceeds (8)'s."""
    facts = _exact_facts(_matrices(COUNTEREXAMPLE), COUNTER_LR, COUNTER_BATCH)
    floats = _as_float(COUNTEREXAMPLE)
    exact_lr, lr_8 = linear.threshold_lr(floats, 1), linear.threshold_lr(floats, 1, criterion="condition_8")
    refuted = facts["stable"] and not facts["condition_8"]
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"H_i = {COUNTEREXAMPLE}, B = 1, η = 9/20: (8) fails (λmax = {decimal(facts['lambda_max_8'], 6)}) but "
        f"ρ(T) = {decimal(facts['spectral_radius'], 6)} ≤ 1; thresholds η_(8) ≈ {lr_8:.6g} < "
        f"η* ≈ {exact_lr:.6g}. Under the weaker reading 'attained for some instances' (d = 1, commuting H_i) it holds",
        "exact decision at η = 9/20; thresholds by float bisection (reported only)",
        {"hessians": str(COUNTEREXAMPLE), "batch": 1, "lr": "9/20", "facts": _facts_data(facts),
         "threshold_condition_8": lr_8, "threshold_exact": exact_lr},
    )


@symbolic("§3.1: 'the global minima that SGD can converge to satisfy (9)': not in d ≥ 2", version="wu")
def _eq9_necessary_for_stability(ctx):
    """True in d = 1 (there (8) is the exact criterion) and, for the sharpness, in any d (E x_t =
    (I-ηH)^t x_0 and ‖E x_t‖² ≤ E‖x_t‖²); false for the non-uniformity in d ≥ 2."""
    hessians = _matrices(COUNTEREXAMPLE)
    facts = _exact_facts(hessians, COUNTER_LR, COUNTER_BATCH)
    s_squared = wu.largest_eigenvalue(wu.hessian_covariance(hessians))
    exceeds = bool(s_squared > 1 / COUNTER_LR**2)
    refuted = facts["stable"] and exceeds and not facts["rectangle_9"]
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"H_i = {COUNTEREXAMPLE}, B = 1, η = 9/20: s² = {s_squared} ≈ {decimal(s_squared, 8)} > 1/η² = 400/81, "
        f"so s > (1/η)√(B(n-1)/(n-B)) = 20/9, yet ρ(T) = {decimal(facts['spectral_radius'], 8)} < 1: a linearly "
        "stable minimum outside (9) (a = 3 ≤ 2/η holds, as it must)",
        "exact (algebraic numbers compared exactly; PSD tests in rational arithmetic)",
        {"hessians": str(COUNTEREXAMPLE), "batch": 1, "lr": "9/20", "s_squared": str(s_squared),
         "bound_squared": "400/81", "facts": _facts_data(facts)},
    )


@symbolic("Fig. 3: 'the rectangular region that is linearly stable for SGD': only its inscribed half-ellipse is (d = 1)", version="wu")
def _eq9_figure(ctx):
    lr, batch = sp.Integer(1), 1
    mean, variance = wu.curvature_statistics(RECTANGLE_CURVATURES)
    factor = wu.batch_factor(len(RECTANGLE_CURVATURES), batch, False)
    second = wu.one_dimensional_step(False).second.subs({eta: lr, a: mean, s: sp.sqrt(variance), n: 10, B: batch})
    inside = mean <= PRINTED_EQ9_SHARPNESS.subs(eta, lr) and variance <= (PRINTED_EQ9_NONUNIFORMITY**2).subs({eta: lr, n: 10, B: batch})
    fraction = wu.one_dimensional_region_fraction()
    return Finding(
        Verdict.REFUTED if inside and second > 1 else Verdict.INCONCLUSIVE,
        f"n = 10, a_i = 3 once and 0 nine times, B = 1, η = 1: a = {mean}, s = {sp.sqrt(variance)} lie in the rectangle "
        f"(a ≤ 2, s ≤ 1) but E x²_(t+1)/x_t² = {second} > 1. The exact 1-D stable set is (1-ηa)² + η²c_B s² ≤ 1, the "
        f"half-ellipse inscribed in (9), a fraction {fraction} of its area; at fixed s > 0 its a-range narrows as B "
        "decreases, so the batch size limits sharpness too (§3.2 says B acts only on s)",
        "exact",
        {"curvatures": [str(v) for v in RECTANGLE_CURVATURES], "lr": "1", "batch": 1, "batch_factor": str(factor),
         "sharpness": str(mean), "nonuniformity": str(sp.sqrt(variance)), "second_moment_factor": str(second),
         "stable_area_fraction": str(fraction)},
    )


DIAGRAM_SETTINGS = ((R(1, 10), 4, 1000), (R(1, 10), 25, 1000), (R(1, 2), 4, 1000), (R(1, 2), 1, 1000))


@high_precision("Fig. 3 data: the stable 1-D region covers π/4 of the rectangle at several (η, B)", version="wu")
def _eq9_diagram(ctx):
    points = 400 if ctx.quick else 1600
    rows, worst = [], 0.0
    for lr, batch, count in DIAGRAM_SETTINGS:
        factor = wu.batch_factor(count, batch, False)
        a_max, s_max = float(2 / lr), float(1 / (lr * sp.sqrt(factor)))
        a_grid = (np.arange(points) + 0.5) * a_max / points
        s_grid = (np.arange(points) + 0.5) * s_max / points
        diagram = linear.stability_diagram(float(lr), batch, count, False, a_grid, s_grid)
        covered = float(diagram.stable_one_dimension.mean())
        worst = max(worst, abs(covered - float(sp.pi / 4)))
        rows.append({"lr": str(lr), "batch": batch, "n": count, "a_max": a_max, "s_max": s_max,
                     "in_rectangle": float(diagram.rectangle.mean()), "stable_fraction": covered})
    tolerance = 4.0 / points  # boundary cells: perimeter/area of the grid
    return Finding(
        Verdict.CONFIRMED if worst <= tolerance else Verdict.REFUTED,
        f"on a {points}² midpoint grid of each rectangle the exact 1-D stable set covers π/4 (largest gap {worst:.2g})",
        f"|fraction - π/4| ≤ {tolerance:.3g} (cells cut by the boundary)",
        {"settings": rows},
    )


@simulation("d = 1: the rectangle point grows, the same minimum at η/2 decays", version="wu")
def _eq9_simulation(ctx):
    horizon = 8 if ctx.quick else 10
    hessians = tuple(((v,),) for v in RECTANGLE_CURVATURES)
    rows, misses = _two_sides(ctx, hessians, 1, (sp.Integer(1), R(1, 2)), [1.0], horizon)
    by = {(r["lr"], r["t"]): r for r in rows}
    signs = by[("1", horizon)]["rate_interval"][0] > 0 and by[("1/2", horizon)]["rate_interval"][1] < 0
    return Finding(
        Verdict.CONFIRMED if misses == 0 and signs else Verdict.REFUTED,
        f"a_i = (3, 0×9): η = 1 (inside (9)) rate {by[('1', horizon)]['rate']:.3g} > 0 (exact ln 1.3 = 0.262); "
        f"η = 1/2 rate {by[('1/2', horizon)]['rate']:.3g} < 0",
        f"Student-t intervals of the mean of x_t² at joint level {LEVEL} (Bonferroni)",
        {"curvatures": [str(v) for v in RECTANGLE_CURVATURES], "points": rows},
    )


@high_precision("any d: linear stability forces a ≤ 2/η (exact search)", version="wu")
def _eq9_sharpness_necessary(ctx):
    count = 12 if ctx.quick else 60
    found = _search(ctx, count, lambda h, lr, b: {
        "stable": wu.stable_exactly(wu.second_moment_operator(h, lr, b)),
        "sharpness_ok": wu.is_psd(2 / lr * sp.eye(h[0].shape[0]) - wu.mean_hessian(h))})
    violations = [e for e in found["examples"] if e["stable"] and not e["sharpness_ok"]]
    return Finding(
        Verdict.CONFIRMED if not violations else Verdict.REFUTED,
        f"{len(found['examples'])} (instance, η): no stable case with a > 2/η (tallies {found['tallies']})",
        "exact rational arithmetic; a search, backed by ‖(I-ηH)^t x_0‖² = ‖E x_t‖² ≤ E‖x_t‖²",
        {"tallies": found["tallies"], "violations": violations},
    )


# --- wu.toy -------------------------------------------------------------------------------------


def _toy_statistics(point) -> tuple[tuple, sp.Expr, sp.Expr]:
    curvatures = wu.toy_curvatures(point)
    mean, variance = wu.curvature_statistics(curvatures)
    return curvatures, mean, sp.sqrt(variance)


@symbolic("§2: curvatures f_i'' = 0.1, 1.9 at x = 1, f'' = 1 at both minima, GD stable for η ≤ 2", version="wu")
def _toy_printed(ctx):
    minima = wu.toy_minima()
    derived = {p: _toy_statistics(p) for p in minima}
    gd_bound = min(2 / derived[p][1] for p in minima)
    mismatches = {}
    for p in minima:
        if tuple(derived[p][0]) != tuple(sp.sympify(v) for v in PRINTED_TOY_CURVATURES[p]):
            mismatches[f"f_i''({p})"] = {"printed": [str(v) for v in PRINTED_TOY_CURVATURES[p]], "derived": [str(v) for v in derived[p][0]]}
        if derived[p][1] != PRINTED_TOY_SHARPNESS:
            mismatches[f"f''({p})"] = {"printed": str(PRINTED_TOY_SHARPNESS), "derived": str(derived[p][1])}
    if gd_bound != PRINTED_TOY_GD_BOUND:
        mismatches["GD bound 2/f''"] = {"printed": str(PRINTED_TOY_GD_BOUND), "derived": str(gd_bound)}
    printed_at_1 = PRINTED_TOY_CURVATURES[1]
    printed_mean = sp.Add(*printed_at_1) / 2
    printed_t = sp.Add(*((1 - PRINTED_TOY_LR * v) ** 2 for v in printed_at_1)) / 2
    return Finding(
        Verdict.REFUTED if mismatches else Verdict.PROVED,
        f"from f_1, f_2 as written: f_i''(1) = {derived[1][0]}, f_i''(0) = {derived[0][0]}, f'' = 2 at both minima, "
        f"GD stable for η ≤ {gd_bound} — every printed curvature is half the true one. With the printed ones "
        f"(mean {printed_mean}) SGD at η = 0.7 would be stable at x = 1 (E factor² = {printed_t} < 1, |1 - 0.7·1.9| < 1), "
        "contradicting the text's conclusion",
        "exact",
        {"mismatches": mismatches, "printed_curvatures_second_moment_factor": str(printed_t)},
    )


@symbolic("§2: s = 1.8 > 1/0.7 at x = 1 and s = 0 at x = 0", version="wu")
def _toy_nonuniformity(ctx):
    values = {p: _toy_statistics(p)[2] for p in wu.toy_minima()}
    ok = all(values[p] == PRINTED_TOY_NONUNIFORMITY[p] for p in values) and values[1] > 1 / PRINTED_TOY_LR
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"s(1) = {values[1]} > 1/0.7 = {1 / PRINTED_TOY_LR}, s(0) = {values[0]}: the printed s agrees with f as written "
        "(with the printed curvatures 0.1, 1.9 it would be 9/10)",
        "exact",
        {"nonuniformity": {str(p): str(v) for p, v in values.items()}},
    )


@symbolic("η = 0.7: x = 1 unstable for SGD (unstable for f_2 alone), x = 0 stable, GD stable at both", version="wu")
def _toy_stability(ctx):
    lr = PRINTED_TOY_LR
    rows, verdicts = {}, []
    for p in wu.toy_minima():
        curvatures, mean, spread = _toy_statistics(p)
        factors = [multiplicative.update_factor(v, lr) for v in curvatures]
        second = wu.one_dimensional_step(False).second.subs({eta: lr, a: mean, s: spread, B: 1, n: 2})
        gd = multiplicative.update_factor(mean, lr)
        rows[str(p)] = {"factors": [str(f) for f in factors], "sgd_second_moment_factor": str(second),
                        "gd_factor": str(gd), "sgd_max_lr": str(wu.max_lr_one_dimension(curvatures, 1, False))}
        verdicts.append((p, second, abs(gd) < 1, [abs(f) < 1 for f in factors]))
    at = {p: v for p, *v in verdicts}
    ok = at[1][0] > 1 and at[0][0] < 1 and at[1][1] and at[0][1] and at[1][2] == [True, False] and at[0][2] == [True, True]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"x = 1: factors {rows['1']['factors']}, E factor² = {rows['1']['sgd_second_moment_factor']} > 1 (SGD stable only "
        f"for η ≤ {rows['1']['sgd_max_lr']}); x = 0: E factor² = {rows['0']['sgd_second_moment_factor']}; GD factor "
        f"{rows['1']['gd_factor']} at both",
        "exact",
        {"lr": "7/10", "minima": rows},
    )


@simulation("η = 0.7: SGD from 1 ± 1e-5 escapes to 0, from 1e-5 stays at 0; GD from 1 ± 1e-5 stays at 1", version="wu")
def _toy_simulation(ctx):
    runs, steps = (2000, 400) if ctx.quick else (10000, 400)
    lr = float(PRINTED_TOY_LR)
    seeds = iter(ctx.seed.spawn(5))
    level = bonferroni(3)
    rows, ok = [], True
    for start in (1 - 1e-5, 1 + 1e-5, 1e-5):
        result = linear.toy_runs(lr, runs, steps, next(seeds), start)
        at_zero = int(np.count_nonzero(np.abs(result.x) < 1e-8))
        ci = proportion_interval(at_zero, runs, level, method="exact")
        ok &= ci.low > 0.99 and not np.any(result.diverged_at >= 0)
        left = result.left_at[result.left_at >= 0]
        rows.append({"method": "SGD", "x0": repr(start), "runs": runs, "at_0": at_zero, "ci": ci.describe(),
                     "median_escape_step": int(np.median(left)) if len(left) else -1})
    for start in (1 - 1e-5, 1 + 1e-5):
        result = linear.toy_runs(lr, 1, steps, next(seeds), start, stochastic=False)
        stays = bool(abs(result.x[0] - 1) < 1e-8)
        ok &= stays
        rows.append({"method": "GD", "x0": repr(start), "final_x": float(result.x[0]), "at_1": stays})
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"every SGD run ends at 0 (|x_T| < 1e-8 after {steps} steps, escapes from 1 after a median "
        f"{rows[0]['median_escape_step']} steps); GD ends at 1",
        f"lower end of the Clopper–Pearson interval > 0.99 at joint level {LEVEL} (Bonferroni over 3 starts); GD is deterministic",
        {"lr": "7/10", "steps": steps, "points": rows},
    )


@symbolic("f as written: f_i''(1) = 1/5, 19/5; f_i''(0) = 2; f'' = 2 at both; GD stable iff η ≤ 1", version="wu")
def _toy_corrected(ctx):
    minima = wu.toy_minima()
    stats = {p: _toy_statistics(p) for p in minima}
    expected = {1: ((R(1, 5), R(19, 5)), 2), 0: ((2, 2), 2)}
    ok = minima == [0, 1] and all(tuple(stats[p][0]) == tuple(sp.sympify(v) for v in expected[p][0])
                                  and stats[p][1] == expected[p][1] for p in minima)
    gd_bound = min(2 / stats[p][1] for p in minima)
    return Finding(
        Verdict.PROVED if ok and gd_bound == 1 else Verdict.REFUTED,
        f"minima {minima}; curvatures {dict((str(p), [str(v) for v in stats[p][0]]) for p in minima)}; GD bound {gd_bound}",
        "exact",
        {str(p): {"curvatures": [str(v) for v in stats[p][0]], "sharpness": str(stats[p][1]),
                  "nonuniformity": str(stats[p][2])} for p in minima},
    )


# --- wu.escape_numbers --------------------------------------------------------------------------


@symbolic("§4.1-4.4 arithmetic: 2/η of Table 2, √B/0.1 = 10, 20, 100, √4/0.01 = 200; measured values vs 2/η", version="wu")
def _escape_arithmetic(ctx):
    rows, ok = {}, True
    for batch, printed in PRINTED_NONUNIFORMITY_BOUNDS.items():
        value = PRINTED_EQ9_SMALL_BATCH.subs({B: batch, eta: PRINTED_ESCAPE_LR})
        ok &= value == printed
        rows[f"sqrt({batch})/0.1"] = str(value)
    lr, batch, printed = PRINTED_CIFAR_BOUND
    ok &= PRINTED_EQ9_SMALL_BATCH.subs({B: batch, eta: lr}) == printed
    rates = list(PRINTED_TABLE2_PREDICTION)
    for rate, printed in PRINTED_TABLE2_PREDICTION.items():
        ok &= PRINTED_EQ9_SHARPNESS.subs(eta, rate) == sp.sympify(printed)
    below = {name: [bool(v <= PRINTED_EQ9_SHARPNESS.subs(eta, rate)) for v, rate in zip(values, rates)]
             for name, values in PRINTED_TABLE2_MEANS.items()}
    table3 = {name: bool(values[0] <= PRINTED_EQ9_SHARPNESS.subs(eta, PRINTED_ESCAPE_LR)) for name, values in PRINTED_TABLE3.items()}
    ok &= all(all(v) for v in below.values()) and all(table3.values())
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        "√B/η at η = 0.1 gives 10, 20, 100 and √4/0.01 = 200; Table 2's row is 2/η; every measured mean sharpness of "
        "Table 2 is ≤ 2/η (0.4 = 2/5 with equality) and Table 3's GD(η = 0.1) solutions have a ≤ 20",
        "exact",
        {"bounds": rows, "table2_below_2_over_eta": below, "table3_below_20": table3},
    )


@symbolic("§4.4: 'not stable for GD with learning rate larger than 2/1.9'", version="wu")
def _escape_gd_threshold(ctx):
    """GD at sharpness a: E x_{t+1} = (1 - ηa) x_t, stable iff η ≤ 2/a; a > 19.0 ⇒ threshold < 2/19.0."""
    lr_max = sp.simplify(wu.largest_stable_lr(False).subs(s, 0))
    derived = lr_max.subs(a, PRINTED_SHARPNESS_FLOOR)
    covered = {str(v): bool(v > PRINTED_GD_THRESHOLD) for v in (R(3, 10), R(1, 2))}
    return Finding(
        Verdict.REFUTED if derived != PRINTED_GD_THRESHOLD else Verdict.PROVED,
        f"GD is stable iff η ≤ {lr_max}; for a > 19.0 that is η ≤ 2/19 ≈ {decimal(derived, 4)}, not 2/1.9 ≈ "
        f"{decimal(PRINTED_GD_THRESHOLD, 4)} (a factor 10); with the printed number, GD at η = 0.3, 0.5 would not be "
        "predicted to escape",
        "exact",
        {"derived_threshold": str(derived), "printed_threshold": str(PRINTED_GD_THRESHOLD),
         "lr_above_printed_threshold": covered},
    )


def _exact_bound(batch: int, count: int) -> sp.Expr:
    return PRINTED_EQ9_NONUNIFORMITY.subs({B: batch, n: count, eta: PRINTED_ESCAPE_LR})


@high_precision("§4.4: 'the upper bound ... is at most √B/0.1'; the measured s against (9) with n = 1000, 1200", version="wu")
def _escape_bounds(ctx):
    """The text: s exceeds the bound for B = 1, 4 (both sets) and is below it for B = 100 (corrupted)."""
    said_above = {(name, batch): True for name in PRINTED_TABLE3 for batch in (1, 4)}
    said_above[("Corrupted FashionMNIST", 100)] = False
    rows, sides_ok, at_most = [], True, True
    for name, (_, nonuniform) in PRINTED_TABLE3.items():
        count = TRAINING_SIZES[name]
        for batch, printed in PRINTED_NONUNIFORMITY_BOUNDS.items():
            exact = _exact_bound(batch, count)
            at_most &= bool(exact <= printed)
            above = bool(nonuniform > exact)
            if (name, batch) in said_above:
                sides_ok &= above == said_above[(name, batch)]
            rows.append({"dataset": name, "n": count, "batch": batch, "printed": printed, "exact": decimal(exact, ctx.dps),
                         "s": str(nonuniform), "s_exceeds_exact": above})
    return Finding(
        Verdict.REFUTED if not at_most else Verdict.CONFIRMED,
        "exact (9) bounds at η = 0.1: 10 (B = 1), 20.030 / 20.025 (B = 4), 105.36 / 104.40 (B = 100) for n = 1000 / 1200 — "
        "√B/η is below the bound, not 'at most' it (immaterial here); s = 45.2, 51.7 exceed the B = 1, 4 bounds and 51.7 "
        f"is below the B = 100 one, as the text says: {sides_ok}",
        f"exact values at {ctx.dps} digits",
        {"rows": rows, "sides_as_text": sides_ok},
    )


def _table3_instance() -> list[sp.Expr]:
    return [value for value, count in TABLE3_CURVATURES for _ in range(count)]


@symbolic("§4.4: 'SGD with η = 0.1, B = 100 will be stable' because 51.7 < √100/0.1", version="wu")
def _escape_b100(ctx):
    """(9) is necessary for (8), not sufficient: a 1-D minimum with Table 3's (a, s) is unstable."""
    curvatures = _table3_instance()
    mean, variance = wu.curvature_statistics(curvatures)
    count, batch, lr = len(curvatures), 100, PRINTED_ESCAPE_LR
    second = wu.one_dimensional_step(False).second.subs({eta: lr, a: mean, s: sp.sqrt(variance), n: count, B: batch})
    sharp_part, noise_part = (1 - lr * mean) ** 2, second - (1 - lr * mean) ** 2
    in_rectangle = mean <= 2 / lr and sp.sqrt(variance) <= _exact_bound(batch, count)
    refuted = in_rectangle and second > 1 and (mean, sp.sqrt(variance)) == PRINTED_TABLE3["Corrupted FashionMNIST"]
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"n = 1200 curvatures (175 ×120, 8/3 ×1080): a = {mean}, s = {sp.sqrt(variance)} as in Table 3, B = 100, η = 1/10: "
        f"inside (9), yet E x²_(t+1)/x_t² = {second} ≈ {decimal(second, 6)} > 1 — unstable. For any d, (a, s) only "
        f"bound λmax of (8) to [{decimal(max(sharp_part, noise_part), 5)}, {decimal(second, 5)}], which straddles 1",
        "exact",
        {"curvatures": {str(v): k for v, k in TABLE3_CURVATURES}, "n": count, "batch": batch, "lr": "1/10",
         "sharpness": str(mean), "nonuniformity": str(sp.sqrt(variance)), "second_moment_factor": str(second),
         "sharpness_term": str(sharp_part), "nonuniformity_term": str(noise_part)},
    )


@simulation("Table 3's (a, s) as a 1-D minimum, n = 1200, B = 100 without replacement: E x_t² grows", version="wu")
def _escape_simulation(ctx):
    """Short horizons: the batch-mean factor 1 - ηM is spread widely here (M counts the a_i = 175 in
    the batch), so x_t² is heavy-tailed and its sample mean is trustworthy only for small t."""
    runs, horizon = (4000, 4) if ctx.quick else (40000, 5)
    curvatures = _table3_instance()
    hessians = np.array([[[float(v)]] for v in curvatures])
    result = linear.simulate_linear(hessians, 0.1, 100, False, runs, horizon, ctx.seed, [1.0], record=(1, horizon))
    mean, variance = wu.curvature_statistics(curvatures)
    factor = wu.one_dimensional_step(False).second.subs({eta: PRINTED_ESCAPE_LR, a: mean, s: sp.sqrt(variance), n: 1200, B: 100})
    level = bonferroni(2)
    rows, ok = [], result.alive[horizon] == runs
    for t in (1, horizon):
        growth = _growth(_sq_norms(result, t), t, level)
        exact = float(factor**t)
        ok &= exact in growth["ci"] and growth["rate_low"] > 0
        rows.append({"t": t, "exact": exact, "sample_mean": growth["mean"], "ci": growth["ci"].describe(),
                     "rate": growth["rate"], "rate_se": growth["rate_se"]})
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{runs} runs: mean x_t² = {rows[0]['sample_mean']:.4g} at t = 1 and {rows[1]['sample_mean']:.4g} at t = {horizon} "
        f"(exact {decimal(factor, 5)}^t), rate {rows[1]['rate']:.3g} ± {rows[1]['rate_se']:.2g} > 0",
        f"Student-t intervals of the mean of x_t² at joint level {LEVEL} (Bonferroni over 2)",
        {"runs": runs, "lr": "1/10", "batch": 100, "points": rows},
    )


@symbolic("corrected: GD threshold 2/19.0 < 0.3; the exact (9) bounds 10, ≈20.03, ≈104.4", version="wu")
def _escape_corrected(ctx):
    threshold = sp.simplify(wu.largest_stable_lr(False).subs(s, 0)).subs(a, PRINTED_SHARPNESS_FLOOR)
    bounds = {batch: _exact_bound(batch, 1200) for batch in (1, 4, 100)}
    s_corrupted = PRINTED_TABLE3["Corrupted FashionMNIST"][1]
    s_clean = PRINTED_TABLE3["FashionMNIST"][1]
    ok = threshold == R(2, 19) and threshold < R(3, 10) and bounds[1] == 10 and all(
        v > bounds[b] for b in (1, 4) for v in (s_clean, s_corrupted)) and s_corrupted <= bounds[100]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"GD unstable for η > {threshold} ≈ {decimal(threshold, 4)} at a > 19.0 (so at 0.3, 0.5); at η = 0.1, n = 1200: "
        f"(9) allows s ≤ {bounds[1]}, {decimal(bounds[4], 6)}, {decimal(bounds[100], 6)} for B = 1, 4, 100: s = 45.2, 51.7 "
        "violate (9) for B = 1, 4 (so (8) fails; in d = 1 the minimum is unstable) and 51.7 meets it for B = 100, "
        "which does not decide stability",
        "exact",
        {"gd_threshold": str(threshold), "bounds_n1200": {str(k): decimal(v, 10) for k, v in bounds.items()}},
    )


CLAIMS = (
    Claim(
        id="wu.eq2_3",
        papers=(WU,),
        where="§2, eqs. (1)–(3)",
        statement=r"f = \tfrac{1}{2n}\sum_i a_i x^2,\ B = 1:\ \mathbb E x_{t+1} = (1-\eta a)x_t,\ "
        r"\mathbb E x_{t+1}^2 = [(1-\eta a)^2 + \eta^2 s^2]\,x_t^2,\ a = \tfrac1n\sum a_i,\ s = \sqrt{\tfrac1n\sum a_i^2 - a^2}",
        summary="first and second moments of one-dimensional SGD with B = 1",
        checks=(_eq23_symbolic, _eq23_simulation),
    ),
    Claim(
        id="wu.thm1",
        papers=(WU,),
        where="§3.1, Definition 3, Theorem 1, eq. (8)",
        statement=r"\lambda_{\max}\Big\{(I-\eta H)^2 + \frac{\eta^2(n-B)}{B(n-1)}\Sigma\Big\} \le 1 \Rightarrow "
        r"x^* \text{ linearly stable; iff when } d = 1",
        summary="(8) is sufficient for linear stability of SGD without replacement, and necessary in d = 1",
        checks=(_thm1_matrix, _thm1_one_dimension, _thm1_sufficient, _thm1_not_necessary, _thm1_simulation),
    ),
    Claim(
        id="wu.eq9",
        papers=(WU,),
        where="§3.1, eq. (9), the sentences around it, Fig. 3 and its paragraph",
        statement=r"\text{(8) is sharp; } 0 \le a \le \tfrac2\eta,\ 0 \le s \le \tfrac1\eta\sqrt{\tfrac{B(n-1)}{n-B}}"
        r" \approx \tfrac{\sqrt B}{\eta} \text{ is necessary for (8); the minima SGD can converge to satisfy (9); "
        r"the rectangle is linearly stable (Fig. 3)}",
        summary="the sharpness–non-uniformity rectangle and what the text says it means",
        checks=(_eq9_rectangle, _eq9_small_batch, _eq9_necessary_for_8, _eq9_sharp, _eq9_necessary_for_stability,
                _eq9_figure, _eq9_diagram, _eq9_simulation),
    ),
    Claim(
        id="wu.eq9-corrected",
        papers=(WU,),
        where="eq. (9) as a necessary condition for (8); the exact 1-D region",
        statement=r"(8) \Rightarrow (9);\ d = 1:\ \text{stable} \iff (1-\eta a)^2 + \eta^2\tfrac{n-B}{B(n-1)}s^2 \le 1 "
        r"\text{ (a half-ellipse, } \pi/4 \text{ of the rectangle)};\ \text{any } d:\ \text{stable} \Rightarrow a \le 2/\eta",
        summary="(9) bounds (8), not linear stability; in 1-D the stable set is the inscribed half-ellipse",
        checks=(_eq9_rectangle, _eq9_small_batch, _eq9_necessary_for_8, _thm1_one_dimension, _eq9_sharpness_necessary,
                _eq9_diagram, _eq9_simulation),
        corrects="wu.eq9",
    ),
    Claim(
        id="wu.toy",
        papers=(WU,),
        where="§2, the toy example and Fig. 2",
        statement=r"f_1 = \min\{x^2, 0.1(x-1)^2\},\ f_2 = \min\{x^2, 1.9(x-1)^2\}:\ f'' = 1,\ f_1''(1) = 0.1,\ "
        r"f_2''(1) = 1.9,\ s(1) = 1.8 > 1/0.7,\ s(0) = 0;\ \eta = 0.7:\ \text{SGD escapes from } 1 \text{ to } 0, \text{ GD stays}",
        summary="the toy landscape: SGD at η = 0.7 escapes the minimum at 1, GD does not",
        checks=(_toy_printed, _toy_nonuniformity, _toy_stability, _toy_simulation),
    ),
    Claim(
        id="wu.toy-corrected",
        papers=(WU,),
        where="§2 with the curvatures of f_1, f_2 as written",
        statement=r"f'' = 2 \text{ at both minima},\ f_1''(1) = 1/5,\ f_2''(1) = 19/5,\ \text{GD stable iff } \eta \le 1,\ "
        r"s(1) = 9/5;\ \eta = 0.7:\ \text{SGD escapes from } 1 \text{ to } 0,\ \text{GD stays}",
        summary="the toy example with its true curvatures; the escape mechanism holds",
        checks=(_toy_corrected, _toy_nonuniformity, _toy_stability, _toy_simulation),
        corrects="wu.toy",
    ),
    Claim(
        id="wu.escape_numbers",
        papers=(WU,),
        where="§4.4 and Table 3 (with Table 2's prediction row and §4.2)",
        statement=r"a > 19.0 \Rightarrow \text{GD unstable for } \eta > 2/1.9;\ \eta = 0.1:\ s \le \sqrt1/0.1 = 10,\ "
        r"\sqrt4/0.1 = 20 \text{ (at most)};\ s = 51.7 < \sqrt{100}/0.1 = 100 \Rightarrow \text{stable for } B = 100",
        summary="the escape predictions of §4.4 from Table 3's sharpness and non-uniformity",
        checks=(_escape_arithmetic, _escape_gd_threshold, _escape_bounds, _escape_b100, _escape_simulation),
    ),
    Claim(
        id="wu.escape_numbers-corrected",
        papers=(WU,),
        where="§4.4 with 2/19.0 and the exact bounds of (9)",
        statement=r"a > 19.0 \Rightarrow \text{GD unstable for } \eta > 2/19;\ \eta = 0.1,\ n = 1200:\ (9) \text{ allows } "
        r"s \le 10,\ 20.03,\ 104.4 \text{ for } B = 1, 4, 100",
        summary="§4.4's thresholds, recomputed",
        checks=(_escape_arithmetic, _escape_corrected),
        corrects="wu.escape_numbers",
    ),
)
