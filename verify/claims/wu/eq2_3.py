r"""Wu, Ma & E (NeurIPS 2018) §2, eqs. (1)–(3): one-dimensional SGD with B = 1.

f = (1/2n) Σ a_i x², ξ uniform on [n]: E x_{t+1} = (1 - ηa) x_t and E x²_{t+1} = [(1-ηa)² + η²s²] x_t²,
with a = mean a_i and s² = mean a_i² - a². ``theory.wu`` derives both by counting batches.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from theory import multiplicative, wu
from theory.wu import B, a, eta, s

from ...claim import Claim, Finding, Verdict, scale, simulation, symbolic
from ...display import tex
from ...papers import WU
from ...stats import LEVEL, bonferroni, mean_interval
from ...symbolic import is_zero
from ._printed import PRINTED_EQ3

R = sp.Rational

# --- the printed formulas (transcriptions; everything else is derived; (3) is in ``_printed``) --
PRINTED_EQ2 = 1 - eta * a  # E x_{t+1} = (1 - ηa) x_t

# --- experiment parameters --------------------------------------------------------------------
EXPLICIT_N = (2, 3, 4, 5)  # fully explicit a_1, …, a_n
CURVATURES = (R(1, 5), R(11, 5))  # η = 1: factors 4/5, -6/5; E x_t = (-1/5)^t, E x_t² = (26/25)^t
LR = 1
TIMES = (1, 2, 4, 8)


def experiment(curvatures, lr, runs: int, times, seed: np.random.SeedSequence) -> dict:
    """Sample means of x_t and x_t² (x_0 = 1, B = 1, without replacement) at ``times``; how many runs
    stayed finite."""
    hessians = np.array([[[float(v)]] for v in curvatures])
    result = linear.simulate_linear(hessians, float(lr), 1, False, runs, max(times), seed, [1.0], record=times)
    return {"samples": {t: result.snapshots[t][:, 0] for t in times}, "alive": int(result.alive[-1]), "runs": runs}


# --- checks -----------------------------------------------------------------------------------


def _explicit(count: int) -> bool:
    """E[(1 - η a_ξ)^k], k = 1, 2, for symbols a_1, …, a_n against (2), (3) at their a, s."""
    values = sp.symbols(f"a1:{count + 1}", nonnegative=True)
    mean = sp.Add(*values) / count
    spread = sp.Add(*(v**2 for v in values)) / count - mean**2
    factors = [multiplicative.update_factor(v, eta) for v in values]
    first, second = (sp.Add(*(f**k for f in factors)) / count for k in (1, 2))
    return is_zero(first - PRINTED_EQ2.subs(a, mean)) and is_zero(second - PRINTED_EQ3.subs({a: mean, s: sp.sqrt(spread)}))


@symbolic("E x_{t+1} and E x²_{t+1} derived for B = 1 equal (2) and (3)", version="wu",
          falsifiers=(scale("PRINTED_EQ3", 2), scale("PRINTED_EQ2", R(1, 2))))
def moments(ctx):
    """From f_ξ = a_ξ x²/2, ξ uniform on [n]: general n through the batch moments, and fully
    explicit a_1, …, a_n for n = 2…5."""
    step = wu.one_dimensional_step(replace=False)
    first, second = step.first.subs(B, 1), sp.simplify(step.second.subs(B, 1))
    general = {"(2)": is_zero(first - PRINTED_EQ2), "(3)": is_zero(second - PRINTED_EQ3)}
    explicit = {count: _explicit(count) for count in EXPLICIT_N}
    s_max = [r for r in sp.solve(eta**2 * s**2 - 1, s) if r.is_positive]  # where the noise term of (3) reaches 1
    ok = all(general.values()) and all(explicit.values())
    differ = [k for k, v in general.items() if not v] + [f"n = {k}" for k, v in explicit.items() if not v]
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"derived E x_(t+1)/x_t = {tex(first)} against printed {tex(PRINTED_EQ2)}, E x²_(t+1)/x_t² = {tex(second)} against printed "
        f"{tex(sp.expand(PRINTED_EQ3))}: {'equal' if ok else 'different (' + ', '.join(differ) + ')'}; (3) ≤ 1 forces "
        f"s ≤ {tex(s_max[0])} since both terms are ≥ 0",
        f"exact (SymPy, general n and explicit n = {EXPLICIT_N[0]}…{EXPLICIT_N[-1]})",
        {"explicit_n": explicit, "s_max_from_eq3": s_max[0]},
        observed={"E x_(t+1)/x_t": first, "E x²_(t+1)/x_t²": second},
        expected={"E x_(t+1)/x_t": PRINTED_EQ2, "E x²_(t+1)/x_t²": PRINTED_EQ3},
    )


@simulation("sample means of x_t and x_t² (B = 1) against the exact recursions (2), (3)", version="wu",
            falsifiers=(scale("PRINTED_EQ3", R(11, 10)), scale("PRINTED_EQ2", -1)))
def simulated(ctx):
    runs = 20000 if ctx.quick else 200000
    data = experiment(CURVATURES, LR, runs, TIMES, ctx.seed)
    mean, variance = wu.curvature_statistics(CURVATURES)
    first = PRINTED_EQ2.subs({eta: LR, a: mean})
    second = PRINTED_EQ3.subs({eta: LR, a: mean, s: sp.sqrt(variance)})
    level = bonferroni(2 * len(TIMES))
    rows, misses = [], 0
    for t in TIMES:
        states = data["samples"][t]
        for label, samples, exact in (("x", states, first**t), ("x²", states**2, second**t)):
            ci = mean_interval(samples, level)
            misses += float(exact) not in ci
            rows.append({"t": t, "moment": label, "printed": exact, "sample_mean": float(np.mean(samples)), "ci": ci.describe()})
    ok = misses == 0 and data["alive"] == runs
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"a_i = {', '.join(map(tex, CURVATURES))}, η = {tex(LR)}: the printed E x_t = ({tex(first)})^t and E x_t² = ({tex(second)})^t "
        f"lie outside {misses} of {len(rows)} intervals ({runs} runs, {data['alive']} finite)",
        f"Student-t intervals at joint level {LEVEL} (Bonferroni over {len(rows)})",
        {"curvatures": list(CURVATURES), "lr": LR, "x0": 1, "runs": runs, "points": rows},
        observed={"intervals missed": misses, "sample E x_1²": rows[1]["sample_mean"]},
        expected={"intervals missed": 0, "E x_1²": second},
    )


CLAIMS = (
    Claim(
        id="wu.eq2_3",
        papers=(WU,),
        where="§2, eqs. (1)–(3)",
        statement=r"f = \tfrac{1}{2n}\sum_i a_i x^2,\ B = 1:\ \mathbb E x_{t+1} = (1-\eta a)x_t,\ "
        r"\mathbb E x_{t+1}^2 = [(1-\eta a)^2 + \eta^2 s^2]\,x_t^2,\ a = \tfrac1n\sum a_i,\ s = \sqrt{\tfrac1n\sum a_i^2 - a^2}",
        summary="first and second moments of one-dimensional SGD with B = 1",
        checks=(moments, simulated),
    ),
)
