"""Exact comparisons used by the symbolic checks."""

from __future__ import annotations

import sympy as sp


def is_zero(expr) -> bool:
    """SymPy proves ``expr`` = 0 identically (expand, then simplify; a matrix entry by entry).
    False means 'not shown'."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(entry) for entry in expr)
    return sp.simplify(sp.expand(expr)) == 0
