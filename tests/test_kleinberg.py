"""Kleinberg, Li & Yuan: the derived constants, the numerics, the verdicts (quick mode), the CLI."""

import json
import subprocess
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp
from claim_helpers import QUICK, evidence, verdict_tests

from numerics import smoothed_sgd
from theory import kleinberg
from theory.errors import ParameterError
from theory.kleinberg import D, L, b, b2, c, c2, eta, lam, lam2, m0, r, t, x, y
from theory.noise import UniformNoise
from verify.claim import CheckContext, Verdict, check_seed, replace, scale
from verify.claims.kleinberg import cor2, fig3
from verify.registry import select
from verify.report import result_record

q = sp.Symbol("q", positive=True)


def _same(a, b_):
    return sp.simplify(sp.expand_log(a - b_, force=True)) == 0


# --- derivations -----------------------------------------------------------------------------------


def test_step_one_gives_lambda_and_b():
    derived = kleinberg.contraction()
    assert sp.expand(derived.lam - (2 * eta * c - eta**2 * L**2)) == 0
    assert sp.expand(derived.b - eta**2 * r**2 * (1 + eta * L) ** 2) == 0
    assert sp.expand(derived.bound - ((1 - derived.lam) * D + derived.b)) == 0


def test_quadratic_attains_the_contraction():
    exact = kleinberg.quadratic_one_step()
    assert sp.expand(exact - (1 - eta * L) ** 2 * (y**2 + eta**2 * r**2)) == 0
    assert sp.expand(exact.coeff(y, 2) - (1 - kleinberg.contraction().lam).subs(c, L)) == 0


def test_step_two_pieces():
    assert kleinberg.supermartingale_drift() == 0
    assert sp.simplify(kleinberg.expected_distance() - ((1 - lam) ** t * (m0 - b / lam) + b / lam)) == 0
    assert _same(kleinberg.burn_in_time(), sp.log(lam * m0 / b) / lam)
    assert kleinberg.markov_radius(2 * b / lam, sp.Rational(1, 10)) == 20 * b / lam
    assert kleinberg.success_probability(20 * b / lam, sp.Rational(9, 4) * kleinberg.T2) == sp.Rational(1, 2)
    assert kleinberg.step_size_bounds() == (1 / (2 * L), c / L**2, 1 / (2 * c))


def test_step_three_pieces():
    assert sp.simplify(kleinberg.geometric_factor() - 1 / (lam * (2 - lam))) == 0
    total = sp.Add(*kleinberg.martingale_difference_terms(True).values())
    assert kleinberg.in_step_units(total) == (q**2 + 4 * q + 1, 4 * q**2 + 6 * q + 2)
    without = sp.Add(*kleinberg.martingale_difference_terms(False).values())
    assert kleinberg.in_step_units(without) == (5 * q**2 + 6 * q + 1, 4 * q**2 + 6 * q + 2)
    with pytest.raises(AssertionError):
        kleinberg.in_step_units(eta * r**2)


def test_corollary_two_and_theorem_three():
    assert _same(kleinberg.restart_time(), sp.log(20 * b * lam2 / (lam * b2)) / lam2)
    U2, G2 = sp.symbols("U2 G2", positive=True)
    assert kleinberg.escape_threshold() == 2 * c2 * U2 / G2
    change = kleinberg.gd_distance_change(2)
    u1, u2, g1, g2 = sp.symbols("u1 u2 g1 g2", real=True)
    assert sp.expand(change - (-2 * eta * (u1 * g1 + u2 * g2) + eta**2 * (g1**2 + g2**2))) == 0


def test_convolution_of_the_spiky_loss():
    s, k_ = sp.Rational(4, 5), 10
    g = kleinberg.convolved(kleinberg.spiky_loss(8, k_, 0), kleinberg.perturbation(s))
    assert sp.simplify(sp.diff(g, y) - (y + sp.Rational(8, 10) * sp.sin(8) / 8 * sp.sin(10 * y))) == 0
    assert kleinberg.characteristic(kleinberg.perturbation(s, two_point=True), k_) == sp.cos(8)
    quadratic = kleinberg.convolved(kleinberg.spiky_loss(8, 10, sp.pi / 2), kleinberg.perturbation(sp.pi / 10))
    assert kleinberg.one_point_ratio(quadratic) == 1
    assert kleinberg.fig3_loss(3, 40, 3).subs(x, 0) == 0


def test_bad_perturbation_is_refused():
    with pytest.raises(ParameterError):
        kleinberg.perturbation(-1)
    with pytest.raises(ParameterError):
        kleinberg.perturbation(0, two_point=True)


# --- numerics ---------------------------------------------------------------------------------------


def test_quadrature_matches_the_closed_form_and_estimates_c():
    loss, law = kleinberg.spiky_loss(8, 10, 0), kleinberg.perturbation(sp.Rational(4, 5))
    gradient = smoothed_sgd.convolved_gradient(loss, law)
    closed = sp.lambdify(y, sp.diff(kleinberg.convolved(loss, law), y), "numpy")
    points = np.linspace(-5, 5, 101)
    assert np.max(np.abs(gradient(points) - closed(points))) < 1e-13
    estimate = smoothed_sgd.one_point_constant(gradient, 20.0, 4001)
    exact = 1 + 8 * mpmath.sin(8) / 8 * smoothed_sgd.sinc_infimum(None, 30)
    assert abs(estimate.c - float(exact)) < 1e-9
    assert abs(smoothed_sgd.smoothness_constant(smoothed_sgd.derivative(loss, 2), 2.0, 20001) - 9) < 1e-9
    curvature = smoothed_sgd.convolved_gradient(loss, law, order=2)
    assert abs(smoothed_sgd.smoothness_constant(curvature, 2.0, 2001) - (1 + 8 * np.sin(8) / 8)) < 1e-9
    assert len(smoothed_sgd.local_minima(smoothed_sgd.derivative(loss), 10.0)) == 3
    assert len(smoothed_sgd.local_minima(gradient, 10.0)) == 1


def test_sinc_infimum_and_high_precision_gradient():
    with mpmath.workdps(40):
        value = smoothed_sgd.sinc_infimum(None, 30)
        assert abs(value - mpmath.mpf("-0.21723362821122165740827932556247")) < mpmath.mpf(10) ** -29
        assert smoothed_sgd.sinc_infimum(2, 30) == mpmath.sin(2) / 2
    loss, law = kleinberg.spiky_loss(8, 10, sp.pi / 2), kleinberg.perturbation(sp.pi / 10)
    with mpmath.workdps(40):
        assert abs(smoothed_sgd.mp_convolved_gradient(loss, law, mpmath.mpf(3) / 10, 30) - mpmath.mpf(3) / 10) < 1e-28


def test_ensembles_refuse_bad_input_and_are_reproducible():
    loss = kleinberg.spiky_loss(8, 10, 0)
    omega = UniformNoise(sp.Integer(-100), sp.Integer(100))
    with pytest.raises(ParameterError):
        smoothed_sgd.theorem1_runs(loss, 0, omega, 1.0, 5, 5, 10, np.random.SeedSequence(0))
    with pytest.raises(ParameterError):
        smoothed_sgd.theorem1_runs(loss, 0.01, omega, 1.0, 0, 5, 10, np.random.SeedSequence(0))
    with pytest.raises(ParameterError):
        smoothed_sgd.from_points([])
    with pytest.raises(ParameterError):
        smoothed_sgd.from_points([0.1, 0.2])(None, 3)
    first = smoothed_sgd.theorem1_runs(loss, 0.008, omega, 40.0, 20, 10, 50, np.random.SeedSequence(7))
    second = smoothed_sgd.theorem1_runs(loss, 0.008, omega, 40.0, 20, 10, 50, np.random.SeedSequence(7))
    assert np.array_equal(first.at_burn_in, second.at_burn_in) and np.all(first.window_max >= first.at_burn_in)


# --- verdicts ---------------------------------------------------------------------------------------

P, C, R, I = "proved", "confirmed", "refuted", "inconclusive"
EXPECTED = {
    "kleinberg.thm1": (P, (P, P, R, R, C, C, C)),  # the two refuted checks are proof steps (proof gaps)
    "kleinberg.thm1-corrected": (P, (P, P, P, C, C, C)),
    "kleinberg.cor2": (R, (R, P, I, R)),
    "kleinberg.cor2-corrected": (P, (P, P, C)),
    "kleinberg.thm3": (P, (P, C, C, C)),
    "kleinberg.fig3": (C, (C, C)),
}

results, test_verdicts = verdict_tests(EXPECTED)


def run_check(claim_id, index, falsifier=None):
    """One check of a registered claim, with its own seed, optionally under a mutation."""
    (claim,) = select([claim_id])
    check = claim.checks[index]
    context = CheckContext(QUICK["quick"], QUICK["dps"], check_seed(QUICK["seed"], claim_id, index))
    return check.run(context) if falsifier is None else check.falsified(falsifier, context)


def test_every_claim_of_the_family_is_pinned_and_its_record_has_no_nan(results):
    from test_kleinberg_networks import EXPECTED as NETWORKS  # §5's claims are pinned there

    assert [c.id for c in select(["kleinberg"])] == list(EXPECTED) + list(NETWORKS)
    for result in results.values():
        assert "nan" not in json.dumps(result_record(result, 30)).lower().replace("nanoseconds", "")


def test_theorem_one_is_not_refuted_and_its_two_slips_are_proof_gaps(results):
    result = results["kleinberg.thm1"]
    assert result.verdict is Verdict.PROVED
    assert [e.title.split(":")[1].strip()[:9] for e in result.proof_gaps] == ["1/(1-(1-λ", "the last "]
    assert results["kleinberg.thm1-corrected"].proof_gaps == ()
    geometric = evidence(results, "kleinberg.thm1", "Step 3 as printed: 1/(1-(1-λ)²)").finding
    assert geometric.data["counterexample"] == {"lambda": sp.Rational(1, 2), "true": sp.Rational(4, 3), "printed": 2}
    chain = evidence(results, "kleinberg.thm1", "Step 3 as printed: the last line").finding
    assert chain.observed == sp.Interval.Lopen(sp.sqrt(14) / 4 - sp.Rational(1, 2), sp.Rational(1, 2))
    constants = evidence(results, "kleinberg.thm1", "Assumption 1").finding.data
    assert all(row["local_minima_f"] > 1 and row["local_minima_g"] == 1 for row in constants.values())


def test_the_chain_check_decides_over_the_whole_range_of_eta_L():
    """A line that exceeds M only for ηL in (1/20, 1/4) (not at the old sample points 9/20, 1/2) is refuted."""
    bump = (7 + sp.Rational(1, 100) - (eta * L - sp.Rational(3, 20)) ** 2) * eta * r * kleinberg.delta
    found = run_check("kleinberg.thm1", 3, replace("PRINTED_DIFFERENCE_LINE", bump))
    assert found.verdict is Verdict.REFUTED
    assert found.observed == sp.Interval.open(sp.Rational(1, 20), sp.Rational(1, 4))


def test_theorem_one_simulation_discriminates(results):
    """The event holds in every run at 20b/λ, but the measured 1/2-quantile of ‖y_T1‖²λ/b is far below 20:
    a radius below it (or a window bound below the window's) is refuted."""
    rows = evidence(results, "kleinberg.thm1", "P(").finding.data["instances"]
    assert all(row["event"] == row["runs"] for row in rows.values())
    assert all(0.01 < row["quantile_at_T1"] < 0.5 and row["largest_at_T1"] < 20 for row in rows.values())
    for falsifier in (scale("PRINTED_RADIUS", sp.Rational(1, 1000)), scale("PRINTED_MU", sp.Rational(1, 200))):
        assert run_check("kleinberg.thm1", 6, falsifier).verdict is Verdict.REFUTED
    # at the printed radius even probability 0.95 holds: the statement is loose, not false
    assert run_check("kleinberg.thm1", 6, replace("PRINTED_PROBABILITY", sp.Rational(95, 100))).verdict is Verdict.CONFIRMED


def test_success_probability_and_zeta_are_derived_not_typed():
    assert kleinberg.markov_failure(20 * b / lam) == sp.Rational(1, 10)
    assert kleinberg.zeta_for(sp.Rational(1, 2), 20 * b / lam) == sp.Rational(9, 4) * kleinberg.T2
    # another radius and target: the formula follows them (nothing is a transcribed constant)
    assert kleinberg.success_probability(10 * b / lam, 2 * kleinberg.T2) == sp.Rational(2, 5)
    assert kleinberg.zeta_for(sp.Rational(2, 5), 10 * b / lam) == 2 * kleinberg.T2
    assert run_check("kleinberg.thm1", 1, scale("PRINTED_ZETA", 2)).verdict is Verdict.REFUTED


def test_corollary_two_probability_comes_from_theorem_one():
    assert kleinberg.two_stage_probability(sp.Rational(1, 3)) == sp.Rational(1, 9)
    assert cor2.PRINTED_PROBABILITY == sp.Rational(1, 2)
    assert run_check("kleinberg.cor2", 1, replace("PRINTED_PROBABILITY", sp.Rational(1, 3))).verdict is Verdict.REFUTED


def test_corollary_two_counterexample_data(results):
    found = evidence(results, "kleinberg.cor2", "counterexample")
    data = found.finding.data
    assert found.verdict is Verdict.REFUTED and data["T2"] == 1 and data["T1"] == 47  # ⌈log(λ‖y0‖²/b)/λ⌉, x0 = 3
    assert data["conditions_stage1"] and data["conditions_stage2"] and data["c_prime"] > data["c"]
    assert data["T2_bound"] < 0 and all(k / data["runs"] < 0.2 for k in data["hits"].values())
    region = evidence(results, "kleinberg.cor2", "D' as printed").finding
    assert region.observed == sp.Interval(1, sp.oo)
    corrected = evidence(results, "kleinberg.cor2-corrected", "with the derived T2").finding.data
    assert all(k == corrected["runs"] for k in corrected["hits"].values())
    assert corrected["T2"] == int(mpmath.ceil(corrected["T2_bound"])) == 16099


def test_corollary_two_counterexample_is_reproducible(results):
    again = cor2.CLAIMS[0].run(**QUICK)
    first = evidence(results, "kleinberg.cor2", "counterexample").finding.data["hits"]
    assert evidence({"kleinberg.cor2": again}, "kleinberg.cor2", "counterexample").finding.data["hits"] == first


def test_theorem_three_evidence(results):
    grid = evidence(results, "kleinberg.thm3", "one-point").finding
    assert grid.observed["smallest relative increase of x²"] > 0.03
    divergence = evidence(results, "kleinberg.thm3", "GD with").finding
    assert divergence.observed == divergence.expected == {"moved away every step": 500, "diverged": 500}
    plane = evidence(results, "kleinberg.thm3", "Fig. 4").finding
    assert plane.observed["smallest relative increase of ‖x - x*‖²"] > 0.5 and plane.data["points"] == 960
    assert plane.data["largest angle (degrees)"] > 45  # the gradient is far from radial somewhere on the grid


def test_figure_four_geometry():
    """At the figure's x_t the printed threshold overshoots the exact exit step η₀ = 2⟨x_t, ∇f⟩/‖∇f‖²,
    and x_{t+1} at η* is outside the ball of radius ‖x_t - x*‖."""
    from verify.claims.kleinberg import thm3

    found = thm3.figure4()
    assert found["c_prime"] == 4 and found["crossing"] < found["printed_threshold"]
    assert found["next_distance"] > found["radius"] == pytest.approx(float(sp.sqrt(sp.Rational(17, 400))))


def test_fig3_shape(results):
    data = evidence(results, "kleinberg.fig3", "Rows 2-3").finding.data
    assert data["escaped"] == 0 and [stage["runs"] for stage in data["stages"]][0] == data["runs"]
    landscape = evidence(results, "kleinberg.fig3", "Row 1").finding.observed
    assert landscape["minima of g (moderate)"] == 1 and landscape["minima of f"] == 55
    assert landscape["minima of g (small)"] == 53


def test_module_names_say_what_they_hold():
    """numerics is named after the model it simulates, so nothing imports it under an alias."""
    import importlib.util
    import pathlib

    assert importlib.util.find_spec("numerics.kleinberg") is None
    root = pathlib.Path(__file__).resolve().parents[1]
    for path in [*root.glob("verify/claims/kleinberg/*.py"), *root.glob("numerics/*.py"), root / "book/kleinberg.md"]:
        text = path.read_text()
        assert "import kleinberg as" not in text and "kleinberg.legacy" not in text and "kleinberg import legacy" not in text, path


def test_book_page_holds_no_experiment_code():
    """The Fig. 3 cells call the claim module's ``experiment``/``gradients`` and plot."""
    import pathlib
    import re

    page = (pathlib.Path(__file__).resolve().parents[1] / "book/kleinberg.md").read_text()
    cells = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page, re.DOTALL))
    for forbidden in ("perturbed_gd_runs", "from_points", "uniform_start", "spawn(", "convolved_gradient", "for level, region in"):
        assert forbidden not in cells, forbidden
    assert "fig3.experiment(" in cells and "fig3.gradients(" in cells
    assert fig3.experiment.__doc__ and fig3.gradients.__doc__


# --- command line -----------------------------------------------------------------------------------


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, timeout=600)


def test_derive_thm1_against_an_independent_computation():
    completed = run("derive", "kleinberg.thm1", "--L", "9", "--c", "1", "--r", "10*pi", "--eta", "1/100",
                    "--dist0", "40", "--dps", "40", "--json")
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["command"] == "derive kleinberg.thm1" and payload["dps"] == "40"
    with mpmath.workdps(60):
        step, radius, smooth = mpmath.mpf(1) / 100, 10 * mpmath.pi, mpmath.mpf(9)
        lam_ = 2 * step - step**2 * smooth**2
        b_ = step**2 * radius**2 * (1 + step * smooth) ** 2
        burn = mpmath.log(lam_ * 1600 / b_) / lam_
        expected = {"lambda": lam_, "b": b_, "T1": burn, "radius_sq": 20 * b_ / lam_}
        for name, value in expected.items():
            assert payload["values"][name] == mpmath.nstr(value, 40, strip_zeros=False), name
    assert payload["values"]["T1_steps"] == "428" and payload["values"]["conditions_hold"] is True
    loose = json.loads(run("derive", "kleinberg.thm1", "--L", "2", "--c", "1", "--r", "1", "--eta", "0.3",
                           "--dist0", "1", "--json").stdout)
    assert loose["values"]["conditions_hold"] is False


@pytest.mark.parametrize(
    "args, parameter",
    [
        (("--L", "9", "--c", "-1", "--r", "1", "--eta", "1/100", "--dist0", "1"), "c"),
        (("--L", "nine", "--c", "1", "--r", "1", "--eta", "1/100", "--dist0", "1"), "L"),
        (("--L", "9", "--c", "1", "--r", "1", "--eta", "1/10", "--dist0", "1"), "eta"),
        (("--L", "9", "--c", "1", "--r", "0", "--eta", "1/100", "--dist0", "1"), "r"),
        (("--L", "9", "--c", "1", "--r", "1", "--eta", "1/100", "--dist0", "0"), "dist0"),
        (("--L", "9", "--c", "1", "--r", "1", "--eta", "1/100", "--dist0", "1", "--dps", "5"), "dps"),
        (("--L", "9", "--c", "1", "--r", "1", "--eta", "1/100"), "dist0"),
    ],
)
def test_bad_input_is_one_line_and_exit_two(args, parameter):
    completed = run("derive", "kleinberg.thm1", *args)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and parameter in lines[0] and "Traceback" not in completed.stderr
    assert completed.stdout == ""
