"""Ziyin et al.: the derived closed forms, and the verdicts the verifier reaches (quick mode)."""

import sympy as sp

from theory import ziyin
from verify.claim import Kind, Verdict

from claim_helpers import evidence, verdict_tests

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


results, test_verdicts = verdict_tests(EXPECTED)


def test_each_version_is_judged_separately(results):
    assert evidence(results, "ziyin.cor1", "derived trap interval").verdict is Verdict.PROVED
    closed = evidence(results, "ziyin.cor1", "eq. (8) includes")
    assert closed.verdict is Verdict.REFUTED and closed.version == "ziyin2021"
    assert closed.finding.data["mu"] == "0"
    assert evidence(results, "ziyin.prop1", "λ = 1: w_t = 0").verdict is Verdict.PROVED


def test_refutations_carry_reproducing_data(results):
    printed = evidence(results, "ziyin.prop1", "eqs. (6)-(7)").finding.data["counterexample"]
    assert (printed["true"], printed["printed"]) == ("9/2", "9/4")
    epsilon = evidence(results, "ziyin.prop3", "the ε-condition").finding.data["counterexample"]
    assert epsilon["a"] == "-2"
    unrestricted = evidence(results, "ziyin.prop3", "γ* is the supremum").finding.data
    assert unrestricted["gamma"] == "log(14)/2"


def test_every_simulation_states_its_tolerance(results):
    for result in results.values():
        for check in result.evidence:
            assert check.finding.tolerance
            if check.kind is Kind.SIMULATION:
                assert "interval" in check.finding.tolerance or "band" in check.finding.tolerance
