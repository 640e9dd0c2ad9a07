r"""The trap set {λ > 0 : μ(λ) = E ln|1 - λx| < 0} at ``dps`` digits, for any noise law.

Finite noise with rational atoms goes the exact route (theory.multiplicative.trap_set: SymPy's
certified isolation of the roots of P(λ) = ±1), and each endpoint is then evaluated to ``dps``
digits. Every endpoint is cross-checked by an independent route: mpmath's bracketing
root-finder applied to μ itself, which never sees the polynomial. Continuous noise (and finite
noise outside the exact route) is handled by evaluating μ by quadrature on a grid bounded by
an a-priori estimate and refining each sign change; that route is not certified and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from theory import multiplicative
from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise, Noise, UniformNoise

from .precision import check_dps, evaluate, working_precision

#: grid points per unit of log(λ) for the non-certified scan
SCAN_DENSITY = 400


@dataclass(frozen=True)
class TrapSetResult:
    """Open intervals (low, high) of λ, ends as mpmath numbers (``mpmath.inf`` if unbounded)."""

    intervals: tuple[tuple[mpmath.mpf, mpmath.mpf], ...]
    route: str
    certified: bool
    dps: int
    exact: tuple[multiplicative.TrapInterval, ...] = ()


def log_rate(noise: Noise, lr, dps: int) -> mpmath.mpf:
    """μ(λ) = E ln|1 - λx| at ``dps`` digits: a finite sum, or quadrature split at x = 1/λ."""
    with working_precision(dps):
        lr = mpmath.mpmathify(lr)
        if isinstance(noise, FiniteNoise):
            total = mpmath.mpf(0)
            for value, prob in noise.atoms:
                factor = 1 - lr * evaluate(value, dps)
                if factor == 0:
                    return mpmath.ninf
                total += evaluate(prob, dps) * mpmath.log(abs(factor))
            return total
        return _continuous_log_rate(noise, lr, dps)


def _continuous_log_rate(noise: Noise, lr: mpmath.mpf, dps: int) -> mpmath.mpf:
    if isinstance(noise, GaussianNoise):
        return _gaussian_log_rate(noise, lr, dps)
    return log_rate_by_quadrature(noise, lr, dps)


def _gaussian_log_rate(noise: GaussianNoise, lr: mpmath.mpf, dps: int) -> mpmath.mpf:
    """E ln|Y| for Y = 1 - λx ~ N(ν, τ²), as d/ds E|Y|^s at s = 0 with the Mellin moment
    E|Y|^s = τ^s 2^{s/2} Γ((s+1)/2) ₁F₁(-s/2; 1/2; -ν²/(2τ²)) / √π."""
    with working_precision(dps):
        nu = 1 - lr * evaluate(noise.mean, dps)
        tau = lr * evaluate(noise.std, dps)

        def moment(s):
            return (
                tau**s * 2 ** (s / 2) * mpmath.gamma((s + 1) / 2) * mpmath.hyp1f1(-s / 2, 0.5, -(nu**2) / (2 * tau**2))
                / mpmath.sqrt(mpmath.pi)
            )

        return mpmath.diff(moment, 0)


def log_rate_by_quadrature(noise: Noise, lr, dps: int) -> mpmath.mpf:
    """μ(λ) = ∫ p(x) ln|1 - λx| dx by tanh-sinh quadrature, split at the log singularity x = 1/λ."""
    with working_precision(dps):
        lr = mpmath.mpmathify(lr)
        pole = 1 / lr
        if isinstance(noise, GaussianNoise):
            mean, std = evaluate(noise.mean, dps), evaluate(noise.std, dps)
            density = lambda t: mpmath.npdf(t, mean, std)  # noqa: E731
            points = [mpmath.ninf, mean - 8 * std, mean + 8 * std, mpmath.inf]
        elif isinstance(noise, UniformNoise):
            low, high = evaluate(noise.low, dps), evaluate(noise.high, dps)
            density = lambda t: 1 / (high - low)  # noqa: E731
            points = [low, high]
        else:
            raise TypeError(f"no quadrature for {noise!r}")
        if points[0] < pole < points[-1]:
            points = sorted(set(points) | {pole})
        return mpmath.quad(lambda t: density(t) * mpmath.log(abs(1 - lr * t)), points)


def trap_set(noise: Noise, dps: int = 50) -> TrapSetResult:
    """The trap set of ``noise`` with endpoints to ``dps`` significant digits."""
    check_dps(dps)
    if isinstance(noise, FiniteNoise) and noise.is_rational:
        try:
            exact = multiplicative.trap_set(noise)
        except ParameterError:
            exact = None
        if exact is not None:
            intervals = tuple(
                (evaluate(piece.low, dps), mpmath.inf if piece.high is sp.oo else evaluate(piece.high, dps))
                for piece in exact
            )
            return TrapSetResult(intervals, "exact polynomial isolation", True, dps, tuple(exact))
    return TrapSetResult(scan_trap_set(noise, dps), "grid scan and root refinement", False, dps)


def scan_upper_bound(noise: Noise) -> mpmath.mpf:
    """A λ beyond which μ(λ) > 0 for certain.

    μ(λ) = ln λ + E ln|x - 1/λ| ≥ ln λ + m with m a lower bound on E ln|x - c| over c:
    N(m, σ²): m = ln σ - (γ + ln 2)/2 (c at the mean); U[a, b]: m = ln((b - a)/2) - 1 (c at the
    midpoint). Finite noise: for λ > 2/min|x_i ≠ 0| every non-zero atom has |1 - λx_i| ≥ λ|x_i|/2 > 1.
    """
    if isinstance(noise, GaussianNoise):
        floor = mpmath.log(evaluate(noise.std, 30)) - (mpmath.euler + mpmath.log(2)) / 2
        return 2 * mpmath.exp(-floor)
    if isinstance(noise, UniformNoise):
        floor = mpmath.log(evaluate(noise.high - noise.low, 30) / 2) - 1
        return 2 * mpmath.exp(-floor)
    nonzero = [abs(evaluate(v, 30)) for v in noise.values if v != 0]
    return 2 / min(nonzero) if nonzero else mpmath.mpf(0)


def scan_trap_set(noise: Noise, dps: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """Sign changes of μ on a log grid (singular points 1/x_i as forced cuts), refined to ``dps``."""
    top = scan_upper_bound(noise)
    if top == 0:
        return ()
    continuous = not isinstance(noise, FiniteNoise)
    points = 400 if continuous else 4000
    with mpmath.workdps(20):
        grid = [top * mpmath.mpf(10) ** (-8 + 8 * mpmath.mpf(i) / points) for i in range(points + 1)]
        poles = [] if continuous else [1 / evaluate(v, 20) for v in noise.values if v != 0]
        poles = [p for p in poles if 0 < p < top]
        grid = sorted(set(grid) | set(poles))
        signs = [log_rate(noise, g, 20) < 0 for g in grid]
    pieces, start = [], (mpmath.mpf(0) if signs[0] else None)
    for (left, s_left), (right, s_right) in zip(zip(grid, signs), zip(grid[1:], signs[1:])):
        if s_left == s_right:
            continue
        crossing = _refine(noise, left, right, poles, dps)
        if s_right:
            start = crossing
        else:
            pieces.append((start, crossing))
            start = None
    if start is not None:
        pieces.append((start, mpmath.inf))
    return tuple(pieces)


def _refine(noise: Noise, left, right, poles, dps: int) -> mpmath.mpf:
    """The root of μ in (left, right); an end at a pole (μ = -∞) is moved inside by 10^(-dps/2).

    If μ has one sign on the nudged bracket, the root lies within that distance of the pole and
    the pole itself is returned (correct to the precision asked for).
    """
    with working_precision(dps):
        left, right = mpmath.mpf(left), mpmath.mpf(right)
        nudge = (right - left) * mpmath.mpf(10) ** (-(dps // 2))
        inner_left = left + nudge if left in poles else left
        inner_right = right - nudge if right in poles else right
        signs = {log_rate(noise, end, dps) < 0 for end in (inner_left, inner_right)}
        if len(signs) == 1:  # the trap neighbourhood of the pole is narrower than the nudge
            return left if left in poles else right
        return mpmath.findroot(lambda t: log_rate(noise, t, dps), (inner_left, inner_right), solver="anderson")


def cross_check(noise: Noise, result: TrapSetResult) -> mpmath.mpf:
    """Largest |λ_root - λ_endpoint| when each finite non-zero endpoint is recomputed by
    bracketing μ(λ) = 0 directly (mpmath Anderson–Björck on μ, never on the polynomial)."""
    worst = mpmath.mpf(0)
    with working_precision(result.dps):
        width = mpmath.mpf(10) ** (-(result.dps // 3))
        for low, high in result.intervals:
            for end in (low, high):
                if end == 0 or mpmath.isinf(end):
                    continue
                root = mpmath.findroot(
                    lambda t: log_rate(noise, t, result.dps), (end * (1 - width), end * (1 + width)), solver="anderson"
                )
                worst = max(worst, abs(root - end) / abs(end))
    return worst
