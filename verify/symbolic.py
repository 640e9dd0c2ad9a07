"""Exact comparisons used by the symbolic checks."""

from __future__ import annotations

import sympy as sp


def is_zero(expr) -> bool:
    """SymPy proves ``expr`` = 0 identically (expand, then simplify). False means 'not shown'."""
    return sp.simplify(sp.expand(expr)) == 0
