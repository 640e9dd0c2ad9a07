"""Ziyin et al. Prop. 2 [2022], proof C.2 eqs. (63)-(65): μ < 0 ⇒ w_t → 0 in probability, for any p(x).

For L̂ = x w²/2, ln|w_t/w0| = Σ ln|1 - λx_i| has mean tμ, so μ = E ln|1 - λx| < 0 gives
P(|w_t| > ε) → 0 by the law of large numbers. The checks run laws on both sides of μ = 0 and test
the printed implication on those that satisfy its hypothesis μ < PRINTED_MU_BOUND.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from numerics import exact_law, trapset
from numerics.multiplicative_sim import escaped, simulate
from numerics.precision import decimal
from theory import ziyin
from theory.noise import FiniteNoise, UniformNoise

from ...claim import Claim, Finding, Verdict, high_precision, replace, simulation
from ...display import tex
from ...papers import ZIYIN_2022
from ...stats import LEVEL, bonferroni, proportion_interval
from ._two_point import HALF

# --- the printed statement ----------------------------------------------------------------------
PRINTED_MU_BOUND = 0  # "μ < 0 ⇒ w_t → 0 in probability"

# --- experiment parameters --------------------------------------------------------------------
EXACT_LAWS = {  # name -> (law, λ): three with μ < 0 (one with E[x] > 0), one with μ = ln(2)/2 > 0
    "two-point a=-1, λ=4/5": (ziyin.noise(sp.Integer(-1)), sp.Rational(4, 5)),
    "x∈{1,-2,3} w.p. 1/3, λ=1/2": (FiniteNoise.of([1, -2, 3], [sp.Rational(1, 3)] * 3), HALF),
    "x∈{1/2,-1,2} w.p. (1/2,1/4,1/4), λ=7/10": (
        FiniteNoise.of([HALF, -1, 2], [HALF, sp.Rational(1, 4), sp.Rational(1, 4)]), sp.Rational(7, 10)),
    "two-point a=-1, λ=3/2": (ziyin.noise(sp.Integer(-1)), sp.Rational(3, 2)),
}
EXACT_EPS = sp.Rational(1, 100)
EXACT_TIMES = {True: (10, 100, 400), False: (10, 100, 1000, 3000)}
VANISHED_BELOW = 0.05  # "→ 0" is judged by P < this at the last t (and a decrease along t)
SIM_LAW = UniformNoise(sp.Integer(-1), sp.Integer(2))  # E[x] = 1/2
SIM_RATES = (sp.Rational(3, 2), sp.Rational(5, 2))  # μ ≈ -0.183 and ≈ +0.324
SIM_EPS = 1e-2
SIM_SIZES = {True: (5000, 300), False: (50000, 2000)}  # runs, steps


def experiment(law, rates, runs: int, steps: int, seed) -> dict:
    """λ -> ln|w_T| of ``runs`` runs from w0 = 1, for each λ in ``rates``."""
    return {lr: simulate(law, float(lr), runs, steps, child).values[0] for lr, child in zip(rates, seed.spawn(len(rates)))}


@high_precision("μ < 0 ⇒ P(|w_t| > ε) → 0: exact law for discrete noise with μ < 0", version="ziyin2022",
                falsifiers=(replace("PRINTED_MU_BOUND", 1, "hypothesis μ < 1"),))
def exact_escape(ctx):
    """The exact escape probability of each law along t; the laws with μ < bound must fall to 0."""
    times = EXACT_TIMES[ctx.quick]
    rows, tested, failed = {}, [], []
    for name, (law, lr) in EXACT_LAWS.items():
        mu = trapset.log_rate(law, lr, ctx.dps)
        probs = [exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, n, EXACT_EPS), ctx.dps) for n in times]
        vanishes = probs[-1] < probs[0] and probs[-1] < VANISHED_BELOW
        rows[name] = {"mu": mu, **{f"t = {n}": p for n, p in zip(times, probs)}, "vanishes": vanishes}
        if mu < PRINTED_MU_BOUND:
            tested.append(name)
            if not vanishes:
                failed.append(name)
    verdict = Verdict.INCONCLUSIVE if not tested else Verdict.REFUTED if failed else Verdict.CONFIRMED
    return Finding(
        verdict,
        f"{len(tested)} of {len(rows)} laws have μ < {PRINTED_MU_BOUND}; "
        + (f"at t = {times[-1]} the exact P(|w_t| > {tex(EXACT_EPS)}) of {', '.join(failed)} is "
           f"{', '.join(decimal(rows[n][f't = {times[-1]}'], 4) for n in failed)}, not falling to 0" if failed
           else f"their exact P(|w_t| > {tex(EXACT_EPS)}) falls to at most "
                f"{max((decimal(rows[n][f't = {times[-1]}'], 4) for n in tested), default='-')} at t = {times[-1]}")
        + ("" if tested else " (none satisfies the hypothesis, so nothing is tested)"),
        f"exact probabilities; '→ 0' judged by a decrease along t and P < {VANISHED_BELOW} at the last t",
        rows,
        observed={n: rows[n][f"t = {times[-1]}"] for n in rows},
        expected={n: (f"→ 0 (μ < {PRINTED_MU_BOUND})" if n in tested else "no prediction") for n in rows},
    )


@simulation("continuous noise with μ < 0 (uniform): the escaped fraction vanishes", version="ziyin2022",
            falsifiers=(replace("PRINTED_MU_BOUND", 1, "hypothesis μ < 1"),))
def uniform_escape(ctx):
    runs, steps = SIM_SIZES[ctx.quick]
    level = bonferroni(len(SIM_RATES))
    rows, tested, failed = [], [], []
    for lr, log_w in experiment(SIM_LAW, SIM_RATES, runs, steps, ctx.seed).items():
        mu = trapset.log_rate(SIM_LAW, lr, 30)
        k = int(np.count_nonzero(escaped(log_w, np.log(SIM_EPS))))
        ci = proportion_interval(k, runs, level, method="exact")
        rows.append({"lambda": lr, "mu": mu, "escaped": k, "runs": runs, "ci": ci.describe(), "ci_high": ci.high})
        if mu < PRINTED_MU_BOUND:
            tested.append(lr)
            if not ci.high < VANISHED_BELOW:
                failed.append(lr)
    verdict = Verdict.INCONCLUSIVE if not tested else Verdict.REFUTED if failed else Verdict.CONFIRMED
    shown = "; ".join(f"λ = {tex(r['lambda'])}: μ = {mpmath.nstr(r['mu'], 6)}, {r['escaped']}/{runs} escaped "
                      f"(upper bound {r['ci_high']:.3g})" for r in rows)
    return Finding(
        verdict,
        f"x ~ U[-1, 2], T = {steps}: {shown}; the hypothesis μ < {PRINTED_MU_BOUND} holds at λ ∈ "
        f"{{{', '.join(tex(x) for x in tested)}}}, where the fraction with |w_T| > {SIM_EPS} must vanish: "
        f"{len(failed)} fail",
        f"upper end of the Clopper–Pearson interval (joint level {LEVEL}) < {VANISHED_BELOW}",
        {"points": rows, "steps": steps, "eps": SIM_EPS},
        observed={f"λ = {r['lambda']}": r["escaped"] / runs for r in rows},
        expected={f"λ = {r['lambda']}": (f"< {VANISHED_BELOW}" if r["lambda"] in tested else "no prediction")
                  for r in rows},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop2",
        papers=(ZIYIN_2022,),
        where="Prop. 2 [2022], proof C.2 eqs. (63)–(65)",
        statement=r"\mu = \mathbb E\ln|1-\lambda x| < 0 \Rightarrow w_t \to 0 \text{ in probability}",
        summary="for any p(x), μ < 0 makes SGD converge to w = 0 in probability",
        checks=(exact_escape, uniform_escape),
    ),
)
