r"""The trap set {λ > 0 : μ(λ) = E ln|1 - λx| < 0} at ``dps`` digits, for any noise law.

Finite noise with rational atoms goes the exact route (theory.multiplicative.trap_set: SymPy's
certified isolation of the roots of P(λ) = ±1), and each endpoint is then evaluated to ``dps``
digits. Every endpoint is cross-checked by an independent route: mpmath's bracketing
root-finder applied to μ itself, which never sees the polynomial. Continuous noise (and finite
noise outside the exact route) is handled by evaluating μ by quadrature on a grid bounded by
an a-priori estimate and refining each sign change; that route is not certified and says so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from theory import multiplicative
from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise, Noise, UniformNoise

from .multiplicative_sim import factor, factor_slope, log_abs_factor
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
            for value, prob in _atoms_at(noise, dps):
                log_factor = log_abs_factor(value, lr)
                if log_factor == mpmath.ninf:
                    return mpmath.ninf
                total += prob * log_factor
            return total
        return _continuous_log_rate(noise, lr, dps)


@functools.lru_cache(maxsize=64)
def _atoms_at(noise: FiniteNoise, dps: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """The atoms (x_i, p_i) at ``dps`` digits, evaluated once per law and precision (SymPy's
    evalf costs more than the logarithm a scan takes of each)."""
    with working_precision(dps):
        return tuple((evaluate(value, dps), evaluate(prob, dps)) for value, prob in noise.atoms)


def _continuous_log_rate(noise: Noise, lr: mpmath.mpf, dps: int) -> mpmath.mpf:
    if isinstance(noise, GaussianNoise):
        return _gaussian_log_rate(noise, lr, dps)
    return log_rate_by_quadrature(noise, lr, dps)


def _gaussian_log_rate(noise: GaussianNoise, lr: mpmath.mpf, dps: int) -> mpmath.mpf:
    """E ln|Y| for Y = 1 - λx ~ N(ν, τ²), as d/ds E|Y|^s at s = 0 with the Mellin moment
    E|Y|^s = τ^s 2^{s/2} Γ((s+1)/2) ₁F₁(-s/2; 1/2; -ν²/(2τ²)) / √π."""
    with working_precision(dps):
        nu = factor(evaluate(noise.mean, dps), lr)
        tau = abs(factor_slope(lr)) * evaluate(noise.std, dps)
        if (nu / tau) ** 2 > FAR_FROM_ZERO * (dps + 10):
            return _gaussian_log_rate_far(nu, tau, dps)

        def moment(s):
            return (
                tau**s * 2 ** (s / 2) * mpmath.gamma((s + 1) / 2) * mpmath.hyp1f1(-s / 2, 0.5, -(nu**2) / (2 * tau**2))
                / mpmath.sqrt(mpmath.pi)
            )

        return mpmath.diff(moment, 0)


#: Y ~ N(ν, τ²) counts as far from 0 when (ν/τ)² > FAR_FROM_ZERO·(dps + 10): then P(|Y - ν| > |ν|)
#: < e^{-(ν/τ)²/2} is below 10^-(dps+10) and the series of ``_gaussian_log_rate_far`` is used
FAR_FROM_ZERO = 5


def _gaussian_log_rate_far(nu: mpmath.mpf, tau: mpmath.mpf, dps: int) -> mpmath.mpf:
    """E ln|ν + τZ| = ln|ν| - Σ_{k≥1} (2k-1)!!/(2k) (τ/ν)^{2k} for |ν| ≫ τ: the series of
    ln(1 + u), u = τZ/ν, with E Z^{2k} = (2k-1)!!; asymptotic, summed while its terms decrease and
    exceed 10^-(dps+5) (the smallest term and the neglected |u| > 1 mass are both far below that)."""
    ratio = (tau / nu) ** 2
    total, term, k = mpmath.log(abs(nu)), ratio / 2, 1  # term: (2k-1)!!/(2k) · ratio^k
    tiny = mpmath.mpf(10) ** -(dps + 5)
    while abs(term) > tiny * abs(total) + tiny:
        total -= term
        following = term * ratio * (2 * k + 1) * (2 * k) / (2 * k + 2)
        if following >= term:
            break
        term, k = following, k + 1
    return total


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
        return mpmath.quad(lambda t: density(t) * log_abs_factor(t, lr), points)


def trap_set(noise: Noise, dps: int = 50) -> TrapSetResult:
    """The trap set of ``noise`` with endpoints to ``dps`` significant digits."""
    check_dps(dps)
    if isinstance(noise, FiniteNoise) and noise.is_rational:
        try:
            exact = multiplicative.trap_set(noise)
        except ParameterError:
            exact = None
        if exact is not None:
            intervals = tuple((_end(piece.low, piece.low_enclosure, dps), _end(piece.high, piece.high_enclosure, dps))
                              for piece in exact)
            return TrapSetResult(intervals, "exact polynomial isolation", True, dps, tuple(exact))
    return TrapSetResult(scan_trap_set(noise, dps), "grid scan and root refinement", False, dps)


def _end(value: sp.Expr, enclosure: multiplicative.RootEnclosure | None, dps: int) -> mpmath.mpf:
    """An exact end at ``dps`` digits: from its certified rational enclosure, narrowed to a relative
    width 10^-(dps + 5), when it has one (a closed form's radicals can cancel catastrophically)."""
    if value is sp.oo:
        return mpmath.inf
    if enclosure is None:
        return evaluate(value, dps)
    narrow = enclosure.refined(sp.Rational(1, 10 ** (dps + 5)))
    with working_precision(dps):
        middle = (narrow.low + narrow.high) / 2
        return mpmath.mpf(middle.p) / middle.q


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


def scan_lower_bound(noise: Noise, top: mpmath.mpf) -> mpmath.mpf:
    """The scan's smallest λ: 10^-8 below both ``top`` and 1/s, s the noise's largest scale
    (|mean| + σ, max(|a|, |b|), max|x_i|), where μ(λ) ≈ -λ E x starts to bend."""
    if isinstance(noise, GaussianNoise):
        scale = abs(evaluate(noise.mean, 30)) + evaluate(noise.std, 30)
    elif isinstance(noise, UniformNoise):
        scale = max(abs(evaluate(noise.low, 30)), abs(evaluate(noise.high, 30)))
    else:
        scale = max(abs(evaluate(v, 30)) for v in noise.values)
    return mpmath.mpf(10) ** -8 * min(top, 1 / scale)


def scan_trap_set(noise: Noise, dps: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """Sign changes of μ on a log grid from ``scan_lower_bound`` to ``scan_upper_bound`` (50 or
    500 points a decade, at most 1,600 or 16,000 in all; singular points 1/x_i as forced cuts),
    refined to ``dps``."""
    top = scan_upper_bound(noise)
    if top == 0:
        return ()
    continuous = not isinstance(noise, FiniteNoise)
    with mpmath.workdps(20):
        bottom = scan_lower_bound(noise, top)
        decades = mpmath.log10(top / bottom)
        points = int(min(mpmath.ceil(decades * (50 if continuous else 500)), 1600 if continuous else 16000))
        grid = [bottom * (top / bottom) ** (mpmath.mpf(i) / points) for i in range(points + 1)]
        with working_precision(dps):  # a pole can be an end (a trap neighbourhood below the nudge): at dps digits
            poles = [] if continuous else [1 / value for value, _ in _atoms_at(noise, dps) if value != 0]
        poles = [p for p in poles if 0 < p < top]
        grid = sorted(set(grid) | set(poles))
        signs = _finite_signs(noise, grid, set(poles)) if not continuous else [log_rate(noise, g, 20) < 0 for g in grid]
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


def _finite_signs(noise: FiniteNoise, grid, poles: set) -> list[bool]:
    """μ(λ) < 0 at each grid point of a finite law: in float64 where the computed μ exceeds a
    bound on its rounding error many times over, else in mpmath at 20 digits; True at a pole
    λ = 1/x_i, where μ = -∞.

    The bound: ln|1 - λx_i| in floats errs by at most ~ε(1 + |λx_i|/|1 - λx_i|) (the rounding of
    λ and of 1 - λx_i, amplified by cancellation near the pole), the weighted sum by ~ε n Σ p_i|ln|·||.
    """
    atoms = _atoms_at(noise, 20)
    values, probs = (np.array([float(atom[i]) for atom in atoms]) for i in (0, 1))
    lr = np.array([float(g) for g in grid])[:, None]
    epsilon = np.finfo(float).eps
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.abs(1 - lr * values)
        terms = probs * np.log(factor)
        mu = terms.sum(axis=1)
        error = 8 * epsilon * (probs * (1 + np.abs(lr * values) / factor)).sum(axis=1) \
            + 8 * epsilon * len(values) * np.abs(terms).sum(axis=1)
    sure = np.isfinite(mu) & np.isfinite(error) & (np.abs(mu) > 100 * error)
    return [True if g in poles else bool(m < 0) if ok else log_rate(noise, g, 20) < 0
            for g, m, ok in zip(grid, mu, sure)]


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
        return _root_in_log(noise, inner_left, inner_right, dps)


def _root_in_log(noise: Noise, left, right, dps: int) -> mpmath.mpf:
    """The root of μ in the bracket, solved for ln λ (so the tolerance is relative, at any scale of λ)."""
    with working_precision(dps):
        try:
            root = mpmath.findroot(lambda u: log_rate(noise, mpmath.exp(u), dps),
                                   (mpmath.log(left), mpmath.log(right)), solver="anderson")
        except ValueError as error:  # mpmath: "Could not find root within given tolerance"
            raise ParameterError("dps", f"μ's root in ({mpmath.nstr(left, 5)}, {mpmath.nstr(right, 5)}) could not be "
                                        f"refined to {dps} digits: {str(error).splitlines()[0]}") from error
        return mpmath.exp(root)


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
                root = _root_in_log(noise, end * (1 - width), end * (1 + width), result.dps)
                worst = max(worst, abs(root - end) / abs(end))
    return worst
