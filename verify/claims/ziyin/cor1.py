"""Ziyin et al. Prop. 2 eq. (8) [2021] / Cor. 1 eq. (5) [2022]: the trap interval of the two-point model.

x ∈ {1, a - 1} w.p. ½, a < 0: μ(λ) < 0 ⇔ P(λ)² < 1 with P = (1 - λ)(1 - λ(a - 1)), i.e.
a/(a - 1) < λ < (a - √(a² - 8a + 8))/(2(a - 1)). 2021 prints the closed interval (≤), where μ = 0 at
the ends and w_t does not converge; 2022 prints the open one. For a > 0 (a minimum at 0) 2022 §5.1 says
the escape regime λ > λ₊ persists: true for 0 < a ≤ 1, while for a > 1 the trap set gains a second piece.

The phase diagram (Fig. 2 left [2021] / Fig. 1 right [2022]) is drawn after T steps: with T even, the
median count of the draws gives ln|w_T/w_0| = Tμ, so P(|w_T| > ε) ≥ ½ ⇔ |P(λ)| > (ε/|w_0|)^{2/T}, and
the finite-T boundary solves P(λ) = ±(ε/|w_0|)^{2/T} (``finite_time_interval``), inside the limit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from numerics import escape_experiments, exact_law, trapset
from numerics.multiplicative_sim import escaped, simulate
from numerics.precision import decimal, evaluate, working_precision
from numerics.sweep import linear_grid
from theory import multiplicative, ziyin
from theory.multiplicative import lam

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
from ...papers import ZIYIN_2021, ZIYIN_2022
from ...stats import (
    LEVEL,
    DigitsTolerance,
    bonferroni,
    proportion_interval,
    relative_gap,
)
from ...symbolic import is_zero
from ._printed import PRINTED_LOWER, PRINTED_UPPER
from ._two_point import SAMPLE_A, a

PRINTED_CLOSED_2021 = True  # 2021 eq. (8) writes ≤ at both ends; 2022 eq. (5) writes <
PRINTED_POSITIVE_A_MAX = sp.oo  # 2022 §5.1: "the escape regime λ > λ₊ is also present when a > 0" (no bound on a)

# --- experiment parameters --------------------------------------------------------------------
ENDPOINT_A = sp.Integer(-1)
ENDPOINT_EPS = sp.Rational(1, 1000)
ENDPOINT_TIMES = {True: (10, 100, 1000), False: (10, 100, 1000, 10000)}
VANISHED_BELOW = 0.05  # an exact escape probability below this at the last t counts as "→ 0"
GRID_A = (sp.Integer(-2), sp.Integer(-1), sp.Rational(-1, 2), sp.Rational(-1, 5))
GRID_LR = tuple(sp.Rational(k, 10) for k in (1, 3, 6, 9, 12, 15, 20))
CLEAR_MU = 0.05  # grid points with |μ| below this are too close to the boundary to phase at finite T
GRID_EPS = sp.Rational(1, 1000)
GRID_SIZES = {True: (400, 400), False: (4000, 2000)}  # runs, steps
POSITIVE_A = (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(9, 10), sp.Rational(11, 10))  # a > 0 samples
#: the book's phase diagram: a grid (ends, points), λ grid (ends, points), runs per point, T, ε
PHASE_A = (Fraction(-4), Fraction(1), 61)
PHASE_LR = (Fraction(1, 50), Fraction(11, 5), 56)
PHASE_SIZES = (256, 500, Fraction(1, 1000))
Q = sp.Symbol("q", positive=True)  # the finite-T level (ε/|w_0|)^{2/T} of |P(λ)|


def grid_points(a_values=GRID_A, rates=GRID_LR) -> list[tuple]:
    """The (a, λ) with |μ| ≥ CLEAR_MU: where the phase at finite T is the limit's."""
    return [(av, lr) for av in a_values for lr in rates
            if abs(evaluate(multiplicative.log_rate(ziyin.noise(av), lr), 30)) >= CLEAR_MU]


def experiment(points, runs: int, steps: int, eps, seed) -> list[dict]:
    """For each (a, λ): how many of ``runs`` runs (w0 = 1) have |w_T| > ε, and the exact probability."""
    rows = []
    for (a_value, lr), child in zip(points, seed.spawn(len(points))):
        law = ziyin.noise(a_value)
        log_w = simulate(law, float(lr), runs, steps, child).values[0]
        rows.append({"a": a_value, "lambda": lr, "runs": runs,
                     "escaped": int(np.count_nonzero(escaped(log_w, np.log(float(eps))))),
                     "exact": exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, steps, eps), 30)})
    return rows


@dataclass(frozen=True)
class PhaseDiagram:
    """The fraction of ``runs`` runs from w_0 = 1 with |w_T| > ε at each (a, λ): ``escaped[i, j]`` at
    λ = ``lr[i]``, a = ``a[j]``."""

    a: np.ndarray
    lr: np.ndarray
    escaped: np.ndarray
    runs: int
    steps: int
    eps: Fraction


def phase_diagram(a_grid=PHASE_A, lr_grid=PHASE_LR, sizes=PHASE_SIZES, seed=None) -> PhaseDiagram:
    """Fig. 2 left [2021] / Fig. 1 right [2022]: the escaped fraction over a linear (a, λ) grid
    (each grid given as (low, high, points)); ``seed`` a numpy SeedSequence."""
    a_points, lr_points = linear_grid(*a_grid), linear_grid(*lr_grid)
    runs, steps, eps_value = sizes
    fractions = escape_experiments.phase_diagram(a_points, lr_points, runs, steps, eps_value, seed)
    return PhaseDiagram(np.array(a_points, dtype=float), np.array(lr_points, dtype=float), fractions, runs, steps, eps_value)


def finite_time_interval() -> tuple[sp.Expr, sp.Expr]:
    """The ends of {λ : |P(λ)| < q} (a < 1) that become λ₋ (λ = 0 for a > 0) and λ₊ at q = 1: the roots of
    P = q and P = -q. At q = (ε/|w_0|)^{2/T}, T even, it is where P(|w_T| > ε) = ½ (see the module doc)."""
    poly = multiplicative.trap_polynomial(ziyin.noise()).poly.as_expr()
    limit = ziyin.trap_interval()
    ends = []
    for sign, end in ((1, limit.lower), (-1, limit.upper)):
        roots = [sp.simplify(r) for r in sp.solve(sp.Eq(poly, sign * Q), lam)]
        (root,) = [r for r in roots if is_zero((r - end).subs(Q, 1).subs(a, -1))]
        ends.append(root)
    return tuple(ends)


def finite_time_level(steps: int, eps, w0=1) -> sp.Expr:
    """q = (ε/|w_0|)^{2/T}: the escape probability after T steps (T even) is ½ where |P(λ)| = q."""
    if steps % 2:
        raise ValueError(f"the median count is a single count only for even T, got T = {steps}")
    return (sp.nsimplify(eps) / abs(sp.nsimplify(w0))) ** sp.Rational(2, steps)


@symbolic("derived trap interval equals eq. (5) (open interval), a < 0", version="ziyin2022",
          falsifiers=(scale("PRINTED_UPPER", 2), scale("PRINTED_LOWER", sp.Rational(1, 2))))
def interval_matches(ctx):
    derived = ziyin.trap_interval()
    same = {"lower": is_zero(derived.lower - PRINTED_LOWER), "upper": is_zero(derived.upper - PRINTED_UPPER)}
    poly = multiplicative.trap_polynomial(ziyin.noise()).poly.as_expr()
    ends_zero = all(is_zero(poly.subs(lam, e) ** 2 - 1) for e in (derived.lower, derived.upper))
    ok = all(same.values()) and ends_zero
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"solving P(λ) = ±1 for P = {tex(sp.factor(poly))} gives {tex((derived.lower, derived.upper))}; "
        + ("equal to the printed ends" if all(same.values())
           else f"the printed {' and '.join(k for k, v in same.items() if not v)} end differs")
        + f"; μ = 0 at both derived ends: {'shown' if ends_zero else 'not shown'}",
        "exact (SymPy simplification to 0)",
        {"derived_lower": derived.lower, "derived_upper": derived.upper},
        observed={"lower": derived.lower, "upper": derived.upper},
        expected={"lower": PRINTED_LOWER, "upper": PRINTED_UPPER},
    )


@symbolic("eq. (8) includes its endpoints, where μ = 0 and w_t does not converge", version="ziyin2021",
          falsifiers=(replace("PRINTED_CLOSED_2021", False, "eq. (8) with strict inequalities"),
                      scale("PRINTED_LOWER", sp.Rational(6, 5))))
def closed_endpoint(ctx):
    """At the printed lower end (a = -1: λ = 1/2, factors ½ and 2) the exact law decides whether w_t → 0."""
    lr = PRINTED_LOWER.subs(a, ENDPOINT_A)
    law = ziyin.noise(ENDPOINT_A)
    mu = sp.simplify(sp.expand_log(multiplicative.log_rate(law, lr), force=True))
    times = ENDPOINT_TIMES[ctx.quick]
    probs = {n: exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, n, ENDPOINT_EPS), ctx.dps) for n in times}
    converges = probs[times[-1]] < VANISHED_BELOW and probs[times[-1]] < probs[times[0]]
    on_boundary = is_zero(mu)
    # the printed statement predicts w_t -> 0 at this λ if it is an interior point, or an end of a closed interval
    inside = bool(ziyin.trap_interval().lower.subs(a, ENDPOINT_A) < lr < ziyin.trap_interval().upper.subs(a, ENDPOINT_A))
    predicted = PRINTED_CLOSED_2021 if on_boundary else inside
    last = times[-1]
    return Finding(
        Verdict.CONFIRMED if predicted == converges else Verdict.REFUTED,
        f"at the printed lower end a = {tex(ENDPOINT_A)}, λ = {tex(lr)}: μ = {tex(mu)}; the exact law gives P(|w_t| > {tex(ENDPOINT_EPS)}) "
        f"= {decimal(probs[last], 6)} at t = {last}, so w_t {'converges' if converges else 'does not converge'} to 0, "
        f"while eq. (8) as read here ({'closed' if PRINTED_CLOSED_2021 else 'open'}) predicts it "
        f"{'does' if predicted else 'does not'}",
        "exact (multinomial law of the draws, no simulation)",
        {"a": ENDPOINT_A, "lambda": lr, "w0": 1, "eps": ENDPOINT_EPS, "mu": mu,
         "escape_probability": {f"t = {n}": p for n, p in probs.items()}},
        observed={"μ": mu, f"P(|w_t| > ε) at t = {last}": probs[last]},
        expected=f"w_t → 0 {'(closed interval)' if predicted else 'not predicted'}",
    )


@high_precision("certified trap set of p(x) equals the closed form at sample a", version="ziyin2022",
                falsifiers=(scale("PRINTED_UPPER", 2),))
def certified_trap_set(ctx):
    tolerance = DigitsTolerance(ctx.dps)
    worst_gap, worst_root, rows, pieces = mpmath.mpf(0), mpmath.mpf(0), {}, {}
    for a_value in SAMPLE_A:
        law = ziyin.noise(a_value)
        result = trapset.trap_set(law, ctx.dps)
        pieces[str(a_value)] = len(result.intervals)
        if len(result.intervals) != 1:
            continue
        (low, high), = result.intervals
        with working_precision(ctx.dps):
            printed = (evaluate(PRINTED_LOWER.subs(a, a_value), ctx.dps), evaluate(PRINTED_UPPER.subs(a, a_value), ctx.dps))
            worst_gap = max(worst_gap, relative_gap(low, printed[0]), relative_gap(high, printed[1]))
        worst_root = max(worst_root, trapset.cross_check(law, result))
        rows[str(a_value)] = {"certified": [decimal(low, ctx.dps), decimal(high, ctx.dps)],
                              "printed": [decimal(p, ctx.dps) for p in printed]}
    one_piece = all(n == 1 for n in pieces.values())
    ok = one_piece and tolerance.holds(worst_gap) and tolerance.holds(worst_root)
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"at a ∈ {{{', '.join(pieces)}}} the certified trap set has {', '.join(map(str, pieces.values()))} piece(s); "
        f"largest relative gap to the printed ends {mpmath.nstr(worst_gap, 3)}, to mpmath's roots of μ "
        f"{mpmath.nstr(worst_root, 3)} (bound {mpmath.nstr(tolerance.bound, 3)})",
        tolerance.describe(),
        {"intervals": rows, "pieces": pieces},
        observed={k: v["certified"] for k, v in rows.items()}, expected={k: v["printed"] for k, v in rows.items()},
    )


@simulation("phase of each (a, λ) grid point against the printed boundary", version="ziyin2022",
            falsifiers=(scale("PRINTED_UPPER", 2),))
def phase_grid(ctx):
    """Simulated escape fractions at time T agree with the exact finite-T law (Wilson CI), and the
    majority phase matches the printed interval at grid points with |μ| ≥ CLEAR_MU."""
    runs, steps = GRID_SIZES[ctx.quick]
    points = grid_points()
    level = bonferroni(len(points))
    rows, disagreements, outside = [], 0, 0
    for row in experiment(points, runs, steps, GRID_EPS, ctx.seed):
        ci = proportion_interval(row["escaped"], runs, level)
        inside = bool(PRINTED_LOWER.subs(a, row["a"]) < row["lambda"] < PRINTED_UPPER.subs(a, row["a"]))
        disagreements += inside != (row["escaped"] / runs < 0.5)
        outside += float(row["exact"]) not in ci
        rows.append({**row, "printed_trapped": inside, "ci": ci.describe()})
    ok = disagreements == 0 and outside == 0
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{len(rows)} grid points, {runs} runs × {steps} steps each: {disagreements} phase disagreements with "
        f"eq. (5), {outside} exact probabilities outside their interval",
        f"Wilson interval at joint level {LEVEL} (Bonferroni over {len(points)} points); phase = majority of runs",
        {"points": rows, "eps": GRID_EPS, "w0": 1, "level": level},
        observed={"phase disagreements": disagreements, "exact outside interval": outside},
        expected={"phase disagreements": 0, "exact outside interval": 0},
    )


@high_precision("three regimes: for a > 0 the escape regime is λ > λ₊ and SGD converges below it", version="ziyin2022",
                falsifiers=(replace("PRINTED_POSITIVE_A_MAX", sp.Integer(1), "a > 0 read as 0 < a ≤ 1"),))
def positive_a_regimes(ctx):
    """2022 §5.1 after Cor. 1: λ < a/(a - 1) escapes, the interval traps, λ > λ₊ escapes, 'also present when
    a > 0'. For 0 < a < 1 the lower end a/(a - 1) is negative, so the statement reads: the trap set is
    (0, λ₊(a)); the paper bounds a no further, and that reading is carried to a > 1 (where a/(a - 1) > 1
    and λ₊ is not even real for 4 - 2√2 < a < 4 + 2√2). Certified trap sets of p(x) at sample a > 0 (those
    up to PRINTED_POSITIVE_A_MAX) against it."""
    samples = [av for av in POSITIVE_A if av <= PRINTED_POSITIVE_A_MAX]
    rows, broken = {}, []
    for a_value in samples:
        found = trapset.trap_set(ziyin.noise(a_value), ctx.dps).intervals
        upper = evaluate(PRINTED_UPPER.subs(a, a_value), ctx.dps)
        tolerance = DigitsTolerance(ctx.dps)
        ok = len(found) == 1 and found[0][0] == 0 and tolerance.holds(relative_gap(found[0][1], upper))
        rows[f"a = {a_value}"] = {"certified trap set": sp.Union(*(sp.Interval.open(sp.Float(lo, 12), sp.Float(hi, 12))
                                                                   for lo, hi in found)),
                                  "printed": sp.Interval.open(0, sp.Float(upper, 12))}
        if not ok:
            broken.append(a_value)
    witness = None
    if broken:  # a λ inside the last certified piece, above λ₊: μ < 0 there, so SGD does not escape
        low, high = trapset.trap_set(ziyin.noise(broken[0]), ctx.dps).intervals[-1]
        inside = sp.Integer(int(mpmath.floor(low)) + 1)
        lr = inside if inside < high else sp.nsimplify(float((low + high) / 2), rational=True)
        mu = multiplicative.log_rate(ziyin.noise(broken[0]), lr)
        witness = {"a": broken[0], "λ": lr, "μ": sp.logcombine(sp.expand_log(mu, force=True), force=True)}
    return Finding(
        Verdict.REFUTED if broken else Verdict.CONFIRMED,
        "the certified trap set is "
        + "; ".join(f"{tex(v['certified trap set'])} at $a = {sp.latex(av)}$" for av, v in zip(samples, rows.values()))
        + (f"; at $a = {sp.latex(witness['a'])}$ a second piece lies above λ₊, e.g. {tex(sp.Eq(lam, witness['λ']))} with "
           f"{tex(sp.Eq(sp.Symbol('mu'), witness['μ']))} < 0, where SGD converges to the minimum "
           "instead of escaping" if broken
           else "; each is (0, λ₊(a)), so λ > λ₊ is exactly the escape regime there"),
        DigitsTolerance(ctx.dps).describe(),
        {"trap sets": rows, "counterexample": witness},
        observed={k: v["certified trap set"] for k, v in rows.items()},
        expected={k: v["printed"] for k, v in rows.items()},
    )


CLAIMS = (
    Claim(
        id="ziyin.cor1",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 2 eq. (8) [2021] / Cor. 1 eq. (5) [2022]; proofs D.1 / C.3",
        statement=r"\frac{a}{a-1} \le \lambda \le \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\ [2021],\ "
        r"\frac{a}{a-1} < \lambda < \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\ [2022] \Rightarrow w_t \to 0",
        summary="the interval of λ in which SGD converges to the local maximum (closed in 2021, open in 2022)",
        checks=(interval_matches, closed_endpoint, certified_trap_set, phase_grid, positive_a_regimes),
    ),
    Claim(
        id="ziyin.cor1-corrected",
        papers=(ZIYIN_2021, ZIYIN_2022),
        where="Prop. 2 eq. (8) [2021] with strict inequalities, as in Cor. 1 eq. (5) [2022]",
        statement=r"a < 0:\ \{\lambda > 0 : \mu(\lambda) < 0\} = \left(\frac{a}{a-1}, \frac{a - \sqrt{a^2 - 8a + 8}}{2(a-1)}\right)",
        summary="for a < 0 the trap set is exactly the open interval",
        checks=(interval_matches, certified_trap_set),
        corrects="ziyin.cor1",
    ),
)
