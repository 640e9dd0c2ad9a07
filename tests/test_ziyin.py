"""Ziyin et al.: the derived closed forms, and the verdicts the verifier reaches (quick mode)."""

import sympy as sp
from claim_helpers import QUICK, evidence, run_quick, verdict_tests

from theory import ziyin
from verify.claim import (
    CheckContext,
    Kind,
    Verdict,
    check_seed,
    replace,
    scale,
    together,
)
from verify.claims.ziyin import cor1, lem1, prop1, prop3
from verify.stats import bonferroni

a, eps, t, w0 = ziyin.a, ziyin.eps, ziyin.t, ziyin.w0
P, C, R = Verdict.PROVED, Verdict.CONFIRMED, Verdict.REFUTED


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
    "ziyin.prop1": (R, (P, R, C, C)),
    "ziyin.lem1": (R, (R, R)),
    "ziyin.lem1-corrected": (C, (C, C)),
    "ziyin.prop2": (C, (C, C)),
    "ziyin.cor1": (R, (P, R, C, C, R)),
    "ziyin.cor1-corrected": (P, (P, C)),
    "ziyin.prop3": (R, (P, R, R, C, C, C)),
    "ziyin.prop3-corrected": (P, (P, P, C)),
}

results, test_verdicts = verdict_tests(EXPECTED)


# --- issue 13 (ziyin-b): the phase diagram's finite-T boundary, the a > 0 regimes, γ against t ----------


def test_finite_time_contour_is_where_the_exact_law_crosses_one_half():
    """For even T the exact P(|w_T| > ε) is ≥ ½ just outside the band |P(λ)| < (ε/|w0|)^{2/T}, < ½ inside."""
    from numerics import exact_law

    steps, eps_value = 500, sp.Rational(1, 1000)
    level = cor1.finite_time_level(steps, eps_value)
    lower, upper = (end.subs(cor1.Q, level) for end in cor1.finite_time_interval())
    for a_value in (sp.Integer(-3), sp.Rational(-1, 2), sp.Rational(1, 2)):
        law = ziyin.noise(a_value)
        for end, inward in ((lower, 1), (upper, -1)):
            at = sp.N(end.subs(a, a_value), 30)
            for side, above in ((-inward, True), (inward, False)):
                lr = sp.nsimplify(at + side * sp.Rational(1, 10**6), rational=True)
                prob = exact_law.escape_probability(exact_law.EscapeQuestion(law, lr, steps, eps_value), 30)
                assert (prob >= 0.5) is above, (a_value, lr, prob)
    limit = ziyin.trap_interval()
    for end, printed in zip(cor1.finite_time_interval(), (limit.lower, limit.upper)):
        assert abs(sp.N((end.subs(cor1.Q, 1) - printed).subs(a, sp.Rational(-7, 3)), 30)) < 1e-25


def test_escape_rate_estimate_is_unbiased_from_the_first_step(results):
    """Fig. 6 [2021] / Fig. 5 [2022]: the estimate (9) needs no 20 or 40 steps to settle on γ (only its spread does)."""
    finding = evidence(results, "ziyin.prop3", "App. A.2").finding
    assert all(t0 is not None and t0 <= prop3.PRINTED_SETTLED_STEPS["text"] for t0 in finding.observed.values())
    gd = replace("PRINTED_LIMIT", "gradient descent")
    assert _falsified("ziyin.prop3", prop3.settled_in_time, gd).verdict is R


def test_additive_noise_law_has_the_kesten_tail_index():
    """Fig. 7 [2021] / 8 [2022]: E|1 - λx|^κ = 1 at a = -1, λ = 4/5 (factors 1/5 and 13/5), κ < 1."""
    from verify.claims.ziyin import appc

    kappa = appc.additive_experiment(10, (1,), check_seed(0, "ziyin.appc", 0))["kappa"]
    assert abs((sp.Rational(1, 5) ** sp.Float(kappa, 30) + sp.Rational(13, 5) ** sp.Float(kappa, 30)) / 2 - 1) < 1e-15
    assert 0.41 < float(kappa) < 0.42


def test_continuum_lines_against_the_discrete_lower_end():
    """λ = -a (2021 (71), S = 1) is tangent to a/(a - 1) at 0; λ = -a/2 (2022 (47)) has half its slope."""
    from verify.claims.ziyin import appc

    assert sp.simplify(appc.continuum_line("ziyin2021") + appc.a) == 0
    assert sp.simplify(appc.continuum_line("ziyin2022") + appc.a / 2) == 0
    found = appc.continuum_limit_2022.run(CheckContext(True, 30, check_seed(0, "ziyin.appc", 0)))
    assert found.verdict is R and found.observed["lim λ_continuous / λ₋"] == sp.Rational(1, 2)


def test_positive_a_regimes_counterexample(results):
    finding = evidence(results, "ziyin.cor1", "three regimes").finding
    assert finding.data["counterexample"]["a"] == sp.Rational(11, 10) and finding.data["counterexample"]["λ"] == 9
    assert _falsified("ziyin.cor1", cor1.positive_a_regimes,
                      replace("PRINTED_POSITIVE_A_MAX", sp.Integer(1))).verdict is C


def _falsified(claim_id: str, check, falsifier):
    """``check`` of ``claim_id`` re-run in quick mode, with its own seed, under ``falsifier``."""
    (index,) = [i for i, c in enumerate(run_quick([claim_id])[claim_id].claim.checks) if c is check]
    context = CheckContext(QUICK["quick"], QUICK["dps"], check_seed(QUICK["seed"], claim_id, index))
    return check.falsified(falsifier, context)


def test_each_version_is_judged_separately(results):
    assert evidence(results, "ziyin.cor1", "derived trap interval").verdict is P
    closed = evidence(results, "ziyin.cor1", "eq. (8) includes")
    assert closed.verdict is R and closed.version == "ziyin2021"
    assert closed.finding.data["mu"] == 0
    assert evidence(results, "ziyin.prop1", "λ = 1: w_t = 0").verdict is P


def test_refutations_carry_reproducing_data(results):
    printed = evidence(results, "ziyin.prop1", "eqs. (6)-(7)").finding.data["counterexample"]
    assert (printed["true"], printed["printed"]) == (sp.Rational(9, 2), sp.Rational(9, 4))
    epsilon = evidence(results, "ziyin.prop3", "the ε-condition").finding.data["counterexample"]
    assert epsilon["a"] == -2
    unrestricted = evidence(results, "ziyin.prop3", "γ* is the supremum").finding
    assert sp.simplify(unrestricted.observed["γ(3)"] - sp.log(14) / 2) == 0
    assert unrestricted.observed["lim γ"] is sp.oo


def test_key_observed_values(results):
    lemma = evidence(results, "ziyin.lem1", "eq. (20)/(48)").finding
    assert lemma.observed["limit"] == -sp.oo and lemma.expected == {"limit": 0}
    assert sp.simplify(lemma.observed["μ"] - sp.log(sp.Rational(13, 25)) / 2) == 0
    corrected = evidence(results, "ziyin.lem1-corrected", "(ln|w_t/w0| - tμ)").finding
    assert 0.019 < float(corrected.observed) < 0.021
    grid = evidence(results, "ziyin.cor1", "phase of each").finding
    assert len(grid.data["points"]) == 22 and grid.observed == {"phase disagreements": 0, "exact outside interval": 0}
    optimum = evidence(results, "ziyin.prop3", "λ* and γ*").finding.observed
    assert sp.simplify(optimum["λ*"] - a / (2 * (a - 1))) == 0
    rate = evidence(results, "ziyin.prop3", "finite-time escape-rate").finding
    assert abs(rate.observed["a = -1"] - rate.expected["a = -1"]) < 0.005
    prop2 = evidence(results, "ziyin.prop2", "μ < 0 ⇒").finding
    assert [k for k, v in prop2.expected.items() if v != "no prediction"] == list(prop2.expected)[:3]


# --- the defects of issue 10, each kept from coming back --------------------------------------


def test_lemma1_printed_verdict_comes_from_the_mean():
    """At λ = 1/2 (a = -1) μ = 0, where the printed and the correct statistic coincide: not refuted."""
    at_zero = _falsified("ziyin.lem1", lem1.printed_mean, replace("LEMMA_LR", sp.Rational(1, 2)))
    assert at_zero.verdict is C and at_zero.observed["limit"] == 0 and "μ = 0" in at_zero.summary
    assert _falsified("ziyin.lem1", lem1.printed_drift, replace("LEMMA_LR", sp.Rational(1, 2))).verdict is C


def test_prop3_simulation_tests_the_printed_optimum():
    both = together("both × 2", scale("PRINTED_LAM_STAR", 2), scale("PRINTED_GAMMA_STAR", 2))
    assert _falsified("ziyin.prop3", prop3.escape_rate, both).verdict is R


def test_prop3_epsilon_mismatch_is_refuted_with_its_own_summary(results):
    base = evidence(results, "ziyin.prop3", "the ε-condition").finding
    assert "equals" in base.summary and "γ* = ε" in base.summary
    for strict in (False, True):
        mismatch = together("bound × 2", scale("PRINTED_EPS_BOUND", 2), replace("PRINTED_EPS_STRICT", strict))
        found = _falsified("ziyin.prop3", prop3.epsilon_condition, mismatch)
        assert found.verdict is R and "differs" in found.summary and "γ* > ε" in found.summary


def test_prop3_equivalence_uses_the_derived_optimum():
    """The corrected equivalence reads the derived γ*, not the printed transcription."""
    found = _falsified("ziyin.prop3-corrected", prop3.epsilon_equivalence, scale("PRINTED_GAMMA_STAR", 2))
    assert found.verdict is P
    assert _falsified("ziyin.prop3-corrected", prop3.epsilon_equivalence,
                      scale("CORRECTED_EPS_BOUND", 2)).verdict is R


def test_prop1_compares_the_second_moment(results):
    finding = evidence(results, "ziyin.prop1", "λ = 1: w_t = 0").finding
    assert sp.expand(finding.observed["growth of E[w_t²]"] - (a**2 / 2 - 2 * a + 2)) == 0
    assert _falsified("ziyin.prop1", prop1.moments_2022, scale("PRINTED_SECOND_2022", 2)).verdict is R


def test_cor1_grid_bonferroni_is_counted(results):
    grid = evidence(results, "ziyin.cor1", "phase of each").finding
    assert grid.data["level"] == bonferroni(len(grid.data["points"])) == bonferroni(len(cor1.grid_points()))


def test_every_simulation_states_its_tolerance(results):
    for result in results.values():
        for check in result.evidence:
            assert check.finding.tolerance
            if check.kind is Kind.SIMULATION:
                assert "interval" in check.finding.tolerance or "band" in check.finding.tolerance


# --- issue 13: the public functions the book's figures of Props. 4 and 5, the quartic and the toy network call ---


def test_prop4_positions_leave_the_ensemble_unchanged():
    import numpy as np

    from verify.claims.ziyin import prop4

    plain = prop4.experiment(prop4.PRINTED_SIM_LR, 64, 300, np.random.SeedSequence(11))
    shown = prop4.experiment(prop4.PRINTED_SIM_LR, 64, 300, np.random.SeedSequence(11), positions_at=(0, 2))
    assert {k: v for k, v in shown.items() if k != "positions"} == plain
    assert sorted(shown["positions"]) == [0, 2, 300]
    assert all(p.shape == (64, 2) for p in shown["positions"].values())
    assert np.all(np.abs(shown["positions"][0]) <= 1)


def test_prop5_gradient_descent_is_the_exact_gd_path():
    import numpy as np

    from verify.claims.ziyin import prop5

    steps = np.array([0, 1, 10, 1000, 50000])
    free = prop5.gradient_descent(8, steps, np.random.SeedSequence(3), project=False)
    factor = 1 - prop5.PRINTED_GD_LR * float(ziyin.noise(prop5.EXPERIMENT_A).mean)
    assert factor == 1 + 0.01 * 0.05
    assert np.allclose(free[1:] / free[0], factor ** steps[1:, None].astype(float))
    clipped = prop5.gradient_descent(8, steps, np.random.SeedSequence(3))
    assert np.array_equal(clipped[:3], free[:3]) and np.all(np.abs(clipped[-1]) == 1)


def test_quartic_escape_radius_formula_is_escape_radius():
    from theory import quartic

    formula = quartic.escape_radius_formula()
    for a_value, lr in ((-1, sp.Rational(4, 5)), (sp.Rational(-3, 7), sp.Rational(21, 10)), (-4, sp.Rational(1, 50))):
        exact = quartic.escape_radius(a_value, lr)
        assert sp.simplify(formula.subs({a: a_value, quartic.lam: lr}) - exact) == 0


def test_quartic_positions_and_phase_diagram():
    import numpy as np

    from verify.claims.ziyin import quartic as quartic_claim

    args = (quartic_claim.PRINTED_A, quartic_claim.PRINTED_LR, 300, 200)
    plain = quartic_claim.experiment(*args, np.random.SeedSequence(5))
    shown = quartic_claim.experiment(*args, np.random.SeedSequence(5), positions_at=(0, 5))
    assert {k: v for k, v in shown.items() if k not in ("positions", "diverged_by")} == plain
    assert shown["diverged_by"][200] == plain["diverged"] and shown["positions"][200].size == 300 - plain["diverged"]
    assert shown["positions"][0].size == 300
    # a = -1/2: below λ₋ = 1/3 every run leaves w = 0 (for the minima); inside the trap interval most stay
    grid = quartic_claim.phase_diagram([sp.Rational(-1, 2)], [sp.Rational(1, 10), sp.Rational(3, 5)], 200, 2000,
                                       np.random.SeedSequence(6), eps=sp.Rational(1, 1000))
    assert grid.shape == (2, 1) and grid[0, 0] == 1 and grid[1, 0] < 0.2
    again = quartic_claim.phase_diagram([sp.Rational(-1, 2)], [sp.Rational(1, 10), sp.Rational(3, 5)], 200, 2000,
                                        np.random.SeedSequence(6), eps=sp.Rational(1, 1000))
    assert np.array_equal(grid, again)
