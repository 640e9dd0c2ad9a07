"""Ziyin et al. [2021] Prop. 9 and its proof, App. B.2 eqs. (35)-(41): Gaussian noise.

For every λ > 0 some Gaussian x with E[x] < 0 (so w = 0 is a local maximum of E[L̂] = E[x]w²/2) makes
SGD w_{t+1} = (1 - λx_t)w_t converge to 0 with probability 1: take x ~ N(-1/(10λ), 1/λ²), so that
1 - λx ~ N(11/10, 1) whatever λ, and μ = E ln|1 - λx| < 0 (SLLN). The proof writes x ~ N(-a, σ²)
(35) but steps with the factor 1 - λ(a + σε) (37), the law of x ~ N(+a, σ²); beside it, (40)'s √μ
should be √t μ and (41)'s √(2ts) √(2t) s.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from numerics import trapset
from numerics.multiplicative_sim import escaped, simulate
from numerics.precision import decimal, evaluate, working_precision
from theory import multiplicative
from theory.multiplicative import lam
from theory.noise import GaussianNoise

from ...claim import (
    About,
    Claim,
    Finding,
    Verdict,
    high_precision,
    replace,
    simulation,
    symbolic,
)
from ...display import tex
from ...papers import ZIYIN_2021
from ...stats import (
    LEVEL,
    DigitsTolerance,
    bonferroni,
    mean_interval,
    proportion_interval,
    relative_gap,
)

w = sp.Symbol("w", real=True)
_eps, _a, _sigma = sp.Symbol("epsilon", real=True), sp.Symbol("a", real=True), sp.Symbol("sigma", positive=True)

# --- the printed formulas ---------------------------------------------------------------------
PRINTED_35_MEAN = -_a  # (35): x ~ N(-a, σ²)
PRINTED_37_FACTOR = 1 - lam * (_a + _sigma * _eps)  # (37): the step factor, ε ~ N(0, 1)

# --- experiment parameters --------------------------------------------------------------------
TRAP_SHIFT, TRAP_SPREAD = sp.Rational(1, 10), sp.Integer(1)  # x ~ N(-TRAP_SHIFT/λ, (TRAP_SPREAD/λ)²)
RATES = (sp.Rational(1, 1000), sp.Rational(1, 10), sp.Integer(1), sp.Integer(10), sp.Integer(1000))
SIMULATED_RATES = (sp.Rational(1, 10), sp.Integer(1), sp.Integer(10))
CONVERGED_BELOW = 1e-3  # a run has converged at T when |w_T| ≤ this
MOST_NOT_CONVERGED = 0.05  # the upper confidence bound on the fraction not converged must be below this
SIZES = {True: (2000, 1000), False: (10000, 2000)}  # runs, steps


def trap_law(lr: sp.Expr) -> GaussianNoise:
    """x ~ N(-TRAP_SHIFT/λ, (TRAP_SPREAD/λ)²): 1 - λx ~ N(1 + TRAP_SHIFT, TRAP_SPREAD²) whatever λ."""
    return GaussianNoise(-TRAP_SHIFT / lr, TRAP_SPREAD / lr)


def experiment(rates, runs: int, steps: int, seed: np.random.SeedSequence) -> dict:
    """ln|w_T| of ``runs`` SGD runs from w0 = 1 with x ~ trap_law(λ), for each λ in ``rates``."""
    return {lr: simulate(trap_law(lr), float(lr), runs, steps, child).values[0]
            for lr, child in zip(rates, seed.spawn(len(rates)))}


def _no_witness(mu) -> str:
    return (f"μ = {decimal(mu, 8)} ≥ 0, so this Gaussian is no witness; the existence claim is not decided by it"
            if mu >= 0 else "")


@symbolic("x ~ N(-1/(10λ), 1/λ²): E[x] < 0 and 1 - λx ~ N(11/10, 1) for every λ > 0", version="ziyin2021",
          falsifiers=(replace("TRAP_SHIFT", sp.Rational(-1, 10)),))
def witness(ctx):
    standard = sp.Symbol("epsilon", real=True)
    law = trap_law(lam)
    factor = sp.expand(multiplicative.update_factor(law.mean + law.std * standard, lam))
    curvature = sp.diff(law.mean * w**2 / 2, w, 2)
    free = lam not in factor.free_symbols
    maximum = bool(curvature.is_negative)
    return Finding(
        Verdict.PROVED if free and maximum else Verdict.INCONCLUSIVE,
        f"the step factor is {tex(factor)} with ε ~ N(0, 1), {'free of' if free else 'depending on'} λ, and E[L̂]'' = "
        f"{tex(curvature)}: {'w = 0 is a local maximum and μ(λ) = E ln|factor| is the same for every λ > 0' if free and maximum else 'this Gaussian is no witness of the claim, which it cannot decide'}",
        "exact (SymPy)",
        {"step_factor": factor, "mean_curvature": curvature},
        observed={"step factor": factor, "E[L]''": curvature},
        expected={"step factor": "free of λ", "E[L]''": "< 0"},
    )


@symbolic("(37): the step factor of x ~ N(-a, σ²) (35) is 1 - λ(a + σε)", version="ziyin2021", about=About.PROOF,
          falsifiers=(replace("PRINTED_37_FACTOR", 1 - lam * (-_a + _sigma * _eps), "(37) with x = -a + σε"),))
def step_factor(ctx):
    """ε ~ N(0, 1) is symmetric, so two factors have the same law iff their means and variances in ε agree."""
    derived = sp.expand(multiplicative.update_factor(PRINTED_35_MEAN + _sigma * _eps, lam))
    moments = {}
    for name, factor in (("derived", derived), ("printed", sp.expand(PRINTED_37_FACTOR))):
        mean = factor.subs(_eps, 0)
        moments[name] = {"mean": mean, "variance": sp.expand((factor - mean) ** 2).subs(_eps**2, 1)}
    gap = sp.simplify(moments["derived"]["mean"] - moments["printed"]["mean"])
    same = gap == 0 and sp.simplify(moments["derived"]["variance"] - moments["printed"]["variance"]) == 0
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"with x = -a + σε (35)-(36) the factor is {tex(derived)} (mean {tex(moments['derived']['mean'])}), while (37) prints "
        f"{tex(PRINTED_37_FACTOR)} (mean {tex(moments['printed']['mean'])}): gap {tex(gap)}",
        "exact (SymPy; equal laws iff equal mean and variance in ε)",
        {"factor_from_35": derived, "gap_of_means": gap},
        observed=moments["derived"], expected=moments["printed"],
    )


@high_precision("μ = E ln|1 - λx| < 0: hypergeometric Mellin route = quadrature at several λ", version="ziyin2021",
                falsifiers=(replace("TRAP_SHIFT", sp.Integer(1)),))
def log_rate(ctx):
    tolerance, rows, values, worst = DigitsTolerance(ctx.dps), {}, [], mpmath.mpf(0)
    for lr in RATES:
        law = trap_law(lr)
        mellin = trapset.log_rate(law, evaluate(lr, ctx.dps), ctx.dps)
        quadrature = trapset.log_rate_by_quadrature(law, evaluate(lr, ctx.dps), ctx.dps)
        with working_precision(ctx.dps):
            worst = max(worst, relative_gap(mellin, quadrature))
        values.append(mellin)
        rows[f"λ = {lr}"] = {"mellin": mellin, "quadrature": quadrature}
    with working_precision(ctx.dps):
        spread = max(relative_gap(v, values[0]) for v in values)
    agree = tolerance.holds(worst) and tolerance.holds(spread)
    mu = values[0]
    verdict = Verdict.INCONCLUSIVE if not agree or mu >= 0 else Verdict.CONFIRMED
    shown = ", ".join(str(lr) for lr in RATES)
    return Finding(
        verdict,
        f"μ = {decimal(mu, 15)} at λ ∈ {{{shown}}} by both routes (largest gap {mpmath.nstr(worst, 3)}, spread over λ "
        f"{mpmath.nstr(spread, 3)}){'; the routes disagree' if not agree else ''}"
        f"{'; μ < 0, so w_t → 0 a.s. (SLLN) for every λ' if mu < 0 else '; ' + _no_witness(mu)}",
        tolerance.describe(), rows,
        observed={f"μ at λ = {lr}": v for lr, v in zip(RATES, values)}, expected="μ < 0 at every λ",
    )


@simulation("SGD with Gaussian x at λ ∈ {1/10, 1, 10}: runs converge to w = 0", version="ziyin2021",
            falsifiers=(replace("TRAP_SHIFT", sp.Integer(1)),))
def converges(ctx):
    runs, steps = SIZES[ctx.quick]
    level = bonferroni(2 * len(SIMULATED_RATES))
    mu = trapset.log_rate(trap_law(sp.Integer(1)), 1, ctx.dps)
    rows, observed = [], {}
    for lr, log_w in experiment(SIMULATED_RATES, runs, steps, ctx.seed).items():
        k = int(np.count_nonzero(escaped(log_w, np.log(CONVERGED_BELOW))))
        fraction = proportion_interval(k, runs, level, method="exact")
        rate = mean_interval(log_w / steps, level)
        observed[f"λ = {lr}"] = f"{k}/{runs} not converged, fraction ≤ {fraction.high:.3g}"
        rows.append({"lambda": lr, "not_converged": k, "fraction_ci": fraction.describe(), "fraction_high": fraction.high,
                     "rate_ci": rate.describe(),
                     "converged": fraction.high < MOST_NOT_CONVERGED, "rate_matches": float(mu) in rate})
    bounds = ", ".join(f"{row['fraction_high']:.3g}" for row in rows)
    converged = all(row["converged"] for row in rows)
    matches = all(row["rate_matches"] for row in rows)
    verdict = Verdict.CONFIRMED if converged and matches and mu < 0 else Verdict.INCONCLUSIVE
    problem = ("" if matches else "; the ln|w_T|/T intervals miss the exact μ at some λ (the runs disagree with the "
               "exact law)") + ("" if mu < 0 else "; " + _no_witness(mu))
    return Finding(
        verdict,
        f"at T = {steps}, |w_T| > {CONVERGED_BELOW} in at most {max(r['not_converged'] for r in rows)}/{runs} runs per λ "
        f"(Clopper–Pearson upper bounds {bounds}"
        f" against {MOST_NOT_CONVERGED}); intervals of ln|w_T|/T {'contain' if matches else 'do not all contain'} "
        f"μ = {decimal(mu, 6)}{problem}",
        f"Clopper–Pearson and Student-t intervals at joint level {LEVEL} (Bonferroni over {2 * len(SIMULATED_RATES)})",
        {"points": rows, "mu": mu, "w0": 1},
        observed=observed, expected={f"λ = {lr}": f"fraction not converged < {MOST_NOT_CONVERGED}"
                                     for lr in SIMULATED_RATES},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop9",
        papers=(ZIYIN_2021,),
        where="Prop. 9 and proof, App. B.2 eqs. (35)-(41) [2021]",
        statement=r"\forall \lambda > 0\ \exists\, x \sim \mathcal N(m, \sigma^2),\ m < 0:\ "
        r"w_{t+1} = (1 - \lambda x_t) w_t \to 0 \text{ with probability } 1",
        summary="with Gaussian x, a local maximum can still attract SGD at any learning rate",
        checks=(witness, step_factor, log_rate, converges),
    ),
)
