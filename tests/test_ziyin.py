"""Ziyin et al.: the derived closed forms, and the verdicts the verifier reaches (quick mode)."""

import pytest
import sympy as sp

from theory import ziyin
from verify.claim import Kind, Verdict
from verify.registry import select

a, eps, t, w0 = ziyin.a, ziyin.eps, ziyin.t, ziyin.w0


def test_trap_interval_is_derived_exactly():
    interval = ziyin.trap_interval()
    assert sp.simplify(interval.lower - a / (a - 1)) == 0
    assert sp.simplify(interval.upper - (a - sp.sqrt(a**2 - 8 * a + 8)) / (2 * (a - 1))) == 0


def test_optimal_escape():
    optimum = ziyin.optimal_escape()
    assert sp.simplify(optimum.lam_star - a / (2 * (a - 1))) == 0
    gamma = optimum.gamma_star.subs(a, -1)
    assert abs(sp.N(gamma - sp.log(sp.Rational(3, 2) / sp.sqrt(2)), 50)) < 1e-45
    assert optimum.curvature.subs({a: -1, sp.Symbol("lambda", positive=True): sp.Rational(1, 2)}) < 0


def test_epsilon_bound_makes_gamma_star_equal_epsilon():
    bound = ziyin.epsilon_bound()
    value = bound.subs(eps, sp.log(2 / sp.sqrt(3)))
    assert sp.simplify(value - 2) == 0
    assert sp.simplify(ziyin.optimal_escape().gamma_star.subs(a, -2) - sp.log(2 / sp.sqrt(3))) == 0


def test_unit_rate_moments():
    moments = ziyin.unit_rate_moments()
    assert set(moments.factors) == {0, 2 - a}
    assert moments.prob_nonzero == sp.Rational(1, 2) ** t
    for values in ({a: -1, t: 3, w0: 2}, {a: sp.Rational(-7, 3), t: 5, w0: -1}):
        assert moments.mean.subs(values) == ((1 - a / 2) ** t * w0).subs(values)
        assert moments.second_moment.subs(values) == (((2 - a) ** 2 / 2) ** t * w0**2).subs(values)


EXPECTED = {
    "ziyin.prop1": Verdict.REFUTED,
    "ziyin.lem1": Verdict.REFUTED,
    "ziyin.lem1-corrected": Verdict.CONFIRMED,
    "ziyin.prop2": Verdict.CONFIRMED,
    "ziyin.cor1": Verdict.REFUTED,
    "ziyin.cor1-corrected": Verdict.PROVED,
    "ziyin.prop3": Verdict.REFUTED,
    "ziyin.prop3-corrected": Verdict.PROVED,
    "ext.trap_set": Verdict.PROVED,
    "ext.exact_escape": Verdict.CONFIRMED,
}


@pytest.fixture(scope="module")
def results():
    return {c.id: c.run(quick=True, seed=0, dps=30) for c in select(list(EXPECTED))}


@pytest.mark.parametrize("claim_id", EXPECTED)
def test_verdicts(results, claim_id):
    assert results[claim_id].verdict is EXPECTED[claim_id]


def _check(results, claim_id, title_start):
    (evidence,) = [e for e in results[claim_id].evidence if e.title.startswith(title_start)]
    return evidence


def test_each_version_is_judged_separately(results):
    assert _check(results, "ziyin.cor1", "derived trap interval").verdict is Verdict.PROVED
    closed = _check(results, "ziyin.cor1", "eq. (8) includes")
    assert closed.verdict is Verdict.REFUTED and closed.version == "ziyin2021"
    assert closed.finding.data["mu"] == "0"
    assert _check(results, "ziyin.prop1", "λ = 1: w_t = 0").verdict is Verdict.PROVED


def test_refutations_carry_reproducing_data(results):
    printed = _check(results, "ziyin.prop1", "eqs. (6)-(7)").finding.data["counterexample"]
    assert (printed["true"], printed["printed"]) == ("9/2", "9/4")
    epsilon = _check(results, "ziyin.prop3", "the ε-condition").finding.data["counterexample"]
    assert epsilon["a"] == "-2"
    unrestricted = _check(results, "ziyin.prop3", "γ* is the supremum").finding.data
    assert unrestricted["gamma"] == "log(14)/2"


def test_every_simulation_states_its_tolerance(results):
    for result in results.values():
        for evidence in result.evidence:
            assert evidence.finding.tolerance
            if evidence.kind is Kind.SIMULATION:
                assert "interval" in evidence.finding.tolerance or "band" in evidence.finding.tolerance
