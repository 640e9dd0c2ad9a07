"""Ziyin et al.'s non-quadratic landscapes: the sharp-minima construction (Prop. 4) and the quartic
loss — derived closed forms, the simulators, and the verdicts the verifier reaches (quick mode)."""

import numpy as np
import pytest
import sympy as sp

from numerics import landscapes
from theory import quartic, sharp_minima
from theory.errors import ParameterError
from theory.multiplicative import lam
from verify.claims.ziyin import prop4 as prop4_claims
from verify.claims.ziyin import quartic as quartic_claims

from claim_helpers import evidence, verdict_tests

w1, w2, a_pos = sharp_minima.w1, sharp_minima.w2, sharp_minima.a
w, a_neg, x = quartic.w, quartic.a, quartic.x
HALF = sp.Rational(1, 2)


# --- theory.sharp_minima --------------------------------------------------------------------


def test_expected_loss_drops_the_noise_term():
    expected = -(w1**2) - w2**2 + w1**4 + 6 * w1**2 * w2**2 + w2**4 - a_pos * w2**2
    assert sp.expand(sharp_minima.expected_loss() - expected) == 0
    assert sharp_minima.b not in sharp_minima.expected_loss().free_symbols


def test_hessian_diagonal():
    h = sharp_minima.hessian()
    assert sp.expand(h[0, 0] - (-2 + 12 * w1**2 + 12 * w2**2)) == 0
    assert sp.expand(h[1, 1] - (-2 - 2 * a_pos + 12 * w1**2 + 12 * w2**2)) == 0


def _by_point(point):
    (found,) = [c for c in sharp_minima.critical_points() if sp.simplify(c.point[0] - point[0]) == 0
                and sp.simplify(c.point[1] - point[1]) == 0]
    return found


def test_critical_points_sharpness_and_type():
    assert len(sharp_minima.critical_points()) == 9
    flat = _by_point((1 / sp.sqrt(2), 0))
    sharp = _by_point((0, sp.sqrt((1 + a_pos) / 2)))
    origin = _by_point((0, 0))
    assert sp.expand(flat.sharpness - (8 - 2 * a_pos)) == 0
    assert sp.expand(sharp.sharpness - (8 + 10 * a_pos)) == 0
    assert flat.minimum_for == sp.Interval.open(0, 2)
    assert sharp.minimum_for == sp.Interval.open(0, sp.oo)
    assert origin.minimum_for == sp.EmptySet
    saddles = [c for c in sharp_minima.critical_points() if c.real_for == sp.Interval.Lopen(0, 2)]
    assert len(saddles) == 4 and all(c.minimum_for == sp.EmptySet for c in saddles)


def test_number_of_minima_depends_on_a():
    assert len(sharp_minima.local_minima(HALF)) == 4
    assert len(sharp_minima.local_minima(sp.Integer(3))) == 2


def test_proof_bound_and_b():
    assert sp.simplify(sharp_minima.proof_b() - (1 / lam - 6)) == 0
    assert sp.simplify(sharp_minima.optimal_b(sp.Integer(-1)) - (6 - 1 / lam)) == 0
    bound = sharp_minima.ratio_bound(sp.Integer(1))
    assert sp.expand(bound.constant - (1 + lam * (2 - sharp_minima.b))) == 0
    assert bound.spread == 16 * lam
    assert sharp_minima.bounds_at_proof_b()[1] == 8 * lam


def test_proof_threshold_is_derived():
    assert sp.simplify(sharp_minima.proof_threshold() - (2 - sp.sqrt(2)) / 8) == 0
    at = sp.Rational(1, 10)
    assert sp.simplify(sharp_minima.log_bound_rate().subs(lam, at) - sp.log(sp.Rational(32, 25)) / 2) == 0
    assert sp.simplify(sharp_minima.origin_rate().subs(lam, sp.Rational(3, 20)) - sp.log(sp.Rational(42, 25)) / 2) == 0


def test_sharp_minima_rejects_bad_parameters():
    with pytest.raises(ParameterError):
        sharp_minima.local_minima(sp.Integer(-1))
    with pytest.raises(ParameterError):
        sharp_minima.local_minima(sp.Integer(0))
    with pytest.raises(ParameterError):
        landscapes.sharp_minima_runs(HALF, 14, 0, 10, 10, np.random.SeedSequence(0))
    with pytest.raises(ParameterError):
        landscapes.sharp_minima_runs(sp.Integer(-1), 14, 0.05, 10, 10, np.random.SeedSequence(0))


# --- theory.quartic ---------------------------------------------------------------------------


def test_quartic_expected_loss_and_minima():
    assert sp.expand(quartic.expected_loss() - (a_neg * w**2 / 4 + w**4 / 4)) == 0
    minima = quartic.expected_minima()
    assert len(minima) == 2
    assert sp.simplify(minima[1] - sp.sqrt(-a_neg / 2)) == 0 and sp.simplify(minima[0] + minima[1]) == 0
    caption = quartic.expected_minima(norm=quartic.Normalisation(HALF, sp.Integer(1)))
    assert sp.simplify(caption[1] - sp.sqrt(-a_neg / 8)) == 0


def test_quartic_linearisation_is_the_quadratic_factor():
    assert sp.expand(quartic.linearisation(x) - (1 - lam * x)) == 0
    assert sp.expand(quartic.linearisation(x, lam, quartic.Normalisation(1, 1)) - (1 - 2 * lam * x)) == 0


def test_escape_radius_forces_doubling():
    radius = quartic.escape_radius(sp.Integer(-1), sp.Rational(4, 5))
    assert sp.simplify(radius - sp.sqrt(23) / 2) == 0
    for value in (1, -2):
        step = quartic.sgd_map(sp.Integer(value), sp.Rational(4, 5))
        for start in (radius, -radius, 2 * radius):
            assert abs(step.subs(w, start)) >= 2 * abs(start)


def test_quartic_rejects_bad_parameters():
    with pytest.raises(ParameterError):
        quartic.expected_minima(sp.Integer(1))
    with pytest.raises(ParameterError):
        quartic.Normalisation(0, 1)
    with pytest.raises(ParameterError):
        quartic.escape_radius(sp.Integer(-1), sp.Integer(0))
    with pytest.raises(ParameterError):
        landscapes.quartic_runs(sp.Integer(-1), sp.Integer(-1), 10, 10, np.random.SeedSequence(0))


# --- numerics.landscapes ------------------------------------------------------------------------


def test_sharp_minima_runs_are_reproducible_and_converge():
    first = landscapes.sharp_minima_runs(HALF, 14, 0.05, 60, 600, np.random.SeedSequence(5), snapshot_at=(0,))
    again = landscapes.sharp_minima_runs(HALF, 14, 0.05, 60, 600, np.random.SeedSequence(5))
    assert np.array_equal(first.w, again.w) and np.array_equal(first.left_box_at, again.left_box_at)
    assert np.all(np.abs(first.snapshots[0]) <= 1)
    assert np.all(np.abs(first.w[:, 0]) < 1e-6)
    assert np.allclose(np.abs(first.w[:, 1]), np.sqrt(0.75))
    assert np.all((first.left_box_at == -1) | (first.left_box_at >= 1))
    assert np.all(first.diverged_at == -1)


def test_quartic_runs_record_divergence_as_events():
    result = landscapes.quartic_runs(sp.Integer(-1), sp.Rational(4, 5), 300, 300, np.random.SeedSequence(2))
    assert np.all(np.isfinite(result.state))
    finite = ~result.escaped
    assert result.escaped.any()
    assert np.all(np.abs(result.state[finite, 0]) < 1e-8)
    assert np.all(np.abs(result.state[result.escaped, 0]) <= float(sp.sqrt(23) / 2))


# --- the claims ---------------------------------------------------------------------------------

EXPECTED = {
    "ziyin.prop4": ("refuted", ("proved", "refuted", "refuted", "refuted", "confirmed", "refuted")),
    "ziyin.prop4-corrected": ("proved", ("proved", "proved", "confirmed", "confirmed", "confirmed")),
    "ziyin.quartic": ("refuted", ("refuted", "inconclusive", "proved", "refuted", "confirmed")),
    "ziyin.quartic-corrected": ("proved", ("proved", "proved", "confirmed")),
}

results, test_verdicts = verdict_tests(EXPECTED)


def test_every_claim_of_the_modules_is_pinned():
    assert {c.id for c in prop4_claims.CLAIMS + quartic_claims.CLAIMS} == set(EXPECTED)


def test_prop4_evidence(results):
    sharpness = evidence(results, "ziyin.prop4", "minima and sharpness")
    assert sharpness.version == "ziyin2021"
    assert sharpness.finding.observed == {"flat": 8 - 2 * a_pos, "sharp": 8 + 10 * a_pos}
    assert sharpness.finding.expected == {"flat": 4, "sharp": 4 + 4 * a_pos}
    assert sharpness.finding.data["flat"]["trace_at_a_1"] == 6 and sharpness.finding.data["sharp"]["trace_at_a_1"] == 18
    four = evidence(results, "ziyin.prop4", "'there are four")
    assert four.finding.observed == sp.Interval.open(0, 2) and four.finding.data["counterexample"]["minima"] == 2
    proof = evidence(results, "ziyin.prop4", "proof:").finding
    assert sp.simplify(proof.observed["threshold"] - (2 - sp.sqrt(2)) / 8) == 0
    assert [k for k, ok in proof.data["steps"].items() if not ok] == ["(92) rate", "(93) threshold"]
    box = evidence(results, "ziyin.prop4", "λ = 0.15").finding
    assert box.observed > 0 and box.expected == 0
    gaps = [e.title for e in results["ziyin.prop4"].proof_gaps]
    assert len(gaps) == 2 and gaps[0].startswith("proof:") and gaps[1].startswith("λ = 0.15")
    experiment = evidence(results, "ziyin.prop4", "§6.3").finding
    assert experiment.observed == experiment.expected == 400
    root = evidence(results, "ziyin.prop4-corrected", "mpmath root").finding
    assert abs(float(root.observed["derived"]) - float((2 - sp.sqrt(2)) / 8)) < 1e-15
    assert max(root.data["gaps"].values()) < 1e-25


def test_quartic_evidence(results):
    minima = evidence(results, "ziyin.quartic", "the expected loss has two local minima at w = ±√a")
    assert minima.version == "ziyin2021" and minima.finding.expected == (-sp.sqrt(a_neg), sp.sqrt(a_neg))
    ocr = evidence(results, "ziyin.quartic", "the expected loss has two local minima at w = ±(OCR").finding
    assert ocr.data["reading_correct"] == {"±√(-a/2)": True, "±√(-2a)": False}
    experiment = evidence(results, "ziyin.quartic", "λ = 0.8").finding
    main = experiment.data["§6.1"]
    assert main["at_minima"] == 0 and main["diverged"] > 0.25 * main["runs"] and main["other"] == 0
    assert experiment.observed["diverged"] == main["diverged"] and experiment.expected["diverged"] == 0
    phase = evidence(results, "ziyin.quartic", "A.1").finding
    assert phase.observed == phase.expected and set(phase.expected.values()) == {"trapped", "not trapped"}
    corrected = evidence(results, "ziyin.quartic-corrected", "λ = 0.8").finding
    assert corrected.data["at_zero"] + corrected.data["diverged"] == corrected.data["runs"]
    assert corrected.observed == corrected.expected
