r"""Patel (arXiv 1709.04718v2) Lemma 3.3 and the text after it: the curvature excess.

M = E[QE[Q]Q] - E[Q]³. (1) x'E[Q]x = 0 ⇒ x'Mx = 0; (2) M ⪰ 0; (3) P[Q = E[Q]] < 1 ⇒ s_Q > 0,
s_Q = min over v ∉ ker E[Q] of v'Mv / v'E[Q]v. (3) is false as printed; corrected: s_Q > 0 iff no
v with E[Q]v ≠ 0 has Qv = E[Q]v a.s.
"""

from __future__ import annotations

import sympy as sp

from numerics import patel as npatel
from theory import patel

from ...claim import Claim, Finding, Verdict, high_precision, replace, symbolic
from ...display import tex
from ...papers import PATEL
from ._common import diagonal_law, instances, matrix, problem_data, seed_data


# --- printed ----------------------------------------------------------------------------------
def PRINTED_M_FORM(Q, A):  # the identity behind (1)-(2): M = E[(Q - E[Q]) E[Q] (Q - E[Q])]
    return (Q - A) * A * (Q - A)


def PRINTED_CONDITION_3(problem) -> bool:  # (3): "P[Q = E[Q]] < 1 ⇒ s_Q > 0"
    return patel.probability_constant(problem) < 1


def CORRECTED_CONDITION_3(problem) -> bool:  # no v with E[Q]v ≠ 0 and Qv = E[Q]v a.s.
    return not patel.has_constant_direction(problem)


# --- experiment parameters --------------------------------------------------------------------
#: Q ∈ {I, diag(1, 3)} w.p. ½: P[Q = E[Q]] = 0 yet Q is constant along e_1
LEMMA33_COUNTEREXAMPLE = patel.StochasticQuadratic.of([[[1, 0], [0, 1]], [[1, 0], [0, 3]]], [[0, 0], [0, 0]], ["1/2", "1/2"])
#: Q ∈ {I, 3I}: a law varying along every direction (a falsifier's replacement)
VARYING_LAW = patel.StochasticQuadratic.of([[[1, 0], [0, 1]], [[3, 0], [0, 3]]], [[0, 0], [0, 0]], ["1/2", "1/2"])
#: the text's law Q ≡ 1 with offsets r = ±1 (inhomogeneous although Q is constant)
TEXT_OFFSETS = ((1,), (-1,))
SEARCH_DIAGONAL_ENTRIES = 4  # diagonal laws with entries in {0, …, 3}: some coordinate is often constant


def experiment(rng, generic: int, diagonal: int, entries: int) -> dict:
    """Random generic laws (with M) and random diagonal laws (entries < ``entries``) for the searches."""
    laws = list(instances(rng, False, generic))
    diagonals = []
    for _ in range(diagonal):
        rows = rng.integers(0, entries, (2, 3))
        if rows.any(axis=0).all():
            diagonals.append(diagonal_law(rows.tolist()))
    return {"generic": laws, "diagonal": diagonals}


def example_law(rng) -> dict:
    """The first random homogeneous 2 × 2 law (3 rational atoms) whose SGD-1 growth threshold lies below
    GD's decrease threshold, with both exact thresholds and det(B'MB - μB'AB)."""
    while True:
        problem = npatel.random_problem(rng, 2, 3, homogeneous=True)
        sgd_one, gd = patel.exact_thresholds(problem, 1), patel.exact_thresholds(problem, sp.oo)
        if problem.eigenvalues and len(problem.eigenvalues) == 2 and sp.N(sgd_one.diverge - gd.converge) < 0:
            return {"problem": problem, "sgd_one": sgd_one, "gd": gd, "pencil": patel.curvature_pencil_determinant(problem)}


# --- checks -----------------------------------------------------------------------------------


@symbolic("(1)-(2): E[QE[Q]Q] - E[Q]³ = E[(Q - E[Q])E[Q](Q - E[Q])] ⪰ 0, and x'E[Q]x = 0 ⇒ x'Mx = 0",
          falsifiers=(replace("PRINTED_M_FORM", lambda Q, A: (Q - A) * (Q - A), "M as E[(Q - E[Q])²]"),))
def identity(ctx):
    """Checked for a generic law (2 × 2, three atoms, symbolic probabilities); each term is a
    congruence of E[Q] ⪰ 0. If x'E[Q]x = 0 then x'Q_ix = 0, so Q_ix = 0 and x'Mx = 0."""
    law = patel.generic_law(2, 3)
    A = law.mean_Q
    centred = law.expectation(lambda Q, b: PRINTED_M_FORM(Q, A))
    residual = (law.curvature_excess - centred).applyfunc(sp.expand)
    ok = residual.is_zero_matrix
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        "M = E[Q E[Q] Q] - E[Q]³ " + ("equals" if ok else "differs from")
        + " Σ_i p_i (Q_i - E[Q]) E[Q] (Q_i - E[Q]) identically" + (", a sum of PSD congruences" if ok else ""),
        "exact (SymPy, generic law)",
        {"identity_holds": ok},
        observed={"M minus the centred form": "0" if ok else "nonzero"}, expected={"M minus the centred form": "0"},
    )


@symbolic("(3) as printed: P[Q = E[Q]] < 1 ⇒ s_Q > 0",
          falsifiers=(replace("LEMMA33_COUNTEREXAMPLE", VARYING_LAW, "the law Q ∈ {I, 3I}"),))
def part3(ctx):
    problem = LEMMA33_COUNTEREXAMPLE
    p_const = patel.probability_constant(problem)
    refuted = PRINTED_CONDITION_3(problem) and problem.s_Q == 0
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"Q ∈ {{{', '.join(tex(sp.Matrix(q)) for q in problem.Q)}}}: P[Q = E[Q]] = {tex(p_const)}, s_Q = {tex(problem.s_Q)}: "
        + ("the hypothesis of (3) holds and its conclusion fails; Jensen's equality case in the proof needs Qv = E[Q]v a.s. "
           "only for the minimising v, not Q = E[Q]" if refuted else "this law satisfies (3), which one law cannot decide"),
        "exact",
        {"counterexample": problem_data(problem), "E_Q": matrix(problem.mean_Q), "M": matrix(problem.law.curvature_excess),
         "s_Q": str(problem.s_Q), "t_Q": str(problem.t_Q), "P_Q_equals_EQ": str(p_const)},
        observed={"P[Q = E[Q]]": p_const, "s_Q": problem.s_Q}, expected={"P[Q = E[Q]] < 1 ⇒ s_Q": "> 0"},
    )


@high_precision("seeded search with exact rationals: (2) on random laws, counterexamples to (3) on diagonal laws",
                falsifiers=(replace("SEARCH_DIAGONAL_ENTRIES", 1, "diagonal laws with zero entries only"),))
def search(ctx):
    laws = experiment(ctx.rng(), 8 if ctx.quick else 40, 20 if ctx.quick else 100, SEARCH_DIAGONAL_ENTRIES)
    psd = sum(patel.is_positive_semidefinite(p.law.curvature_excess) for p in laws["generic"])
    counter = [p for p in laws["diagonal"] if PRINTED_CONDITION_3(p) and patel.curvature_vanishes(p)]
    generic, tried = len(laws["generic"]), len(laws["diagonal"])
    verdict = Verdict.REFUTED if counter or psd < generic else Verdict.INCONCLUSIVE
    return Finding(
        verdict,
        f"(2): M ⪰ 0 exactly on {psd}/{generic} random laws; (3): {len(counter)}/{tried} random diagonal laws with "
        "P[Q = E[Q]] < 1 have s_Q = 0" + (" (a coordinate on which Q is constant)" if counter else ": no counterexample found"),
        "exact (characteristic-polynomial sign test, exact determinant)",
        {"generic_laws": generic, "M_psd": psd, "diagonal_laws": tried, "s_Q_zero": len(counter),
         "first_counterexample": problem_data(counter[0]) if counter else None, "seed": seed_data(ctx)},
        observed={"M ⪰ 0": f"{psd}/{generic}", "counterexamples to (3)": len(counter)},
        expected={"M ⪰ 0": f"{generic}/{generic}", "counterexamples to (3)": 0},
    )


@symbolic("text after Lemma 3.3: P[Q = E[Q]] = 1 ⇒ some θ* has Qθ* + r = 0 a.s. (homogeneous)",
          falsifiers=(replace("TEXT_OFFSETS", ((0,), (0,)), "offsets r = 0"),))
def text(ctx):
    problem = patel.StochasticQuadratic.of([[[1]], [[1]]], [list(r) for r in TEXT_OFFSETS], ["1/2", "1/2"])
    p_const = patel.probability_constant(problem)
    refuted = p_const == 1 and not problem.homogeneous
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"Q ≡ 1, r ∈ {{{', '.join(tex(r[0]) for r in TEXT_OFFSETS)}}} w.p. ½: P[Q = E[Q]] = {tex(p_const)}, θ* = "
        f"{tex(problem.minimizer[0])}, θ* is {'homogeneous' if problem.homogeneous else 'inhomogeneous'} "
        f"(s_Q = {tex(problem.s_Q)}"
        + (": Thm 3.12's γ-interval (0, s_Q/k] is empty)" if refuted else "); this law does not contradict the text"),
        "exact",
        {"counterexample": problem_data(problem), "offsets": [str(b[0]) for b in problem.law.b], "s_Q": str(problem.s_Q)},
        observed={"P[Q = E[Q]]": p_const, "homogeneous": "yes" if problem.homogeneous else "no"},
        expected={"P[Q = E[Q]]": 1, "homogeneous": "yes"},
    )


@symbolic("corrected (3): s_Q > 0 ⇔ no v with E[Q]v ≠ 0 and Qv = E[Q]v a.s.",
          falsifiers=(replace("CORRECTED_CONDITION_3", PRINTED_CONDITION_3, "the printed condition P[Q = E[Q]] < 1"),))
def corrected(ctx):
    """By the identity of (1)-(2), v'Mv = Σ_i p_i ‖E[Q]^{1/2}(Q_i - E[Q])v‖², and (Q_i - E[Q])v ∈
    range(E[Q]); so v'Mv = 0 ⇔ Q_iv = E[Q]v for all i. Checked exactly on random and diagonal laws."""
    laws = experiment(ctx.rng(), 6 if ctx.quick else 30, 10 if ctx.quick else 60, 4)
    problems = laws["generic"] + laws["diagonal"]
    agree = sum((not patel.curvature_vanishes(p)) == CORRECTED_CONDITION_3(p) for p in problems)
    zero = sum(patel.curvature_vanishes(p) for p in problems)
    return Finding(
        Verdict.PROVED if agree == len(problems) else Verdict.REFUTED,
        f"s_Q > 0 agrees with the condition on {agree}/{len(problems)} laws ({zero} with s_Q = 0)",
        "exact",
        {"laws": len(problems), "agree": agree, "s_Q_zero": zero, "seed": seed_data(ctx)},
        observed={"laws where they agree": agree}, expected={"laws where they agree": len(problems)},
    )


CLAIMS = (
    Claim(
        id="patel.lem3_3",
        papers=(PATEL,),
        where="Lemma 3.3 and the text after it",
        statement=r"x'E[Q]x = 0 \Rightarrow x'E[QE[Q]Q]x = 0;\ E[QE[Q]Q] \succeq E[Q]^3;\ P[Q=E[Q]] < 1 \Rightarrow s_Q > 0",
        summary="the curvature excess M is PSD; s_Q > 0 for nontrivial problems (as printed, (3) is false)",
        checks=(identity, part3, search, text),
    ),
    Claim(
        id="patel.lem3_3-corrected",
        papers=(PATEL,),
        where="Lemma 3.3(3) with the equality case of Jensen's inequality per direction",
        statement=r"s_Q > 0 \iff \nexists v:\ E[Q]v \ne 0,\ Qv = E[Q]v \text{ a.s.}",
        summary="s_Q vanishes exactly when some direction of range(E[Q]) is left unchanged by every Q",
        checks=(identity, corrected),
        corrects="patel.lem3_3",
    ),
)
