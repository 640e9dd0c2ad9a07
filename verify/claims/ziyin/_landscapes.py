"""Helpers of the Ziyin landscape claims (prop4, toynn): sets as inline math, and exact comparisons in λ."""

from __future__ import annotations

import sympy as sp

from theory import sharp_minima
from theory.multiplicative import lam

from ...display import tex
from ...symbolic import is_zero

POSITIVE_LAMBDA = sp.Interval.open(0, sp.oo)


def set_text(found: sp.Set) -> str:
    """A SymPy set of reals as inline math: (0, 2), [1/2, ∞), (a, b) ∪ (c, d), ∅ (``verify.display.tex``)."""
    return tex(found)


def identical_for_all_lambda(lhs, rhs) -> bool:
    """lhs = rhs for every λ > 0, decided by solveset (which splits the Max/Abs pieces)."""
    return sp.solveset(sp.Eq(lhs, rhs), lam, POSITIVE_LAMBDA) == POSITIVE_LAMBDA


def abs_arguments(expr) -> frozenset:
    """A max of absolute values, as the set of its squared arguments (|u| is fixed by u²)."""
    terms = expr.args if isinstance(expr, sp.Max) else (expr,)
    return frozenset(sp.expand(term.args[0] ** 2) for term in terms)


def critical_pair(point) -> list:
    """The derived critical points (±p1, ±p2) of the sharp-minima landscape for a printed point p."""
    targets = {(s1 * point[0], s2 * point[1]) for s1 in (1, -1) for s2 in (1, -1)}
    return [c for c in sharp_minima.critical_points()
            if any(is_zero(c.point[0] - t[0]) and is_zero(c.point[1] - t[1]) for t in targets)]


def four_minima_for() -> sp.Set:
    """The set of a on which the sharp-minima landscape has four strict local minima."""
    sets = [c.minimum_for for c in sharp_minima.critical_points() if c.minimum_for != sp.EmptySet]
    return sp.Intersection(*sets) if len(sets) == 4 else sp.EmptySet
