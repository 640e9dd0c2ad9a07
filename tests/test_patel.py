"""Patel (arXiv 1709.04718v2): the derived formulas, the verdicts in quick mode, bad input, and the
`derive patel.*` commands checked against an independent mpmath computation."""

import json
import subprocess
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp

from numerics import patel as npatel
from theory import patel
from theory.errors import ParameterError
from verify.claim import CheckContext, Verdict, check_seed, replace
from verify.claims.patel import _printed, lem3_3, lem3_6, thm3_8, thm3_12
from verify.claims.patel._common import times
from verify.commands.patel import load_quadratic, parse_batch

from claim_helpers import QUICK, evidence, verdict_tests
from cli_helpers import invoke

C, k, lam, kappa, gamma = patel.C, patel.k, patel.lam, patel.kappa, patel.gamma
R = sp.Rational

# --- derived formulas ----------------------------------------------------------------------------------


def test_lemma37_crossings_are_derived_exactly():
    assert sp.simplify(patel.lemma37_crossing() - 2 * lam / (lam**2 + kappa / k)) == 0
    assert sp.simplify(patel.lemma37_crossing(inflation_by_batch=True) - 2 * lam / ((1 + 1 / k) * lam**2 + kappa / k)) == 0
    assert patel.lemma37_crossing(gradient_descent=True) == 2 / lam
    assert sp.simplify(patel.inhomogeneous_crossing() - (lam + sp.sqrt(lam**2 + 4 * gamma**2)) / (lam**2 + kappa / k)) == 0


def test_gradient_descent_factor_and_limit():
    assert patel.gd_factor() == 1 - C * lam
    assert patel.gd_stability_limit() == 2 / lam
    x = sp.Symbol("x", real=True)
    assert patel.scalar_gd_iterates(x**2, x, -1, R(11, 10), 2) == [-1, R(6, 5), R(-36, 25)]


def test_one_step_expectation_is_eq9_on_a_concrete_law():
    problem = npatel.random_problem(np.random.default_rng(3), 2, 3, False)
    d = patel.displacement(2)
    derived = patel.one_step_expectation(problem.law, d)
    assert sp.simplify(derived - lem3_6.printed_lemma36(problem.law, d)) == 0
    theta = sp.Matrix([R(1, 3), -2])
    enumerated = npatel.enumerated_one_step(problem, 2, R(1, 5), theta)
    assert derived.subs(dict(zip(d, theta - problem.minimizer))).subs({C: R(1, 5), k: 2}) == enumerated


def test_curvature_and_exact_thresholds_of_small_laws():
    law = lem3_3.LEMMA33_COUNTEREXAMPLE
    assert law.eigenvalues == (2, 1) and law.curvature_range == (1, 0) and law.homogeneous
    assert patel.exact_thresholds(law, 1) == patel.ExactThresholds(R(4, 5), 2)
    assert patel.exact_thresholds(law, sp.oo) == patel.ExactThresholds(1, 2)
    assert patel.exact_thresholds(thm3_12.SCALE_LAW, 1).converge == R(8, 17)
    assert patel.curvature_vanishes(law) and patel.has_constant_direction(law)
    assert patel.probability_constant(law) == 0


def test_second_moment_step_gives_the_scalar_factor():
    S = sp.Matrix([[1]])
    step = patel.second_moment_step(thm3_8.EXPONENTIAL_LAW.law, S, C, 1)
    assert sp.expand(step[0, 0] - (1 - 4 * C + 5 * C**2)) == 0


def test_ball_averages():
    eps = sp.Symbol("epsilon", positive=True)
    averaged = sp.hessian(patel.quadratic_basin(), patel.QC_POINT).applyfunc(lambda e: patel.disc_average(e, (0, patel.q3), eps))
    assert averaged == sp.Matrix([[3 * eps**2 * patel.q1 * patel.q2**2, 0], [0, 2 * patel.q1]])
    assert [patel.ball_mean_square(p) for p in (1, 2, 10)] == [R(1, 3), R(1, 4), R(1, 12)]


def test_styblinski_tang_is_separable_and_the_diagonal_shortcut_agrees():
    point = sp.symbols("y0:3", real=True)
    coefficients = [sp.symbols(f"a{i}_1:4", real=True) for i in range(3)]
    H = sp.hessian(patel.styblinski_tang(point, coefficients), point)
    assert all(H[i, j] == 0 for i in range(3) for j in range(3) if i != j)
    model = npatel.STModel("small", np.random.default_rng(0).uniform([0, -30, 0], [2, 0, 10], (40, 3, 3)), np.full(40, 1 / 40))
    center = np.array([2.9, -2.8, 3.0])
    full = npatel.ball_geometry(lambda pts: np.einsum("nij,jk->nijk", npatel.st_component_diagonals(model, pts), np.eye(3)),
                                model.probs, center, 0.02, 200, np.random.default_rng(1), chunk=50)
    diagonal = npatel.diagonal_ball_geometry(lambda pts: npatel.st_component_diagonals(model, pts), model.probs, center, 0.02, 200,
                                             np.random.default_rng(1))
    assert np.allclose(full.eigenvalues, diagonal.eigenvalues, rtol=1e-12)
    assert np.isclose(full.s_f, diagonal.s_f, rtol=1e-9) and np.isclose(full.t_f, diagonal.t_f, rtol=1e-9)


def test_printed_case_rules_equal_the_derived_min_and_max():
    problem = npatel.random_problem(np.random.default_rng(7), 3, 3, True)
    for batch in (1, 3, 50, sp.oo):
        u, l_value = patel.lemma37_bounds(problem.eigenvalues, problem.t_Q, problem.s_Q, batch)
        numbers = npatel.quadratic_numbers(problem, batch, 30)
        with mpmath.workdps(40):
            kk = mpmath.inf if batch == sp.oo else mpmath.mpf(batch)
            assert abs(_printed.printed_thm38_converge(numbers.eigenvalues, numbers.t_Q, kk) - npatel.to_mp(u, 30)) < 1e-25
            assert abs(_printed.printed_thm38_diverge(numbers.eigenvalues, numbers.s_Q, kk) - npatel.to_mp(l_value, 30)) < 1e-25


# --- verdicts (quick mode) ------------------------------------------------------------------------------

P, C_, R_, I_ = "proved", "confirmed", "refuted", "inconclusive"

EXPECTED = {
    "patel.thm2_1": (P, (P, P, C_)),
    "patel.lem3_3": (R_, (P, R_, R_, R_)),
    "patel.lem3_3-corrected": (P, (P, P)),
    "patel.lem3_6": (P, (P, C_)),
    "patel.thm3_8": (R_, (P, C_, R_, C_)),
    "patel.thm3_8-corrected": (P, (P, C_, P)),
    "patel.thm3_12": (R_, (R_, R_, P)),
    "patel.thm3_12-corrected": (P, (P, C_)),
    "patel.mech3_14": (R_, (P, R_, C_)),
    "patel.mech3_14-corrected": (P, (P, P, C_)),
    "patel.qc_sums": (R_, (C_, C_, R_, R_, I_, C_)),
    "patel.qc_sums-corrected": (C_, (C_, C_, C_)),
    "patel.st_sums": (R_, (R_, R_, I_)),
    "patel.st_sums-corrected": (C_, (C_,)),
}


results, test_verdicts = verdict_tests(EXPECTED)


def _data(results, claim_id, title_start):
    found = evidence(results, claim_id, title_start)
    return found.verdict, found.finding.data


def test_refutations_carry_exact_data(results):
    verdict, data = _data(results, "patel.lem3_3", "(3) as printed")
    assert verdict is Verdict.REFUTED and data["s_Q"] == "0" and data["P_Q_equals_EQ"] == "0"
    verdict, data = _data(results, "patel.thm3_12", "(34) as printed")
    assert verdict is Verdict.REFUTED
    assert (data["printed_34"], data["proof_39"], data["exact_converge"], data["growth_factor"]) == ("32/33", "8/33", "8/17", "73/16")
    verdict, data = _data(results, "patel.thm3_8", "'C_N satisfying (18)")
    assert verdict is Verdict.REFUTED and data["certified_lower_bound"] == "8/375" and data["bound"] == "4/5"
    verdict, data = _data(results, "patel.mech3_14", "Def. 3.14 with ε fixed")
    radius = data["contraction_radius_squared"]
    assert verdict is Verdict.REFUTED and isinstance(radius, sp.Expr) and sp.sstr(radius) == "epsilon**2/2"
    verdict, data = _data(results, "patel.thm2_1", "§2 example")
    assert verdict is Verdict.PROVED and data["iterates"][:3] == ["-1", "6/5", "-36/25"]


def test_experiments_have_the_reported_shape(results):
    verdict, data = _data(results, "patel.qc_sums", "quadratic minimizer")
    assert verdict is Verdict.CONFIRMED and not data["contradictions"]
    diverging = [c for c in data["cells"] if 2 * c["diverged"] > c["runs"]]
    first = {m: min(c["lr"] for c in diverging if c["model"] == m) for m in ("Model 1", "Model 2")}
    assert first == {"Model 1": 16.0, "Model 2": 1024.0}  # the paper: between 4 and 16, and between 256 and 1024
    verdict, data = _data(results, "patel.qc_sums", "circular minimizer")
    assert verdict is Verdict.REFUTED and all(c["diverged"] == 0 for c in data["cells"] if c["predicted"] == "diverge")
    verdict, data = _data(results, "patel.st_sums", "Tables 4-5")
    assert verdict is Verdict.REFUTED and data["table_shape"] is True
    assert {c["rate"] for c in data["contradictions"]} <= {"0.5(u+l)", "1.5l"}
    assert {c["k"] for c in data["contradictions"] if c["rate"] == "0.5(u+l)"} >= {500, "inf"}


def test_key_observed_values(results):
    assert evidence(results, "patel.thm2_1", "GD map").finding.observed == 2 / lam
    assert evidence(results, "patel.lem3_3", "(3) as printed").finding.observed == {"P[Q = E[Q]]": 0, "s_Q": 0}
    assert evidence(results, "patel.lem3_3", "seeded search").finding.observed == {"M ⪰ 0": "8/8", "counterexamples to (3)": 8}
    assert evidence(results, "patel.lem3_6", "exact enumeration").finding.observed == {"mismatches": 0}
    assert evidence(results, "patel.thm3_8", "random homogeneous").finding.observed["pairs on the wrong side"] == 0
    assert evidence(results, "patel.thm3_8", "'C_N satisfying").finding.observed == {"inf_N E[e_N]/e_0 ≥": R(8, 375)}
    assert evidence(results, "patel.thm3_12", "(34) as printed").finding.observed == {"growth factor at C": R(73, 16)}
    assert evidence(results, "patel.thm3_12-corrected", "random inhomogeneous").finding.observed["pairs failing"] == 0
    fixed = evidence(results, "patel.mech3_14", "Def. 3.14 with ε fixed").finding.observed
    assert fixed["contracting ball x² <"] == sp.Symbol("epsilon", positive=True) ** 2 / 2
    assert evidence(results, "patel.qc_sums", "circular minimizer").finding.observed == {"contradicting cells": 24}
    assert evidence(results, "patel.st_sums", "Tables 4-5").finding.observed == {"contradicting cells": 9}
    assert evidence(results, "patel.st_sums-corrected", "the mechanism").finding.observed["contradicting cells"] == 0


def _rerun(claim_id, check, falsifier):
    """``check`` of ``claim_id`` in quick mode with ``falsifier`` applied."""
    from verify.registry import select

    (claim,) = select([claim_id])
    index = claim.checks.index(check)
    context = CheckContext(QUICK["quick"], QUICK["dps"], check_seed(QUICK["seed"], claim_id, index))
    return check.falsified(falsifier, context)


def test_thm312_printed_claim_is_judged_by_the_printed_34(results):
    """Issue 10: the printed claim's random-law check read the proof's (39) and said "confirmed" although
    (34) lay above the exact threshold on 16 of 25 pairs (and stayed "confirmed" with (34) × 10)."""
    found = evidence(results, "patel.thm3_12", "random inhomogeneous").finding
    assert found.verdict is Verdict.REFUTED
    assert found.data["converge_bound_above_exact"] == 16 and len(found.data["pairs"]) == 25
    assert _rerun("patel.thm3_12", thm3_12.instances_printed, times("PRINTED_34", 10)).verdict is Verdict.REFUTED
    fixed = _rerun("patel.thm3_12", thm3_12.instances_printed, replace("PRINTED_34", _printed.proof_thm312_converge))
    assert fixed.verdict is Verdict.CONFIRMED
    # the corrected claim reads (39), and a (39) ten times too large is caught
    assert evidence(results, "patel.thm3_12-corrected", "random inhomogeneous").verdict is Verdict.CONFIRMED
    tenfold = _rerun("patel.thm3_12-corrected", thm3_12.instances_corrected, times("CORRECTED_34", 10))
    assert tenfold.verdict is Verdict.REFUTED


def test_the_book_holds_no_experiment_code():
    """Issue 10: book/patel.md's cells call the public API only (no derivation, simulation or sweep)."""
    import pathlib
    import re

    page = (pathlib.Path(__file__).parents[1] / "book" / "patel.md").read_text()
    cells = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page, flags=re.S))
    for forbidden in ("sp.diff(", "sp.solve(", "sp.integrate(", "sp.limit(", "sp.hessian(", "while True", "random_problem(",
                      "exact_thresholds(", "sgd_quadratic_runs(", "gd_quadratic_distances(", "scalar_gd_iterates(",
                      "qc_runs(", "st_runs(", "ball_geometry(", "exact_error_path(", "growth_rates("):
        assert forbidden not in cells, forbidden


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "Q, r, probs, parameter",
    [
        ([[[1, 2], [0, 1]]], [[0, 0]], [1], "Q"),
        ([[[1, 2], [2, 1]]], [[0, 0]], [1], "Q"),
        ([[[1, 1], [1, 1]]], [[1, 0]], [1], "r"),
        ([[[1, 0], [0, 1]]] * 2, [[0, 0]] * 2, ["1/2", "1/3"], "probs"),
        ([[[1, 0], [0, 1]]] * 2, [[0, 0]] * 2, ["3/2", "-1/2"], "probs"),
        ([[[0, 0], [0, 0]]], [[0, 0]], [1], "Q"),
        ([[[1] * 9] * 9], [[0] * 9], [1], "Q"),
    ],
)
def test_problem_validation(Q, r, probs, parameter):
    with pytest.raises(ParameterError) as error:
        patel.StochasticQuadratic.of(Q, r, probs)
    assert error.value.parameter == parameter


def test_irrational_entries_and_bad_rates_are_refused():
    with pytest.raises(ParameterError, match="rational"):
        patel.StochasticQuadratic((sp.ImmutableMatrix([[sp.sqrt(2)]]),), (sp.ImmutableMatrix([[0]]),), (sp.Integer(1),))
    model = npatel.qc_model("Model 1", 3, np.random.default_rng(0))
    with pytest.raises(ParameterError) as error:
        npatel.qc_runs(model, model.circle_minimizer, [-1.0], True, 2, 2, 1e-8, np.random.SeedSequence(0))
    assert error.value.parameter == "lr"
    with pytest.raises(ParameterError):
        parse_batch("0")
    assert parse_batch("inf") == sp.oo and parse_batch("12") == 12


# --- the derive commands --------------------------------------------------------------------------------


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, timeout=300)


def run_many(argument_lists):
    """Several CLI invocations at once (each pays the import cost); returns CompletedProcess-like results."""
    processes = [subprocess.Popen([sys.executable, "-m", "verify", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for args in argument_lists]
    results = []
    for args, process in zip(argument_lists, processes):
        stdout, stderr = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return results


def _save(path, Q, r, probs):
    np.savez(path, Q=np.asarray(Q, dtype=float), r=np.asarray(r, dtype=float), probs=np.asarray(probs, dtype=float))
    return str(path)


def _independent(Q, probs, k_value, dps):
    """Eigenvalues, t_Q, s_Q and exact thresholds of a law with E[Q] ≻ 0, straight from mpmath."""
    with mpmath.workdps(dps + 20):
        mats = [mpmath.matrix(q) for q in Q]
        ps = [mpmath.mpf(p) for p in probs]
        A = sum((p * m for p, m in zip(ps[1:], mats[1:])), ps[0] * mats[0])
        M = sum((p * m * A * m for p, m in zip(ps[1:], mats[1:])), ps[0] * mats[0] * A * mats[0]) - A * A * A
        eig = sorted(mpmath.eigsy(A)[0], reverse=True)
        L = mpmath.cholesky(A)
        Linv = mpmath.inverse(L)
        quotient = sorted(mpmath.eigsy(Linv * M * Linv.T)[0])
        Ainv = mpmath.inverse(A)
        pencil = sorted(mpmath.eigsy(Ainv * (A * A * A + M / k_value) * Ainv)[0])
        t_value, s_value = quotient[-1], quotient[0]
        first, last = eig[0], eig[-1]
        j = first if k_value > t_value / (first * last) else last
        converge = 2 * j / (j**2 + t_value / k_value)
        j = first if k_value <= s_value / (eig[0] * eig[1]) else last  # eq. (20) with m = 2
        diverge = 2 * j / (j**2 + s_value / k_value)
        return {"eigenvalues": eig, "t_Q": t_value, "s_Q": s_value, "converge_bound": converge, "diverge_bound": diverge,
                "exact_converge_threshold": 2 / pencil[-1], "exact_diverge_threshold": 2 / pencil[0]}


def _close(text, value, dps):
    with mpmath.workdps(dps + 20):
        return abs(mpmath.mpf(text) - value) <= mpmath.mpf(10) ** (-(dps - 1)) * max(1, abs(value))


def test_derive_thm38_matches_an_independent_computation(tmp_path):
    Q = [[[2, 1], [1, 2]], [[1, 0], [0, 3]], [[4, -1], [-1, 1]]]
    probs = [0.25, 0.5, 0.25]
    path = _save(tmp_path / "law.npz", Q, [[-3, -3], [-1, -3], [-3, 0]], probs)  # r_i = -Q_i (1, 1): homogeneous
    completed = run("derive", "patel.thm3_8", "--q-samples", path, "--k", "3", "--dps", "30", "--json")
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["command"] == "derive patel.thm3_8" and payload["params"]["k"] == "3" and payload["dps"] == "30"
    expected = _independent(Q, ["1/4", "1/2", "1/4"], 3, 30)
    values = payload["values"]
    assert values["homogeneous"] is True
    assert all(_close(a, b, 30) for a, b in zip(values["eigenvalues"], expected["eigenvalues"]))
    for key in ("t_Q", "s_Q", "converge_bound", "diverge_bound", "exact_converge_threshold", "exact_diverge_threshold"):
        assert _close(values[key], expected[key], 30), key


def test_derive_thm312_and_gradient_descent(tmp_path):
    path = _save(tmp_path / "scale.npz", [[[3]], [[5]]], [[3], [-5]], [0.5, 0.5])
    completed = run("derive", "patel.thm3_12", "--q-samples", path, "--k", "1", "--dps", "20", "--json")
    assert completed.returncode == 0, completed.stderr
    values = json.loads(completed.stdout)["values"]
    with mpmath.workdps(40):
        for key, exact in (("converge_bound", R(32, 33)), ("converge_bound_eq39", R(8, 33)), ("gamma", R(1, 2)),
                           ("diverge_bound", R(9, 17)), ("exact_converge_threshold", R(8, 17))):
            assert _close(values[key], mpmath.mpf(exact.p) / exact.q, 20), key
    assert values["homogeneous"] is False
    gd = json.loads(run("derive", "patel.thm3_12", "--q-samples", path, "--k", "inf", "--json").stdout)["values"]
    assert gd["diverge_bound"] == "none" and gd["converge_bound_eq39"].startswith("0.5000000")


def _bad_files(tmp_path):
    good = dict(Q=[[[1, 0], [0, 1]]], r=[[0, 0]], probs=[1.0])
    cases = {
        "missing": (str(tmp_path / "absent.npz"), "q-samples"),
        "npy": (str(tmp_path / "plain.npy"), "q-samples"),
        "no_probs": (str(tmp_path / "no_probs.npz"), "q-samples"),
        "shape": (_save(tmp_path / "shape.npz", good["Q"], [[0, 0, 0]], good["probs"]), "Q"),
        "nan": (_save(tmp_path / "nan.npz", [[[np.nan, 0], [0, 1]]], good["r"], good["probs"]), "Q"),
        "asymmetric": (_save(tmp_path / "asym.npz", [[[1, 0.5], [0, 1]]], good["r"], good["probs"]), "Q"),
        "indefinite": (_save(tmp_path / "indef.npz", [[[1, 2], [2, 1]]], good["r"], good["probs"]), "Q"),
        "negative_prob": (_save(tmp_path / "neg.npz", good["Q"] * 2, good["r"] * 2, [1.5, -0.5]), "probs"),
        "sum": (_save(tmp_path / "sum.npz", good["Q"] * 2, good["r"] * 2, [0.5, 0.4]), "probs"),
        "image": (_save(tmp_path / "image.npz", [[[1, 1], [1, 1]]], [[1, 0]], good["probs"]), "r"),
    }
    np.save(tmp_path / "plain.npy", np.eye(2))
    np.savez(tmp_path / "no_probs.npz", Q=np.eye(2)[None], r=np.zeros((1, 2)))
    return cases


BAD_OPTIONS = [(["--k", "abc"], "k"), (["--k", "1", "--gamma", "1"], "gamma"), (["--k", "1", "--dps", "10"], "dps")]


def test_bad_input_is_one_line_and_exit_two(tmp_path):
    """Every kind of bad file or option: exit status 2, nothing on stdout, one line naming the parameter."""
    cases = [(["patel.thm3_8", "--q-samples", path, "--k", "1"], parameter, name)
             for name, (path, parameter) in _bad_files(tmp_path).items()]
    scale = _save(tmp_path / "scale.npz", [[[3]], [[5]]], [[3], [-5]], [0.5, 0.5])
    cases += [(["patel.thm3_12", "--q-samples", scale, *extra], parameter, " ".join(extra)) for extra, parameter in BAD_OPTIONS]
    for (args, parameter, label), completed in zip(cases, run_many([["derive", *args] for args, _, _ in cases])):
        _assert_one_line(completed, parameter, label)


def _assert_one_line(completed, parameter, label):
    assert completed.returncode == 2, (label, completed.stderr)
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {parameter}:"), (label, completed.stderr)
    assert "Traceback" not in completed.stderr


def test_loader_reads_decimals_exactly(tmp_path):
    path = _save(tmp_path / "dec.npz", [[[0.1, 0.3], [0.3, 0.9]]], [[0.1, 0.3]], [1.0])
    problem = load_quadratic(path)
    assert problem.Q[0] == sp.ImmutableMatrix([[R(1, 10), R(3, 10)], [R(3, 10), R(9, 10)]])
    assert problem.eigenvalues == (1,)


def test_the_pencil_roots_at_thirty_samples_in_eight_dimensions(tmp_path):
    """m = 30, p = 8 (the hardening fuzz's case, which ran past 240 s): the thresholds come from the
    characteristic polynomial of B⁻¹T over the rationals, and each is a root of det(T − μB)."""
    rng = np.random.default_rng(0)
    factors = [rng.integers(-3, 4, (8, 2)) for _ in range(30)]
    q = np.array([a @ a.T for a in factors], dtype=float)
    path = tmp_path / "q.npz"
    np.savez(path, Q=q, r=np.zeros((30, 8)), probs=np.full(30, 1 / 30))
    code, out, err = invoke(["derive", "patel.thm3_8", "--q-samples", str(path), "--k", "10", "--dps", "20", "--json"])
    assert code == 0, err
    values = json.loads(out)["values"]
    problem = load_quadratic(str(path))
    pencil = patel.one_step_pencil(problem, 10)
    basis = problem.range_basis
    top, bottom = basis.T * pencil.second * basis, basis.T * pencil.first * basis
    width = sp.Rational(1, 10**15)
    for name in ("exact_converge_threshold", "exact_diverge_threshold"):
        root = 2 / sp.Rational(values[name])  # μ = 2/threshold, printed to 20 digits
        below, above = ((top - root * (1 + side * width) * bottom).det() for side in (-1, 1))
        assert below * above < 0  # det(T − μB) changes sign within 10⁻¹⁵ of the printed μ


# --- the printed tables (Tables 2-5) ---------------------------------------------------------------------


def test_table_checks_carry_the_printed_ratios(results):
    verdict, data = _data(results, "patel.qc_sums", "the k_max columns")
    assert verdict is Verdict.REFUTED
    assert {v["Table 2: l(0.99 k_max)/l(∞)"] for v in data["models"].values()} == {"1.0000"}
    assert data["models"]["Model 1"]["Table 3: λ_m/λ_1 from k = 0.99 k_max"] == "0.8549"
    verdict, data = _data(results, "patel.st_sums", "the rows of the printed Tables 4-5")
    assert verdict is Verdict.REFUTED
    assert evidence(results, "patel.st_sums", "the rows of the printed").finding.observed == {
        "minimizers with one s_f (Table 4)": "6/6", "minimizers with one t_f (Table 5)": "0/6"}


def test_kmax_rules_and_standard_errors():
    assert _printed.kmax_divergence((4.0, 2.0), 16.0) == 1 and _printed.kmax_divergence((4.0, 2.0), 17.0) == 2
    assert _printed.kmax_divergence((4.0,), 16.0) is None
    assert _printed.kmax_convergence((4.0, 2.0), 17.0) == 2
    geometry = npatel.BallGeometry((4.0, 2.0), (4.0, 2.0), 1.0, 3.0, 1e-3, 1e-3, 1e-3, 0.02, 1000)
    u_se, l_se = npatel.mechanism_bounds_se(geometry, 5.0)
    assert 0 < u_se < 1e-3 and 0 < l_se < 1e-3
    assert npatel.mechanism_bounds_se(npatel.BallGeometry((4.0, 1e-4), (4.0, 1e-4), 1.0, 3.0, 1e-3, 0, 0, 0.02, 1000), 5.0) == (
        float("inf"), float("inf"))
