"""Trap sets: the exact polynomial route, the scan route and the continuous laws agree."""

import mpmath
import pytest
import sympy as sp

from numerics import trapset
from theory import multiplicative, ziyin
from theory.noise import FiniteNoise, GaussianNoise, UniformNoise
from verify.stats import agree_to_digits

R = sp.Rational
HALF = R(1, 2)


def test_update_factor_is_derived_from_the_loss():
    x = sp.Symbol("x")
    assert sp.expand(multiplicative.update_factor(x) - (1 - multiplicative.lam * x)) == 0


def test_two_point_trap_set_is_corollary_one():
    (piece,) = multiplicative.trap_set(FiniteNoise.of([1, -2], [HALF, HALF]))
    assert piece.low == HALF
    assert sp.simplify(piece.high - (1 + sp.sqrt(17)) / 4) == 0


def test_zero_mean_noise_traps_small_rates():
    """x = ±1: μ = ½ ln|1 - λ²| < 0 exactly on (0, √2) (λ = 1 gives μ = -∞, inside)."""
    (piece,) = multiplicative.trap_set(FiniteNoise.of([1, -1], [HALF, HALF]))
    assert piece.low == 0 and sp.simplify(piece.high - sp.sqrt(2)) == 0


def test_positive_a_can_split_the_set():
    pieces = multiplicative.trap_set(ziyin.noise(sp.Integer(8)))
    assert len(pieces) == 2
    assert sp.simplify(pieces[0].high - (4 - sp.sqrt(2)) / 7) == 0
    assert sp.simplify(pieces[1].low - (4 + sp.sqrt(2)) / 7) == 0 and pieces[1].high == R(8, 7)


def test_all_negative_values_never_trap():
    assert multiplicative.trap_set(FiniteNoise.of([-1, -2], [HALF, HALF])) == []


def test_endpoints_are_roots_of_mu_to_the_requested_digits():
    law = FiniteNoise.of([1, -2, 3], [R(1, 6), R(1, 2), R(1, 3)])
    result = trapset.trap_set(law, 40)
    assert result.certified
    assert trapset.cross_check(law, result) < mpmath.mpf(10) ** -35
    scanned = trapset.scan_trap_set(law, 40)
    assert len(scanned) == len(result.intervals)
    for exact, scan in zip(result.intervals, scanned):
        for e, s in zip(exact, scan):
            assert mpmath.isinf(e) and mpmath.isinf(s) or agree_to_digits(e, s, 30)


def test_irrational_values_take_the_scan_route():
    result = trapset.trap_set(FiniteNoise.of([sp.sqrt(2), -2], [HALF, HALF]), 20)
    assert not result.certified and len(result.intervals) == 1
    low, high = result.intervals[0]
    with mpmath.workdps(30):
        for end in (low, high):
            assert abs(trapset.log_rate(FiniteNoise.of([sp.sqrt(2), -2], [HALF, HALF]), end, 20)) < 1e-15


def test_large_common_denominator_falls_back_to_scan():
    law = FiniteNoise.of([1, -2], [R(1, 997), R(996, 997)])
    assert not trapset.trap_set(law, 20).certified


@pytest.mark.parametrize("lr", [R(3, 10), 1, R(5, 2)])
def test_gaussian_mellin_route_matches_quadrature(lr):
    law = GaussianNoise(R(-1, 10), sp.Integer(2))
    assert agree_to_digits(trapset.log_rate(law, lr, 30), trapset.log_rate_by_quadrature(law, lr, 30), 25)


def test_continuous_trap_sets():
    gaussian = trapset.trap_set(GaussianNoise(R(-1, 10), sp.Integer(2)), 20)
    assert len(gaussian.intervals) == 1 and not gaussian.certified
    assert trapset.trap_set(UniformNoise(sp.Integer(-2), sp.Integer(1)), 20).intervals == ()


def test_scan_bound_is_safe():
    for law in (FiniteNoise.of([1, -2, 3], [R(1, 3)] * 3), GaussianNoise(sp.Integer(0), sp.Integer(1)),
                UniformNoise(sp.Integer(-1), sp.Integer(2))):
        top = trapset.scan_upper_bound(law)
        for factor in (1, 2, 10):
            assert trapset.log_rate(law, top * factor, 20) > 0


@pytest.mark.parametrize("mean", [20, -35])
def test_gaussian_far_from_zero_series_matches_the_mellin_formula(monkeypatch, mean):
    """E ln|Y|, Y ~ N(ν, τ²) with (ν/τ)² ≥ 400: the ln(1 + u) series against ₁F₁ (forced by
    switching the series off)."""
    noise = GaussianNoise(sp.Integer(mean), sp.Integer(1))
    series = trapset.log_rate(noise, R(1, 2), 30)
    monkeypatch.setattr(trapset, "FAR_FROM_ZERO", 10**9)
    assert agree_to_digits(series, trapset.log_rate(noise, R(1, 2), 30), 28)


def test_scan_reaches_rates_of_scale_one_over_a_huge_mean():
    """N(1e300, 1) traps exactly the rates λ < 2e-300 (μ ≈ ln|1 - λ·1e300|): the scan's grid must
    reach down there, and refinement works in ln λ."""
    result = trapset.trap_set(GaussianNoise(sp.Integer(10) ** 300, sp.Integer(1)), 15)
    ((low, high),) = result.intervals
    assert low == 0 and agree_to_digits(high, mpmath.mpf("2e-300"), 10)


def test_past_the_exact_degree_the_exact_route_is_refused_before_any_expansion():
    """(numerics.trapset then takes the scan route, which reports itself as not certified.)"""
    from theory.errors import ParameterError

    count = multiplicative.MAX_EXACT_DEGREE + 1
    law = FiniteNoise.of(list(range(1, count + 1)), [sp.Rational(1, count)] * count)
    with pytest.raises(ParameterError, match="exact route limit"):
        multiplicative.trap_polynomial(law)


def test_many_atoms_scan_in_floats_with_every_pole_trapped():
    """x uniform on 1..200 (past the exact route's degree): the scan decides μ's sign in float64
    where the rounding bound allows and at 20 digits elsewhere. Answers: μ = -∞ at every pole
    1/x_i, so each lies in a (possibly very narrow) interval; the intervals are disjoint and
    increasing; μ < 0 inside the wide ones and μ > 0 between them; the scan agrees with the
    exact route on 1..30, where both run."""
    noise = FiniteNoise.of([sp.Integer(i) for i in range(1, 201)], [sp.Rational(1, 200)] * 200)
    result = trapset.trap_set(noise, 30)
    assert not result.certified
    ends = [end for piece in result.intervals for end in piece]
    assert ends == sorted(ends)
    with mpmath.workdps(30):
        for i in range(1, 201):
            pole, slack = mpmath.mpf(1) / i, mpmath.mpf(10) ** -28 / i
            assert any(low - slack <= pole <= high + slack for low, high in result.intervals), i
    for (low, high), (after, _) in zip(result.intervals, result.intervals[1:]):
        if high - low > 1e-6 * high:
            assert trapset.log_rate(noise, (low + high) / 2, 30) < 0
        assert trapset.log_rate(noise, (high + after) / 2, 30) > 0
    small = FiniteNoise.of([sp.Integer(i) for i in range(1, 31)], [sp.Rational(1, 30)] * 30)
    exact, scanned = trapset.trap_set(small, 30).intervals, trapset.scan_trap_set(small, 30)
    assert len(exact) == len(scanned) == 7
    for (low, high), (scan_low, scan_high) in zip(exact, scanned):
        assert abs(low - scan_low) <= 1e-12 * max(high, 1) and (high == scan_high or abs(high - scan_high) <= 1e-12)
