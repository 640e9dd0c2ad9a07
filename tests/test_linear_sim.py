"""Workload B: linearised SGD as grouped GEMMs, against the exact second-moment map."""

import json
import subprocess
import sys

import numpy as np
import pytest

from numerics import linear
from verify.stats import mean_interval

RNG = np.random.default_rng(7)
HESSIANS = np.array([(lambda q: q @ q.T / 3)(RNG.standard_normal((3, 3))) for _ in range(4)])
X0 = np.array([1.0, -0.5, 0.25])


@pytest.mark.parametrize("batch, replace", [(1, False), (2, False), (2, True)])
@pytest.mark.parametrize("grouped", [True, False])
def test_mean_square_norm_matches_the_exact_map(monkeypatch, batch, replace, grouped):
    runs, steps, lr = 40000, 4, 0.6
    exact = linear.mean_sq_norm_exact(linear.second_moment_operator(HESSIANS, lr, batch, replace), X0, steps)
    if not grouped:
        monkeypatch.setattr(linear, "GROUPED_BATCHES", 0)  # force the stacked-GEMM route
    result = linear.simulate_linear(HESSIANS, lr, batch, replace, runs, steps, np.random.SeedSequence(3), X0,
                                    record=range(steps + 1))
    level = 1 - 0.001 / steps
    for t in range(1, steps + 1):
        squares = np.einsum("ij,ij->i", result.snapshots[t], result.snapshots[t])
        assert exact[t] in mean_interval(squares, level), (t, exact[t])
    assert np.allclose(result.mean_sq_norm[steps], np.mean(squares))


def test_same_seed_same_numbers_and_runs_stay_in_their_slots():
    first = linear.simulate_linear(HESSIANS, 0.6, 1, False, 5000, 6, np.random.SeedSequence(1), X0)
    second = linear.simulate_linear(HESSIANS, 0.6, 1, False, 5000, 6, np.random.SeedSequence(1), X0)
    assert np.array_equal(first.state, second.state)
    one_run = linear.simulate_linear(HESSIANS, 0.6, 1, False, 5000, 0, np.random.SeedSequence(1), X0)
    assert np.array_equal(one_run.state, np.tile(X0, (5000, 1)))


@pytest.mark.parametrize("grouped", [True, False])
def test_numbers_do_not_depend_on_threads_or_draw_chunks(monkeypatch, grouped):
    """Blocks spread over 1 or 3 threads, batch draws taken 1 or 32 steps at a time: the same
    states, escape steps and moments, bit for bit (runs span several seed blocks)."""
    if not grouped:
        monkeypatch.setattr(linear, "GROUPED_BATCHES", 0)

    def run(workers):
        return linear.simulate_linear(HESSIANS, 1.4, 2, True, 9000, 40, np.random.SeedSequence(5), X0, bound=1e3,
                                      record=(0, 17, 40), workers=workers)

    reference = run(1)
    assert 0 < np.count_nonzero(reference.escaped_at >= 0) < 9000  # the escape bookkeeping is exercised
    monkeypatch.setattr(linear, "STEPS_PER_DRAW", 1)
    other = run(3)
    for name in ("state", "escaped_at", "mean_sq_norm", "alive"):
        assert np.array_equal(getattr(reference, name), getattr(other, name)), name
    for t in (0, 17, 40):
        assert np.array_equal(reference.snapshots[t], other.snapshots[t])


def test_divergence_is_an_event_with_the_last_finite_state():
    result = linear.simulate_linear(HESSIANS, 50.0, 1, False, 300, 200, np.random.SeedSequence(2), X0, bound=1e6)
    assert (result.escaped_at > 0).all()
    assert np.isfinite(result.state).all()
    assert (np.linalg.norm(result.state, axis=1) <= 1e6).all()
    assert result.alive[-1] == 0 and np.isinf(result.mean_sq_norm[-1])


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "verify", "simulate", "linear", *args], capture_output=True, text=True,
                          timeout=300)


def test_cli_growth_rate_on_wu_rectangle_counterexample():
    """n = 10, a = (3, 0, …, 0), B = 1, η = 1: E x²_{t+1}/x²_t = 13/10 (Wu §3, Fig. 3)."""
    completed = run_cli("--curvatures", "3,0,0,0,0,0,0,0,0,0", "--lr", "1", "--batch", "1", "--runs", "200000",
                        "--steps", "8", "--json")
    assert completed.returncode == 0, completed.stderr
    values = json.loads(completed.stdout)["values"]
    assert float(values["exact_growth_rate"]) == pytest.approx(np.log(1.3), rel=1e-12)
    gap = abs(float(values["growth_rate"]) - np.log(1.3))
    assert gap < 4 * float(values["growth_rate_stderr"])


def test_cli_hessians_file(tmp_path):
    path = tmp_path / "h.npy"
    np.save(path, HESSIANS)
    completed = run_cli("--hessians", str(path), "--lr", "0.6", "--batch", "2", "--runs", "1000", "--steps", "5", "--json")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["values"]["diverged"] == "0"


@pytest.mark.parametrize(
    "args, parameter",
    [
        (["--curvatures", "1,-2", "--lr", "0.5", "--batch", "1", "--runs", "10", "--steps", "3"], "curvatures"),
        (["--curvatures", "1,2", "--lr", "0", "--batch", "1", "--runs", "10", "--steps", "3"], "lr"),
        (["--curvatures", "1,2", "--lr", "0.5", "--batch", "3", "--runs", "10", "--steps", "3"], "batch"),
        (["--curvatures", "1,2", "--lr", "0.5", "--batch", "1", "--runs", "0", "--steps", "3"], "runs"),
        (["--hessians", "/nonexistent.npy", "--lr", "0.5", "--batch", "1", "--runs", "10", "--steps", "3"], "hessians"),
        (["--lr", "0.5", "--batch", "1", "--runs", "10", "--steps", "3"], "curvatures"),
    ],
)
def test_cli_bad_input(args, parameter):
    completed = run_cli(*args)
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.startswith(f"error: {parameter}:") and len(completed.stderr.strip().splitlines()) == 1


def test_cli_rejects_non_psd_hessians(tmp_path):
    path = tmp_path / "bad.npy"
    np.save(path, np.array([[[1.0, 0.0], [0.0, -1.0]]]))
    completed = run_cli("--hessians", str(path), "--lr", "0.5", "--batch", "1", "--runs", "10", "--steps", "3")
    assert completed.returncode == 2 and "positive semidefinite" in completed.stderr



@pytest.mark.parametrize("seed", range(12))
def test_one_dimensional_route_over_time_equals_the_stepwise_route_on_one_run(monkeypatch, seed):
    """d = 1 runs through all steps at once (a cumulative sum of log factors). Embedded as
    diag(a_i, 0) with x0 = (1, 0), one run takes the stepwise 2-D route on the same batch draws:
    the same fate (curvature 10 gives the factor 0, curvature 40 diverges) and the same growth up
    to the order of summation; small draw chunks cross chunk edges."""
    monkeypatch.setattr(linear, "SCALAR_DRAWS", 64)
    curvatures, lr = (40.0, 10.0, 1.0, 0.5, 0.0), 0.1
    one = np.array([[[a]] for a in curvatures])
    two = np.array([np.diag([a, 0.0]) for a in curvatures])
    for batch, steps in ((1, 3), (1, 200), (2, 150)):
        scalar = linear.growth_ensemble(one, lr, batch, False, 1, steps, np.random.SeedSequence(seed), [1.0], bound=1e9)
        stepwise = linear.growth_ensemble(two, lr, batch, False, 1, steps, np.random.SeedSequence(seed), [1.0, 0.0],
                                          bound=1e9)
        assert (scalar.live, scalar.zero, scalar.diverged) == (stepwise.live, stepwise.zero, stepwise.diverged)
        assert scalar.log_mean_sq == pytest.approx(stepwise.log_mean_sq, rel=1e-9, abs=1e-9)


def test_one_dimensional_route_over_time_has_the_law_of_sgd():
    """Many runs on the 1-D route (their draws are assigned to runs in place, not in the grouped
    route's row order): with curvatures (10, 1, 1/2), η = 1/10, B = 1 a run survives 3 steps
    without the factor 0 w.p. (2/3)³, and then E ln x_3² = 3 (ln 0.9² + ln 0.95²)/2."""
    from verify.stats import proportion_interval

    runs = 20000
    growth = linear.growth_ensemble(np.array([[[10.0]], [[1.0]], [[0.5]]]), 0.1, 1, False, runs, 3,
                                    np.random.SeedSequence(3), [1.0])
    assert growth.zero + growth.live == runs and growth.diverged == 0
    assert 8 / 27 in proportion_interval(growth.live, runs, 0.999)
    squares = np.array([0.9**2, 0.95**2])  # the factors² of a live run, equally likely
    mean, second = np.mean(squares) ** 3, np.mean(squares**2) ** 3
    standard_error = np.sqrt((second - mean**2) / growth.live) / mean  # of ln(mean x_3²), delta method
    assert abs(growth.log_mean_sq - np.log(mean)) < 5 * standard_error
