"""Mathematics inside a finding's prose: summaries carry inline math as ``$…$`` (LaTeX written by
``sympy.latex``), which the book typesets and the terminal and JSON show as written.

A summary is a sentence, never program text: ``f"… {tex(expr)} …"`` in place of ``{expr}``, so
``-2079*d0**2/1000`` reads :math:`-\\frac{2079 d_0^2}{1000}` and ``Interval.open(0, 2)`` reads
:math:`(0, 2)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction

import sympy as sp

#: an inline math span of a summary (no ``$`` inside)
MATH_SPAN = re.compile(r"\$[^$\n]+\$")


def latex(value) -> str:
    """LaTeX of a SymPy value, a Fraction, int or float, or a (nested) tuple or list of them — a list of
    equal-length rows as a matrix, a flat tuple as a tuple."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(row, (list, tuple)) for row in value):
        if len({len(row) for row in value}) == 1:
            return sp.latex(sp.Matrix([[_exact(v) for v in row] for row in value]))
        return r"\left(" + ", ".join(latex(row) for row in value) + r"\right)"
    if isinstance(value, (list, tuple)):
        return r"\left(" + ", ".join(latex(v) for v in value) + r"\right)"
    if isinstance(value, sp.MatrixBase):
        return sp.latex(value)
    return sp.latex(_exact(value))


def tex(value) -> str:
    """``value`` as an inline math span of a summary: ``$…$``."""
    return f"${latex(value)}$"


def segments(text: str) -> Iterator[tuple[bool, str]]:
    """``text`` cut into (is_math, part) pieces at its ``$…$`` spans."""
    position = 0
    for match in MATH_SPAN.finditer(text):
        if match.start() > position:
            yield False, text[position:match.start()]
        yield True, match.group()
        position = match.end()
    if position < len(text):
        yield False, text[position:]


def _exact(value):
    if isinstance(value, bool):
        raise TypeError("a truth value is a word in prose ('holds', 'fails'), not mathematics")
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):  # a measured or mutated constant: shown with the digits it has
        return sp.Float(value)
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    raise TypeError(f"tex() takes SymPy values, fractions, numbers and tuples of them, not {type(value).__name__}")
