"""Tolerances in one place: intervals on proportions and means, agreement to digits.

Every simulation check is judged by one of these, and its ``tolerance`` string says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
from scipy import stats

#: confidence level of every simulation check unless it states another
LEVEL = 0.999


def bonferroni(tests: int) -> float:
    """The level of each of ``tests`` intervals so that all hold together with probability ≥ LEVEL."""
    return 1 - (1 - LEVEL) / tests


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float
    method: str

    def __contains__(self, value) -> bool:
        return self.low <= float(value) <= self.high

    def describe(self) -> str:
        return f"{self.level * 100:.6g}% {self.method} interval [{self.low:.6g}, {self.high:.6g}]"


def proportion_interval(successes: int, trials: int, level: float = LEVEL, method: str = "wilson") -> Interval:
    """Wilson (default) or Clopper–Pearson ('exact') interval for a binomial proportion."""
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    ci = stats.binomtest(int(successes), int(trials)).proportion_ci(confidence_level=level, method=method)
    name = {"wilson": "Wilson", "exact": "Clopper–Pearson"}[method]
    return Interval(float(ci.low), float(ci.high), level, name)


def wilson_bounds(successes: int, trials: int, level: float, dps: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The Wilson interval's ends at ``dps`` digits (the closed form, z = √2 erf⁻¹(level)):
    (p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n), for reports that print that many digits."""
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    with mpmath.workdps(dps + 10):
        n, p = mpmath.mpf(trials), mpmath.mpf(successes) / trials
        z = mpmath.sqrt(2) * mpmath.erfinv(mpmath.mpf(level))
        centre, scale = p + z**2 / (2 * n), 1 + z**2 / n
        half = z * mpmath.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        return max((centre - half) / scale, mpmath.mpf(0)), min((centre + half) / scale, mpmath.mpf(1))


def mean_interval(samples, level: float = LEVEL) -> Interval:
    """Student-t interval for the mean of i.i.d. samples."""
    samples = np.asarray(samples, dtype=float)
    n = samples.size
    if n < 2:
        raise ValueError("a mean interval needs at least two samples")
    mean = float(samples.mean())
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * samples.std(ddof=1) / np.sqrt(n))
    return Interval(mean - half, mean + half, level, "Student-t")


def relative_gap(a, b) -> mpmath.mpf:
    """|a - b| / max(1, |a|, |b|) in mpmath."""
    a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
    return abs(a - b) / max(mpmath.mpf(1), abs(a), abs(b))


def agree_to_digits(a, b, digits: int) -> bool:
    """Two high-precision numbers agree to ``digits`` significant digits (relative gap ≤ 10^-digits)."""
    return relative_gap(a, b) <= mpmath.mpf(10) ** (-digits)


#: digits a high-precision comparison leaves to rounding in the routes it compares
GUARD_DIGITS = 5


@dataclass(frozen=True)
class DigitsTolerance:
    """Agreement of two high-precision routes at ``dps`` digits: relative gap ≤ 10^-(dps - guard).

    The one high-precision tolerance of the verifier; ``guard`` is the digits the compared routes
    may lose (root-finding, quadrature, numerical differentiation lose more than closed forms).
    """

    dps: int
    guard: int = GUARD_DIGITS

    @property
    def bound(self) -> mpmath.mpf:
        return mpmath.mpf(10) ** (-(self.dps - self.guard))

    def holds(self, gap) -> bool:
        return mpmath.mpmathify(gap) <= self.bound

    def describe(self) -> str:
        return f"relative gap ≤ 10^-{self.dps - self.guard} at {self.dps} digits"
