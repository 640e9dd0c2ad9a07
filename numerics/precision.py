"""Evaluation at a stated number of significant digits (mpmath), and decimal strings for reports.

SymPy is imported where it is used, so the digit limits and ``check_dps`` load fast (the CLI's
start-up reads them).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import mpmath

from theory.errors import ParameterError

if TYPE_CHECKING:
    import sympy as sp

DEFAULT_DPS = 50
MIN_DPS = 15
MAX_DPS = 1000


def check_dps(dps: int) -> int:
    if isinstance(dps, bool) or not isinstance(dps, int):
        raise ParameterError("dps", f"{dps!r} is not an integer")
    if not MIN_DPS <= dps <= MAX_DPS:
        raise ParameterError("dps", f"{dps} is outside [{MIN_DPS}, {MAX_DPS}]")
    return dps


@contextmanager
def working_precision(dps: int):
    """mpmath at ``dps`` digits plus ten guard digits (never below the caller's precision, so
    numerical differentiation and quadrature around it keep their extra digits), restored after."""
    with mpmath.workdps(max(mpmath.mp.dps, check_dps(dps) + 10)):
        yield


def evaluate(expr: sp.Expr, dps: int) -> mpmath.mpf:
    """An exact SymPy number as an mpmath number correct to ``dps`` digits (SymPy's evalf is adaptive)."""
    import sympy as sp

    with working_precision(dps):
        return mpmath.mpmathify(sp.N(expr, dps + 10))


def decimal(value, dps: int) -> str:
    """``value`` as a decimal string with ``dps`` significant digits; infinities as "inf"/"-inf"."""
    import sympy as sp

    if isinstance(value, sp.Expr):
        if value in (sp.oo, -sp.oo):
            return "inf" if value is sp.oo else "-inf"
        value = mpmath.mpmathify(sp.N(value, dps + 10))
    with mpmath.workdps(dps + 10):
        value = mpmath.mpmathify(value)
        if mpmath.isinf(value):
            return "inf" if value > 0 else "-inf"
        if mpmath.isnan(value):
            raise ValueError("refusing to report NaN")
        if value == 0:
            return "0"
        return mpmath.nstr(value, dps, strip_zeros=False, min_fixed=-5, max_fixed=dps)
