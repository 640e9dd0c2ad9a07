"""Ziyin et al. Prop. 5: AMSGrad converges to the local maximum of the two-point model (proof D.4
(94)-(109) [2021] / C.6 (85)-(100) [2022]; experiment §6.4 [2021] / §6.2 [2022]).

With β1 = 0 and v̂_t → c the step is SGD at λ' = λ/√c, attracted to w = 0 iff λ' lies in the open
trap interval of Cor. 1; the proof's bounds on ĝ_t and v_t treat a as |a| (1 - a is right for a < 0),
and at the ends of the printed closed interval μ(λ') = 0 (a driftless walk, not convergence).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import exact_law, optimizers
from numerics.optimizers import Method, OptimizerConfig
from numerics.precision import decimal
from theory import multiplicative, ziyin
from theory.multiplicative import lam, w
from theory.noise import x

from ...claim import (
    About,
    Claim,
    Finding,
    Verdict,
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
from ._landscapes import set_text
from ._optimizers import beta2, bound_facts, gradient_law, t, uniform_start
from ._printed import PRINTED_LOWER, PRINTED_UPPER

a = ziyin.a
v_hat = sp.Symbol("vhat", positive=True)
lam_prime = sp.Symbol("lambda'", positive=True)  # λ/√c, c = lim v̂_t

# --- the printed formulas (transcriptions; everything else is derived) ------------------------
PRINTED_GRADIENT_BOUND = 1 + a  # (94) [2021] / (85) [2022]: |ĝ_t| ≤ 1 + a
PRINTED_V_BOUND = 1 + a  # (97)-(98) / (88)-(89): v_t ≤ 1 + a, hence c ≤ 1 + a
PRINTED_REMARK_GRADIENT = -(1 + a) * w  # Remark, (18) / (14): the gradient for the second atom
PRINTED_MULTIPLIER_1 = sp.Abs(1 - lam / sp.sqrt(v_hat))  # (103) / (94), x = 1
PRINTED_MULTIPLIER_2 = 1 + lam / sp.sqrt(v_hat) * (1 - a)  # x = a - 1
PRINTED_CLOSED = True  # (109) / (100): a/(a-1) ≤ λ' ≤ (a - √(a²-8a+8))/(2(a-1)), ends from _printed
PRINTED_PROJECTION = False  # §6.4 / §6.2, eqs. (9)-(12): no projection onto [-1, 1]
EXPERIMENT_A, EXPERIMENT_LR, EXPERIMENT_BETA2 = sp.Rational(-1, 10), 0.2, 0.999  # §6.4 / §6.2
MOMENTUM, PAPER_RUNS, PAPER_STEPS = 0.9, 2000, 50000
PRINTED_GD_LR = 0.01  # §6.4 / §6.2: "GD is run with a learning rate of 0.01"

# the corrected forms (ziyin.prop5-corrected)
CORRECTED_GRADIENT_BOUND = 1 - a
CORRECTED_V_PATH = (1 - beta2**t) * (1 - a) ** 2  # v_t on the extremal path, < (1 - a)²
CORRECTED_PROJECTION = True  # Prop. 5's own setting: w_t projected onto [-1, 1]

# --- experiment parameters --------------------------------------------------------------------
BOUND_EXAMPLE = {a: sp.Rational(-1, 10), beta2: sp.Rational(999, 1000)}
LARGE_LR_EXAMPLE = {"lr": 0.9, "a": sp.Integer(-2)}  # 'any fixed λ < 1': a = -2 keeps λ/√c in the trap
CONVERGED = 1e-6  # |w_T| below which a run counts as converged to w = 0
EPS = sp.Rational(1, 1000)  # escape level of the exact law at the trap end


def experiment(configs, runs: int, steps: int, seed, a_value=EXPERIMENT_A, snapshot_at=()) -> list:
    """AMSGrad / Adam ensembles on the two-point model (the book's Fig. 2 / §6.2 figure calls this)."""
    return optimizers.run(list(configs), runs, steps, seed, uniform_start, gradient_law(a_value), 1,
                          snapshot_at=snapshot_at)


def gradient_descent(runs: int, steps, seed, a_value=EXPERIMENT_A, project=CORRECTED_PROJECTION) -> np.ndarray:
    """Full-batch GD at the printed λ = 0.01 from w0 ~ U[-1, 1] (the reference curve of Fig. 4 [2021] / Fig. 2 [2022]),
    exactly: w_t = (1 - λE[x])^t w0, clipped onto [-1, 1] with ``project`` (|w_t| only grows). Rows: ``steps``."""
    factor = float(multiplicative.update_factor(ziyin.noise(a_value).mean, PRINTED_GD_LR))
    start = uniform_start(np.random.default_rng(seed), runs)[:, 0]
    path = start[None, :] * factor ** np.asarray(steps, dtype=float)[:, None]
    return np.clip(path, -1.0, 1.0) if project else path


# --- the proof ----------------------------------------------------------------------------------


@symbolic("(94)-(98) / (85)-(89): |ĝ_t| ≤ 1 + a and v_t ≤ 1 + a for |w_t| ≤ 1", about=About.PROOF,
          falsifiers=(together("the bounds 1 - a, (1 - a)² and the gradient (a - 1)w",
                               replace("PRINTED_GRADIENT_BOUND", 1 - a), replace("PRINTED_V_BOUND", (1 - a) ** 2),
                               replace("PRINTED_REMARK_GRADIENT", (a - 1) * w)),))
def bounds(ctx):
    """For a < 0 the atom x = a - 1 has |x| = 1 - a > 1 + a: the printed bounds treat a as |a|."""
    facts = bound_facts(PRINTED_V_BOUND, BOUND_EXAMPLE)
    example = BOUND_EXAMPLE[a]
    gradient_value = sp.Abs(facts["gradient"].subs({x: example - 1, w: 1}))
    remark = facts["gradient"].subs(x, a - 1)
    wrong = {"|ĝ| bound": bool(gradient_value > PRINTED_GRADIENT_BOUND.subs(a, example)),
             "v bound": facts["first"] is not None, "Remark gradient": not is_zero(remark - PRINTED_REMARK_GRADIENT)}
    since = f" from t = {facts['first']} on" if facts["first"] else ""
    return Finding(
        Verdict.REFUTED if any(wrong.values()) else Verdict.PROVED,
        f"sup|ĝ| = {tex(facts['bound'])} (printed {tex(PRINTED_GRADIENT_BOUND)}): at a = {tex(example)}, w = 1, x = a - 1, |ĝ| = "
        f"{tex(gradient_value)}; v_t = {tex(sp.factor(facts['path']))} on the path w_s = 1, x_s = a - 1 (probability 2^-t) "
        f"{'exceeds' if facts['first'] else 'never exceeds'} the printed {tex(PRINTED_V_BOUND)} = {tex(PRINTED_V_BOUND.subs(a, example))} "
        f"(β2 = {tex(BOUND_EXAMPLE[beta2])}){since}; "
        f"the Remark's gradient is {tex(remark)}, printed {tex(PRINTED_REMARK_GRADIENT)}; wrong: "
        f"{', '.join(k for k, v in wrong.items() if v) or 'none'}",
        "exact (SymPy; rational arithmetic at the counterexample)",
        {"extremal_v": facts["path"], "first_violation": {"t": facts["first"], "v_t": facts["v_first"]}},
        observed={"|ĝ| bound": facts["bound"], "v on the extremal path": facts["path"], "Remark gradient": remark},
        expected={"|ĝ| bound": PRINTED_GRADIENT_BOUND, "v bound": PRINTED_V_BOUND, "Remark gradient": PRINTED_REMARK_GRADIENT},
    )


@symbolic("corrected bounds: |ĝ_t| ≤ 1 - a, v_t ≤ (1 - β2^t)(1 - a)² < (1 - a)², both sharp", about=About.PROOF,
          falsifiers=(replace("CORRECTED_GRADIENT_BOUND", 1 + a),))
def corrected_bounds(ctx):
    facts = bound_facts(PRINTED_V_BOUND, BOUND_EXAMPLE)
    limit = sp.limit(facts["path"].subs(beta2, BOUND_EXAMPLE[beta2]), t, sp.oo)
    ok = (is_zero(facts["bound"] - CORRECTED_GRADIENT_BOUND) and is_zero(facts["path"] - CORRECTED_V_PATH)
          and is_zero(limit - (1 - a) ** 2))
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"sup|ĝ| = {tex(facts['bound'])} (stated {tex(CORRECTED_GRADIENT_BOUND)}); v_t ≤ {tex(sp.factor(facts['path']))} with equality "
        f"on the path w_s = 1, x_s = a - 1 (stated {tex(CORRECTED_V_PATH)}), whose limit is {tex(sp.factor(limit))}: hence "
        "λ' = λ/√c ≥ λ/(1 - a)",
        "exact (SymPy: rsolve of (95)/(86), limit)", {"sup_v": limit},
        observed={"|ĝ| bound": facts["bound"], "v path": facts["path"]},
        expected={"|ĝ| bound": CORRECTED_GRADIENT_BOUND, "v path": CORRECTED_V_PATH},
    )


@symbolic("(103) / (94): the β1 = 0 step multiplies w by |1 - λ/√v̂| or 1 + λ(1 - a)/√v̂", about=About.PROOF,
          falsifiers=(replace("PRINTED_MULTIPLIER_2", 1 + lam / sp.sqrt(v_hat) * (1 + a)),))
def multipliers(ctx):
    """w_t = w_{t-1} - (λ/√v̂) ĝ_t with ĝ = x w is the multiplicative step at learning rate λ/√v̂."""
    derived = tuple(sp.Abs(multiplicative.update_factor(v, lam / sp.sqrt(v_hat))) for v in ziyin.noise().values)
    printed = (PRINTED_MULTIPLIER_1, PRINTED_MULTIPLIER_2)
    same = all(is_zero(d - p) for d, p in zip(derived, printed))
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"derived |1 - λx/√v̂| for x = 1, a - 1: {', '.join(tex(sp.simplify(d)) for d in derived)}; printed "
        f"{', '.join(tex(p) for p in printed)} ({'the same' if same else 'different'} for a < 0)",
        "exact", {}, observed=derived, expected=printed,
    )


def _math(expr) -> str:
    """``expr`` as inline math with λ' typeset (SymPy names the symbol ``lambda'``)."""
    return tex(expr.subs(lam_prime, sp.Symbol(r"\lambda'", positive=True)))


def _trap() -> tuple[sp.Expr, ziyin.TrapInterval]:
    """E ln|1 - λ'x| < 0 ⇔ |(1 - λ')(1 + λ'(1 - a))| < 1: the (108) product and its solution set (Cor. 1 in λ')."""
    product = multiplicative.trap_polynomial(ziyin.noise()).poly.as_expr().subs(lam, lam_prime)
    return sp.factor(product), ziyin.trap_interval()


@symbolic("(108)-(109) / (99)-(100): a/(a-1) ≤ λ' ≤ (a - √(a²-8a+8))/(2(a-1)) suffices",
          falsifiers=(replace("PRINTED_CLOSED", False, "the interval open (strict inequalities)"),))
def closed_condition(ctx):
    """Sufficient iff the printed set of λ' lies in the derived open trap interval (at a = EXPERIMENT_A); at an end
    μ(λ') = 0 and, once v̂_t has settled, the iterate is SGD at λ' whose exact law does not go to 0."""
    product, interval = _trap()
    lower, upper = (e.subs(a, EXPERIMENT_A) for e in (PRINTED_LOWER, PRINTED_UPPER))
    printed = sp.Interval(lower, upper, not PRINTED_CLOSED, not PRINTED_CLOSED)
    derived = sp.Interval.open(*(e.subs(a, EXPERIMENT_A) for e in (interval.lower, interval.upper)))
    law = ziyin.noise(EXPERIMENT_A)
    mu = sp.simplify(multiplicative.log_rate(law, lower))
    times = (100, 1000) if ctx.quick else (100, 1000, 4000)
    probs = {n: exact_law.escape_probability(exact_law.EscapeQuestion(law, lower, n, EPS), ctx.dps) for n in times}
    suffices = printed.is_subset(derived)
    verdict = Verdict.PROVED if suffices else Verdict.REFUTED if mu >= 0 else Verdict.INCONCLUSIVE
    return Finding(
        verdict,
        f"(108) is |{_math(product)}| ≤ 1 (= e^(2μ) ≤ 1); at a = {tex(EXPERIMENT_A)} the printed set {set_text(printed)} of λ' "
        f"{'lies' if suffices else 'does not lie'} in the derived trap {set_text(derived)}; at λ' = {tex(lower)} the factors are "
        f"{tex([multiplicative.update_factor(v, lower) for v in law.values])}, μ = {tex(mu)}, and P(|w_t| > {tex(EPS)}) = "
        f"{decimal(probs[times[-1]], 6)} at t = {times[-1]} from w0 = 1",
        "exact (SymPy sets; multinomial law of the draws)",
        {"product": product, "escape_probability": {f"t={n}": p for n, p in probs.items()}, "mu_at_lower_end": mu},
        observed=derived, expected=printed,
    )


@symbolic("open limit condition: μ(λ') < 0 ⇔ a/(a-1) < λ' < (a - √(a²-8a+8))/(2(a-1)), a < 0",
          falsifiers=(scale("PRINTED_LOWER", 2), scale("PRINTED_UPPER", sp.Rational(1, 2))))
def open_condition(ctx):
    product, interval = _trap()
    observed, expected = (interval.lower, interval.upper), (PRINTED_LOWER, PRINTED_UPPER)
    same = all(is_zero(o - e) for o, e in zip(observed, expected))
    lower, upper = (e.subs(a, EXPERIMENT_A) for e in observed)
    c_range = ((EXPERIMENT_LR / upper) ** 2, (EXPERIMENT_LR / lower) ** 2)
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"|{_math(product)}| < 1 solves to λ' ∈ ({tex(interval.lower)}, {tex(interval.upper)}), stated ({tex(PRINTED_LOWER)}, {tex(PRINTED_UPPER)}); "
        f"at a = {tex(EXPERIMENT_A)}, λ = {EXPERIMENT_LR} it needs c ∈ ({sp.N(c_range[0], 4)}, {sp.N(c_range[1], 4)})",
        "exact", {"c_interval": [sp.N(c, 20) for c in c_range]}, observed=observed, expected=expected,
    )


# --- the experiments ----------------------------------------------------------------------------


@simulation("§6.4 / §6.2 as printed (eqs. (9)-(12), no projection): AMSGrad converges with and without momentum",
            falsifiers=(replace("PRINTED_PROJECTION", True, "w_t projected onto [-1, 1]"),))
def printed_experiment(ctx):
    """a = -0.1, λ = 0.2, β2 = 0.999, β1 ∈ {0, 0.9}: a run has escaped if |w_T| ≥ 1, converged if |w_T| < 1e-6.
    Refuted when AMSGrad's escaped fraction exceeds 0.05 for both β1 (Clopper–Pearson lower bounds)."""
    runs, steps = (100, 5000) if ctx.quick else (PAPER_RUNS, PAPER_STEPS)
    configs = [OptimizerConfig(method, EXPERIMENT_LR, beta1, EXPERIMENT_BETA2, PRINTED_PROJECTION)
               for method in (Method.AMSGRAD, Method.ADAM) for beta1 in (0.0, MOMENTUM)]
    level = bonferroni(len(configs))
    rows, observed = [], {}
    for result in experiment(configs, runs, steps, ctx.seed):
        size = np.abs(result.w[:, 0])
        escaped, converged = int(np.count_nonzero(size >= 1)), int(np.count_nonzero(size < CONVERGED))
        ci = proportion_interval(escaped, runs, level, method="exact")
        rows.append({"setting": result.config.describe(), "converged": converged, "escaped": escaped, "runs": runs,
                     "escaped_ci": ci.describe()})
        if result.config.method == Method.AMSGRAD:
            observed[result.config.describe()] = {"converged": converged, "escaped lower bound": ci.low}
    refuted = min(o["escaped lower bound"] for o in observed.values()) > 0.05
    all_converged = all(o["converged"] == runs for o in observed.values())
    return Finding(
        Verdict.REFUTED if refuted else Verdict.CONFIRMED if all_converged else Verdict.INCONCLUSIVE,
        f"{'with' if PRINTED_PROJECTION else 'without'} projection ({runs} runs × {steps} steps, w0 ~ U[-1, 1]): "
        + "; ".join(f"{r['setting']}: {r['converged']}/{runs} converged, {r['escaped']} escaped" for r in rows),
        f"Clopper–Pearson at joint level {LEVEL} (Bonferroni over {len(configs)} settings); refuted when AMSGrad's escaped "
        "fraction exceeds 0.05 for both β1; confirmed only if every AMSGrad run converged",
        {"a": EXPERIMENT_A, "lambda": EXPERIMENT_LR, "beta2": EXPERIMENT_BETA2, "steps": steps, "settings": rows},
        observed=observed, expected={k: {"converged": runs} for k in observed},
    )


def _projected_row(result, a_value, level: float):
    """Converged count and interval; for AMSGrad with β1 = 0 also λ' = λ/√v̂_T against the open trap interval and
    v̂_T against (1 - a)², the interval then being that of runs converged with λ' inside the trap."""
    config, runs = result.config, result.w.shape[0]
    converged = np.abs(result.w[:, 0]) < CONVERGED
    ci = proportion_interval(int(converged.sum()), runs, level, method="exact")
    row = {"setting": config.describe(), "a": a_value, "converged": int(converged.sum()), "runs": runs,
           "ci": ci.describe(), "median_abs_w": float(np.median(np.abs(result.w[:, 0])))}
    if config.method == Method.AMSGRAD and config.beta1 == 0:
        interval = ziyin.trap_interval()
        lower, upper = (float(e.subs(a, a_value)) for e in (interval.lower, interval.upper))
        lam_eff = config.lr / np.sqrt(result.v_max[:, 0])
        inside = (lam_eff > lower) & (lam_eff < upper)
        trapped = int(np.count_nonzero(converged & inside))
        ci = proportion_interval(trapped, runs, level, method="exact")
        row.update({"open_trap_interval": [lower, upper], "lambda_prime_in_open_trap": int(inside.sum()),
                    "converged_with_lambda_prime_in_trap": trapped, "ci_converged_in_trap": ci.describe(),
                    "max_c": float(result.v_max.max()), "c_bound": float((1 - a_value) ** 2)})
    return row, ci


@simulation("with w_t projected onto [-1, 1]: AMSGrad → 0 (λ/√c in the open trap), Adam with momentum is not attracted",
            falsifiers=(replace("CORRECTED_PROJECTION", False, "no projection"),))
def projected_experiment(ctx):
    """a = -0.1, λ = 0.2: AMSGrad β1 = 0 may not fail once, each λ/√v̂_T inside the open trap with v̂_T ≤ (1-a)²;
    AMSGrad β1 = 0.9: ≥ 0.8 converged; Adam β1 = 0.9: ≤ 0.2; Adam β1 = 0: some but not all. λ = 0.9 ('any fixed
    λ < 1') at a = -2: ≥ 0.8 converged with λ' in the trap; λ = 0.5, 0.9 at a = -0.1 are reported only."""
    runs, steps = (200, PAPER_STEPS) if ctx.quick else (1000, PAPER_STEPS)
    project = CORRECTED_PROJECTION
    paper = [OptimizerConfig(Method.AMSGRAD, lr, 0.0, EXPERIMENT_BETA2, project) for lr in (EXPERIMENT_LR, 0.5, 0.9)] + [
        OptimizerConfig(method, EXPERIMENT_LR, beta1, EXPERIMENT_BETA2, project)
        for method, beta1 in ((Method.AMSGRAD, MOMENTUM), (Method.ADAM, 0.0), (Method.ADAM, MOMENTUM))]
    large = [OptimizerConfig(Method.AMSGRAD, LARGE_LR_EXAMPLE["lr"], 0.0, EXPERIMENT_BETA2, project)]
    first, second = ctx.seed.spawn(2)
    results = experiment(paper, runs, steps, first) + experiment(large, runs, steps, second, LARGE_LR_EXAMPLE["a"])
    level = bonferroni(len(results))
    judged = [_projected_row(r, EXPERIMENT_A, level) for r in results[:-1]]
    judged.append(_projected_row(results[-1], LARGE_LR_EXAMPLE["a"], level))
    rows = [row for row, _ in judged]
    (amsgrad, _), _, _, (_, momentum_ci), (_, adam_ci), (adam_momentum, adam_momentum_ci), (_, large_ci) = judged
    observed = {
        "AMSGrad β1 = 0 all converge in the trap": amsgrad["converged"] == runs
        and amsgrad["lambda_prime_in_open_trap"] == runs and amsgrad["max_c"] <= amsgrad["c_bound"],
        "AMSGrad β1 = 0.9 mostly converges": momentum_ci.low >= 0.8,
        "Adam β1 = 0 partly converges": adam_ci.low > 0 and adam_ci.high < 1,
        "Adam β1 = 0.9 not attracted": adam_momentum_ci.high <= 0.2 and adam_momentum["median_abs_w"] > 1e-3,
        "λ = 0.9, a = -2 mostly converges": large_ci.low >= 0.8,
    }
    counts = [f"{r['converged']}/{runs}" for r in rows]
    return Finding(
        Verdict.CONFIRMED if all(observed.values()) else Verdict.REFUTED,
        f"{'projected onto [-1, 1]' if project else 'without projection'} (β2 = {EXPERIMENT_BETA2}, {runs} runs × {steps} "
        f"steps), a = {tex(EXPERIMENT_A)}: AMSGrad β1 = 0 converges in {counts[0]} runs at λ = {EXPERIMENT_LR} "
        f"({amsgrad.get('lambda_prime_in_open_trap')} with λ/√c in the open trap); with momentum {counts[3]}; Adam "
        f"{counts[4]} without and {counts[5]} with momentum; λ = 0.5 / 0.9: {counts[1]} / {counts[2]}; λ = 0.9 with "
        f"a = -2: {counts[6]}; criteria failing: {', '.join(k for k, v in observed.items() if not v) or 'none'}",
        f"Clopper–Pearson at joint level {LEVEL} (Bonferroni over {len(rows)} settings)",
        {"beta2": EXPERIMENT_BETA2, "w0": "U[-1, 1]", "steps": steps, "settings": rows},
        observed=observed, expected={k: True for k in observed},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop5",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 5, proofs D.4 eqs. (94)-(109) [2021] / C.6 eqs. (85)-(100) [2022]; §6.4 [2021] / §6.2 [2022]",
        statement=r"|\hat g_t| \le 1 + a,\ v_t \le 1 + a,\ \frac{a}{a-1} \le \lambda' \le \frac{a - \sqrt{a^2-8a+8}}{2(a-1)}"
        r" \Rightarrow \text{AMSGrad} \to 0;\ a=-0.1,\ \lambda=0.2:\ \text{AMSGrad converges with or without momentum,}"
        r"\ \text{Adam with momentum is not attracted}",
        summary="AMSGrad converges to the local maximum of the two-point model; the experiment with Adam beside it",
        checks=(bounds, multipliers, closed_condition, printed_experiment),
    ),
    Claim(
        id="ziyin.prop5-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 5 with bounds 1 - a, (1 - a)², the open condition in λ' and w_t projected onto [-1, 1]",
        statement=r"|\hat g_t| \le 1 - a,\ v_t < (1-a)^2,\ \frac{a}{a-1} < \frac{\lambda}{\sqrt c} < \frac{a - \sqrt{a^2-8a+8}}{2(a-1)}"
        r" \Rightarrow \text{AMSGrad} \to 0;\ \text{with } w_t \in [-1, 1] \text{ (a=-0.1): AMSGrad} \to 0,"
        r"\ \text{Adam } (\beta_1 = 0.9) \text{ not attracted}",
        summary="projected AMSGrad converges to the local maximum; the proof with corrected bounds and open interval",
        checks=(corrected_bounds, multipliers, open_condition, projected_experiment),
        corrects="ziyin.prop5",
    ),
)
