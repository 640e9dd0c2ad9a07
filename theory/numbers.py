"""Exact numbers and expressions from text, through a restricted grammar (never ``eval`` or ``sympify``).

Numbers (:func:`parse_exact`): integers, decimals and scientific notation (read exactly: ``-0.1``
is -1/10), ``p/q``, ``+ - * /``, ``**`` with a small rational exponent, parentheses, ``sqrt(...)``,
and the constants ``pi`` and ``e``. Expressions (:func:`parse_expression`, e.g. a per-sample loss):
the same, plus the caller's symbols, integer powers of anything, and ``sqrt``, ``exp``, ``log``,
``tanh``, ``sin``, ``cos``. Everything else is refused with a ``ParameterError``.
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
#: longest expression, and most nodes in its syntax tree
MAX_EXPRESSION_LENGTH = 2000
MAX_NODES = 1000
#: a literal as the grammar reads it: ASCII decimal digits, an optional point and exponent
_DECIMAL = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_CONSTANTS = {"pi": sp.pi, "e": sp.E}
_FUNCTIONS = {"sqrt": sp.sqrt}
_EXPRESSION_FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "tanh": sp.tanh, "sin": sp.sin, "cos": sp.cos}
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def parse_exact(text: str, parameter: str = "value") -> sp.Expr:
    """Parse ``text`` into an exact, finite, real SymPy number."""
    source, tree = _syntax_tree(text, parameter, MAX_LENGTH, "number")
    value = _Builder(source, parameter, _CONSTANTS, _FUNCTIONS).build(tree.body)
    if not (value.is_real and value.is_finite):
        raise ParameterError(parameter, f"{source!r} is not a finite real number")
    return value


def parse_list(text: str, parameter: str) -> list[sp.Expr]:
    """Parse a comma-separated list of exact numbers, e.g. ``1,-2`` or ``1/3,2/3``."""
    items = [item for item in str(text).split(",")]
    if not text or not str(text).strip() or any(not item.strip() for item in items):
        raise ParameterError(parameter, "expected a comma-separated list of numbers")
    return [parse_exact(item, parameter) for item in items]


def parse_expression(text: str, symbols: dict[str, sp.Symbol], parameter: str = "expression") -> sp.Expr:
    """Parse ``text`` into a SymPy expression in the named ``symbols`` (numbers exact, as in
    :func:`parse_exact`; integer powers; sqrt, exp, log, tanh, sin, cos). Unknown names, other
    functions, attributes, subscripts, comparisons and the like are refused."""
    clash = sorted(set(symbols) & (set(_CONSTANTS) | set(_EXPRESSION_FUNCTIONS)))
    if clash:
        raise ParameterError(parameter, f"symbol names {clash} are reserved (constants and functions)")
    source, tree = _syntax_tree(text, parameter, MAX_EXPRESSION_LENGTH, "expression")
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ParameterError(parameter, f"more than {MAX_NODES} syntax nodes")
    return _Builder(source, parameter, _CONSTANTS | dict(symbols), _EXPRESSION_FUNCTIONS, integer_powers=True).build(tree.body)


def expression_names(text: str, parameter: str = "expression") -> set[str]:
    """The symbol names an expression uses (the names that are neither its functions nor the
    constants), read from its syntax tree within the same limits as :func:`parse_expression`."""
    _, tree = _syntax_tree(text, parameter, MAX_EXPRESSION_LENGTH, "expression")
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - called - set(_CONSTANTS)


def _syntax_tree(text: str, parameter: str, longest: int, what: str) -> tuple[str, ast.Expression]:
    """(the stripped text, its Python expression tree) — only parsed, never evaluated."""
    source = (text if isinstance(text, str) else str(text)).strip()
    if not source:
        raise ParameterError(parameter, f"empty {what}")
    if len(source) > longest:
        raise ParameterError(parameter, f"longer than {longest} characters")
    try:
        return source, ast.parse(source, mode="eval")
    except SyntaxError:
        raise ParameterError(parameter, f"cannot parse {source!r} as {'a number' if what == 'number' else 'an expression'}") from None


class _Builder:
    """SymPy from an ``ast`` tree, node by node, for the allowed nodes only. Numbers: exact
    literals, + − * /, small rational powers (bounded size). With ``integer_powers``, a
    non-numeric base takes any integer exponent up to MAX_EXPONENT in size."""

    def __init__(self, source: str, parameter: str, names: dict, functions: dict, integer_powers: bool = False):
        self.source, self.parameter, self.names, self.functions = source, parameter, names, functions
        self.integer_powers = integer_powers

    def fail(self, message: str):
        raise ParameterError(self.parameter, message)

    def build(self, node: ast.AST) -> sp.Expr:
        source = self.source
        if isinstance(node, ast.Constant):
            return self.literal(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                self.fail(f"division by zero in {source!r}")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(self.build(node.left), self.build(node.right))
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.names[node.id]
        if isinstance(node, ast.Name):
            allowed = ", ".join(sorted(set(self.names) - set(_CONSTANTS))) or "none"
            self.fail(f"unknown name {node.id!r} in {source!r} (symbols: {allowed}; constants pi, e)")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions
                and len(node.args) == 1 and not node.keywords):
            argument = self.build(node.args[0])
            if node.func.id == "sqrt" and argument.is_number and argument.is_negative:
                self.fail(f"square root of a negative number in {source!r}")
            if node.func.id == "log" and argument.is_number and not argument.is_positive:
                self.fail(f"logarithm of a number ≤ 0 in {source!r}")
            return self.functions[node.func.id](argument)
        if self.integer_powers:
            self.fail(f"{source!r} is not an expression of the allowed form (symbols, numbers, + - * / **, "
                      f"{', '.join(sorted(self.functions))})")
        self.fail(f"{source!r} is not a number (allowed: digits, p/q, + - * / **, sqrt, pi, e)")

    def literal(self, node: ast.Constant) -> sp.Expr:
        source = self.source
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(f"unsupported literal in {source!r}")
        literal = ast.get_source_segment(source, node)
        if "_" in literal:
            self.fail(f"'_' is not part of the number grammar, got {literal[:40]!r}")
        if not _DECIMAL.fullmatch(literal):
            self.fail(f"write numbers in decimal (no 0x, 0o, 0b), got {literal[:40]!r}")
        if isinstance(node.value, int):
            if len(literal) > MAX_DIGITS:
                self.fail(f"more than {MAX_DIGITS} digits in {source!r}")
            return sp.Integer(node.value)
        exponent = re.search(r"[eE]([+-]?\d+)$", literal)
        if exponent and abs(int(exponent.group(1))) > MAX_DIGITS:
            self.fail(f"decimal exponent beyond 10^±{MAX_DIGITS} in {source!r}")
        return sp.Rational(literal)

    def power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        source = self.source
        small = exponent.is_Rational and abs(exponent.p) <= MAX_EXPONENT and exponent.q <= MAX_EXPONENT
        if not base.is_number:
            if not (self.integer_powers and exponent.is_Integer and abs(exponent) <= MAX_EXPONENT):
                self.fail(f"powers of expressions must be integers up to {MAX_EXPONENT} in size, in {source!r}")
            return base**exponent
        if not small:
            self.fail(f"exponent must be a small rational in {source!r}")
        if base.is_Rational and abs(exponent.p) * max(abs(base.p), base.q).bit_length() > MAX_BITS:
            self.fail(f"{source!r} has more than {MAX_BITS} bits")
        if base == 0 and exponent < 0:
            self.fail(f"division by zero in {source!r}")
        return base**exponent
