"""Continuous-time SGD (Ziyin et al. 2021 App. C, D.5, B.2; 2022 App. B): derived formulas, the
Euler–Maruyama engine, and the verdicts of ziyin.appc, ziyin.prop6, ziyin.prop9 and their corrections."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from claim_helpers import evidence, verdict_tests

from numerics import sde
from theory import fokker_planck as fp
from theory.errors import ParameterError
from verify.claims.ziyin import appc, prop6, prop9
from verify.claims.ziyin._continuous import show
from verify.report import jsonable

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
    assert fp.same_up_to_constant(derived, prop6.PRINTED_51, w)
    assert not fp.same_up_to_constant(derived, prop6.PRINTED_51 * sp.sqrt(cov), w)  # Stratonovich would differ


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
    assert sp.simplify(sp.powsimp(sp.expand(example.covariance - prop6.PRINTED_EXAMPLE1_C), force=True)) == 0


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

P, C, R = "proved", "confirmed", "refuted"
EXPECTED = {
    "ziyin.appc": (R, (P, P, P, R, R, R, R, R, R, R, C, P, R)),
    "ziyin.appc-corrected": (P, (P, C, C)),
    "ziyin.prop6": (R, (P, R, P, P, R, C)),
    "ziyin.prop6-corrected": (P, (P, C)),
    "ziyin.prop9": (P, (P, R, C, C)),
}

results, test_verdicts = verdict_tests(EXPECTED)


def test_appc_escape_sets_and_counterexamples(results):
    escape = evidence(results, "ziyin.appc", "(71)").finding
    assert escape.observed == sp.Interval.open(-sp.oo, -lam / (2 * S))  # Itô
    assert escape.expected == sp.Interval.open(-sp.oo, -lam / S)  # (71)
    assert escape.data["counterexample"] == {"a": sp.Rational(-3, 4), "log_growth_rate": sp.Rational(1, 4)}
    escape_2022 = evidence(results, "ziyin.appc", "(47)").finding
    assert escape_2022.observed == sp.Interval.open(-sp.oo, -lam / S)
    assert escape_2022.expected == sp.Interval.open(-sp.oo, -2 * lam / S)
    normaliser = evidence(results, "ziyin.appc", "C.3").finding
    assert normaliser.observed == sp.Interval(-lam / (2 * S), sp.oo)  # ∫P dw diverges
    assert normaliser.data["counterexample"]["normaliser"] == sp.gamma(sp.Rational(1, 4))
    assert evidence(results, "ziyin.appc", "B.3").finding.data["counterexample"]["normaliser"] == sp.gamma(sp.Rational(1, 4))
    mode = evidence(results, "ziyin.appc", "most probable").finding
    assert mode.observed["critical a"] == [-lam / S]
    quadrature = evidence(results, "ziyin.appc", "normalisers at").finding
    assert abs(float(quadrature.observed["3/4"]) - float(sp.gamma(sp.Rational(1, 4)))) < 1e-12
    assert quadrature.expected == {"3/4": "diverges"}


def test_appc_summaries_show_sets_as_inequalities(results):
    """Sets of a read as inequalities, not as Python reprs of SymPy sets."""
    for result in (results["ziyin.appc"], results["ziyin.appc-corrected"]):
        for found in result.evidence:
            assert "Interval" not in found.finding.summary and "[0, " not in found.finding.summary, found.title
    assert show(sp.Interval.open(-sp.oo, -lam / S)) == r"$a < - \frac{\lambda}{S}$"
    assert show(sp.Interval(-lam / S, sp.oo)) == r"$a \geq - \frac{\lambda}{S}$"


def test_appc_simulations_predict_at_the_simulated_a(results):
    """The printed prediction of each run is evaluated at the a simulated (2022: a = -2·ratio)."""
    for title in ("Euler–Maruyama GBM (68)", "Euler–Maruyama GBM (44)"):
        found = evidence(results, "ziyin.appc", title).finding
        assert found.observed == {"3/4": "escape"} and found.expected == {"3/4": "no escape"}
    assert evidence(results, "ziyin.appc", "Euler–Maruyama GBM (44)").finding.data["points"][0]["a"] == sp.Rational(-3, 2)
    corrected = evidence(results, "ziyin.appc-corrected", "Euler–Maruyama").finding
    assert corrected.observed == corrected.expected == {"1/4": "no escape", "3/4": "escape"}


def test_appc_corrected_escape_sets(results):
    found = evidence(results, "ziyin.appc-corrected", "escape iff").finding
    assert found.observed == {"ziyin2021": sp.Interval.open(-sp.oo, -lam / (2 * S)),
                              "ziyin2022": sp.Interval.open(-sp.oo, -lam / S)}
    assert found.observed == found.expected


def test_prop6_evidence(results):
    cauchy = evidence(results, "ziyin.prop6", "Props. 6/10").finding
    assert cauchy.observed["hypothesis"] == 1 / sp.pi
    assert cauchy.data["C_at_5"] == 26 * sp.pi - 26 * sp.log(26)
    assert evidence(results, "ziyin.prop6", "Prop. 7:").finding.observed == {"jump of (Cp)' at 0": 2 / sp.sqrt(sp.pi)}
    proof = evidence(results, "ziyin.prop6", "Prop. 7's proof")
    assert proof.about.value == "proof" and proof.finding.observed["L'"] == 0
    assert proof in results["ziyin.prop6"].proof_gaps
    assert evidence(results, "ziyin.prop6", "Example 2").finding.data["c0"] == 1


def test_prop6_corrected_evidence(results):
    found = evidence(results, "ziyin.prop6-corrected", "if F(w)").finding
    assert found.data["example2_sup_F"] == fp.shift and found.data["cauchy_F"] == -sp.oo
    assert found.observed == {"J": 0, "inf (λ/2S) C p": 0}


def test_prop9_evidence(results):
    witness = evidence(results, "ziyin.prop9", "x ~ N").finding
    assert witness.observed["step factor"] == sp.Rational(11, 10) - sp.Symbol("epsilon", real=True)
    gap = evidence(results, "ziyin.prop9", "(37)")
    assert gap.about.value == "proof" and gap.finding.data["gap_of_means"] == 2 * prop9.lam * sp.Symbol("a", real=True)
    assert gap in results["ziyin.prop9"].proof_gaps
    mu = evidence(results, "ziyin.prop9", "μ = E").finding.observed["μ at λ = 1"]
    assert -0.1349 < float(mu) < -0.1347
    assert float(evidence(results, "ziyin.prop9", "SGD with").finding.data["mu"]) < -0.13


def test_claims_are_registered():
    from verify.registry import all_claims

    ids = [claim.id for claim in all_claims()]
    for module in (appc, prop6, prop9):
        assert all(claim.id in ids for claim in module.CLAIMS)


def test_evidence_is_jsonable(results):
    for result in results.values():
        for found in result.evidence:
            assert "nan" not in str(jsonable(found.finding.data, 30)).lower()
            assert "nan" not in str(jsonable(found.finding.observed, 30)).lower()
