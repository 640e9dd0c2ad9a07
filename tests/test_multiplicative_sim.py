"""The three exact-in-law routes for ln|w_t| against exact laws; independence of chunks and threads."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from numerics.exact_law import EscapeQuestion, escape_probability
from numerics import multiplicative_sim
from numerics.multiplicative_sim import available_routes, escape_count, simulate
from numerics.trapset import log_rate
from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise, UniformNoise
from verify.stats import mean_interval, proportion_interval

R = sp.Rational
TWO_POINT = FiniteNoise.of([1, -2], [R(1, 2), R(1, 2)])
THREE_ATOMS = FiniteNoise.of([1, -2, 3], [R(1, 6), R(1, 2), R(1, 3)])


def escaped(values, eps):
    return int(np.count_nonzero(values > np.log(eps)))


@pytest.mark.parametrize("route", ["bits", "count", "float"])
def test_two_point_routes_match_the_exact_law_at_every_recorded_time(route):
    runs, times = 100000, (1, 7, 64, 65, 150)
    result = simulate(TWO_POINT, 0.8, runs, 150, np.random.SeedSequence(11), record=times, route=route)
    assert result.route == route and result.times == times
    level = 1 - 0.001 / len(times)
    for t, row in zip(times, result.values):
        exact = escape_probability(EscapeQuestion(TWO_POINT, R(4, 5), t, R(1, 100)), 20)
        assert float(exact) in proportion_interval(escaped(row, 1e-2), runs, level), (route, t)


@pytest.mark.parametrize("route", ["count", "float"])
def test_three_atoms_match_the_exact_law(route):
    runs = 100000
    row = simulate(THREE_ATOMS, 0.3, runs, 40, np.random.SeedSequence(5), route=route).values[0]
    exact = escape_probability(EscapeQuestion(THREE_ATOMS, R(3, 10), 40, R(1, 10)), 20)
    assert float(exact) in proportion_interval(escaped(row, 0.1), runs, 0.999)


def test_a_zero_factor_kills_runs_with_the_right_frequency():
    runs = 50000
    row = simulate(TWO_POINT, 1.0, runs, 4, np.random.SeedSequence(2), route="count").values[0]
    assert (2.0**-4) in proportion_interval(int(np.count_nonzero(np.isfinite(row))), runs, 0.999)
    assert not np.isnan(row).any()


@pytest.mark.parametrize("law", [GaussianNoise(R(-1, 10), sp.Integer(2)), UniformNoise(sp.Integer(-1), sp.Integer(2))])
def test_continuous_float_path_has_the_right_log_rate(law):
    runs, steps = 20000, 200
    row = simulate(law, 0.3, runs, steps, np.random.SeedSequence(4)).values[0]
    assert np.isfinite(row).all()
    assert float(log_rate(law, R(3, 10), 20)) in mean_interval(row / steps, 0.999)


@pytest.mark.parametrize("route", ["bits", "count", "float"])
def test_results_do_not_depend_on_chunks_or_threads(route):
    arguments = dict(noise=TWO_POINT, lr=0.8, runs=40000, steps=300, record=(5, 64, 200, 300), route=route)
    first = simulate(seed=np.random.SeedSequence(3), chunk_steps=64, workers=1, **arguments).values
    second = simulate(seed=np.random.SeedSequence(3), chunk_steps=4096, workers=2, **arguments).values
    assert np.array_equal(first, second)


def test_bits_final_state_does_not_depend_on_recorded_times():
    only_final = simulate(TWO_POINT, 0.8, 1000, 300, np.random.SeedSequence(3), route="bits").values[-1]
    with_stops = simulate(TWO_POINT, 0.8, 1000, 300, np.random.SeedSequence(3), route="bits", record=(3, 99, 300)).values[-1]
    assert np.array_equal(only_final, with_stops)


def test_route_choice():
    assert available_routes(TWO_POINT, 100)[0] == "bits"
    assert available_routes(TWO_POINT, 10**6)[0] == "count"
    assert available_routes(THREE_ATOMS) == ("count", "float")
    assert available_routes(GaussianNoise(sp.Integer(0), sp.Integer(1))) == ("float",)
    with pytest.raises(ParameterError) as error:
        simulate(THREE_ATOMS, 0.5, 10, 10, np.random.SeedSequence(0), route="bits")
    assert error.value.parameter == "route"


@pytest.mark.parametrize(
    "kwargs, parameter",
    [({"runs": 0}, "runs"), ({"steps": -1}, "steps"), ({"lr": 0.0}, "lr"), ({"lr": float("nan")}, "lr"),
     ({"w0": 0}, "w0"), ({"record": (5, 11)}, "record"), ({"chunk_steps": 0}, "chunk_steps")],
)
def test_bad_input(kwargs, parameter):
    arguments = {"noise": TWO_POINT, "lr": 0.5, "runs": 10, "steps": 10, "seed": np.random.SeedSequence(0), **kwargs}
    with pytest.raises(ParameterError) as error:
        simulate(**arguments)
    assert error.value.parameter == parameter


def test_cli_ten_million_runs_agree_with_the_exact_law():
    completed = subprocess.run(
        [sys.executable, "-m", "verify", "simulate", "ziyin", "--a", "-1", "--lr", "0.8", "--runs", "10000000",
         "--steps", "100", "--json"], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    values = json.loads(completed.stdout)["values"]
    assert values["runs"] == "10000000" and values["exact_inside_interval"] is True
    assert values["exact_probability"].startswith("0.0176001001088")


def test_cli_bad_input():
    completed = subprocess.run([sys.executable, "-m", "verify", "simulate", "ziyin", "--a", "-1", "--lr", "-1",
                                "--runs", "10", "--steps", "10"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2 and completed.stderr.startswith("error: lr:")


def test_float_path_survives_blocks_that_overflow():
    """Factors 1 - λx ≈ 1e30 overflow a 16-step product (1e480): such blocks are summed in logs,
    and the mean ln|w_T| is E ln|1 - λx| per step."""
    law = FiniteNoise.of([R(-10) ** 30, -3], [R(1, 2), R(1, 2)])
    runs, steps = 20000, 64
    row = simulate(law, 1.0, runs, steps, np.random.SeedSequence(6), route="float").values[0]
    assert np.isfinite(row).all()
    assert steps * float(log_rate(law, 1, 30)) in mean_interval(row, 0.999)


def test_escape_count_reduces_the_same_ensemble():
    seed_args = dict(noise=TWO_POINT, lr=0.8, runs=3 * 4096 + 7, steps=50)
    row = simulate(seed=np.random.SeedSequence(8), **seed_args).values[0]
    reports = []
    count = escape_count(seed=np.random.SeedSequence(8), log_eps=np.log(1e-3), progress=lambda *done: reports.append(done),
                         **seed_args)
    assert count.escaped == np.count_nonzero(row > np.log(1e-3)) and count.zero == count.overflowed == 0
    assert np.isclose(count.mean_log_abs_w, row.mean(), rtol=1e-12)
    assert reports[-1] == (seed_args["runs"], seed_args["runs"])


def test_escape_count_reports_progress_group_by_group(monkeypatch):
    monkeypatch.setattr(multiplicative_sim, "SPAWN_GROUP", 2)
    reports = []
    escape_count(TWO_POINT, 0.8, 5 * 4096, 10, np.random.SeedSequence(1), 0.0, progress=lambda *done: reports.append(done))
    assert reports == [(0, 5 * 4096), (2 * 4096, 5 * 4096), (4 * 4096, 5 * 4096), (5 * 4096, 5 * 4096)]
    single = []
    escape_count(TWO_POINT, 0.8, 1, 10, np.random.SeedSequence(1), 0.0, progress=lambda *done: single.append(done))
    assert single == [(0, 1), (1, 1)]  # one run: the total is shown from the start, not 0/?


def test_the_update_factor_is_theorys_one_definition():
    """numerics evaluates 1 - λx through functions lambdified from theory.multiplicative.update_factor
    (issue 10: it was retyped in trapset.py and here); ln|1 - λx| keeps its digits when λ|x| ≪ 1."""
    import mpmath
    import sympy as sp

    from numerics.multiplicative_sim import factor, factor_slope, log_abs_factor
    from theory.multiplicative import update_factor

    for value, lr in ((3, sp.Rational(1, 2)), (-2, sp.Rational(4, 5)), (sp.Rational(1, 7), 10)):
        assert factor(float(value), float(lr)) == pytest.approx(float(update_factor(sp.sympify(value), lr)))
    assert factor_slope(0.25) == -0.25
    with mpmath.workdps(40):
        tiny = log_abs_factor(mpmath.mpf(-2), mpmath.mpf(10) ** -300)  # ln(1 + 2e-300)
        assert abs(tiny / (2 * mpmath.mpf(10) ** -300) - 1) < mpmath.mpf(10) ** -35
        assert log_abs_factor(mpmath.mpf(2), mpmath.mpf(1) / 2) == mpmath.ninf
