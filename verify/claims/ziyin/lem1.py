"""Ziyin et al. Lemma 1, eq. (20) [2021] / (48) [2022]; proof eq. (23) / (51): a CLT for ln|w_t|.

With μ = E ln|1 - λx| and s² = Var ln|1 - λx|, ln|w_t/w0| is a sum of t i.i.d. terms, so
(ln|w_t/w0| - tμ)/√t → N(0, s²). The lemma prints the centring μ, not tμ: its statistic has mean
(t - 1)μ/√t, which diverges unless μ = 0 (where the two coincide in the limit).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp
from scipy.stats import norm

from numerics.multiplicative_sim import simulate
from numerics.precision import decimal, evaluate, working_precision
from theory import multiplicative, ziyin

from ...claim import Claim, Finding, Verdict, high_precision, replace, simulation
from ...display import tex
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import LEVEL, bonferroni, mean_interval
from ._two_point import t

mu = sp.Symbol("mu", real=True)

# --- the printed formula, and the proof's ---------------------------------------------------
PRINTED_CENTRING = mu  # (20)/(48): (ln|w_t/w0| - μ)/√t
CORRECTED_CENTRING = t * mu  # the proof's (23)/(51)

# --- experiment parameters --------------------------------------------------------------------
LEMMA_A, LEMMA_LR = sp.Integer(-1), sp.Rational(4, 5)  # μ = ln(13/25)/2 < 0
MEAN_TIMES = (100, 10000, 1000000)  # where the exact mean of the printed statistic is shown
SIM_TIMES = {True: (100, 400), False: (100, 400, 1600)}
SIM_RUNS = {True: 20000, False: 200000}
BERRY_ESSEEN_C = mpmath.mpf("0.4748")  # Shevtsova (2011)
CLT_STEPS = {True: 400, False: 4000}
CLT_SIM = {True: (20000, 400), False: (200000, 4000)}  # runs, steps


def log_rate(a_value, lr) -> sp.Expr:
    """μ = E ln|1 - λx| of the two-point law, exactly."""
    return sp.simplify(sp.logcombine(sp.expand_log(multiplicative.log_rate(ziyin.noise(a_value), lr), force=True),
                                     force=True))


def experiment(a_value, lr, runs: int, times, seed) -> dict:
    """t -> ln|w_t/w0| of ``runs`` runs from w0 = 1, at each t in ``times``."""
    log_w = simulate(ziyin.noise(a_value), float(lr), runs, max(times), seed, record=times).values
    return dict(zip(times, log_w))


def _statistic_mean(centring: sp.Expr, mu_value: sp.Expr) -> sp.Expr:
    """E[(ln|w_t/w0| - centring)/√t] = (tμ - centring)/√t."""
    return (t * mu - centring).subs(mu, mu_value) / sp.sqrt(t)


@high_precision("eq. (20)/(48) as printed: (ln|w_t/w0| - μ)/√t → N(0, s²)",
                falsifiers=(replace("LEMMA_LR", sp.Rational(1, 2), "λ = 1/2, where μ = 0"),
                            replace("PRINTED_CENTRING", CORRECTED_CENTRING, "centring tμ (the proof's)")))
def printed_mean(ctx):
    """A N(0, s²) limit needs the exact mean (tμ - centring)/√t to tend to 0."""
    mu_value = log_rate(LEMMA_A, LEMMA_LR)
    mean = _statistic_mean(PRINTED_CENTRING, mu_value)
    limit = sp.limit(mean, t, sp.oo)
    with working_precision(ctx.dps):
        means = {f"t = {n}": evaluate(mean.subs(t, n), ctx.dps) for n in MEAN_TIMES}
    vanishes = limit == 0
    return Finding(
        Verdict.CONFIRMED if vanishes else Verdict.REFUTED,
        f"a = {tex(LEMMA_A)}, λ = {tex(LEMMA_LR)}: μ = {decimal(evaluate(mu_value, ctx.dps), 8)}, so the printed statistic has "
        f"mean {tex(sp.factor((t * mu - PRINTED_CENTRING) / sp.sqrt(t)))} = {decimal(means[f't = {MEAN_TIMES[-1]}'], 6)} at t = {MEAN_TIMES[-1]}, "
        f"tending to {tex(limit)}: " + ("a N(0, s²) limit is possible" if vanishes else "no N(0, s²) limit"),
        "exact mean and its limit (SymPy)",
        {"a": LEMMA_A, "lambda": LEMMA_LR, "mu": mu_value, "mean_of_printed_statistic": means},
        observed={"mean": sp.factor((t * mu - PRINTED_CENTRING) / sp.sqrt(t)), "μ": mu_value, "limit": limit}, expected={"limit": 0},
    )


@simulation("the printed statistic (ln|w_t/w0| - μ)/√t drifts away from 0 in simulation",
            falsifiers=(replace("LEMMA_LR", sp.Rational(1, 2), "λ = 1/2, where μ = 0"),
                        replace("PRINTED_CENTRING", CORRECTED_CENTRING, "centring tμ (the proof's)")))
def printed_drift(ctx):
    runs, times = SIM_RUNS[ctx.quick], SIM_TIMES[ctx.quick]
    mu_value = log_rate(LEMMA_A, LEMMA_LR)
    level = bonferroni(len(times))
    rows, excludes = [], 0
    for steps, log_w in experiment(LEMMA_A, LEMMA_LR, runs, times, ctx.seed).items():
        centring = float(PRINTED_CENTRING.subs({mu: mu_value, t: steps}))
        ci = mean_interval((log_w - centring) / np.sqrt(steps), level)
        excludes += 0.0 not in ci
        rows.append({"t": steps, "mean_ci": ci.describe(), "sample_mean": (ci.low + ci.high) / 2,
                     "exact_mean": float(_statistic_mean(PRINTED_CENTRING, mu_value).subs(t, steps))})
    means = ", ".join(f"{row['sample_mean']:.4g}" for row in rows)
    verdict = (Verdict.REFUTED if excludes == len(times) else Verdict.CONFIRMED if excludes == 0
               else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"a = {tex(LEMMA_A)}, λ = {tex(LEMMA_LR)}, {runs} runs: sample means of the printed statistic "
        f"{means} at t = {', '.join(str(s) for s in times)}; "
        f"the interval excludes 0 at {excludes} of {len(times)} times"
        + ("" if verdict is not Verdict.INCONCLUSIVE else " (mixed: the drift is not decided at these t)"),
        f"Student-t interval at joint level {LEVEL} (Bonferroni over {len(times)} times)",
        {"points": rows},
        observed={f"t = {r['t']}": r["sample_mean"] for r in rows}, expected={f"t = {r['t']}": 0.0 for r in rows},
    )


def _logs(dps: int):
    law = ziyin.noise(LEMMA_A)
    return [mpmath.log(abs(evaluate(multiplicative.update_factor(v, LEMMA_LR), dps))) for v in law.values]


@high_precision("(ln|w_t/w0| - tμ)/√t is within the Berry–Esseen bound of N(0, s²)",
                falsifiers=(replace("CORRECTED_CENTRING", PRINTED_CENTRING, "centring μ (as printed)"),))
def berry_esseen(ctx):
    """Kolmogorov distance between the exact (binomial) law and N(0, s²) ≤ C ρ/(s³√t), ρ/s³ = 1 for two atoms."""
    n, dps = CLT_STEPS[ctx.quick], min(ctx.dps, 30)
    with working_precision(dps):
        logs = _logs(dps)
        mu_value = mpmath.fsum(logs) / 2
        s = abs(logs[0] - logs[1]) / 2
        centring = evaluate(CORRECTED_CENTRING.subs({mu: sp.Float(mu_value, dps), t: n}), dps)
        bound = BERRY_ESSEEN_C / mpmath.sqrt(n)
        small, large = sorted(logs)
        pmf = [mpmath.binomial(n, k) / mpmath.mpf(2) ** n for k in range(n + 1)]
        distance, cdf_after = mpmath.mpf(0), mpmath.mpf(1)
        for k in range(n + 1):  # z_k decreases in k; F(z_k) = P(K ≥ k)
            z = (k * small + (n - k) * large - centring) / (s * mpmath.sqrt(n))
            strictly_below = cdf_after - pmf[k]
            phi = mpmath.ncdf(z)
            distance = max(distance, abs(phi - cdf_after), abs(phi - strictly_below))
            cdf_after = strictly_below
    return Finding(
        Verdict.CONFIRMED if distance <= bound else Verdict.REFUTED,
        f"a = {tex(LEMMA_A)}, λ = {tex(LEMMA_LR)}, t = {n}: sup|F_t - Φ| = {mpmath.nstr(distance, 4)} "
        f"{'≤' if distance <= bound else '>'} Berry–Esseen {mpmath.nstr(bound, 4)}",
        f"Berry–Esseen bound with C = {BERRY_ESSEEN_C} (Shevtsova 2011)",
        {"a": LEMMA_A, "lambda": LEMMA_LR, "t": n, "kolmogorov_distance": distance, "berry_esseen": bound},
        observed=distance, expected=f"≤ {mpmath.nstr(bound, 6)}",
    )


@simulation("standardised ln|w_t| of simulated runs is close to N(0, s²) (DKW band + Berry–Esseen)",
            falsifiers=(replace("CORRECTED_CENTRING", PRINTED_CENTRING, "centring μ (as printed)"),))
def clt_simulation(ctx):
    runs, steps = CLT_SIM[ctx.quick]
    log_w = experiment(LEMMA_A, LEMMA_LR, runs, (steps,), ctx.seed)[steps]
    mu_value = log_rate(LEMMA_A, LEMMA_LR)
    s = float(evaluate(sp.sqrt(multiplicative.log_variance(ziyin.noise(LEMMA_A), LEMMA_LR)), 20))
    centring = float(CORRECTED_CENTRING.subs({mu: mu_value, t: steps}))
    z = np.sort((log_w - centring) / (s * np.sqrt(steps)))
    phi = norm.cdf(z)
    distance = float(max(np.max(np.abs(np.arange(1, runs + 1) / runs - phi)), np.max(np.abs(np.arange(runs) / runs - phi))))
    dkw = float(np.sqrt(np.log(2 / (1 - LEVEL)) / (2 * runs)))
    berry = float(BERRY_ESSEEN_C) / np.sqrt(steps)
    ok = distance <= dkw + berry
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{runs} runs, t = {steps}: sup|F̂ - Φ| = {distance:.4g} {'≤' if ok else '>'} DKW {dkw:.3g} + "
        f"Berry–Esseen {berry:.3g}",
        f"DKW band at level {LEVEL} plus the Berry–Esseen bound",
        {"runs": runs, "t": steps, "distance": distance, "dkw": dkw, "berry_esseen": berry},
        observed=distance, expected=f"≤ {dkw + berry:.4g}",
    )


CLAIMS = (
    Claim(
        id="ziyin.lem1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Lemma 1, eq. (20) [2021] / (48) [2022]; proof eq. (23) / (51)",
        statement=r"\frac{1}{\sqrt t}\left(\ln|w_t/w_0| - \mu\right) \to_d \mathcal N(0, s^2),\ "
        r"\mu = \mathbb E \ln|1-\lambda x|,\ s^2 = \mathrm{Var} \ln|1-\lambda x|",
        summary="CLT for ln|w_t| (as printed, the centring lacks the factor t)",
        checks=(printed_mean, printed_drift),
    ),
    Claim(
        id="ziyin.lem1-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Lemma 1 with the centring of the proof's eq. (23) / (51)",
        statement=r"\frac{1}{\sqrt t}\left(\ln|w_t/w_0| - t\mu\right) \to_d \mathcal N(0, s^2)",
        summary="CLT for ln|w_t| with centring tμ",
        checks=(berry_esseen, clt_simulation),
        corrects="ziyin.lem1",
    ),
)
