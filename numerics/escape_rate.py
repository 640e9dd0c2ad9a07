"""The escape rate γ(λ) = μ(λ) = E ln|1 - λx| (Ziyin et al., Def. 2 [2021] / Def. 3 [2022]) and its
supremum over a stated range of learning rates, for any noise law.

E ln|w_t| = ln|w_0| + tμ exactly at every t, so γ = μ. The supremum over [low, high] is found on
a grid and refined where dμ/dλ changes sign (mpmath root-finding on the derivative); μ is
smooth between its poles λ = 1/x_i, where it tends to -∞, so maxima are interior stationary
points or range ends. Not certified: a peak narrower than the grid spacing could be missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from theory.errors import ParameterError
from theory.noise import Noise

from .precision import check_dps, working_precision
from .trapset import log_rate

GRID_POINTS = 400


@dataclass(frozen=True)
class Supremum:
    gamma: mpmath.mpf
    argmax: mpmath.mpf
    dps: int


def supremum(noise: Noise, low, high, dps: int = 50) -> Supremum:
    """sup_{low ≤ λ ≤ high} γ(λ) and where it is attained."""
    check_dps(dps)
    with working_precision(dps):
        low, high = mpmath.mpmathify(low), mpmath.mpmathify(high)
        if not (0 < low < high):
            raise ParameterError("lr-range", f"need 0 < low < high, got [{low}, {high}]")
        step = (high - low) / GRID_POINTS
        grid = [low + step * i for i in range(GRID_POINTS + 1)]
        values = [log_rate(noise, g, dps) for g in grid]
        best = max(range(len(grid)), key=lambda i: values[i])
        candidates = [(values[best], grid[best])]
        if 0 < best < GRID_POINTS:
            slope = lambda y: mpmath.diff(lambda z: log_rate(noise, z, dps), y)  # noqa: E731
            left, right = grid[best - 1], grid[best + 1]
            if slope(left) > 0 > slope(right):
                peak = mpmath.findroot(slope, (left, right), solver="anderson")
                candidates.append((log_rate(noise, peak, dps), peak))
        gamma, argmax = max(candidates, key=lambda c: c[0])
        return Supremum(gamma, argmax, dps)
