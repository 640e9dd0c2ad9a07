"""`derive stability` on any loss reproduces the papers' own models exactly, and its thresholds
are what an independent route finds (spectral radii, simulations)."""

import json

import numpy as np
import pytest
import sympy as sp

from cli_helpers import invoke
from numerics import linear
from theory import toynn, wu, ziyin
from theory.errors import ParameterError
from verify import stability

R = sp.Rational


def analysis(loss, params, samples, batch=1, replace=False, at=None, probs=None, lr=None):
    built = stability.model(loss, params, samples, probs=probs)
    return stability.analyse(built, at, batch, replace, lr)


@pytest.mark.parametrize("curvatures, batch, replace", [
    ((3, 0, 0, 0), 1, False), ((3, 0, 0, 0), 2, False), ((1, 2, 5), 2, True), ((R(1, 2), 4, 4, 7), 3, False),
    ((2, 2), 1, False),
])
def test_one_dimension_is_wus_bound(curvatures, batch, replace):
    """d = 1: η* = 2a/(a² + c_B s²) (theory.wu, Theorem 1's 1-D case)."""
    (point,) = analysis("a*w**2/2", "w", "a=" + ",".join(map(str, curvatures)), batch, replace)
    assert point.point.kind == "minimum" and point.point.sgd_fixed_point
    assert point.point.mean_square_max_lr == wu.max_lr_one_dimension(curvatures, batch, replace)
    assert point.point.gd_max_lr == 2 / (sp.Add(*curvatures) / len(curvatures))


def test_wus_two_dimensional_example_is_stable_where_condition_8_fails():
    (point,) = analysis("(h11*w1**2 + 2*h12*w1*w2 + h22*w2**2)/2", "w1,w2", "h11=1,4;h12=-1,-2;h22=5,2",
                        lr="2/5")
    hessians = [[[1, -1], [-1, 5]], [[4, -2], [-2, 2]]]
    radius = point.point.second_moment_radius_at(R(2, 5))
    independent = linear.spectral_radius(linear.second_moment_operator(np.array(hessians, float), 0.4, 1))
    assert abs(float(radius) - independent) < 1e-12 and abs(float(radius) - 0.9133) < 1e-4
    assert point.wu == {"wu_condition_8": False, "wu_rectangle_9": True}
    threshold = point.point.mean_square_max_lr
    assert threshold == R(13, 12) - sp.sqrt(65) / 12 and threshold > R(2, 5)
    for lr, above in ((threshold * R(999, 1000), False), (threshold * R(1001, 1000), True)):
        rho = linear.spectral_radius(linear.second_moment_operator(np.array(hessians, float), float(lr), 1))
        assert (rho > 1) is above
    assert not point.point.commuting and "estimate" in point.almost_sure
    estimate = point.almost_sure["estimate"]
    assert estimate.high < 0  # a.s. stable at η = 2/5, as the mean-square radius 0.913 < 1 implies


@pytest.mark.parametrize("a", [R(-1), R(-1, 2), R(-3)])
def test_ziyins_trap_interval(a):
    """x w²/2, x ∈ {1, a − 1}: the almost-surely stable rates are Cor. 1's interval."""
    (point,) = analysis("x*w**2/2", "w", f"x=1,{a - 1}")
    interval = ziyin.trap_interval()
    assert point.point.kind == "maximum" and point.point.gd_max_lr is None and point.point.mean_square_max_lr is None
    assert [tuple(pair) for pair in point.almost_sure["intervals"]] == [
        (sp.simplify(interval.lower.subs(ziyin.a, a)), sp.simplify(interval.upper.subs(ziyin.a, a)))]


def test_ziyins_toy_network_on_its_saddle_line():
    """(w2 w1² − y)², y ∈ {−1, 2}: on the line w1 = 0 the w2 direction is neutral, and the a.s. set
    in λ is theory.toynn's trap set in z = λ w2, divided by w2."""
    for w2_value in (R(1, 2), R(-1, 3)):
        (point,) = analysis("(w2*w1**2 - y)**2", "w1,w2", "y=-1,2", at=f"w1=0,w2={w2_value}")
        assert point.point.neutral_directions == [sp.Matrix([0, 1])]
        assert point.point.kind == ("maximum" if w2_value > 0 else "minimum")
        expected = toynn.w1_trap_set()
        pieces = expected.args if isinstance(expected, sp.Union) else (expected,)
        in_lr = sorted((min(p.start / w2_value, p.end / w2_value), max(p.start / w2_value, p.end / w2_value))
                       for p in pieces)
        positive = [(max(low, 0), high) for low, high in in_lr if high > 0]
        assert [tuple(pair) for pair in point.almost_sure["intervals"]] == positive


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_patels_one_dimensional_threshold_with_replacement(batch):
    from theory import patel

    problem = patel.StochasticQuadratic.of([[[1]], [[3]]], [[2], [6]], ["1/2", "1/2"])
    (point,) = analysis("q*t**2/2 - r*t", "t", "q=1,3;r=2,6", batch, True)
    assert point.point.mean_square_max_lr == patel.exact_thresholds(problem, batch).converge


def test_the_factorisation_is_almost_surely_stable_where_gd_is_not():
    (point,) = analysis("(w1*w2*x - x)**2/2", "w1,w2", "x=1,2", at="w1=1,w2=1")
    p = point.point
    assert p.neutral_directions == [sp.Matrix([-1, 1])] and p.kind == "minimum"
    assert (p.gd_max_lr, p.mean_square_max_lr) == (R(2, 5), R(5, 17))
    assert point.almost_sure["intervals"] == [(0, R(5, 8))]
    with pytest.raises(Exception, match="manifold"):
        analysis("(w1*w2*x - x)**2/2", "w1,w2", "x=1,2")


def test_repeated_samples_and_probabilities_are_one_law():
    (equal,) = analysis("x*w**2/2", "w", "x=1,1,-2", replace=True)
    (weighted,) = analysis("x*w**2/2", "w", "x=1,-2", probs="2/3,1/3", replace=True)
    assert equal.almost_sure["intervals"] == weighted.almost_sure["intervals"]
    assert equal.point.eigenvalues == weighted.point.eigenvalues == [0]


def test_simulation_returns_below_the_almost_sure_threshold():
    built = stability.model("a*w**2/2", "w", "a=3,0,0,0")
    (point,) = stability.analyse(built, None, 1, False, simulate=True)
    simulation = point.simulation
    for lr, returned in zip(simulation["lrs"], simulation["returned"]):
        if lr < 2 / 3 * 0.95:
            assert returned == stability.SIMULATE_RUNS
        if lr > 2 / 3 * 1.05:
            assert returned == 0


def test_cli_json_and_text():
    code, out, err = invoke(["derive", "stability", "--loss", "(w1*w2*x - x)**2/2", "--params", "w1,w2", "--samples",
                             "x=1,2", "--at", "w1=1,w2=1", "--dps", "20", "--json"])
    assert code == 0, err
    (entry,) = json.loads(out)["values"]["points"]
    assert entry["mean_square_max_lr"]["exact"]["text"] == "5/17"
    assert entry["mean_square_max_lr"]["value"] == "0.29411764705882352941"
    assert entry["almost_sure_stable_lrs"]["intervals"] == [["0", "0.62500000000000000000"]]
    code, out, _ = invoke(["derive", "stability", "--loss", "x*w**2/2", "--params", "w", "--samples", "x=1,-2"])
    assert code == 0 and "maximum" in out and "{" not in out and "True" not in out


@pytest.mark.parametrize("args, option", [
    (["--loss", "w**", "--params", "w", "--samples", "x=1"], "loss"),
    (["--loss", "w*z", "--params", "w", "--samples", "x=1"], "loss"),
    (["--loss", "x*w**2", "--params", "w"], "samples"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x=1,2;y=1"], "samples"),
    (["--loss", "x*y*w**2", "--params", "w", "--samples", "x=1,2;y=1"], "samples"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x=1,nan"], "samples"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x=1,2", "--batch", "3"], "batch"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x=1,2", "--probs", "1/2,1/3"], "probs"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x=1,2", "--probs", "1/3,2/3", "--batch", "2"], "probs"),
    (["--loss", "(w-x)**2", "--params", "w", "--samples", "x=1,2", "--at", "w=3/2"], None),
    (["--loss", "(w-x)**2", "--params", "w", "--samples", "x=1,2", "--at", "w=1"], "at"),
    (["--loss", "x*w**2", "--params", "w", "--samples", "x="], "samples"),
    (["--loss", "exp(w)*x", "--params", "w", "--samples", "x=1,2"], "at"),
    (["--loss", "exp(w)*x - x*w", "--params", "w", "--samples", "x=1,2", "--at", "w=1"], "at"),
    (["--loss", "__import__('os')", "--params", "w", "--samples", "x=1"], "loss"),
    (["--loss", "x*w**2", "--params", "w,lambda", "--samples", "x=1"], "params"),
])
def test_bad_input_is_one_line(args, option):
    code, out, err = invoke(["derive", "stability", *args])
    if option is None:  # not a fixed point: answered, with a note, not an error
        assert code == 0 and "not a fixed point" in out
        return
    assert code == 2 and err.startswith(f"error: {option}") and err.count("\n") == 1, err


def test_off_a_fixed_point_the_stationary_second_moment():
    """(w − y)²/2, y = ±1, B = 1: δ' = (1 − η)δ + ηy has stationary variance η/(2 − η)."""
    built = stability.model("(w-y)**2/2", "w", "y=-1,1")
    for lr in (R(1, 2), R(1, 10), R(3, 2)):
        (point,) = stability.analyse(built, "w=0", 1, False, str(lr))
        assert not point.point.sgd_fixed_point and point.stationary_moment == sp.Matrix([[lr / (2 - lr)]])
    (far,) = stability.analyse(built, "w=0", 1, False, "5/2")
    assert far.stationary_moment is None and any("no stationary" in note for note in far.notes)
    with pytest.raises(ParameterError, match="neither a fixed point"):
        stability.analyse(built, "w=1", 1, False, "1/2")
    with pytest.raises(ParameterError, match="simulate"):
        stability.analyse(built, "w=0", 1, False, "1/2", simulate=True)


def _values(args):
    code, out, err = invoke([*args, "--json"])
    assert code == 0, err
    return json.loads(out)["values"]


@pytest.mark.parametrize("a", ["-1", "-1/4", "-3"])
def test_the_same_digits_as_the_paper_commands(a):
    """`derive stability` on x w²/2 prints Cor. 1's interval to the digit of `derive ziyin.cor1`,
    and on a·w²/2 Wu's bound to the digit of `derive wu.thm1`."""
    cor1 = _values(["derive", "ziyin.cor1", "--a", a, "--dps", "40"])
    value = sp.Rational(a) - 1
    (entry,) = _values(["derive", "stability", "--loss", "x*w**2/2", "--params", "w", "--samples", f"x=1,{value}",
                        "--dps", "40"])["points"]
    assert entry["almost_sure_stable_lrs"]["intervals"] == [[cor1["lower"], cor1["upper"]]]
    thm1 = _values(["derive", "wu.thm1", "--curvatures", "3,0,0,1/2", "--batch", "2", "--dps", "40"])
    (entry,) = _values(["derive", "stability", "--loss", "a*w**2/2", "--params", "w", "--samples", "a=3,0,0,1/2",
                        "--batch", "2", "--dps", "40"])["points"]
    assert entry["mean_square_max_lr"]["value"] == thm1["max_lr"]


def test_data_files_csv_and_npz(tmp_path):
    csv_file, npz_file = tmp_path / "data.csv", tmp_path / "data.npz"
    csv_file.write_text("x,unused\n1,7\n2,8\n")
    np.savez(npz_file, x=np.array([1.0, 2.0]))
    expected = _values(["derive", "stability", "--loss", "(w1*w2*x - x)**2/2", "--params", "w1,w2", "--samples", "x=1,2",
                        "--at", "w1=1,w2=1"])
    for path in (csv_file, npz_file):
        got = _values(["derive", "stability", "--loss", "(w1*w2*x - x)**2/2", "--params", "w1,w2", "--data", str(path),
                       "--at", "w1=1,w2=1"])
        assert got == expected
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("x\n1\n2,3\n")
    missing = tmp_path / "missing.csv"
    missing.write_text("y\n1\n")
    for path in (broken, ragged, missing, tmp_path / "absent.csv", tmp_path):
        code, out, err = invoke(["derive", "stability", "--loss", "x*w**2", "--params", "w", "--data", str(path)])
        assert code == 2 and err.startswith("error: data") and err.count("\n") == 1, err
