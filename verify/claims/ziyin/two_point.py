"""Ziyin et al. (2021, 2022): the two-point construction — Prop. 1, Lemma 1, Prop. 2, Cor. 1, Prop. 3.

Each version's statement is checked against its own text; the printed formulas are transcribed
here (and only here) as SymPy expressions and compared with what theory/ derives from the model.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from numerics import exact_law, trapset
from numerics.multiplicative_sim import simulate
from numerics.precision import decimal, evaluate, working_precision
from theory import multiplicative, ziyin
from theory.multiplicative import lam
from theory.noise import FiniteNoise, UniformNoise

from ...claim import Claim, Finding, Verdict, high_precision, simulation, symbolic
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval, relative_gap
from ...symbolic import is_zero

a, eps, t, w0 = ziyin.a, ziyin.eps, ziyin.t, ziyin.w0
HALF = sp.Rational(1, 2)

# --- the papers' printed formulas (transcriptions; everything else is derived) --------------
PRINTED_LOWER = a / (a - 1)  # 2021 eq. (8), 2022 eq. (5)
PRINTED_UPPER = (a - sp.sqrt(a**2 - 8 * a + 8)) / (2 * (a - 1))
PRINTED_LAM_STAR = a / (2 * (a - 1))  # 2021 eq. (83), 2022 eq. (74)
PRINTED_GAMMA_STAR = sp.log((2 - a) / (2 * sp.sqrt(1 - a)))  # Prop. 3, both versions
PRINTED_EPS_BOUND = 2 * sp.Abs(-sp.exp(eps) * sp.sqrt(sp.exp(2 * eps) - 1) - sp.exp(2 * eps) + 1)  # (85)/(76)
PRINTED_MEAN_2021 = (1 - a / 2) ** t * w0  # eq. (6), right-hand side
PRINTED_MEAN_STEP_2021 = a  # eq. (6), middle: E[w_t] = a E[w_{t-1}]
PRINTED_SECOND_2021 = w0**2 * sp.exp(2 * t * sp.log((2 - a) / 2))  # eq. (7), last expression
PRINTED_SECOND_2021_MIDDLE = 2**-t * (2 - a) ** (2 * t) * w0**2  # eq. (7), middle expression
PRINTED_ZERO_PROB_2021 = 1 / (1 - 2**-t)  # "w_t = 0 with probability 1/(1 - 2^-t)" (§4, before (7))
PRINTED_ZERO_PROB_2022 = 1 - 2**-t  # §4, after eq. (4)

SAMPLE_A = (sp.Integer(-3), sp.Integer(-1), sp.Rational(-1, 10), sp.Rational(-7, 2), sp.Integer(-100))


def _same_log(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """ln X = ln Y for positive X, Y, decided on exp(2·): rational functions of a compare exactly."""
    return is_zero(sp.cancel(sp.expand_log(sp.exp(2 * lhs), force=True) - sp.expand_log(sp.exp(2 * rhs), force=True)))


# --- Cor. 1 / Prop. 2 (2021) -----------------------------------------------------------------


@symbolic("derived trap interval equals eq. (5) (open interval), a < 0", version="ziyin2022")
def _cor1_symbolic_2022(ctx):
    derived = ziyin.trap_interval()
    same = is_zero(derived.lower - PRINTED_LOWER) and is_zero(derived.upper - PRINTED_UPPER)
    endpoints_zero = [
        is_zero(multiplicative.trap_polynomial(ziyin.noise()).poly.as_expr().subs(lam, e) ** 2 - 1)
        for e in (derived.lower, derived.upper)
    ]
    verdict = Verdict.PROVED if same and all(endpoints_zero) else Verdict.REFUTED
    return Finding(
        verdict,
        "solving P(λ) = ±1 for P = (1-λ)(1-λ(a-1)) gives exactly the printed open interval; μ = 0 at both ends",
        "exact (SymPy simplification to 0)",
        {"derived_lower": str(derived.lower), "derived_upper": str(derived.upper), "matches_printed": same},
    )


@symbolic("eq. (8) includes its endpoints, where μ = 0 and w_t does not converge", version="ziyin2021")
def _cor1_closed_2021(ctx):
    """At λ = a/(a-1) the factors are ½ and 2 (a = -1): ln|w_t| is a driftless walk, P(|w_t| > ε) → ½."""
    a_value, lr = sp.Integer(-1), PRINTED_LOWER.subs(a, -1)
    law = ziyin.noise(a_value)
    mu = sp.simplify(multiplicative.log_rate(law, lr))
    times = (10, 100, 1000) if ctx.quick else (10, 100, 1000, 10000)
    probs = {
        f"t={n}": exact_law.escape_probability(
            exact_law.EscapeQuestion(law, lr, n, sp.Rational(1, 1000)), ctx.dps
        )
        for n in times
    }
    return Finding(
        Verdict.REFUTED if mu == 0 and min(probs.values()) > 0.4 else Verdict.INCONCLUSIVE,
        f"at the printed endpoint a = -1, λ = 1/2 one has μ = {mu}; the exact law gives "
        f"P(|w_t| > 1e-3) = {decimal(probs[f't={times[-1]}'], 6)} at t = {times[-1]}, tending to 1/2, not 0",
        "exact (multinomial law of the draws, no simulation)",
        {"a": "-1", "lambda": "1/2", "w0": "1", "eps": "1/1000", "mu": str(mu), "escape_probability": probs},
    )


@high_precision("certified trap set of p(x) equals the closed form at sample a", version="ziyin2022")
def _cor1_high_precision(ctx):
    worst_gap, worst_root, rows = mpmath.mpf(0), mpmath.mpf(0), {}
    for a_value in SAMPLE_A:
        law = ziyin.noise(a_value)
        result = trapset.trap_set(law, ctx.dps)
        lower = evaluate(PRINTED_LOWER.subs(a, a_value), ctx.dps)
        upper = evaluate(PRINTED_UPPER.subs(a, a_value), ctx.dps)
        if len(result.intervals) != 1:
            return Finding(Verdict.REFUTED, f"a = {a_value}: trap set has {len(result.intervals)} pieces", "exact", {})
        low, high = result.intervals[0]
        with working_precision(ctx.dps):
            worst_gap = max(worst_gap, relative_gap(low, lower), relative_gap(high, upper))
        worst_root = max(worst_root, trapset.cross_check(law, result))
        rows[str(a_value)] = [decimal(low, ctx.dps), decimal(high, ctx.dps)]
    tolerance = mpmath.mpf(10) ** (-(ctx.dps - 5))
    ok = worst_gap <= tolerance and worst_root <= tolerance
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"exact root isolation of P(λ) = ±1 and mpmath root-finding on μ agree with the closed form "
        f"(largest relative gaps {mpmath.nstr(worst_gap, 3)}, {mpmath.nstr(worst_root, 3)})",
        f"relative gap ≤ 1e-{ctx.dps - 5} at {ctx.dps} digits",
        {"intervals": rows},
    )


def _escape_counts(law, lr, runs, steps, eps_value, seed):
    log_w = simulate(law, float(lr), runs, steps, seed).values[0]
    return int(np.count_nonzero(log_w > np.log(float(eps_value)))), runs


@simulation("phase of each (a, λ) grid point against the printed boundary", version="ziyin2022")
def _cor1_simulation(ctx):
    """Simulated escape fractions at time T agree with the exact finite-T law (Wilson CI), and the
    majority phase matches the printed interval at grid points with |μ| ≥ 0.05."""
    runs, steps = (400, 400) if ctx.quick else (4000, 2000)
    eps_value = sp.Rational(1, 1000)
    seeds = iter(ctx.seed.spawn(64))
    rows, disagreements, outside = [], 0, 0
    level = bonferroni(28)  # Bonferroni over the grid
    for a_value in (sp.Integer(-2), sp.Integer(-1), sp.Rational(-1, 2), sp.Rational(-1, 5)):
        law = ziyin.noise(a_value)
        for lr in (sp.Rational(1, 10), sp.Rational(3, 10), sp.Rational(6, 10), sp.Rational(9, 10), sp.Rational(6, 5), sp.Rational(3, 2), sp.Integer(2)):
            mu = evaluate(multiplicative.log_rate(law, lr), 30)
            if abs(mu) < 0.05:
                continue
            k, n = _escape_counts(law, lr, runs, steps, eps_value, next(seeds))
            exact = exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, steps, eps_value), 30)
            ci = proportion_interval(k, n, level)
            inside = bool(PRINTED_LOWER.subs(a, a_value) < lr < PRINTED_UPPER.subs(a, a_value))
            if inside != (k / n < 0.5):
                disagreements += 1
            if float(exact) not in ci:
                outside += 1
            rows.append({"a": str(a_value), "lambda": str(lr), "escaped": k, "runs": n,
                         "exact_probability": decimal(exact, 8), "printed_trapped": inside, "ci": ci.describe()})
    ok = disagreements == 0 and outside == 0
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{len(rows)} grid points, {runs} runs × {steps} steps each: {disagreements} phase disagreements with "
        f"eq. (5), {outside} exact probabilities outside their interval",
        f"Wilson interval at joint level {LEVEL} (Bonferroni over the grid); phase = majority of runs",
        {"points": rows, "eps": "1/1000", "w0": "1"},
    )


# --- Prop. 3 ----------------------------------------------------------------------------------


@symbolic("λ* and γ* derived from dμ/dλ = 0 equal the printed values (λ ≤ 1)", version="ziyin2022")
def _prop3_symbolic(ctx):
    optimum = ziyin.optimal_escape()
    lam_ok = is_zero(optimum.lam_star - PRINTED_LAM_STAR)
    gamma_ok = _same_log(optimum.gamma_star, PRINTED_GAMMA_STAR)
    concave = sp.simplify(optimum.curvature).is_negative is not False and bool(
        optimum.curvature.subs({a: -1, lam: HALF}) < 0
    )
    return Finding(
        Verdict.PROVED if lam_ok and gamma_ok and concave else Verdict.REFUTED,
        f"λ* = {optimum.lam_star}, γ* = ½ ln((2-a)²/(4(1-a))) = printed; μ'' = {optimum.curvature} < 0 on (0, 1) "
        "(μ is concave, not convex as the proof says, so λ* is the maximum)",
        "exact",
        {"lam_star": str(optimum.lam_star), "gamma_star": str(optimum.gamma_star), "curvature": str(optimum.curvature)},
    )


def _epsilon_substitution():
    """e^ε = √(1 + s²) with s > 0 makes every square root in the ε-bound explicit."""
    s = sp.Symbol("s", positive=True)
    return s, {eps: sp.log(sp.sqrt(1 + s**2))}


@symbolic("the ε-condition: γ* < ε if |a| ≤ 2|…| — fails at equality", version="ziyin2022")
def _prop3_epsilon(ctx):
    bound = ziyin.epsilon_bound()
    s, sub = _epsilon_substitution()
    same = is_zero(sp.simplify((bound - PRINTED_EPS_BOUND).subs(sub)))
    # γ* at |a| = bound, written through e^{2γ*} = (2 - a)²/(4(1 - a)):
    growth = sp.cancel(((2 - a) ** 2 / (4 * (1 - a))).subs(a, -bound.subs(sub)) - (1 + s**2))
    at_equality = is_zero(sp.radsimp(growth))
    example = sp.log(2 / sp.sqrt(3))  # ε with bound exactly 2
    return Finding(
        Verdict.REFUTED if same and at_equality else Verdict.INCONCLUSIVE,
        "the derived bound equals the printed one, but at |a| equal to it γ* = ε exactly, so 'γ* < ε if "
        "|a| ≤ bound' fails at equality (e.g. ε = ln(2/√3): bound = 2, a = -2 gives γ* = ε); "
        "correct: γ* < ε iff |a| < bound",
        "exact",
        {"derived_bound": str(bound), "counterexample": {"epsilon": str(example), "a": "-2",
                                                            "gamma_star": str(sp.simplify(PRINTED_GAMMA_STAR.subs(a, -2)))}},
    )


@symbolic("γ* < ε ⇔ |a| < bound: γ* increases with |a| and equals ε at the bound")
def _prop3_equivalence(ctx):
    """With u = √(1 - a) ≥ 1, e^{γ*} = (1 + u²)/(2u), increasing for u > 1; at |a| = bound it is e^ε."""
    u = sp.Symbol("u", positive=True)
    growth = sp.exp(PRINTED_GAMMA_STAR).subs(a, 1 - u**2)
    slope = sp.factor(sp.diff(sp.simplify(growth), u))
    increasing = bool(sp.solve(sp.numer(slope), u) == [1]) and bool(slope.subs(u, 2) > 0)
    s, sub = _epsilon_substitution()
    at_bound = sp.radsimp(sp.cancel(((2 - a) ** 2 / (4 * (1 - a))).subs(a, -ziyin.epsilon_bound().subs(sub)) - (1 + s**2)))
    ok = increasing and is_zero(at_bound)
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"d/du[(1+u²)/(2u)] = {slope} > 0 for u > 1, and e^(2γ*) = e^(2ε) at a = -bound: so γ* < ε exactly when |a| < bound",
        "exact",
        {"slope_in_u": str(slope)},
    )


@symbolic("γ* is the supremum of γ(λ) over all λ > 0 (no λ ≤ 1 in the statement)", version="ziyin2021")
def _prop3_unrestricted_2021(ctx):
    """2021's Prop. 3 has no λ ≤ 1 (only Theorem 2 assumes it): for λ > 1 the rate is unbounded."""
    lr = sp.Integer(3)
    gamma = sp.simplify(multiplicative.log_rate(ziyin.noise(sp.Integer(-1)), lr))
    star = PRINTED_GAMMA_STAR.subs(a, -1)
    limit = sp.limit(multiplicative.log_rate(ziyin.noise(sp.Integer(-1)), lam), lam, sp.oo)
    exceeds = bool(gamma > star)
    return Finding(
        Verdict.REFUTED if exceeds and limit is sp.oo else Verdict.INCONCLUSIVE,
        f"a = -1: γ(3) = {gamma} ≈ {sp.N(gamma, 6)} > γ* = {sp.N(star, 6)}, and γ(λ) → ∞ as λ → ∞; "
        "the formula holds only for λ ≤ 1 (as 2022's statement says)",
        "exact",
        {"a": "-1", "lambda": "3", "gamma": str(gamma), "gamma_star": str(star), "limit": str(limit)},
    )


@high_precision("numerical maximisation of μ on (0, 1) reproduces λ*, γ*", version="ziyin2022")
def _prop3_high_precision(ctx):
    worst, rows = mpmath.mpf(0), {}
    for a_value in SAMPLE_A:
        law = ziyin.noise(a_value)
        with working_precision(ctx.dps):
            atoms = [(evaluate(v, ctx.dps), evaluate(p, ctx.dps)) for v, p in law.atoms]

            def mu(y):
                return mpmath.fsum(p * mpmath.log(abs(1 - y * v)) for v, p in atoms)

            # dμ/dλ > 0 at 0+ (it is -E[x] > 0) and → -∞ at 1-: bracket the stationary point
            tiny = mpmath.mpf(10) ** -8
            lam_num = mpmath.findroot(lambda y: mpmath.diff(mu, y), (tiny, 1 - tiny), solver="anderson")
            gamma_num = mu(lam_num)
            lam_exact = evaluate(PRINTED_LAM_STAR.subs(a, a_value), ctx.dps)
            gamma_exact = evaluate(PRINTED_GAMMA_STAR.subs(a, a_value), ctx.dps)
            worst = max(worst, relative_gap(lam_num, lam_exact), relative_gap(gamma_num, gamma_exact))
        rows[str(a_value)] = {"lambda_star": decimal(lam_num, ctx.dps), "gamma_star": decimal(gamma_num, ctx.dps)}
    ok = worst <= mpmath.mpf(10) ** (-(ctx.dps - 10))
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"root of dμ/dλ by mpmath (numerical differentiation) agrees with the printed λ*, γ* (largest gap {mpmath.nstr(worst, 3)})",
        f"relative gap ≤ 1e-{ctx.dps - 10}",
        rows,
    )


@simulation("finite-time escape-rate estimate (eq. (9)) matches γ(λ) over λ", version="ziyin2021")
def _prop3_simulation(ctx):
    """(1/τ) E ln|w_τ/w_0| from 2000 runs (Fig. 2 right, A.2): Student-t interval contains μ(λ)."""
    runs, tau = (2000, 50) if ctx.quick else (20000, 100)
    seeds = iter(ctx.seed.spawn(32))
    rows, misses, count = [], 0, 0
    grid = [sp.Rational(k, 10) for k in range(1, 10)]
    level = bonferroni(len(grid) * 2)
    for a_value in (sp.Integer(-1), sp.Rational(-1, 4)):
        law = ziyin.noise(a_value)
        for lr in grid:
            rates = simulate(law, float(lr), runs, tau, next(seeds)).values[0] / tau
            ci = mean_interval(rates, level)
            mu = float(evaluate(multiplicative.log_rate(law, lr), 20))
            misses += mu not in ci
            count += 1
            rows.append({"a": str(a_value), "lambda": str(lr), "gamma": repr(mu), "ci": ci.describe()})
    best = max(rows, key=lambda r: float(r["gamma"]) if r["a"] == "-1" else -1e9)
    return Finding(
        Verdict.CONFIRMED if misses == 0 else Verdict.REFUTED,
        f"{count - misses}/{count} intervals of the estimate at τ = {tau} contain γ(λ); for a = -1 the best grid λ is "
        f"{best['lambda']} (λ* = 1/4)",
        f"Student-t interval at joint level {LEVEL} (Bonferroni), {runs} runs",
        {"points": rows},
    )


# --- Prop. 1 ----------------------------------------------------------------------------------


@symbolic("λ = 1: w_t = 0 w.p. 1 - 2^-t, E[w_t] = (1 - a/2)^t w0, E[w_t²] = ((2-a)²/2)^t w0²", version="ziyin2022")
def _prop1_symbolic_2022(ctx):
    moments = ziyin.unit_rate_moments()
    zero_ok = is_zero(1 - moments.prob_nonzero - PRINTED_ZERO_PROB_2022)
    mean_ok = is_zero(moments.mean - PRINTED_MEAN_2021)
    grows = bool(sp.simplify(1 - a / 2 - 1).is_positive) and bool(((2 - a) ** 2 / 2 - 1).subs(a, 0) > 0)
    return Finding(
        Verdict.PROVED if zero_ok and mean_ok and grows else Verdict.REFUTED,
        f"factors {moments.factors}; P(w_t ≠ 0) = {moments.prob_nonzero} → 0 while E[w_t] = {moments.mean} and "
        f"E[w_t²] = {moments.second_moment} grow exponentially for a < 0",
        "exact",
        {"prob_nonzero": str(moments.prob_nonzero), "mean": str(moments.mean), "second_moment": str(moments.second_moment)},
    )


@symbolic("eqs. (6)-(7) and the zero probability as printed in 2021", version="ziyin2021")
def _prop1_printed_2021(ctx):
    moments = ziyin.unit_rate_moments()
    step_factor = multiplicative.moment_factor(ziyin.noise(), 1, 1)
    step_ok = is_zero(step_factor - PRINTED_MEAN_STEP_2021)
    middle_ok = is_zero(moments.second_moment - PRINTED_SECOND_2021_MIDDLE)
    last_ok = is_zero(sp.simplify(moments.second_moment - PRINTED_SECOND_2021))
    zero_ok = is_zero(1 - moments.prob_nonzero - PRINTED_ZERO_PROB_2021)
    at = {a: -1, t: 1, w0: 1}
    return Finding(
        Verdict.REFUTED if not (last_ok and zero_ok and step_ok) else Verdict.PROVED,
        f"eq. (6): E[w_t] = ({step_factor})·E[w_(t-1)], not a·E[w_(t-1)] (its outer expressions are right); "
        "E[w_t²] = 2^-t (2-a)^{2t} w0² is right, but its printed exponential form w0² e^{2t ln((2-a)/2)} is not "
        f"(a = -1, t = 1: {moments.second_moment.subs(at)} vs {PRINTED_SECOND_2021.subs(at)}; correct: "
        "e^{2t ln((2-a)/√2)}); 'w_t = 0 with probability 1/(1 - 2^-t)' exceeds 1 (correct: 1 - 2^-t)",
        "exact",
        {"mean_step_factor": str(step_factor), "mean_step_factor_correct": step_ok,
         "middle_expression_correct": middle_ok, "exponential_form_correct": last_ok,
         "zero_probability_correct": zero_ok,
         "counterexample": {"a": "-1", "t": "1", "w0": "1", "true": str(moments.second_moment.subs(at)),
                            "printed": str(PRINTED_SECOND_2021.subs(at))}},
    )


@high_precision("λ = 1: exact law of the draws gives P(w_t ≠ 0) = 2^-t and the moments, a = -1, -7/2")
def _prop1_exact(ctx):
    """Enumerating the 2^t draw sequences (t ≤ 12) reproduces the closed forms exactly."""
    moments = ziyin.unit_rate_moments()
    rows, ok = {}, True
    for a_value in (sp.Integer(-1), sp.Rational(-7, 2)):
        law = ziyin.noise(a_value)
        factors = [multiplicative.update_factor(v, 1) for v in law.values]
        for steps in (1, 5, 12):
            sequences = [sp.Mul(*(factors[i] for i in seq)) for seq in np.ndindex(*(2,) * steps)]
            weight = HALF**steps
            nonzero = sum(weight for f in sequences if f != 0)
            mean = sum(weight * f for f in sequences)
            second = sum(weight * f**2 for f in sequences)
            expected = {k: v.subs({a: a_value, t: steps, w0: 1}) for k, v in
                        (("nonzero", moments.prob_nonzero), ("mean", moments.mean), ("second", moments.second_moment))}
            ok &= nonzero == expected["nonzero"] and mean == expected["mean"] and second == expected["second"]
            rows[f"a={a_value}, t={steps}"] = {"P(w_t != 0)": str(nonzero), "E[w_t]": str(mean), "E[w_t^2]": str(second)}
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "exhaustive enumeration of every draw sequence agrees exactly with the derived P(w_t ≠ 0), E[w_t], E[w_t²]",
        "exact rational arithmetic",
        rows,
    )


@simulation("λ = 1, a = -1: the fraction of runs with w_t ≠ 0 is 2^-t", version="ziyin2022")
def _prop1_simulation(ctx):
    runs = 20000 if ctx.quick else 200000
    law = ziyin.noise(sp.Integer(-1))
    log_w = simulate(law, 1.0, runs, 12, ctx.seed, record=(1, 2, 4, 8, 12)).values
    rows, misses = [], 0
    level = bonferroni(5)
    for step, row in zip((1, 2, 4, 8, 12), log_w):
        k = int(np.count_nonzero(np.isfinite(row)))
        ci = proportion_interval(k, runs, level, method="exact")
        misses += 2.0**-step not in ci
        rows.append({"t": step, "nonzero": k, "runs": runs, "ci": ci.describe()})
    return Finding(
        Verdict.CONFIRMED if misses == 0 else Verdict.REFUTED,
        f"the surviving fraction matches 2^-t at t = 1…12 ({misses} misses)",
        f"Clopper–Pearson interval at joint level {LEVEL}",
        {"points": rows},
    )


# --- Lemma 1 and Prop. 2 (2022) ---------------------------------------------------------------

LEMMA_A, LEMMA_LR = sp.Integer(-1), sp.Rational(4, 5)


@high_precision("eq. (20)/(48) as printed: (ln|w_t/w0| - μ)/√t → N(0, s²)")
def _lem1_printed(ctx):
    """Its exact mean is (t - 1)μ/√t, which diverges whenever μ ≠ 0."""
    law = ziyin.noise(LEMMA_A)
    mu = evaluate(multiplicative.log_rate(law, LEMMA_LR), ctx.dps)
    with working_precision(ctx.dps):
        means = {f"t={n}": (n - 1) * mu / mpmath.sqrt(n) for n in (100, 10000, 1000000)}
    return Finding(
        Verdict.REFUTED,
        f"a = -1, λ = 4/5: μ = {decimal(mu, 8)}, so the printed statistic has mean (t-1)μ/√t = "
        f"{decimal(means['t=1000000'], 6)} at t = 10^6 — no normal limit; eq. (23) of the proof has tμ",
        "exact mean",
        {"a": "-1", "lambda": "4/5", "mu": mu, "mean_of_printed_statistic": means},
    )


@simulation("the printed statistic (ln|w_t/w0| - μ)/√t drifts away from 0 in simulation")
def _lem1_printed_simulation(ctx):
    law = ziyin.noise(LEMMA_A)
    runs, times = (20000, (100, 400)) if ctx.quick else (200000, (100, 400, 1600))
    log_w = simulate(law, float(LEMMA_LR), runs, times[-1], ctx.seed, record=times).values
    mu = float(evaluate(multiplicative.log_rate(law, LEMMA_LR), 20))
    level = bonferroni(len(times))
    rows, excludes, follows = [], 0, 0
    for steps, row in zip(times, log_w):
        ci = mean_interval((row - mu) / np.sqrt(steps), level)
        predicted = (steps - 1) * mu / np.sqrt(steps)
        excludes += 0.0 not in ci
        follows += predicted in ci
        rows.append({"t": steps, "mean_ci": ci.describe(), "predicted_mean": repr(predicted)})
    return Finding(
        Verdict.REFUTED if excludes == len(times) else Verdict.INCONCLUSIVE,
        f"a = -1, λ = 4/5, {runs} runs: the sample mean of the printed statistic excludes 0 at all {len(times)} times "
        f"and its interval contains (t - 1)μ/√t at {follows} of them, so it has no N(0, s²) limit",
        f"Student-t interval at joint level {LEVEL}",
        {"points": rows},
    )


@high_precision("(ln|w_t/w0| - tμ)/√t is within the Berry–Esseen bound of N(0, s²)")
def _lem1_corrected_exact(ctx):
    """Kolmogorov distance between the exact (binomial) law and N(0, s²) ≤ 0.4748 ρ/(s³√t)."""
    law = ziyin.noise(LEMMA_A)
    n = 400 if ctx.quick else 4000
    dps = min(ctx.dps, 30)
    with working_precision(dps):
        logs = [mpmath.log(abs(evaluate(multiplicative.update_factor(v, LEMMA_LR), dps))) for v in law.values]
        mu = mpmath.fsum(logs) / 2
        s = abs(logs[0] - logs[1]) / 2
        bound = mpmath.mpf("0.4748") / mpmath.sqrt(n)  # ρ/s³ = 1: |X - μ| = s for a two-point X
        # the standardised sum takes value z_k when k draws are of the atom with the smaller log
        small, large = sorted(logs)
        pmf = [mpmath.binomial(n, k) / mpmath.mpf(2) ** n for k in range(n + 1)]
        distance, cdf_after = mpmath.mpf(0), mpmath.mpf(1)
        for k in range(n + 1):  # z_k decreases in k; F(z_k) = P(K ≥ k)
            z = (k * small + (n - k) * large - n * mu) / (s * mpmath.sqrt(n))
            at_or_below = cdf_after
            strictly_below = cdf_after - pmf[k]
            phi = mpmath.ncdf(z)
            distance = max(distance, abs(phi - at_or_below), abs(phi - strictly_below))
            cdf_after = strictly_below
    return Finding(
        Verdict.CONFIRMED if distance <= bound else Verdict.REFUTED,
        f"a = -1, λ = 4/5, t = {n}: sup|F_t - Φ| = {mpmath.nstr(distance, 4)} ≤ Berry–Esseen {mpmath.nstr(bound, 4)}",
        "Berry–Esseen bound with C = 0.4748 (Shevtsova 2011)",
        {"a": "-1", "lambda": "4/5", "t": n, "kolmogorov_distance": distance, "berry_esseen": bound},
    )


@simulation("standardised ln|w_t| of simulated runs is close to N(0, s²) (DKW band + Berry–Esseen)")
def _lem1_simulation(ctx):
    law = ziyin.noise(LEMMA_A)
    runs, steps = (20000, 400) if ctx.quick else (200000, 4000)
    log_w = simulate(law, float(LEMMA_LR), runs, steps, ctx.seed).values[0]
    mu = float(evaluate(multiplicative.log_rate(law, LEMMA_LR), 20))
    s = float(evaluate(sp.sqrt(multiplicative.log_variance(law, LEMMA_LR)), 20))
    z = np.sort((log_w - steps * mu) / (s * np.sqrt(steps)))
    from scipy.stats import norm

    ecdf_hi = np.arange(1, runs + 1) / runs
    ecdf_lo = np.arange(0, runs) / runs
    phi = norm.cdf(z)
    distance = float(max(np.max(np.abs(ecdf_hi - phi)), np.max(np.abs(ecdf_lo - phi))))
    dkw = float(np.sqrt(np.log(2 / (1 - LEVEL)) / (2 * runs)))
    berry = 0.4748 / np.sqrt(steps)
    return Finding(
        Verdict.CONFIRMED if distance <= dkw + berry else Verdict.REFUTED,
        f"{runs} runs, t = {steps}: sup|F̂ - Φ| = {distance:.4g} ≤ DKW {dkw:.3g} + Berry–Esseen {berry:.3g}",
        f"DKW band at level {LEVEL} plus the Berry–Esseen bound",
        {"runs": runs, "t": steps, "distance": distance, "dkw": dkw, "berry_esseen": berry},
    )


@high_precision("μ < 0 ⇒ P(|w_t| > ε) → 0: exact law for discrete noise with μ < 0", version="ziyin2022")
def _prop2_exact(ctx):
    """Three laws with μ < 0 (two- and three-atom, one with E[x] > 0): the exact escape
    probability decreases to 0 along t."""
    laws = {
        "two-point a=-1, λ=4/5": (ziyin.noise(sp.Integer(-1)), sp.Rational(4, 5)),
        "x∈{1,-2,3} w.p. 1/3, λ=1/2": (FiniteNoise.of([1, -2, 3], [sp.Rational(1, 3)] * 3), HALF),
        "x∈{1/2,-1,2} w.p. (1/2,1/4,1/4), λ=7/10": (
            FiniteNoise.of([HALF, -1, 2], [HALF, sp.Rational(1, 4), sp.Rational(1, 4)]), sp.Rational(7, 10)),
    }
    times = (10, 100, 400) if ctx.quick else (10, 100, 1000, 3000)
    rows, ok = {}, True
    for name, (law, lr) in laws.items():
        mu = evaluate(multiplicative.log_rate(law, lr), ctx.dps)
        probs = [exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, n, sp.Rational(1, 100)), ctx.dps) for n in times]
        ok &= bool(mu < 0) and probs[-1] < probs[0] and probs[-1] < 0.05
        rows[name] = {"mu": mu, **{f"t={n}": p for n, p in zip(times, probs)}}
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "for every law with μ < 0, the exact P(|w_t| > 1/100) falls towards 0 along t",
        "exact probabilities; the limit is judged by the trend and P < 0.05 at the last t",
        rows,
    )


@simulation("continuous noise with μ < 0 (uniform): the escaped fraction vanishes", version="ziyin2022")
def _prop2_simulation(ctx):
    law = UniformNoise(sp.Integer(-1), sp.Integer(2))
    lr = sp.Rational(3, 2)
    mu = trapset.log_rate(law, lr, 30)
    runs, steps = (5000, 300) if ctx.quick else (50000, 2000)
    log_w = simulate(law, float(lr), runs, steps, ctx.seed).values[0]
    k = int(np.count_nonzero(log_w > np.log(1e-2)))
    ci = proportion_interval(k, runs, method="exact")
    clt = mpmath.ncdf((mpmath.log(mpmath.mpf("0.01")) - steps * mu) / mpmath.sqrt(steps))  # s² ≤ 1 here? reported only
    return Finding(
        Verdict.CONFIRMED if mu < 0 and ci.high < 0.05 else Verdict.REFUTED,
        f"x ~ U[-1, 2] (E[x] = 1/2), λ = 3/2: μ = {mpmath.nstr(mu, 6)} < 0 and {k}/{runs} runs have |w_T| > 1e-2 "
        f"at T = {steps} (upper bound {ci.high:.3g})",
        f"upper end of the Clopper–Pearson interval (level {LEVEL}) < 0.05",
        {"mu": mu, "escaped": k, "runs": runs, "steps": steps, "ci": ci.describe(), "normal_tail_guide": clt},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 1 and eqs. (5)–(7) [2021] / (3)–(4) [2022]",
        statement=r"\lambda = 1,\ x \in \{1, a-1\}:\ w_t \to 0 \text{ a.s., while } \mathbb{E}[w_t] = (1-\tfrac a2)^t w_0"
        r" \text{ and } \mathbb{E}[w_t^2] = 2^{-t}(2-a)^{2t} w_0^2 = w_0^2 e^{2t\ln\frac{2-a}{2}}",
        summary="at λ = 1 SGD reaches the local maximum a.s. although E[w_t], E[w_t²] grow exponentially",
        checks=(_prop1_symbolic_2022, _prop1_printed_2021, _prop1_exact, _prop1_simulation),
    ),
    Claim(
        id="ziyin.lem1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Lemma 1, eq. (20) [2021] / (48) [2022]; proof eq. (23) / (51)",
        statement=r"\frac{1}{\sqrt t}\left(\ln|w_t/w_0| - \mu\right) \to_d \mathcal N(0, s^2),\ "
        r"\mu = \mathbb E \ln|1-\lambda x|,\ s^2 = \mathrm{Var} \ln|1-\lambda x|",
        summary="CLT for ln|w_t| (as printed, the centring lacks the factor t)",
        checks=(_lem1_printed, _lem1_printed_simulation),
    ),
    Claim(
        id="ziyin.lem1-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Lemma 1 with the centring of the proof's eq. (23) / (51)",
        statement=r"\frac{1}{\sqrt t}\left(\ln|w_t/w_0| - t\mu\right) \to_d \mathcal N(0, s^2)",
        summary="CLT for ln|w_t| with centring tμ",
        checks=(_lem1_corrected_exact, _lem1_simulation),
        corrects="ziyin.lem1",
    ),
    Claim(
        id="ziyin.prop2",
        papers=(ZIYIN_2022,),
        where="Prop. 2 [2022], proof C.2 eqs. (63)–(65)",
        statement=r"\mu = \mathbb E\ln|1-\lambda x| < 0 \Rightarrow w_t \to 0 \text{ in probability}",
        summary="for any p(x), μ < 0 makes SGD converge to w = 0 in probability",
        checks=(_prop2_exact, _prop2_simulation),
    ),
    Claim(
        id="ziyin.cor1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 2 eq. (8) [2021] / Cor. 1 eq. (5) [2022]; proofs D.1 / C.3",
        statement=r"\frac{a}{a-1} \le \lambda \le \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\ [2021],\ "
        r"\frac{a}{a-1} < \lambda < \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\ [2022] \Rightarrow w_t \to 0",
        summary="the interval of λ in which SGD converges to the local maximum (closed in 2021, open in 2022)",
        checks=(_cor1_symbolic_2022, _cor1_closed_2021, _cor1_high_precision, _cor1_simulation),
    ),
    Claim(
        id="ziyin.cor1-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 2 eq. (8) [2021] with strict inequalities, as in Cor. 1 eq. (5) [2022]",
        statement=r"a < 0:\ \{\lambda > 0 : \mu(\lambda) < 0\} = \left(\frac{a}{a-1}, \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\right)",
        summary="for a < 0 the trap set is exactly the open interval",
        checks=(_cor1_symbolic_2022, _cor1_high_precision),
        corrects="ziyin.cor1",
    ),
    Claim(
        id="ziyin.prop3",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 3, proofs D.2 / C.4, eqs. (82)–(85) [2021] / (73)–(76) [2022]",
        statement=r"\gamma^* = \ln\frac{2-a}{2\sqrt{1-a}},\ \lambda^* = \frac{a}{2(a-1)},\ "
        r"\gamma^* < \epsilon \text{ if } |a| \le 2\left|-e^\epsilon\sqrt{e^{2\epsilon}-1} - e^{2\epsilon} + 1\right|",
        summary="optimal escape rate of the two-point model and the ε-condition on |a|",
        checks=(_prop3_symbolic, _prop3_epsilon, _prop3_unrestricted_2021, _prop3_high_precision, _prop3_simulation),
    ),
    Claim(
        id="ziyin.prop3-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 3 with λ ≤ 1 (as in 2022) and a strict bound",
        statement=r"a < 0,\ \lambda \le 1:\ \sup_\lambda \gamma = \ln\frac{2-a}{2\sqrt{1-a}} \text{ at } \lambda^* = \frac{a}{2(a-1)},\ "
        r"\gamma^* < \epsilon \iff |a| < 2\left(e^\epsilon\sqrt{e^{2\epsilon}-1} + e^{2\epsilon} - 1\right)",
        summary="optimal escape rate, with the ε-condition as an exact equivalence",
        checks=(_prop3_symbolic, _prop3_equivalence, _prop3_high_precision),
        corrects="ziyin.prop3",
    ),
)
