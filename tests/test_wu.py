"""Wu, Ma & E: derived formulas, the exact and simulated second-moment map, verdicts, and `derive wu.thm1`."""

import json
import subprocess
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from claim_helpers import evidence, verdict_tests

from numerics import linear
from numerics.precision import decimal
from theory import wu
from theory.errors import ParameterError
from theory.wu import H_BAR, Q_BAR, B, a, eta, n, s
from verify.claim import CheckContext, Kind, Verdict, mutate, replace, together
from verify.claims.wu import escape_numbers
from verify.registry import select
from verify.stats import mean_interval

R = sp.Rational
INSTANCE = [[[4, -1], [-1, 3]], [[4, 2], [2, 2]], [[0, 0], [0, 3]]]


# --- theory ---------------------------------------------------------------------------------------


def test_batch_factors_are_derived():
    assert sp.simplify(wu.batch_moments(False).factor - (n - B) / (B * (n - 1))) == 0
    assert wu.batch_moments(True).factor == 1 / B
    assert wu.batch_moments(False).mean == H_BAR
    assert [wu.batch_factor(5, 2, False), wu.batch_factor(5, 5, False), wu.batch_factor(1, 1, False),
            wu.batch_factor(3, 7, True)] == [R(3, 8), 0, 0, R(1, 7)]


def test_condition_8_and_equations_2_3():
    printed_8 = (1 - eta * H_BAR) ** 2 + eta**2 * (n - B) / (B * (n - 1)) * (Q_BAR - H_BAR**2)
    assert sp.simplify(sp.expand(wu.expected_square_update(False) - printed_8)) == 0
    step = wu.one_dimensional_step(False)
    assert sp.expand(step.first - (1 - eta * a)) == 0
    assert sp.simplify(step.second.subs(B, 1) - ((1 - eta * a) ** 2 + eta**2 * s**2)) == 0
    assert sp.simplify(wu.one_dimensional_step(True).second - ((1 - eta * a) ** 2 + eta**2 * s**2 / B)) == 0
    assert sp.simplify(wu.largest_stable_lr(True) - 2 * a / (a**2 + s**2 / B)) == 0


def test_rectangle_and_one_dimensional_region():
    box = wu.rectangle()
    assert box.sharpness_max == 2 / eta
    assert sp.simplify(box.nonuniformity_max - 1 / (eta * sp.sqrt(wu.c))) == 0
    assert wu.one_dimensional_region_fraction() == sp.pi / 4


def test_toy_curvatures_from_the_losses_as_written():
    assert wu.toy_minima() == [0, 1]
    assert wu.toy_curvatures(1) == (R(1, 5), R(19, 5))
    assert wu.toy_curvatures(0) == (2, 2)
    assert wu.curvature_statistics(wu.toy_curvatures(1)) == (2, R(81, 25))
    assert wu.max_lr_one_dimension(wu.toy_curvatures(1), 1, False) == R(100, 181)


def test_exact_operator_by_enumeration_and_the_counterexample():
    square, operator = wu.enumerated_moments(INSTANCE, R(9, 20), 2)
    assert square == wu.condition_8_matrix(INSTANCE, R(9, 20), 2)
    assert operator == wu.second_moment_operator(INSTANCE, R(9, 20), 2)
    assert wu.stable_exactly(wu.second_moment_operator(INSTANCE, R(9, 20), 1))
    assert not wu.satisfies_condition_8(INSTANCE, R(9, 20), 1)
    assert not wu.satisfies_rectangle_9(INSTANCE, R(9, 20), 1)
    assert not wu.stable_exactly(wu.second_moment_operator(INSTANCE, R(1, 2), 1))
    assert wu.sharpness(INSTANCE) == 3


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: wu.check_batch(3, 4, False), "batch"),
        (lambda: wu.check_batch(3, 0, True), "batch"),
        (lambda: wu.curvature_statistics([1, -1]), "curvatures"),
        (lambda: wu.exact_hessians([[[1, 2], [0, 1]]]), "hessians"),
        (lambda: wu.exact_hessians([[[1, 2], [2, 1]]]), "hessians"),
        (lambda: wu.batches(20, 10, False), "batch"),
        (lambda: linear.check_hessians(np.ones((2, 2))), "hessians"),
        (lambda: linear.check_hessians(np.array([[[1.0, np.nan], [np.nan, 1.0]]])), "hessians"),
        (lambda: linear.check_hessians(np.array([[[1.0, 0.0], [0.0, -1.0]]])), "hessians"),
        (lambda: linear.simulate_linear(np.eye(2)[None], 0.1, 1, False, 10, 5, np.random.SeedSequence(0), [1.0]), "x0"),
        (lambda: linear.simulate_linear(np.eye(2)[None], -0.1, 1, False, 10, 5, np.random.SeedSequence(0), [1, 0]), "lr"),
        (lambda: linear.simulate_linear(np.eye(2)[None], 0.1, 2, False, 10, 5, np.random.SeedSequence(0), [1, 0]), "batch"),
    ],
)
def test_bad_parameters_raise(call, parameter):
    with pytest.raises(ParameterError) as error:
        call()
    assert error.value.parameter == parameter


# --- numerics -------------------------------------------------------------------------------------


def test_float_operator_and_thresholds():
    floats = np.array(INSTANCE, dtype=float)
    exact = np.array(wu.second_moment_operator(INSTANCE, R(3, 10), 2, True).tolist(), dtype=float)
    assert np.allclose(linear.second_moment_operator(floats, 0.3, 2, True), exact, rtol=0, atol=1e-14)
    assert 0.45 < linear.threshold_lr(floats, 1) < 0.5
    assert linear.threshold_lr(floats, 1, criterion="condition_8") < 0.45
    moments = linear.mean_sq_norm_exact(linear.second_moment_operator(floats, 0.45, 1), [1.0, 0.0], 3)
    assert moments[0] == 1 and moments[1] > 1 > moments[3]


def test_simulator_is_reproducible_and_records_divergence_as_events():
    floats = np.array(INSTANCE, dtype=float)
    first = linear.simulate_linear(floats, 0.45, 2, False, 300, 20, np.random.SeedSequence(7), [1.0, 0.0], record=(5,))
    again = linear.simulate_linear(floats, 0.45, 2, False, 300, 20, np.random.SeedSequence(7), [1.0, 0.0], record=(5,))
    assert np.array_equal(first.state, again.state) and np.array_equal(first.snapshots[5], again.snapshots[5])
    wild = linear.simulate_linear(floats, 3.0, 1, True, 200, 200, np.random.SeedSequence(1), [1.0, 0.0], bound=1e6)
    assert np.all(wild.escaped_at > 0) and np.all(np.isfinite(wild.state))
    assert wild.alive[0] == 200 and wild.alive[-1] == 0 and np.all(np.isfinite(wild.mean_sq_norm[wild.alive > 0]))


def test_on_the_fly_sampling_matches_the_exact_operator():
    hessians = [[[i % 3 + 1, i % 2], [i % 2, 1]] for i in range(40)]  # 658008 batches of 5: sampled on the fly
    runs = linear.simulate_linear(np.array(hessians, float), 0.2, 5, False, 20000, 1, np.random.SeedSequence(3),
                                  [1.0, 1.0], record=(1,))
    moment = wu.second_moment_operator(hessians, R(1, 5), 5) * sp.Matrix([1, 1, 1, 1])
    ci = mean_interval(np.sum(runs.snapshots[1] ** 2, axis=1))
    assert float(moment[0] + moment[3]) in ci and runs.alive[1] == 20000


def test_diagram_and_toy_runs():
    diagram = linear.stability_diagram(0.1, 4, 1000, False, np.linspace(0, 20, 5), np.linspace(0, 30, 4))
    assert diagram.rectangle.shape == (5, 4) and diagram.rectangle[4, 2] and not diagram.rectangle[4, 3]
    assert not diagram.stable_one_dimension[4, 2] and diagram.stable_one_dimension[2, 1]
    assert diagram.boundary[2] == pytest.approx(float(10 * sp.sqrt(4 * 999 / sp.Integer(996))))
    gd = linear.toy_runs(0.7, 1, 100, np.random.SeedSequence(0), 1 - 1e-5, stochastic=False)
    assert abs(gd.x[0] - 1) < 1e-12 and gd.left_at[0] == -1
    sgd = linear.toy_runs(0.7, 50, 400, np.random.SeedSequence(0), 1 - 1e-5)
    assert np.all(np.abs(sgd.x) < 1e-8) and np.all(sgd.left_at > 0)
    recorded = linear.toy_runs(0.7, 50, 400, np.random.SeedSequence(0), 1 - 1e-5, record=True)
    assert recorded.paths.shape == (50, 401) and np.array_equal(recorded.paths[:, -1], sgd.x)
    assert np.all(recorded.paths[:, 0] == 1 - 1e-5) and sgd.paths is None


def test_toy_escape_floor():
    """Around 1 the steps multiply d = x - 1 by 1 - 2ηc_i; only f_2's step (factor -83/50 at η = 7/10)
    leaves the basin [√c_2/(1 + √c_2), …], from d ≥ (1 - √c_2/(1 + √c_2))/(83/50), where f = d²."""
    escape = wu.toy_escape(R(7, 10))
    assert escape.factors == (R(43, 50), R(-83, 50)) and escape.gd_factor == R(-2, 5) and escape.loss_coefficient == 1
    low = 1 - sp.sqrt(R(19, 10)) / (1 + sp.sqrt(R(19, 10)))
    assert sp.simplify(escape.exit_set.inf - low / R(83, 50)) == 0
    assert sp.simplify(escape.loss_floor - (low / R(83, 50)) ** 2) == 0


# --- verdicts (quick mode) ------------------------------------------------------------------------

P, C, R_, I_ = "proved", "confirmed", "refuted", "inconclusive"
EXPECTED = {
    "wu.eq2_3": (P, (P, C)),
    "wu.thm1": (P, (P, P, C, P, C)),
    "wu.eq9": (R_, (P, P, C, R_, R_, R_, C, C)),
    "wu.eq9-corrected": (P, (P, P, C, P, C, C, C)),
    "wu.toy": (R_, (R_, P, P, C, C)),
    "wu.toy-corrected": (P, (P, P, P, C, C)),
    "wu.escape_numbers": (R_, (P, R_, R_, R_, C)),
    "wu.escape_numbers-corrected": (P, (P, P)),
}


results, test_verdicts = verdict_tests(EXPECTED)


def test_refutations_carry_exact_data(results):
    sharp = evidence(results, "wu.eq9", "'the condition (8) is sharp'").finding
    assert sharp.data["lr"] == R(9, 20) and sharp.observed == {"(8) holds": "no", "stable": "yes"}
    outside = evidence(results, "wu.eq9", "§3.1").finding
    assert outside.data["bound_squared"] == R(400, 81) and outside.data["s_squared"] == sp.sqrt(226) / 9 + R(31, 9)
    assert outside.observed == {"stable": "yes", "in (9)": "no"}
    figure = evidence(results, "wu.eq9", "Fig. 3: 'the rectangular").finding
    assert figure.observed == {"in (9)": "yes", "E x²_(t+1)/x_t²": R(13, 10)}
    assert figure.data["stable_area_fraction"] == sp.pi / 4
    toy = evidence(results, "wu.toy", "§2: curvatures").finding
    assert toy.observed["f_i''(1)"] == (R(1, 5), R(19, 5)) and toy.observed["GD bound"] == 1
    assert toy.expected["f_i''(1)"] == (R(1, 10), R(19, 10)) and len(toy.data["mismatches"]) == 5
    assert toy.data["printed_curvatures_second_moment_factor"] == R(4869, 10000)
    gd = evidence(results, "wu.escape_numbers", "§4.4: 'not stable for GD").finding
    assert gd.observed == R(2, 19) and gd.expected == R(20, 19)
    b100 = evidence(results, "wu.escape_numbers", "§4.4: 'SGD with η = 0.1, B = 100").finding
    assert b100.observed == {"in (9)": "yes", "E x²_(t+1)/x_t²": R(667799, 545000)}
    assert b100.data["nonuniformity"] == R(517, 10)


def test_key_observed_values(results):
    eq23 = evidence(results, "wu.eq2_3", "E x_{t+1}").finding
    assert sp.expand(eq23.observed["E x²_(t+1)/x_t²"] - ((1 - eta * a) ** 2 + eta**2 * s**2)) == 0
    assert evidence(results, "wu.eq2_3", "sample means").finding.observed["intervals missed"] == 0
    matrix = evidence(results, "wu.thm1", "E[(I-ηM)²]").finding
    assert sp.simplify(sp.expand(matrix.observed - matrix.expected)) == 0
    assert evidence(results, "wu.eq9", "B ≪ n").finding.observed == sp.sqrt(B) / eta
    rows = evidence(results, "wu.escape_numbers", "§4.4: 'the upper bound").finding.data["rows"]
    assert [decimal(r["exact"], 6) for r in rows if r["n"] == 1200] == ["10.0000", "20.0251", "104.403"]
    corrected = evidence(results, "wu.escape_numbers-corrected", "corrected:").finding
    assert corrected.observed["GD threshold"] == R(2, 19)
    simulated = evidence(results, "wu.toy", "η = 0.7: SGD").finding
    assert simulated.observed["SGD runs at 0 (lowest lower end)"] > 0.99 and simulated.observed["GD at 1"] == 2
    burst = evidence(results, "wu.toy", "Fig. 2").finding
    assert burst.data["runs that burst"] == burst.data["runs"] and burst.observed["GD loss rises"] == 0
    assert burst.data["loss floor"] == (50 * sp.sqrt(190) - 500) ** 2 / 558009  # ≈ 0.0642: 6.4e8 × f(x_0)


def test_searches_find_no_violation_and_the_gap(results):
    sufficient = evidence(results, "wu.thm1", "(8) ⇒ ρ(T) ≤ 1").finding
    assert sufficient.observed["(8) and unstable"] == 0 and sufficient.data["stable_without_8"]
    assert evidence(results, "wu.thm1", "d ≥ 2").finding.data["at_lr"]["spectral_radius"].startswith("0.920665955")


def test_every_check_states_its_tolerance(results):
    for result in results.values():
        for check in result.evidence:
            assert check.finding.tolerance
            if check.kind is Kind.SIMULATION:
                assert "interval" in check.finding.tolerance


def test_every_wu_check_is_counted():
    for claim in select(["wu"]):
        assert all(check.counted for check in claim.checks), claim.id


# --- the defects of issue 10 stay fixed -----------------------------------------------------------

CONTEXT = CheckContext(True, 30, np.random.SeedSequence(0))


def test_escape_arithmetic_derives_its_numbers_from_the_model(monkeypatch):
    """The bounds are the model's: moving theory's √B/η or 2/η (not the printed numbers) refutes the check."""
    assert escape_numbers.arithmetic.run(CONTEXT).verdict is Verdict.PROVED
    limit = wu.small_batch_bound()
    monkeypatch.setattr(wu, "small_batch_bound", lambda replace=False: 2 * limit)
    found = escape_numbers.arithmetic.run(CONTEXT)
    assert found.verdict is Verdict.REFUTED and found.observed["√B/η at η = 0.1"] == {1: 20, 4: 40, 100: 200}
    monkeypatch.undo()
    box = wu.rectangle()
    monkeypatch.setattr(wu, "rectangle", lambda: wu.Rectangle(box.sharpness_max / 2, box.nonuniformity_max))
    assert escape_numbers.arithmetic.run(CONTEXT).verdict is Verdict.REFUTED


def test_escape_bounds_verdict_uses_the_sides_the_text_states():
    """With 'at most' made true, the verdict follows the sides of the bounds the measured s lie on."""
    check = escape_numbers.bounds
    rounded = replace("PRINTED_NONUNIFORMITY_BOUNDS", escape_numbers.ROUNDED_UP_BOUNDS)
    assert check.falsified(rounded, CONTEXT).verdict is Verdict.CONFIRMED
    flipped = mutate("PRINTED_SIDES", lambda d: {**d, ("Corrupted FashionMNIST", 100): True}, "B = 100 said exceeded")
    found = check.falsified(together("both", rounded, flipped), CONTEXT)
    assert found.verdict is Verdict.REFUTED and found.observed["sides as the text says"] == "no"


def test_book_figures_call_the_experiments():
    page = (Path(__file__).parents[1] / "book" / "wu.md").read_text()
    cells = page.split("```{code-cell}")[1:]
    code = "\n".join(cell.split("```")[0] for cell in cells)
    for forbidden in ("linear.", "lambdify", "sp.factor", "sp.simplify", "sp.limit", ".subs(", "np.linspace", "for stochastic"):
        assert forbidden not in code, forbidden
    for called in ("eq9.diagram(", "eq9.rectangle_point(", "toy.minima_table(", "toy.escape_curves(", "toy.landscape("):
        assert called in code, called


# --- the command line -----------------------------------------------------------------------------


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, timeout=300, check=False)


def run_json(*args):
    completed = run(*args)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_cli_curvatures_to_forty_digits():
    payload = run_json("derive", "wu.thm1", "--curvatures", "0.2,3.8", "--batch", "1", "--dps", "40", "--json")
    assert payload["command"] == "derive wu.thm1" and payload["params"]["curvatures"] == "1/5,19/5"
    with mpmath.workdps(60):
        assert payload["values"]["max_lr"] == mpmath.nstr(mpmath.mpf(100) / 181, 40, strip_zeros=False)
    assert payload["values"]["nonuniformity"].startswith("1.8000000000")
    batch = run_json("derive", "wu.thm1", "--curvatures", "1,2,4,8", "--batch", "2", "--dps", "30", "--json")["values"]
    mean, variance, factor = R(15, 4), R(85, 4) - R(225, 16), R(4 - 2, 2 * (4 - 1))  # c_B = (n-B)/(B(n-1))
    assert batch["max_lr"] == decimal(2 * mean / (mean**2 + factor * variance), 30)


def test_cli_hessians_against_the_exact_route(tmp_path):
    path = tmp_path / "h.npy"
    np.save(path, np.array(INSTANCE, dtype=float))
    values = run_json("derive", "wu.thm1", "--hessians", str(path), "--lr", "9/20", "--batch", "1", "--dps", "30",
                      "--json")["values"]
    rho = wu.largest_eigenvalue(wu.second_moment_operator(INSTANCE, R(9, 20), 1))
    lhs = wu.largest_eigenvalue(wu.condition_8_matrix(INSTANCE, R(9, 20), 1))
    assert values["spectral_radius"] == decimal(rho, 30) and values["lhs_8"] == decimal(lhs, 30)
    assert values["stable_exact"] is True and values["rect_9"] is False
    replaced = run_json("derive", "wu.thm1", "--hessians", str(path), "--lr", "0.5", "--batch", "2", "--replace",
                        "--json")["values"]
    assert replaced["spectral_radius"] == decimal(wu.largest_eigenvalue(wu.second_moment_operator(INSTANCE, R(1, 2), 2, True)), 50)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    files = {
        "asym": np.array([[[1.0, 2.0], [0.0, 1.0]]]),
        "notpsd": np.array([[[1.0, 0.0], [0.0, -1.0]]]),
        "nan": np.array([[[1.0, np.nan], [np.nan, 1.0]]]),
        "flat": np.eye(2),
        "objects": np.array([None, 1], dtype=object),
    }
    paths = {}
    for name, array in files.items():
        paths[name] = str(root / f"{name}.npy")
        np.save(paths[name], array, allow_pickle=True)
    paths["good"] = str(root / "good.npy")
    np.save(paths["good"], np.array(INSTANCE, dtype=float))
    return paths


@pytest.mark.parametrize(
    "args, parameter",
    [
        (["--curvatures", "1,-2", "--batch", "1"], "curvatures"),
        (["--curvatures", "1,abc", "--batch", "1"], "curvatures"),
        (["--curvatures", "1,2", "--batch", "3"], "batch"),
        (["--curvatures", "1,2", "--batch", "0", "--replace"], "batch"),
        (["--curvatures", "1,2", "--batch", "1", "--lr", "1"], "lr"),
        (["--batch", "1"], "curvatures"),
        (["--curvatures", "1,2", "--batch", "1", "--dps", "10"], "dps"),
        (["--hessians", "/nonexistent/h.npy", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{asym}", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{notpsd}", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{nan}", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{flat}", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{objects}", "--lr", "1", "--batch", "1"], "hessians"),
        (["--hessians", "{good}", "--lr", "-1", "--batch", "1"], "lr"),
        (["--hessians", "{good}", "--batch", "1"], "lr"),
        (["--hessians", "{good}", "--lr", "1", "--batch", "4"], "batch"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_two(bad_files, args, parameter):
    completed = run("derive", "wu.thm1", *[a.format(**bad_files) for a in args])
    assert completed.returncode == 2 and completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {parameter}:"), completed.stderr
    assert "Traceback" not in completed.stderr
