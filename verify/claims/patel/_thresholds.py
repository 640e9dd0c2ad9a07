"""Printed step-size bounds of Thms 3.8 and 3.12 against the exact one-step thresholds on random
rational laws, with exact rational certificates (shared by ``thm3_8`` and ``thm3_12``).

The exact side (laws, thresholds, the certificate that definiteness flips there) does not depend
on the printed formulas and is cached; the printed side is evaluated at each call, so a falsifier
that rebinds a printed bound in a claim module is seen."""

from __future__ import annotations

from functools import cache

import mpmath

from numerics import patel as npatel
from numerics.precision import working_precision
from theory import patel

from ...stats import DigitsTolerance
from ._common import (
    BATCHES,
    instances,
    mp_batch,
    negative_definite,
    positive_definite,
    problem_data,
    rational_near,
    shared_rng,
)


@cache
def laws(homogeneous: bool, quick: bool, entropy: int) -> tuple:
    rng = shared_rng(entropy, int(homogeneous))
    return tuple(p for p in instances(rng, homogeneous, 5 if quick else 12) if homogeneous or p.s_Q != 0)


@cache
def exact_side(homogeneous: bool, quick: bool, entropy: int, dps: int) -> tuple:
    """(law, k, numbers, exact thresholds are where definiteness flips) for every law and k."""
    rows = []
    for problem in laws(homogeneous, quick, entropy):
        for batch in BATCHES:
            n = npatel.quadratic_numbers(problem, batch, dps)
            sharp = (negative_definite(problem, batch, rational_near(n.exact_converge, 1 - 1e-6))
                     and not negative_definite(problem, batch, rational_near(n.exact_converge, 1 + 1e-6))
                     and positive_definite(problem, batch, rational_near(n.exact_diverge, 1 + 1e-6))
                     and not positive_definite(problem, batch, rational_near(n.exact_diverge, 1 - 1e-6)))
            rows.append((problem, batch, n, sharp))
    return tuple(rows)


def compare(homogeneous: bool, quick: bool, entropy: int, dps: int, converge, diverge):
    """For each law and k ∈ BATCHES: ``converge(n, k)`` ≤ exact convergence threshold and
    ``diverge(n, k)`` (None: no bound) ≥ exact divergence threshold, with rational certificates at
    C just inside each bound. Returns rows, failures, and the extreme ratios bound/exact."""
    rows, failures, worst = [], [], {"converge": mpmath.mpf(1), "diverge": mpmath.mpf(1)}
    tolerance = DigitsTolerance(dps)
    for problem, batch, n, sharp in exact_side(homogeneous, quick, entropy, dps):
        with working_precision(dps):
            u = converge(n, mp_batch(batch))
            l_value = diverge(n, batch)
            ordered = u <= n.exact_converge * (1 + tolerance.bound) and (
                l_value is None or l_value >= n.exact_diverge * (1 - tolerance.bound))
        inside_u = u > n.exact_converge or negative_definite(problem, batch, rational_near(u, 1 - 1e-6))
        inside_l = l_value is None or l_value < n.exact_diverge or positive_definite(
            problem, batch, rational_near(l_value, 1 + 1e-6))
        worst["converge"] = max(worst["converge"], u / n.exact_converge) if u > n.exact_converge else min(
            worst["converge"], u / n.exact_converge)
        if l_value is not None:
            worst["diverge"] = max(worst["diverge"], l_value / n.exact_diverge)
        row = {"k": batch, "converge_bound": u, "exact_converge": n.exact_converge,
               "diverge_bound": "none" if l_value is None else l_value, "exact_diverge": n.exact_diverge,
               "certified_inside": bool(ordered and inside_u and inside_l), "exact_is_flip_point": sharp}
        rows.append(row)
        if not (ordered and inside_u and inside_l and sharp):
            failures.append({**row, "law": problem_data(problem)})
    return rows, failures, worst


def derived_agreement(laws_, dps: int, converge, diverge) -> bool:
    """The printed case-rule bounds equal theory's Lemma 3.7 min/max, to the digits tolerance."""
    tolerance = DigitsTolerance(dps)
    for problem in laws_:
        for batch in BATCHES:
            u, l_value = patel.lemma37_bounds(problem.eigenvalues, problem.t_Q, problem.s_Q, batch)
            n = npatel.quadratic_numbers(problem, batch, dps)
            with working_precision(dps):
                pu = converge(n.eigenvalues, n.t_Q, mp_batch(batch))
                pl = diverge(n.eigenvalues, n.s_Q, mp_batch(batch))
                if not (tolerance.holds(abs(pu - npatel.to_mp(u, dps)) / pu)
                        and tolerance.holds(abs(pl - npatel.to_mp(l_value, dps)) / pl)):
                    return False
    return True


