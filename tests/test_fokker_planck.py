"""Continuous-time SGD (Ziyin et al. 2021 App. C, D.5, B.2; 2022 App. B): derived formulas, the
Euler–Maruyama engine, and the verdicts of ziyin.appc, ziyin.prop6, ziyin.prop9 and their corrections."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from numerics import sde
from theory import fokker_planck as fp
from theory.errors import ParameterError
from verify.claim import Verdict
from verify.claims.ziyin import continuous as claims
from verify.report import jsonable

from claim_helpers import check_verdicts, run_quick

w, wp, lam, S, a, b, sigma, c0 = fp.w, fp.w_plus, fp.lam, fp.S, fp.a, fp.b, fp.sigma, fp.c0
HALF = sp.Rational(1, 2)


# --- derived formulas ------------------------------------------------------------------------


def test_covariance_from_the_equation_of_motion():
    assert fp.covariance_from_amplitude(lam * sp.sqrt(w**2 / S + sigma**2)) == w**2 + S * sigma**2
    assert fp.quartic_multiplicative().covariance == wp**2


def test_gbm_stationary_density_is_a_power():
    assert sp.simplify(fp.stationary_density(fp.quadratic_multiplicative()) - wp ** (-2 - 2 * S * a / lam)) == 0


def test_general_zero_flux_solution_is_eq_51():
    loss, cov = sp.Function("L")(w), sp.Function("C")(w)
    derived = fp.stationary_density(fp.ItoModel(loss, cov))
    assert fp.same_up_to_constant(derived, claims.PRINTED_51, w)
    assert not fp.same_up_to_constant(derived, claims.PRINTED_51 * sp.sqrt(cov), w)  # Stratonovich would differ


def test_mode_and_critical_a():
    density = fp.stationary_density(fp.additive_multiplicative())
    assert fp.critical_value(density, w) == [-lam / S]
    assert sp.simplify(fp.curvature_at_zero(density, w) - 2 * (-S * a - lam) / (S * lam * sigma**2)) == 0
    assert fp.critical_value(fp.stationary_density(fp.additive_multiplicative(a / 2)), w) == [-2 * lam / S]


def test_ito_growth_rate_and_escape_threshold():
    rate = fp.log_growth_rate(fp.quadratic_multiplicative())
    assert sp.simplify(rate - (-lam * a - lam**2 / (2 * S))) == 0
    assert fp.condition_in(rate > 0, a) == sp.Interval.open(-sp.oo, -lam / (2 * S))
    rate_2022 = fp.log_growth_rate(fp.quadratic_multiplicative(a / 2))
    assert fp.condition_in(rate_2022 > 0, a) == sp.Interval.open(-sp.oo, -lam / S)


def test_normalisability_threshold_equals_ito_threshold():
    density = fp.stationary_density(fp.quartic_multiplicative())
    value, condition = fp.half_line_normaliser(density, wp)
    assert fp.condition_in(condition, a) == sp.Interval.open(-sp.oo, -lam / (2 * S))
    assert sp.simplify(2 * value.subs({S: 1, lam: 1, b: 1, a: sp.Rational(-3, 4)})) == sp.gamma(sp.Rational(1, 4))


def test_example1_covariance():
    example = fp.example1()
    assert sp.simplify(sp.powsimp(sp.expand(example.covariance - claims.PRINTED_EXAMPLE1_C), force=True)) == 0


def test_example2_least_constant_and_stationarity():
    example = fp.example2()
    assert fp.minimal_constant(example) == 2 * S * fp.shift / lam
    assert sp.simplify(example.model.current(example.density)) == 0


def test_cauchy_stationary_products():
    products = fp.stationary_products(w**2 / 2, fp.cauchy_density(), w)
    c1, c2 = sp.Symbol("C1"), sp.Symbol("C2")
    assert sp.simplify(products - c1 - c2 * w + S * sp.log(w**2 + 1) / (sp.pi * lam) + 2 * S / (sp.pi * lam)) == 0


def test_gradient_for_stationary():
    density = fp.example2_density(0)
    assert fp.gradient_for_stationary(sp.Integer(0), density, w) == 0
    assert sp.simplify(fp.gradient_for_stationary(S / lam, density, w) - w) == 0  # OU: C = S/λ, L = w²/2


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [{lam: 0, S: 1, a: -1}, {lam: 1, S: -2, a: -1}, {lam: 1, a: -1}, {lam: 1, S: 1, a: sp.I}])
def test_model_values_are_checked(values):
    with pytest.raises(ParameterError):
        fp.quadratic_multiplicative(a, w).at(values)


def test_example2_centre_must_be_real():
    with pytest.raises(ParameterError):
        fp.example2(sp.I)


GBM = fp.quadratic_multiplicative(a, w)
GBM_VALUES = {S: 1, lam: 1, a: sp.Rational(-3, 4)}


@pytest.mark.parametrize("option", [{"dt": 0}, {"dt": -0.1}, {"runs": 0}, {"horizon": 0}, {"max_increment_variance": -1}])
def test_euler_maruyama_checks_its_parameters(option):
    arguments = {"runs": 10, "horizon": 1, "dt": 0.1}
    arguments.update(option)
    with pytest.raises(ParameterError):
        sde.euler_maruyama(GBM, GBM_VALUES, seed=np.random.SeedSequence(0), initial=lambda rng, n: np.ones(n), **arguments)


def test_step_rate_needs_a_linear_model():
    with pytest.raises(ParameterError):
        sde.linear_step_log_rate(fp.additive_multiplicative(a), {S: 1, lam: 1, a: -1, b: 1, sigma: 1}, 0.01, 30)


# --- the Euler–Maruyama engine ----------------------------------------------------------------


def _run(seed, **options):
    return sde.euler_maruyama(GBM, GBM_VALUES, 500, 2, 0.01, np.random.SeedSequence(seed), lambda rng, n: np.ones(n), **options)


def test_euler_maruyama_is_reproducible():
    assert np.array_equal(_run(3).state, _run(3).state)
    assert not np.array_equal(_run(3).state, _run(4).state)


def test_divergence_is_an_event():
    result = sde.euler_maruyama(GBM, {S: 1, lam: 1, a: -50}, 200, 5, 0.01, np.random.SeedSequence(0),
                                lambda rng, n: np.ones(n), bound=1e6)
    assert result.escaped.all() and np.all(np.isfinite(result.state)) and np.all(result.escaped_at > 0)


def test_reflecting_wall_and_increment_cap():
    model = fp.example2(HALF, 1).model
    result = sde.euler_maruyama(model, {S: 1, lam: 1}, 300, 1, 0.01, np.random.SeedSequence(1),
                                lambda rng, n: rng.uniform(-1, 1, n), max_increment_variance=0.01, reflect_below=-3.5)
    assert not result.escaped.any() and result.state.min() >= -3.5 and result.iterations > 100


def test_scheme_rate_approaches_ito_rate():
    coarse = float(sde.linear_step_log_rate(GBM, GBM_VALUES, sp.Rational(1, 100), 30)) * 100
    fine = float(sde.linear_step_log_rate(GBM, GBM_VALUES, sp.Rational(1, 1000), 30)) * 1000
    assert abs(fine - 0.25) < abs(coarse - 0.25) < 0.01


# --- verdicts (quick mode) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    return run_quick([claim.id for claim in claims.CLAIMS])


def test_appc_verdicts(results):
    result = results["ziyin.appc"]
    assert result.verdict is Verdict.REFUTED
    assert check_verdicts(result) == [Verdict.PROVED] * 3 + [Verdict.REFUTED] * 7
    escape = result.evidence[3].finding.data
    assert escape["counterexample"]["log_growth_rate"] == "1/4" and escape["escape_set_ito"] == "a < -lambda/(2*S)"
    assert result.evidence[4].finding.data["printed_set"] == "a < -2*lambda/S"
    assert result.evidence[5].finding.data["counterexample"]["normaliser"] == "gamma(1/4)"


def test_appc_corrected_verdicts(results):
    result = results["ziyin.appc-corrected"]
    assert check_verdicts(result) == [Verdict.PROVED, Verdict.CONFIRMED, Verdict.CONFIRMED]
    points = result.evidence[2].finding.data["points"]
    assert points[0]["converges"] and points[1]["escapes"]


def test_prop6_verdicts(results):
    result = results["ziyin.prop6"]
    assert check_verdicts(result) == [Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED, Verdict.PROVED, Verdict.CONFIRMED]
    cauchy = result.evidence[1].finding.data
    assert cauchy["lim_w_Lprime_p"] == "1/pi" and sp.sympify(cauchy["C_at_w=5"]) < 0
    assert result.evidence[4].finding.data["c0"] == "1"


def test_prop6_corrected_verdicts(results):
    result = results["ziyin.prop6-corrected"]
    assert check_verdicts(result) == [Verdict.PROVED, Verdict.CONFIRMED]
    assert result.evidence[0].finding.data["example2_sup_F"] == "w_0"
    assert result.evidence[0].finding.data["cauchy_F"] == "-oo"


def test_prop9_verdicts(results):
    result = results["ziyin.prop9"]
    assert check_verdicts(result) == [Verdict.PROVED, Verdict.CONFIRMED, Verdict.CONFIRMED]
    assert result.evidence[0].finding.data["gap_35_vs_37"] == "2*a*lambda"
    assert float(result.evidence[2].finding.data["mu"]) < -0.13


def test_evidence_is_jsonable(results):
    for result in results.values():
        for evidence in result.evidence:
            assert "nan" not in str(jsonable(evidence.finding.data, 30)).lower()
