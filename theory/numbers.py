"""Exact numbers from text, through a restricted grammar (never ``eval`` or ``sympify``).

Accepted: integers, decimals and scientific notation (read exactly: ``-0.1`` is -1/10),
``p/q``, ``+ - * /``, ``**`` with a small rational exponent, parentheses, ``sqrt(...)``,
and the constants ``pi`` and ``e``. Everything else is refused with a ``ParameterError``.
"""

from __future__ import annotations

import ast
import re

import sympy as sp

from .errors import ParameterError

MAX_LENGTH = 200
MAX_EXPONENT = 64
MAX_DIGITS = 400
MAX_BITS = 4096  # the size of an exact power; stops towers like ((2**64)**64)**64
_CONSTANTS = {"pi": sp.pi, "e": sp.E}
_FUNCTIONS = {"sqrt": sp.sqrt}
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def parse_exact(text: str, parameter: str = "value") -> sp.Expr:
    """Parse ``text`` into an exact, finite, real SymPy number."""
    if not isinstance(text, str):
        text = str(text)
    source = text.strip()
    if not source:
        raise ParameterError(parameter, "empty number")
    if len(source) > MAX_LENGTH:
        raise ParameterError(parameter, f"longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise ParameterError(parameter, f"cannot parse {source!r} as a number") from None
    value = _build(tree.body, source, parameter)
    if not (value.is_real and value.is_finite):
        raise ParameterError(parameter, f"{source!r} is not a finite real number")
    return value


def parse_list(text: str, parameter: str) -> list[sp.Expr]:
    """Parse a comma-separated list of exact numbers, e.g. ``1,-2`` or ``1/3,2/3``."""
    items = [item for item in str(text).split(",")]
    if not text or not str(text).strip() or any(not item.strip() for item in items):
        raise ParameterError(parameter, "expected a comma-separated list of numbers")
    return [parse_exact(item, parameter) for item in items]


def _build(node: ast.AST, source: str, parameter: str) -> sp.Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ParameterError(parameter, f"unsupported literal in {source!r}")
        literal = ast.get_source_segment(source, node)
        if isinstance(node.value, int):
            if len(literal) > MAX_DIGITS:
                raise ParameterError(parameter, f"more than {MAX_DIGITS} digits in {source!r}")
            return sp.Integer(node.value)
        exponent = re.search(r"[eE]([+-]?\d+)$", literal)
        if exponent and abs(int(exponent.group(1))) > MAX_DIGITS:
            raise ParameterError(parameter, f"decimal exponent beyond 10^±{MAX_DIGITS} in {source!r}")
        return sp.Rational(literal)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand, source, parameter)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _build(node.left, source, parameter)
        right = _build(node.right, source, parameter)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ParameterError(parameter, f"division by zero in {source!r}")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base = _build(node.left, source, parameter)
        exponent = _build(node.right, source, parameter)
        small = exponent.is_Rational and abs(exponent.p) <= MAX_EXPONENT and exponent.q <= MAX_EXPONENT
        if not small:
            raise ParameterError(parameter, f"exponent must be a small rational in {source!r}")
        if base.is_Rational and abs(exponent.p) * max(abs(base.p), base.q).bit_length() > MAX_BITS:
            raise ParameterError(parameter, f"{source!r} has more than {MAX_BITS} bits")
        if base == 0 and exponent < 0:
            raise ParameterError(parameter, f"division by zero in {source!r}")
        return base**exponent
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and len(node.args) == 1
        and not node.keywords
    ):
        argument = _build(node.args[0], source, parameter)
        if argument.is_negative:
            raise ParameterError(parameter, f"square root of a negative number in {source!r}")
        return _FUNCTIONS[node.func.id](argument)
    raise ParameterError(parameter, f"{source!r} is not a number (allowed: digits, p/q, + - * / **, sqrt, pi, e)")
