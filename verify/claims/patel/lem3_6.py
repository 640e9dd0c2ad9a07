r"""Patel (arXiv 1709.04718v2) Def. 3.5 eq. (8), Lemma 3.6 eqs. (9)-(10): the one-step expectation.

For SGD-k (k i.i.d. draws per step) on the stochastic quadratic, E[e_(N+1) | θ_N] = e_N - 2Ce_(N,2)
+ C²e_(N,3) + (C²/k)e_(N,M) + 2(C²/k)(θ_N - θ*)'E[QE[Q](Qθ* + r)] + (C²/k)E[(Qθ* + r)'E[Q](Qθ* + r)].
Reading (OCR): eq. (8)'s batch j = Nk + 1, …, N(k + 1) has N terms; the k draws Nk + 1, …, (N + 1)k are meant.
"""

from __future__ import annotations

import sympy as sp

from numerics import patel as npatel
from theory import patel

from ...claim import Claim, Finding, Verdict, high_precision, scale, symbolic
from ...papers import PATEL
from ._common import C, R, instances, k, seed_data

# --- printed ----------------------------------------------------------------------------------
PRINTED_NOISE = 1  # the coefficient of (C²/k) e_(N,M) in (9)
PRINTED_CROSS = 2  # the coefficient of (C²/k)(θ_N - θ*)'E[QE[Q](Qθ* + r)]


def printed_lemma36(law: patel.QuadraticLaw, d: sp.Matrix, step=C, batch=k, homogeneous: bool = False):
    """Eq. (9) (eq. (10) when ``homogeneous``)."""
    A = law.mean_Q
    e_M = sp.expand((d.T * law.curvature_excess * d)[0, 0])
    value = (patel.error(A, d, 1) - 2 * step * patel.error(A, d, 2) + step**2 * patel.error(A, d, 3)
             + PRINTED_NOISE * step**2 / batch * e_M)
    if not homogeneous:
        value += PRINTED_CROSS * step**2 / batch * (d.T * law.cross_moment)[0, 0] + step**2 / batch * law.offset_energy
    return sp.expand(value)


# --- experiment -------------------------------------------------------------------------------


def experiment(rng, count: int) -> list[dict]:
    """Random rational laws, k ≤ 3, C and θ_N: E[e_(N+1) | θ_N] by enumerating every multiset of k atoms."""
    cases = []
    for problem in instances(rng, False, count):
        batch = int(rng.integers(1, 4))
        theta = sp.Matrix([R(int(v), 3) for v in rng.integers(-6, 7, problem.dimension)])
        step = R(int(rng.integers(1, 10)), 10)
        cases.append({"problem": problem, "k": batch, "C": step, "theta": theta,
                      "enumerated": npatel.enumerated_one_step(problem, batch, step, theta)})
    return cases


ONE_D_LAW = patel.StochasticQuadratic.of([[[1]], [[3]]], [[[1]], [[-1]]], ["1/2", "1/2"])  # the book's inhomogeneous law


def one_dimensional_example(problem=ONE_D_LAW) -> dict:
    """E[e_(N+1) | θ_N] derived for a one-dimensional law (d = θ_N - θ*), collected in C and k, and its k → ∞ limit."""
    law, d = problem.law, patel.displacement(1)
    return {"problem": problem, "law": law, "expectation": sp.collect(patel.one_step_expectation(law, d), [C, k]),
            "gd_limit": sp.factor(patel.one_step_expectation(law, d, C, sp.oo))}


# --- checks -----------------------------------------------------------------------------------


@symbolic("eq. (9)/(10) equals E[e_(N+1) | θ_N] derived over a batch of k i.i.d. draws (generic law)",
          falsifiers=(scale("PRINTED_NOISE", 2),))
def symbolic_form(ctx):
    law = patel.generic_law(2, 2)
    d = patel.displacement(2)
    derived = patel.one_step_expectation(law, d)
    gap = sp.expand(sp.numer(sp.together(derived - printed_lemma36(law, d))))
    homogeneous_law = patel.QuadraticLaw(law.Q, (sp.zeros(2, 1),) * 2, law.probs)
    gap10 = sp.expand(sp.numer(sp.together(
        patel.one_step_expectation(homogeneous_law, d) - printed_lemma36(homogeneous_law, d, homogeneous=True))))
    same = gap == 0 and gap10 == 0
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        "for a generic 2 × 2 law with two atoms, symbolic k, C and θ_N, the expectation over the batch "
        + ("equals eq. (9), and eq. (10) when Qθ* + r = 0" if same else
           f"differs from eq. (9) ({'equal' if gap == 0 else 'different'}) / eq. (10) ({'equal' if gap10 == 0 else 'different'})"),
        "exact (SymPy, generic law)",
        {"eq9": gap == 0, "eq10": gap10 == 0},
        observed={"derived − (9)": "0" if gap == 0 else "nonzero", "derived − (10)": "0" if gap10 == 0 else "nonzero"},
        expected={"derived − (9)": "0", "derived − (10)": "0"},
    )


@high_precision("exact enumeration of all batches on random rational laws equals eq. (9)", falsifiers=(scale("PRINTED_NOISE", 2),))
def enumeration(ctx):
    rows, mismatches = [], 0
    for case in experiment(ctx.rng(), 4 if ctx.quick else 16):
        problem = case["problem"]
        d = case["theta"] - problem.minimizer
        symbols = patel.displacement(problem.dimension)
        printed = sp.expand(printed_lemma36(problem.law, symbols, case["C"], case["k"]).subs(dict(zip(symbols, d))))
        mismatches += printed != case["enumerated"]
        rows.append({"k": case["k"], "C": str(case["C"]), "theta": [str(v) for v in case["theta"]],
                     "enumerated": str(case["enumerated"]), "eq9": str(printed), "homogeneous": problem.homogeneous})
    return Finding(
        Verdict.CONFIRMED if mismatches == 0 else Verdict.REFUTED,
        f"{len(rows)} laws (2-3 dims, 2-3 atoms, k ≤ 3): E[e_(N+1) | θ_N] summed over every multiset of k atoms "
        f"(multinomial weights) against eq. (9): {mismatches} mismatches",
        "exact rational equality",
        {"cases": rows, "seed": seed_data(ctx)},
        observed={"mismatches": mismatches}, expected={"mismatches": 0},
    )


CLAIMS = (
    Claim(
        id="patel.lem3_6",
        papers=(PATEL,),
        where="Def. 3.5 eq. (8), Lemma 3.6 eqs. (9)-(10)",
        statement=r"E[e_{N+1}|\theta_N] = e_N - 2C e_{N,2} + C^2 e_{N,3} + \tfrac{C^2}{k} e_{N,M} + 2\tfrac{C^2}{k}(\theta_N-\theta^*)'"
        r"E[QE[Q](Q\theta^*+r)] + \tfrac{C^2}{k} E[(Q\theta^*+r)'E[Q](Q\theta^*+r)]",
        summary="the exact one-step conditional expectation of e_N for SGD-k",
        checks=(symbolic_form, enumeration),
    ),
)
