"""Ziyin et al. [2021] Props. 6, 7 (§5.5), Prop. 10 eqs. (110)-(114) and Examples 1-2 (D.5).

For dw = -λL'dt + (λ/√S)√C dW the zero-flux density is (51) P ∝ C⁻¹ exp(-(2S/λ)∫L'/C), and for any
0 < p < ∞ with lim w L'p < ∞ the covariance (112) C = (1/p)[c0 - (2S/λ)∫L'p dw] makes p stationary
(Props. 6/10); some C admits no L with p_S = p (Prop. 7). The hypotheses do not keep C ≥ 0 (Cauchy p);
the correction asks F(w) = ∫_{-∞}^w L'p to be bounded above and c0 > (2S/λ) sup F.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from numerics import sde
from theory import fokker_planck as fp

from ...claim import (
    About,
    Claim,
    Finding,
    Verdict,
    mutate,
    replace,
    scale,
    simulation,
    symbolic,
)
from ...display import tex
from ...papers import ZIYIN_2021
from ...stats import LEVEL, bonferroni, mean_interval
from ...symbolic import is_zero

w, lam, S, c0, shift = fp.w, fp.lam, fp.S, fp.c0, fp.shift
HALF = sp.Rational(1, 2)

# --- the printed formulas (transcriptions; everything else is derived) ------------------------
_L, _C, _p = sp.Function("L")(w), sp.Function("C")(w), sp.Function("p")(w)
PRINTED_51 = sp.exp(-2 * S / lam * sp.Integral(sp.diff(_L, w) / _C, w)) / _C
PRINTED_112 = (c0 - 2 * S / lam * sp.Integral(_p * sp.diff(_L, w), w)) / _p  # C of Prop. 10 for L, p
#: Props. 6/10's hypothesis on the tail, lim_{w→∞} w L'(w) p(w) < ∞, as the quantity that must be finite
PRINTED_TAIL = lambda loss, density: sp.limit(w * sp.diff(loss, w) * density, w, sp.oo)
PRINTED_EXAMPLE1_C = c0 * fp.w_plus ** (2 + 2 * S * fp.a / lam) + fp.w_plus**2
_v = sp.Symbol("v", real=True)
PRINTED_EXAMPLE2_C = sp.exp((w - shift) ** 2) * (
    c0 - 2 * S / lam * sp.Integral(_v * sp.exp(-((_v - shift) ** 2)), (_v, -sp.oo, w))
)
PRINTED_EXAMPLE2_P = sp.exp(-((w - shift) ** 2)) / sp.sqrt(sp.pi)  # D.5 Example 2: p = N(w0, 1/2), L = w²/2
PRINTED_PROP7_WITNESS = sp.Integer(0)  # the proof of Prop. 7 takes C = 0
#: the corrected least constant: c0 = (2S/λ) sup F
CORRECTED_C0_FACTOR = 2 * S / lam

# --- experiment parameters --------------------------------------------------------------------
COUNTEREXAMPLE_LOSS = w**2 / 2  # with the Cauchy density: the hypotheses hold, no C ≥ 0 exists
COUNTEREXAMPLE_DENSITY = fp.cauchy_density()
PROP7_WITNESS = 1 + sp.Abs(w)  # (Cp)' jumps at 0: no differentiable L makes p stationary
EXAMPLE2_CENTRE = HALF
EXAMPLE2_VALUES = {S: 1, lam: 1}
EXAMPLE2_WALL = EXAMPLE2_CENTRE - 4  # reflecting wall: the stationary mass below it is erfc(4)/2 ≈ 7.7e-9
EXAMPLE2_SIZES = {True: (2000, 1 / 100, 1 / 100), False: (40000, 1 / 200, 1 / 200)}  # runs, dt, κ
EXAMPLE2_HORIZON = 4
EXAMPLE2_TESTS = ("mean", "E(w - w0)²", "KS distance")  # judged together (Bonferroni)


@cache
def example2_model(centre: sp.Expr) -> tuple[fp.ItoModel, sp.Expr]:
    """Example 2 at w0 = ``centre`` with the least c0 = (2S/λ) sup ∫_{-∞}^w L'p, for which C > 0 everywhere."""
    constant = fp.minimal_constant(fp.example2(centre)).subs(EXAMPLE2_VALUES)
    return fp.example2(centre, constant).model, constant


def experiment(runs: int, horizon, dt: float, kappa: float, seed: np.random.SeedSequence, centre=EXAMPLE2_CENTRE):
    """Euler–Maruyama runs of Example 2 (L = w²/2, C from (112), S = λ = 1) from U[-1, 1] to t = ``horizon``,
    each increment's variance capped at κ, reflected at w0 - 4: the final states, and c0."""
    model, constant = example2_model(sp.sympify(centre))
    result = sde.euler_maruyama(model, EXAMPLE2_VALUES, runs, horizon, dt, seed, lambda rng, n: rng.uniform(-1, 1, n),
                                max_increment_variance=kappa, reflect_below=float(sp.sympify(centre) - 4))
    return result, constant


def _jump_at_zero(covariance: sp.Expr, density: sp.Expr) -> sp.Expr:
    """The jump of (Cp)' at 0: as (Cp)' = (2S/λ²)(J0 - λL'p), a jump leaves no L (derivatives have no jumps)."""
    slope = sp.diff(covariance * density, w)
    return sp.simplify(sp.limit(slope, w, 0, "+") - sp.limit(slope, w, 0, "-"))


# --- Props. 6/10 ------------------------------------------------------------------------------


@symbolic("(51) from dsolve of J = 0, and (112)'s C makes J ≡ 0 for any L, p", version="ziyin2021",
          falsifiers=(mutate("PRINTED_51", lambda p: p * sp.sqrt(_C), "(51) × √C (the Stratonovich density)"),
                      scale("PRINTED_112", 2)))
def zero_flux(ctx):
    derived_51 = fp.stationary_density(fp.ItoModel(_L, _C))
    same_51 = fp.same_up_to_constant(derived_51, PRINTED_51, w)
    current = sp.simplify(fp.ItoModel(_L, PRINTED_112).current(_p))
    ok = same_51 and current == 0
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"dsolve(J = 0) gives P = {tex(derived_51)}, {'∝' if same_51 else 'not ∝'} (51) (Itô convention); with (112)'s "
        f"C the current is J = {tex(current)} for arbitrary L and p",
        "exact (SymPy, undefined functions L, C, p)",
        {"derived_51": derived_51, "current_with_112": current},
        observed={"P": derived_51, "J with (112)": current}, expected={"P": PRINTED_51, "J with (112)": sp.Integer(0)},
    )


@symbolic("Props. 6/10 hypotheses (0 < p < ∞, lim w L' p < ∞) do not give C ≥ 0: L = w²/2, Cauchy p",
          version="ziyin2021",
          falsifiers=(replace("COUNTEREXAMPLE_DENSITY", PRINTED_EXAMPLE2_P.subs(shift, 0), "p = N(0, 1/2)"),
                      replace("PRINTED_TAIL", lambda loss, density: sp.integrate(
                          sp.Abs(sp.diff(loss, w)) * density, (w, -sp.oo, sp.oo)), "hypothesis ∫|L'|p < ∞")))
def cauchy(ctx):
    """Every C making p stationary solves (49): C p = C1 + C2 w - (2S/λ)∫L'p (dsolve). For the Cauchy
    density that is C1 + C2 w - (S/πλ) ln(1 + w²) + const, negative at -∞ (C2 ≥ 0) or at +∞ (C2 ≤ 0)."""
    loss, density = COUNTEREXAMPLE_LOSS, COUNTEREXAMPLE_DENSITY
    tail = PRINTED_TAIL(loss, density)
    products = fp.stationary_products(loss, density, w)
    flux, k = sp.Symbol("C2"), sp.Symbol("k", positive=True)
    ends = {"C2 = 0": 0, "C2 > 0": k, "C2 < 0": -k}
    limits = {name: tuple(sp.limit(products.subs(flux, c), w, end) for end in (-sp.oo, sp.oo)) for name, c in ends.items()}
    negative = all(-sp.oo in pair for pair in limits.values())
    covariance = fp.covariance_for_density(loss, density, w).subs({S: 1, lam: 1, c0: 1})
    at_five = sp.simplify(covariance.subs(w, 5))
    applies = bool(tail.is_finite)
    verdict = Verdict.REFUTED if applies and negative else Verdict.INCONCLUSIVE
    why = ("no C ≥ 0 exists, though the hypotheses hold" if verdict is Verdict.REFUTED else
           "the hypotheses fail here, so this p decides nothing" if not applies else
           "a C ≥ 0 exists here; one instance does not prove the proposition")
    return Finding(
        verdict,
        f"p = {tex(density)}, L = {tex(loss)}: the hypothesis quantity is {tex(tail)}; every stationary C p = {tex(products)} has limits "
        f"(-∞, +∞) {', '.join(f'{n}: {tex((lo, hi))}' for n, (lo, hi) in limits.items())}, so {why}; (112) with "
        f"S = λ = c0 = 1 gives C(5) = {tex(at_five)} ≈ {sp.N(at_five, 6)}. The proof's (113)-(114) bound only ∫L'p over ℝ",
        "exact (SymPy dsolve and limits)",
        {"stationary_C_times_p": products, "C_at_5": at_five},
        observed={"hypothesis": tail, "C p at (-∞, +∞)": {n: (lo, hi) for n, (lo, hi) in limits.items()}},
        expected={"hypothesis": "finite", "C p at (-∞, +∞)": "≥ 0 at both ends for some C1, C2"},
    )


@symbolic("Examples 1 and 2: (112) gives the printed C, and p solves the stationary FP equation (49)",
          version="ziyin2021", falsifiers=(scale("PRINTED_EXAMPLE1_C", 2), scale("PRINTED_EXAMPLE2_C", 2)))
def examples(ctx):
    first = fp.example1()
    first_gap = sp.simplify(sp.powsimp(sp.expand(first.covariance - PRINTED_EXAMPLE1_C), force=True))
    first_residual = sp.simplify(fp.ItoModel(first.loss, PRINTED_EXAMPLE1_C, fp.w_plus).fokker_planck_rhs(first.density))
    second = fp.example2()
    printed_second = PRINTED_EXAMPLE2_C.doit()
    second_gap = sp.simplify((second.covariance.subs(c0, c0 / sp.sqrt(sp.pi)) - printed_second).rewrite(sp.erf))
    second_residual = sp.simplify(fp.ItoModel(second.loss, printed_second, w).fokker_planck_rhs(PRINTED_EXAMPLE2_P))
    gaps = {"Example 1: C(112) - printed C": first_gap, "Example 1: FP residual": first_residual,
            "Example 2: C(112) - printed C (c0 ↦ c0/√π)": second_gap, "Example 2: FP residual": second_residual}
    ok = all(is_zero(gap) for gap in gaps.values())
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"Example 1: (112) gives C = {tex(first.covariance)} (gap to the printed C: {tex(first_gap)}; the '(B(w) = w²)' of the "
        f"text should read C); Example 2: (112) gives C = {tex(second.covariance)}, the printed C with c0 ↦ c0/√π (gap "
        f"{tex(second_gap)}; the 1/√π of p is absorbed in c0); FP residuals {tex(first_residual)} and {tex(second_residual)}",
        "exact (SymPy)",
        {"example1_C": first.covariance, "example2_C": second.covariance,
         "example2_reading": "the printed ∫ w' e^{-(w'-w0)²} dw' taken from -∞ (another lower limit shifts c0)"},
        observed=gaps, expected={name: sp.Integer(0) for name in gaps},
    )


# --- Prop. 7 ----------------------------------------------------------------------------------


@symbolic("Prop. 7: C = 1 + |w| admits no L with p_S = p = N(0, 1/2) ((Cp)' jumps at 0)", version="ziyin2021",
          falsifiers=(replace("PROP7_WITNESS", 1 + w**2, "witness C = 1 + w² (differentiable)"),))
def prop7(ctx):
    density = fp.example2_density(0)
    jump = _jump_at_zero(PROP7_WITNESS, density)
    smooth = fp.gradient_for_stationary(_C, density, w)
    verdict = Verdict.PROVED if jump != 0 else Verdict.INCONCLUSIVE
    return Finding(
        verdict,
        f"with p = N(0, 1/2) and C = {tex(PROP7_WITNESS)}, (Cp)' jumps by {tex(jump)} at 0, "
        f"{'impossible for a zero-flux stationary p with differentiable L, so the statement holds' if jump != 0 else 'so L exists; this C is no witness'}"
        f"; every differentiable C admits L' = {tex(smooth)}",
        "exact (one-sided limits); the statement needs a non-differentiable C",
        {"L_prime_for_differentiable_C": smooth}, observed={"jump of (Cp)' at 0": jump},
        expected={"jump of (Cp)' at 0": "nonzero"},
    )


@symbolic("Prop. 7's proof: the witness C = 0 admits no L", version="ziyin2021", about=About.PROOF,
          falsifiers=(replace("PRINTED_PROP7_WITNESS", 1 + sp.Abs(w), "witness C = 1 + |w|"),))
def prop7_proof(ctx):
    density = fp.example2_density(0)
    jump = _jump_at_zero(PRINTED_PROP7_WITNESS, density)
    gradient = fp.gradient_for_stationary(PRINTED_PROP7_WITNESS, density, w)
    verdict = Verdict.PROVED if jump != 0 else Verdict.REFUTED
    return Finding(
        verdict,
        f"for C = {tex(PRINTED_PROP7_WITNESS)}, (Cp)' jumps by {tex(jump)} at 0 and J = 0 asks L' = {tex(gradient)}: "
        f"{'no L exists, as the proof says' if jump != 0 else 'L constant leaves every p stationary, so the witness fails'}",
        "exact (one-sided limits; SymPy solve of J = 0 for L')",
        {"L_prime": gradient}, observed={"jump of (Cp)' at 0": jump, "L'": gradient},
        expected={"jump of (Cp)' at 0": "nonzero", "L'": "none"},
    )


# --- Example 2 simulated, and the corrected hypothesis ----------------------------------------


@simulation("Example 2: Euler–Maruyama from U[-1, 1] reaches p = N(w0, 1/2) (mean, variance, KS)", version="ziyin2021",
            falsifiers=(mutate("PRINTED_EXAMPLE2_P", lambda p: p.subs(shift, 0), "p centred at 0, the minimum of L"),))
def example2_simulation(ctx):
    """C grows like e^{(w-w0)²} on the left for every c0 (w0 ≠ 0), so a fixed step diverges; the scheme bounds
    each increment's variance by κ and reflects at w0 - 4, where the stationary mass is ½erfc(4) = 7.7e-9 (a
    reflecting wall keeps the zero-flux density; Fig. 8 truncates w at ±4)."""
    runs, dt, kappa = EXAMPLE2_SIZES[ctx.quick]
    result, constant = experiment(runs, EXAMPLE2_HORIZON, dt, kappa, ctx.seed, EXAMPLE2_CENTRE)
    tolerance = (f"Student-t intervals and DKW band at joint level {LEVEL} (Bonferroni over {len(EXAMPLE2_TESTS)} "
                 "tests); increment "
                 f"variance ≤ κ = {kappa}, reflecting wall at w0 - 4 (stationary mass beyond it 7.7e-9)")
    printed = PRINTED_EXAMPLE2_P.subs(shift, EXAMPLE2_CENTRE)
    mean = sp.integrate(w * printed, (w, -sp.oo, sp.oo))
    spread = sp.integrate((w - EXAMPLE2_CENTRE) ** 2 * printed, (w, -sp.oo, sp.oo))
    expected = {"mean": mean, "E(w - w0)²": spread, "law": printed}
    if result.escaped.any():
        return Finding(Verdict.INCONCLUSIVE, f"{int(result.escaped.sum())} runs diverged", tolerance,
                       {"escaped": int(result.escaped.sum())}, observed={"diverged": int(result.escaped.sum())},
                       expected=expected)
    level = bonferroni(len(EXAMPLE2_TESTS))
    mean_ci = mean_interval(result.state, level)
    spread_ci = mean_interval((result.state - float(EXAMPLE2_CENTRE)) ** 2, level)
    cdf = sp.lambdify(w, sp.integrate(printed.subs(w, _v), (_v, -sp.oo, w)), modules=["scipy", "numpy"])
    ordered = np.sort(result.state)
    values = cdf(ordered)
    distance = float(max(np.max(np.arange(1, runs + 1) / runs - values), np.max(values - np.arange(runs) / runs)))
    dkw = float(np.sqrt(np.log(2 / (1 - level)) / (2 * runs)))
    ok = mean in mean_ci and spread in spread_ci and distance <= dkw
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"w0 = {tex(EXAMPLE2_CENTRE)}, S = λ = 1, c0 = {tex(constant)} (least with C ≥ 0), t = {EXAMPLE2_HORIZON}: mean "
        f"{mean_ci.describe()} {'∋' if mean in mean_ci else '∌'} {tex(mean)}, E(w-w0)² {spread_ci.describe()} "
        f"{'∋' if spread in spread_ci else '∌'} {tex(spread)}, KS distance to p {distance:.4g} "
        f"{'≤' if distance <= dkw else '>'} DKW {dkw:.3g}",
        tolerance,
        {"runs": runs, "horizon": EXAMPLE2_HORIZON, "dt": dt, "max_increment_variance": kappa, "wall": EXAMPLE2_WALL,
         "c0": constant, "iterations": result.iterations},
        observed={"mean": mean_ci.describe(), "E(w - w0)²": spread_ci.describe(), "KS distance": distance,
                  "DKW bound": dkw},
        expected=expected,
    )


@symbolic("if F(w) = ∫_{-∞}^w L'p is finite and bounded above, c0 > (2S/λ) sup F gives C > 0 and J ≡ 0",
          falsifiers=(scale("CORRECTED_C0_FACTOR", HALF),))
def corrected(ctx):
    covariance = fp.covariance_for_density(_L, _p, w, -sp.oo)
    current = sp.simplify(fp.ItoModel(_L, covariance).current(_p))
    example = fp.example2()
    integrand = sp.diff(example.loss, w) * example.density
    supremum = fp.antiderivative_supremum(integrand, w)
    flux = fp.antiderivative(integrand, w, -sp.oo)
    margin = sp.simplify(lam / (2 * S) * CORRECTED_C0_FACTOR * supremum - flux)  # (λ/2S) C p at c0 = factor · sup F
    at = {shift: EXAMPLE2_CENTRE}
    values = [sp.limit(margin.subs(at), w, -sp.oo), sp.limit(margin.subs(at), w, sp.oo)]
    values += [sp.simplify(margin.subs(at).subs(w, root)) for root in sp.solve(sp.diff(margin, w).subs(at), w)]
    lowest = sp.Min(*values)
    positive = bool(lowest >= 0) and all(bool(v > 0) for v in values[2:])
    cauchy_flux = fp.antiderivative(w * fp.cauchy_density(), w, -sp.oo)
    ok = current == 0 and positive
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"C p = c0 - (2S/λ)F(w) makes J = {tex(current)} for any L, p. Example 2: F' = w p, sup F = {tex(supremum)}; at "
        f"c0 = {tex(CORRECTED_C0_FACTOR)}·sup F, (λ/2S)Cp = {tex(margin)}, whose infimum at w0 = {tex(EXAMPLE2_CENTRE)} is "
        f"{tex(lowest)} ({'C > 0 on ℝ' if positive else 'C < 0 somewhere'}). The Cauchy counterexample has "
        f"∫_{{-∞}}^w L'p = {tex(cauchy_flux)}",
        "exact (SymPy, undefined functions L, p; Example 2 with symbolic w0 > 0, infimum at w0 = 1/2)",
        {"example2_sup_F": supremum, "example2_margin": margin, "cauchy_F": cauchy_flux},
        observed={"J": current, "inf (λ/2S) C p": lowest}, expected={"J": sp.Integer(0), "inf (λ/2S) C p": "≥ 0"},
    )


CLAIMS = (
    Claim(
        id="ziyin.prop6",
        papers=(ZIYIN_2021,),
        where="Props. 6, 7 (§5.5), Prop. 10 eqs. (110)-(114) and Examples 1-2 (D.5) [2021]",
        statement=r"0 < p < \infty,\ \lim_{w\to\infty} w L'(w) p(w) < \infty \Rightarrow p_S = p \text{ for } "
        r"C = \frac1p\left[c_0 - \frac{2S}{\lambda}\int p\,dL\right];\ \exists C:\ p_S \ne p\ \forall L",
        summary="any regular density is the stationary law for a suitable C(w) (Props. 6/10), and not conversely (Prop. 7)",
        checks=(zero_flux, cauchy, examples, prop7, prop7_proof, example2_simulation),
    ),
    Claim(
        id="ziyin.prop6-corrected",
        papers=(ZIYIN_2021,),
        where="Prop. 10 [2021] with a hypothesis that bounds ∫L'p",
        statement=r"F(w) = \int_{-\infty}^w L'p \text{ finite and } \sup_w F < \infty,\ c_0 > \tfrac{2S}{\lambda}\sup F "
        r"\Rightarrow C = \frac{c_0 - \frac{2S}{\lambda}F}{p} > 0 \text{ and } p \text{ is zero-flux stationary}",
        summary="Prop. 10 holds when ∫_{-∞}^w L'p is bounded above (e.g. L'p integrable)",
        checks=(corrected, example2_simulation),
        corrects="ziyin.prop6",
    ),
)
