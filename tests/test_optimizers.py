"""Adaptive optimizers (numerics.optimizers), the toy network (theory.toynn) and the claims
ziyin.prop5 / ziyin.toynn with their corrections."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from numerics import optimizers
from numerics.ensemble import BLOCK_RUNS
from numerics.optimizers import Method, OptimizerConfig
from theory import multiplicative, toynn, ziyin
from theory.errors import ParameterError
from theory.noise import FiniteNoise, x
from verify.claim import CheckContext, Verdict, check_seed, replace
from verify.claims.ziyin import prop5 as prop5_claims
from verify.claims.ziyin import toynn as toynn_claims

from claim_helpers import QUICK, evidence, verdict_tests

w1, w2, lam = toynn.w1, toynn.w2, multiplicative.lam
A = sp.Rational(-1, 10)
a = ziyin.a


# --- theory.toynn -------------------------------------------------------------------------------


def test_expected_loss_and_landscape():
    assert sp.expand(toynn.expected_loss() - (w1**4 * w2**2 - w1**2 * w2 + sp.Rational(5, 2))) == 0
    shape = toynn.landscape()
    assert shape.optimal_output == sp.Rational(1, 2)
    assert shape.minimum == sp.Rational(9, 4)
    assert shape.line_value == sp.Rational(5, 2)
    positive = sp.Symbol("p", positive=True)
    branches = {sp.simplify(b.subs(w2, positive) ** 2 * 2 * positive) for b in shape.valley}
    assert branches == {1}
    assert {sp.sign(b.subs(w2, 1)) for b in shape.valley} == {-1, 1}


def test_half_mse_does_not_give_the_printed_minimum():
    assert toynn.landscape(sp.Rational(1, 2)).minimum == sp.Rational(9, 8)


def test_stationary_set_and_hessians():
    points = toynn.stationary_set()
    assert {w1: 0} in points.solutions
    assert {w2: 1 / (2 * w1**2)} in points.solutions
    assert sp.expand(points.excess - toynn.output * (toynn.output - 1)) == 0
    assert points.slope == -1
    assert points.hessian_on_line == sp.Matrix([[-2 * w2, 0], [0, 0]])
    assert points.hessian_at_zero_w2 == sp.Matrix([[0, -2 * w1], [-2 * w1, 2 * w1**4]])


def test_line_classification():
    assert toynn.classify_line_point(1) == "non-strict local maximum"
    assert toynn.classify_line_point(sp.Rational(-1, 3)) == "non-strict local minimum"
    assert toynn.classify_line_point(0) == "saddle"


def test_induced_law_and_trap_set():
    assert toynn.induced_law().values == (4 * w2, -8 * w2)
    assert [sp.expand(f) for f in toynn.w1_factors()] == [1 - 4 * lam * w2, 1 + 8 * lam * w2]
    expected = sp.Union(
        sp.Interval.open((1 - sp.sqrt(17)) / 16, 0), sp.Interval.open(sp.Rational(1, 8), (1 + sp.sqrt(17)) / 16)
    )
    assert toynn.w1_trap_set() == expected


@pytest.mark.parametrize("bad", [0, -1, sp.oo, sp.I])
def test_toynn_rejects_bad_normalisation(bad):
    with pytest.raises(ParameterError):
        toynn.sampled_loss(toynn.y, bad)


@pytest.mark.parametrize("bad", [sp.oo, sp.I, sp.nan])
def test_classification_rejects_bad_points(bad):
    with pytest.raises(ParameterError):
        toynn.classify_line_point(bad)


# --- numerics.optimizers ------------------------------------------------------------------------


def _gradient(values, probs=None):
    law = FiniteNoise.of(values, probs or [sp.Rational(1, len(values))] * len(values))
    return optimizers.sampled_gradient(multiplicative.sampled_loss(x), (multiplicative.w,), x, law)


def _constant(value):
    return lambda rng, n: np.full((n, 1), float(value))


def _amsgrad_by_hand(x_value, w0, lr, beta1, beta2, steps, adam=False):
    w, m, v, v_max = w0, 0.0, 0.0, 0.0
    for _ in range(steps):
        g = x_value * w
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        w = w - lr * m / math.sqrt(v if adam else v_max)
    return w


@pytest.mark.parametrize("method", [Method.AMSGRAD, Method.ADAM])
def test_adaptive_step_matches_the_printed_recursion(method):
    config = OptimizerConfig(method, 0.1, 0.5, 0.9)
    result = optimizers.run([config], 3, 7, np.random.SeedSequence(1), _constant(0.8), _gradient([-2]), 1)[0]
    expected = _amsgrad_by_hand(-2.0, 0.8, 0.1, 0.5, 0.9, 7, adam=method == Method.ADAM)
    assert np.allclose(result.w[:, 0], expected, rtol=1e-13, atol=0)


def test_projected_extremal_path_reproduces_the_exact_preconditioner():
    """w_0 = 1, x ≡ a - 1: w stays at 1 and v̂_t = (1 - β2^t)(1 - a)², above 1 + a from t = 1362."""
    config = OptimizerConfig(Method.AMSGRAD, 0.2, 0.0, 0.999, project=True)
    gradient = _gradient([A - 1])
    for steps, above in ((1361, False), (1362, True)):
        result = optimizers.run([config], 1, steps, np.random.SeedSequence(0), _constant(1), gradient, 1)[0]
        assert result.w[0, 0] == 1.0
        assert math.isclose(result.v_max[0, 0], (1 - 0.999**steps) * 1.21, rel_tol=1e-10)
        assert bool(result.v_max[0, 0] > 0.9) == above


def test_zero_preconditioner_convention_gives_no_update():
    config = OptimizerConfig(Method.AMSGRAD, 0.2, 0.9, 0.999)
    result = optimizers.run([config], 4, 5, np.random.SeedSequence(0), _constant(0), _gradient([1, A - 1]), 1)[0]
    assert np.all(result.w == 0) and not result.escaped.any()


def test_mixed_ensemble_attaches_settings_across_blocks():
    """Two settings, more runs than one block: each row follows its own λ exactly (GD, w_0 = 1)."""
    law = ziyin.noise(A)
    gradient = optimizers.expected_gradient(multiplicative.sampled_loss(x), (multiplicative.w,), x, law)
    configs = [OptimizerConfig(Method.SGD, 0.1), OptimizerConfig(Method.SGD, 0.2)]
    runs = BLOCK_RUNS // 2 + 7
    results = optimizers.run(configs, runs, 3, np.random.SeedSequence(0), _constant(1), gradient, 1)
    for result, lr in zip(results, (0.1, 0.2)):
        assert result.config.lr == lr
        assert np.allclose(result.w[:, 0], (1 + lr / 20) ** 3, rtol=1e-14)


def test_projection_keeps_w_in_the_box_and_runs_are_reproducible():
    config = OptimizerConfig(Method.ADAM, 0.2, 0.0, 0.999, project=True)
    gradient = _gradient([1, A - 1])
    start = lambda rng, n: rng.uniform(-1, 1, (n, 1))  # noqa: E731
    first = optimizers.run([config], 50, 300, np.random.SeedSequence(3), start, gradient, 1)[0]
    second = optimizers.run([config], 50, 300, np.random.SeedSequence(3), start, gradient, 1)[0]
    assert np.all(np.abs(first.w) <= 1)
    assert np.array_equal(first.w, second.w)


def test_divergence_is_an_event_not_a_nan():
    gradient = optimizers.sampled_gradient(toynn.sampled_loss(toynn.y), toynn.PARAMS, toynn.y, toynn.labels())
    start = lambda rng, n: np.column_stack([np.full(n, 1.0), np.full(n, 1.0)])  # noqa: E731
    result = optimizers.run([OptimizerConfig(Method.SGD, 0.5)], 20, 50, np.random.SeedSequence(0), start, gradient, 2)[0]
    assert result.escaped.all()
    assert np.all(np.isfinite(result.w))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": Method.SGD, "lr": 0.0},
        {"method": Method.SGD, "lr": float("nan")},
        {"method": Method.ADAM, "lr": 0.1, "beta1": 1.0},
        {"method": Method.AMSGRAD, "lr": 0.1, "beta2": -0.1},
        {"method": "adam", "lr": 0.1},
    ],
)
def test_config_rejects_bad_settings(kwargs):
    with pytest.raises(ParameterError):
        OptimizerConfig(**kwargs)


def test_run_rejects_bad_sizes():
    config = OptimizerConfig(Method.SGD, 0.1)
    with pytest.raises(ParameterError):
        optimizers.run([], 1, 1, np.random.SeedSequence(0), _constant(1), _gradient([1]), 1)
    with pytest.raises(ParameterError):
        optimizers.run([config], 0, 1, np.random.SeedSequence(0), _constant(1), _gradient([1]), 1)


# --- the claims, quick mode ---------------------------------------------------------------------

EXPECTED = {
    "ziyin.prop5": ("refuted", ("refuted", "proved", "refuted", "refuted")),
    "ziyin.prop5-corrected": ("proved", ("proved", "proved", "proved", "confirmed")),
    "ziyin.toynn": ("refuted", ("proved", "proved", "refuted", "confirmed", "refuted", "confirmed")),
    "ziyin.toynn-corrected": ("proved", ("proved", "proved", "proved", "confirmed")),
}

results, test_verdicts = verdict_tests(EXPECTED)


def test_every_claim_of_the_modules_is_pinned():
    assert {c.id for c in prop5_claims.CLAIMS + toynn_claims.CLAIMS} == set(EXPECTED)


def test_prop5_evidence(results):
    bounds = evidence(results, "ziyin.prop5", "(94)-(98)").finding
    assert bounds.observed["|ĝ| bound"] == 1 - a and bounds.expected["|ĝ| bound"] == 1 + a
    assert bounds.data["first_violation"]["t"] == 1362
    assert [e.title[:9] for e in results["ziyin.prop5"].proof_gaps] == ["(94)-(98)"]
    closed = evidence(results, "ziyin.prop5", "(108)-(109)").finding
    assert closed.data["mu_at_lower_end"] == 0
    assert closed.observed == sp.Interval.open(closed.expected.start, closed.expected.end) and not closed.expected.left_open
    printed = evidence(results, "ziyin.prop5", "§6.4").finding
    assert all(o["escaped lower bound"] > 0.05 for o in printed.observed.values())
    assert printed.data["settings"][0]["escaped"] > 20
    projected = evidence(results, "ziyin.prop5-corrected", "with w_t projected").finding
    assert projected.observed == projected.expected
    paper = projected.data["settings"][0]
    assert paper["converged"] == paper["runs"] == paper["lambda_prime_in_open_trap"]


def test_toynn_evidence(results):
    hessian = evidence(results, "ziyin.toynn", "App. A.5").finding
    assert hessian.data["at_w1_1"]["derived"] == sp.Matrix([[0, -2], [-2, 2]])
    large = evidence(results, "ziyin.toynn", "Fig. 3 middle").finding
    runs = large.data["runs"]
    assert large.observed["frozen elsewhere on the line"] > 0.05 * runs and large.expected["at the printed limit"] == runs
    divergence = evidence(results, "ziyin.toynn", "Fig. 3 right").finding
    grid = {row["lr"]: row["diverged"] for row in divergence.data["grid"]}
    assert grid[0.1] == grid[0.108] == 0 and grid[0.12] > 0
    assert divergence.observed == {"onset after": 0.11, "onset at or before": 0.112}
    corrected = evidence(results, "ziyin.toynn-corrected", "corrected Fig. 3 middle").finding
    assert corrected.observed == corrected.expected


# --- issue 10 defects ---------------------------------------------------------------------------


def test_divergence_bracket_comes_from_the_grid():
    """The onset bracket is read off the grid, and the printed threshold decides the verdict: 0.054 and 0.0108
    (which a hard-coded upper end 0.12 let through) are refuted, as is a threshold above the onset."""
    grid = (0.1, 0.104, 0.108, 0.11, 0.112, 0.115, 0.12, 0.13)
    lo, hi = toynn_claims.onset_bracket(grid, (0, 0, 0, 0, 1, 1, 51, 125))
    assert (lo, hi) == (0.11, 0.112)
    verdict = toynn_claims.threshold_verdict
    assert verdict(0.108, 0.005, lo, hi) is Verdict.CONFIRMED
    for printed in (0.054, 0.0108, 0.1296, 0.2):
        assert verdict(printed, 0.005, lo, hi) is Verdict.REFUTED, printed
    assert toynn_claims.onset_bracket(grid, (0,) * 8) == (0.13, None)
    assert verdict(0.108, 0.005, 0.13, None) is Verdict.REFUTED
    assert verdict(0.128, 0.005, 0.13, None) is Verdict.INCONCLUSIVE
    assert toynn_claims.onset_bracket(grid, (3,) * 8) == (None, 0.1)


def test_divergence_summary_is_written_from_the_values():
    check = toynn_claims.divergence
    index = toynn_claims.CLAIMS[0].checks.index(check)
    context = CheckContext(QUICK["quick"], QUICK["dps"], check_seed(QUICK["seed"], "ziyin.toynn", index))
    finding = check.falsified(replace("PRINTED_DIVERGENCE_LR", 0.0108), context)
    assert finding.verdict is Verdict.REFUTED
    assert "0.0108" in finding.summary and "0.108 " not in finding.summary and "misses" in finding.summary
    assert finding.expected["threshold"] == 0.0108


def test_line_trap_compares_the_corrected_endpoint(results):
    trap = evidence(results, "ziyin.toynn-corrected", "linearised w1-dynamics").finding
    assert trap.observed["negative piece"] == sp.Interval.open((1 - sp.sqrt(17)) / 16, 0)
    assert trap.expected["negative piece"] == trap.observed["negative piece"]
    context = CheckContext(True, 30, check_seed(0, "ziyin.toynn-corrected", 2))
    for wrong in ((1 - sp.sqrt(17)) / 8, sp.Rational(-1, 4)):
        moved = toynn_claims.line_trap.falsified(replace("CORRECTED_TRAP_LOWER", wrong), context)
        assert moved.verdict is Verdict.REFUTED, wrong
