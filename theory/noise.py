"""Noise laws p(x) for the data point drawn at every SGD step.

A finite law carries exact values and exact probabilities (SymPy numbers); the continuous
laws carry exact parameters and a SymPy density. Every derivation, the exact finite-t law and
the simulator read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .errors import ParameterError

x = sp.Symbol("x", real=True)


def _numbers(items, parameter: str) -> tuple[sp.Expr, ...]:
    try:
        return tuple(sp.sympify(item, strict=True) for item in items)
    except (sp.SympifyError, TypeError):
        raise ParameterError(parameter, "expected numbers (parse text with theory.numbers.parse_exact)") from None


@dataclass(frozen=True)
class FiniteNoise:
    """x takes ``values[i]`` with probability ``probs[i]`` (exact; the probabilities sum to 1).

    Repeated values are one atom: their probabilities are added (first occurrence keeps its place),
    so an empirical sample x_1, …, x_n with weights 1/n is a valid law.
    """

    values: tuple[sp.Expr, ...]
    probs: tuple[sp.Expr, ...]

    def __post_init__(self):
        if len(self.values) == 0:
            raise ParameterError("values", "at least one value is needed")
        if len(self.values) != len(self.probs):
            raise ParameterError("probs", f"{len(self.probs)} probabilities for {len(self.values)} values")
        for value in self.values:
            if not (value.is_real and value.is_finite):
                raise ParameterError("values", f"{value} is not a finite real number")
        for prob in self.probs:
            if not (prob.is_real and prob.is_positive):
                raise ParameterError("probs", f"{prob} is not a positive probability")
        total = sp.Add(*self.probs)
        if sp.simplify(total - 1) != 0:
            raise ParameterError("probs", f"probabilities sum to {total}, not exactly 1")
        if len(set(self.values)) != len(self.values):  # an empirical sample: repeated atoms merge
            merged: dict[sp.Expr, sp.Expr] = {}
            for value, prob in zip(self.values, self.probs):
                merged[value] = merged.get(value, sp.Integer(0)) + prob
            object.__setattr__(self, "values", tuple(merged))
            object.__setattr__(self, "probs", tuple(merged.values()))

    @classmethod
    def of(cls, values, probs) -> "FiniteNoise":
        """Build from numbers (ints, Fractions, SymPy numbers); text goes through
        ``theory.numbers.parse_exact`` first — strings are refused here, never evaluated."""
        return cls(_numbers(values, "values"), _numbers(probs, "probs"))

    @property
    def atoms(self) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
        return tuple(zip(self.values, self.probs))

    def expectation(self, f) -> sp.Expr:
        """E[f(x)] = Σ_i p_i f(x_i), exactly."""
        return sp.Add(*(p * f(v) for v, p in self.atoms))

    @cached_property
    def mean(self) -> sp.Expr:
        return sp.simplify(self.expectation(lambda v: v))

    @cached_property
    def variance(self) -> sp.Expr:
        return sp.simplify(self.expectation(lambda v: v**2) - self.mean**2)

    @property
    def is_rational(self) -> bool:
        return all(v.is_Rational for v in self.values) and all(p.is_Rational for p in self.probs)

    def describe(self) -> str:
        atoms = ", ".join(f"{v} w.p. {p}" for v, p in self.atoms)
        return f"finite noise: {atoms}"


@dataclass(frozen=True)
class GaussianNoise:
    """x ~ N(mean, std²) with std > 0."""

    mean: sp.Expr
    std: sp.Expr

    def __post_init__(self):
        if not (self.std.is_real and self.std.is_positive):
            raise ParameterError("std", f"{self.std} must be positive")
        if not (self.mean.is_real and self.mean.is_finite):
            raise ParameterError("mean", f"{self.mean} is not a finite real number")

    @property
    def density(self) -> sp.Expr:
        return sp.exp(-((x - self.mean) ** 2) / (2 * self.std**2)) / (self.std * sp.sqrt(2 * sp.pi))

    @property
    def support(self) -> tuple[sp.Expr, sp.Expr]:
        return (-sp.oo, sp.oo)

    @property
    def variance(self) -> sp.Expr:
        return self.std**2

    def describe(self) -> str:
        return f"Gaussian noise N({self.mean}, {self.std}^2)"


@dataclass(frozen=True)
class UniformNoise:
    """x ~ U[low, high] with low < high."""

    low: sp.Expr
    high: sp.Expr

    def __post_init__(self):
        if not (self.low.is_real and self.high.is_real and (self.high - self.low).is_positive):
            raise ParameterError("high", f"need low < high, got [{self.low}, {self.high}]")

    @property
    def density(self) -> sp.Expr:
        return 1 / (self.high - self.low)

    @property
    def support(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.low, self.high)

    @property
    def mean(self) -> sp.Expr:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> sp.Expr:
        return (self.high - self.low) ** 2 / 12

    def describe(self) -> str:
        return f"uniform noise U[{self.low}, {self.high}]"


ContinuousNoise = GaussianNoise | UniformNoise
Noise = FiniteNoise | GaussianNoise | UniformNoise
