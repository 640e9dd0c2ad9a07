"""Property-based tests of the CLI and the public API: random and adversarial parameters give a
valid result or a one-line error with exit status 2, never a traceback or a NaN.

The CLI is called in-process (``verify.cli.main``), so thousands of examples stay cheap. The
profile (tests/conftest.py) sets the number of examples: 2,000 per entry point under CI=true.
Strategies are bounded so each example is fast, but mix in NaN, ±inf, huge and tiny numbers,
-0.0, empty and malformed text, mismatched lists, probabilities off by 1e-12, dps 0 and 10^6,
batch > n, non-symmetric and non-PSD Hessians. The regression tests at the end pin the defects
such runs found.
"""

import builtins
import json
import math
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import event, given
from hypothesis import strategies as st

from numerics import trapset
from theory.errors import ParameterError
from theory.noise import FiniteNoise
from theory.numbers import parse_exact

from cli_helpers import invoke
from verify.stats import proportion_interval

ADVERSARIAL = ["nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e999", "-1e999", "1e400", "1e-400", "5e-324",
               "-0.0", "0", "", " ", "1/0", "0/0", "0**-1", "1e-12", "-1", "1", "2", "sqrt(2)", "sqrt(-1)", "pi", "e",
               "abc", "1,2", "1:2", "(1", "2**1000", "2**(1/2)", "1_000", "1j", "True", "None", "'1'", "--1",
               "__import__('os').getcwd()", "().__class__", "lambda: 1"]
NAN_WORD = re.compile(r"\bnan\b", re.IGNORECASE)

small_fraction = st.builds(lambda p, q: f"{p}/{q}", st.integers(-12, 12), st.integers(1, 12))
small_decimal = st.floats(-10, 10, allow_nan=False).map(repr)
number = st.one_of(st.sampled_from(ADVERSARIAL), small_fraction, small_decimal, st.integers(-5, 5).map(str),
                   st.floats().map(repr))
moderate = st.one_of(small_fraction, small_decimal, st.sampled_from(["nan", "inf", "-inf", "0", "-0.0", "", "1/0", "-1"]))
dps = st.one_of(st.integers(15, 22), st.sampled_from([0, -1, 14, 1001, 10**6])).map(str)
count = st.one_of(st.integers(-1, 30), st.sampled_from([10**9])).map(str)
#: steps and batch of a simulation: small, or text click must refuse (a huge T is a legitimately long run)
sim_count = st.one_of(st.integers(-1, 30).map(str), st.sampled_from(["1e3", "abc", "", "1.5", "-0", "0x10"]))
#: runs: the same, or beyond the limit of one ensemble
sim_runs = st.one_of(sim_count, st.sampled_from([str(10**9 + 1), str(10**12)]))
number_list = st.one_of(st.lists(number, max_size=4).map(",".join), st.sampled_from(["", ",", "1,,2", " , "]))


@st.composite
def finite_law(draw):
    """(values text, probs text): small distinct rationals with an exact partition of 1, or that
    partition off by ±1e-12, of the wrong length, or random lists."""
    size = draw(st.integers(1, 4))
    values = draw(st.lists(small_fraction, min_size=size, max_size=size))
    weights = draw(st.lists(st.integers(1, 6), min_size=size, max_size=size))
    probs = [f"{w}/{sum(weights)}" for w in weights]
    kind = draw(st.sampled_from(["exact", "exact", "exact", "plus", "minus", "short", "random"]))
    if kind == "plus":
        probs[0] += "+1e-12"
    elif kind == "minus":
        probs[0] += "-1e-12"
    elif kind == "short":
        probs = probs[:-1]
    elif kind == "random":
        return draw(number_list), draw(number_list)
    return ",".join(values), ",".join(probs)


@st.composite
def noise_options(draw):
    """--values/--probs (mostly) or --gaussian / --uniform with moderate parameters, or a mix."""
    kind = draw(st.integers(0, 19))
    if kind in (0, 1):
        scales = st.one_of(moderate, st.sampled_from(["1e300", "-1e300", "1e-300", "1e12", "-1e12"]))
        return ["--gaussian" if kind == 0 else "--uniform", f"{draw(scales)},{draw(scales)}"]
    if kind == 2:
        values, probs = draw(finite_law())
        return ["--values", values, "--probs", probs, "--gaussian", "0,1"]
    values, probs = draw(finite_law())
    return ["--values", values, "--probs", probs]




def leaves(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def assert_contract(argv: list[str]) -> dict | None:
    """Exit 0 with one JSON object and no NaN in any field, or exit 2 with one 'error: ' line."""
    code, out, err = invoke(argv)
    assert "Traceback" not in out + err
    if code == 0:
        payload = json.loads(out)
        for leaf in leaves(payload):
            assert not (isinstance(leaf, float) and not math.isfinite(leaf)), (argv, leaf)
            assert not (isinstance(leaf, str) and NAN_WORD.search(leaf)), (argv, leaf)
        return payload
    assert code == 2, (argv, code, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (argv, err)
    return None


@given(number, dps)
def test_derive_cor1(a, digits):
    assert_contract(["derive", "ziyin.cor1", "--a", a, "--dps", digits, "--json"])


@given(number, dps)
def test_derive_prop3(a, digits):
    assert_contract(["derive", "ziyin.prop3", "--a", a, "--dps", digits, "--json"])


@given(noise_options(), dps)
def test_derive_trap_set(noise, digits):
    payload = assert_contract(["derive", "trap-set", *noise, "--dps", digits, "--json"])
    if payload:
        for low, high in payload["values"]["intervals"]:
            assert float(low) >= 0 and (high == "inf" or float(high) > float(low))


@given(finite_law(), number, count, number, st.one_of(st.just("1"), number), dps)
def test_derive_escape_prob(law, lr, steps, eps, w0, digits):
    values, probs = law
    payload = assert_contract(["derive", "escape-prob", "--values", values, "--probs", probs, "--lr", lr, "--t", steps,
                               "--eps", eps, "--w0", w0, "--dps", digits, "--json"])
    if payload:
        assert 0 <= float(payload["values"]["probability"]) <= 1


@st.composite
def rate_options(draw):
    choice = draw(st.integers(0, 5))
    rate = ["--lr", draw(number)]
    span = ["--lr-range", f"{draw(moderate)}:{draw(moderate)}"]
    return {0: rate + span, 1: [], 2: span}.get(choice, rate)


@given(noise_options(), rate_options(), dps)
def test_derive_escape_rate(noise, rate, digits):
    assert_contract(["derive", "escape-rate", *noise, *rate, "--dps", digits, "--json"])


@given(number, number, sim_runs, sim_count, st.one_of(st.just("1e-3"), number), st.one_of(st.just("1"), number),
       st.integers(-1, 3), st.sampled_from(["auto", "count", "bits", "float", "other"]))
def test_simulate_ziyin(a, lr, runs, steps, eps, w0, seed, route):
    payload = assert_contract(["simulate", "ziyin", "--a", a, "--lr", lr, "--runs", runs, "--steps", steps,
                               "--eps", eps, "--w0", w0, "--seed", str(seed), "--route", route, "--json"])
    if payload:
        assert 0 <= int(payload["values"]["escaped"]) <= int(payload["values"]["runs"])


hessian_entries = st.one_of(st.floats(-3, 3, allow_nan=False), st.sampled_from([math.nan, math.inf, -math.inf, 1e308]))


@st.composite
def hessian_file(draw, directory: Path):
    """An .npy file of an (n, d, d) array: PSD, random (non-symmetric, non-PSD), or badly shaped."""
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["psd", "psd", "random", "symmetric", "shape"]))
    flat = draw(st.lists(hessian_entries, min_size=n * d * d, max_size=n * d * d))
    array = np.array(flat).reshape(n, d, d)
    with np.errstate(over="ignore", invalid="ignore"):
        if kind == "psd":
            array = np.nan_to_num(array, nan=0.0, posinf=1.0, neginf=-1.0)
            array = array @ array.transpose(0, 2, 1)
        elif kind == "symmetric":
            array = (array + array.transpose(0, 2, 1)) / 2
        elif kind == "shape":
            array = array.reshape(-1)
    path = directory / f"h{draw(st.integers(0, 10**9))}.npy"
    np.save(path, array)
    return str(path)


@given(st.data(), st.booleans(), number, st.one_of(sim_count, st.just(str(10**9 + 1))), sim_runs, sim_count,
       st.integers(-1, 3), st.booleans())
def test_simulate_linear(data, use_file, lr, batch, runs, steps, seed, replace):
    with tempfile.TemporaryDirectory() as directory:
        source = (["--hessians", data.draw(hessian_file(Path(directory)))] if use_file
                  else ["--curvatures", data.draw(number_list)])
        assert_contract(["simulate", "linear", *source, "--lr", lr, "--batch", batch, "--runs", runs, "--steps", steps,
                         "--seed", str(seed), "--replace" if replace else "--no-replace", "--json"])


@given(st.data(), st.booleans(), st.one_of(st.lists(st.one_of(small_fraction, st.integers(0, 9).map(str)), max_size=5)
                                         .map(",".join), number_list), count, st.booleans(), number, dps)
def test_derive_wu_thm1(data, use_file, curvatures, batch, replace, lr, digits):
    with tempfile.TemporaryDirectory() as directory:
        source = (["--hessians", data.draw(hessian_file(Path(directory))), "--lr", lr] if use_file
                  else ["--curvatures", curvatures])
        assert_contract(["derive", "wu.thm1", *source, "--batch", batch, *(["--replace"] if replace else []),
                         "--dps", digits, "--json"])


@given(moderate, moderate, moderate, st.one_of(moderate, st.sampled_from(["1e-12", "1e12", "1e308", "5e-324", "1e-300"])),
       moderate, dps)
def test_derive_kleinberg_thm1(L, c, r, eta, dist0, digits):
    assert_contract(["derive", "kleinberg.thm1", "--L", L, "--c", c, "--r", r, "--eta", eta, "--dist0", dist0,
                     "--dps", digits, "--json"])


@st.composite
def quadratic_file(draw, directory: Path):
    """An .npz of Patel's problem 3.1: Q (m, p, p), r (m, p), probs (m), valid (Q_i = A_iA_iᵀ,
    r_i = Q_i v_i, exact probabilities) or broken: non-symmetric Q, r outside col(Q_i), NaN,
    probabilities off by 1e-12 or negative, wrong shapes, a missing array, or not a NumPy file."""
    m, p = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    small = st.integers(-3, 3).map(float)
    factors = np.array(draw(st.lists(small, min_size=m * p * p, max_size=m * p * p))).reshape(m, p, p)
    Q = factors @ factors.transpose(0, 2, 1)
    r = np.einsum("mij,mj->mi", Q, np.array(draw(st.lists(small, min_size=m * p, max_size=m * p))).reshape(m, p))
    weights = np.array(draw(st.lists(st.integers(1, 4), min_size=m, max_size=m)), dtype=float)
    probs = weights / weights.sum()
    arrays = {"Q": Q, "r": r, "probs": probs}
    kind = draw(st.sampled_from(["valid", "valid", "valid", "asymmetric", "outside", "nan", "off", "negative",
                                 "shape", "missing", "garbage"]))
    if kind == "asymmetric":
        arrays["Q"] = Q + np.triu(np.ones((p, p)), 1)[None]
    elif kind == "outside":
        arrays["r"] = r + 1.0
    elif kind == "nan":
        arrays[draw(st.sampled_from(["Q", "r", "probs"]))].flat[0] = draw(st.sampled_from([math.nan, math.inf]))
    elif kind == "off":
        arrays["probs"] = probs + np.eye(1, m).ravel() * draw(st.sampled_from([1e-12, -1e-12, 1e-9]))
    elif kind == "negative":
        arrays["probs"] = -probs
    elif kind == "shape":
        arrays["r"] = r[:, :0] if draw(st.booleans()) else r.ravel()
    elif kind == "missing":
        del arrays[draw(st.sampled_from(["Q", "r", "probs"]))]
    path = directory / f"q{draw(st.integers(0, 10**9))}.npz"
    if kind == "garbage":
        path.write_bytes(b"PK\x03\x04 not a zip")
    else:
        np.savez(path, **arrays)
    return str(path)


@given(st.data(), st.sampled_from(["patel.thm3_8", "patel.thm3_12"]),
       st.one_of(st.integers(-1, 6).map(str), st.sampled_from(["inf", "oo", "1/2", "", "1e999", "nan"])),
       st.one_of(st.just(None), number), dps)
def test_derive_patel(data, command, k, gamma, digits):
    with tempfile.TemporaryDirectory() as directory:
        extra = ["--gamma", gamma] if gamma is not None and command == "patel.thm3_12" else []
        payload = assert_contract(["derive", command, "--q-samples", data.draw(quadratic_file(Path(directory))), "--k", k,
                                   *extra, "--dps", digits, "--json"])
        event("result" if payload else "error")


well_formed_grid = st.builds(lambda low, width, n: f"{low}:{low + width}:{n}", st.fractions(-3, 1, max_denominator=6),
                             st.fractions(1, 2, max_denominator=4).map(lambda w: w / 4), st.integers(1, 3))
grid_text = st.one_of(well_formed_grid, st.builds(lambda a, b, n: f"{a}:{b}:{n}",
                                                  st.one_of(small_fraction, st.sampled_from(["nan", "-inf", "1e999", "2"])),
                                                  st.one_of(small_fraction, st.sampled_from(["inf", "1e101", "0"])),
                                                  st.one_of(st.integers(-1, 3), st.sampled_from([10**9]))),
                      st.sampled_from(["", "1:2", "1:2:3:4", "a:b:c", "1:1:1", "1/2:1/2:2", "2:2:1"]))


@st.composite
def sweep_arguments(draw):
    """A quarter well-formed (a < 2, λ > 0, small runs and T: each draws a figure, the slow part),
    the rest with adversarial values anywhere."""
    if draw(st.integers(0, 3)) == 0:
        return (draw(well_formed_grid), draw(well_formed_grid.map(lambda text: text.replace("-", ""))),
                draw(st.integers(1, 40)), draw(st.integers(0, 20)), "1e-3", draw(st.integers(0, 2)), "15")
    return (draw(grid_text), draw(grid_text), draw(st.one_of(st.integers(-1, 40), st.just(10**9 + 1))),
            draw(st.integers(-1, 20)), draw(st.one_of(st.just("1e-3"), number)), draw(st.integers(-1, 2)),
            draw(st.sampled_from(["15", "0", "20"])))


@given(sweep_arguments())
def test_sweep_ziyin_phase(arguments):
    """Exit 0 with a NaN-free grid file, or one error line, exit 2 and no file written."""
    a_grid, lr_grid, runs, steps, eps, seed, digits = arguments
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory) / "phase"
        code, out, err = invoke(["sweep", "ziyin-phase", "--a-grid", a_grid, "--lr-grid", lr_grid, "--runs", str(runs),
                                 "--steps", str(steps), "--eps", eps, "--seed", str(seed), "--workers", "1",
                                 "--out", str(base), "--dps", digits])
        assert "Traceback" not in out + err
        event(f"exit {code}")
        if code == 0:
            payload = json.loads(base.with_suffix(".json").read_text())
            assert not any(isinstance(leaf, str) and NAN_WORD.search(leaf) for leaf in leaves(payload))
            assert base.with_suffix(".png").exists()
        else:
            assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1, (code, err)
            assert list(Path(directory).iterdir()) == []


@given(st.lists(st.one_of(st.text(max_size=12).filter(lambda text: not text.startswith("-")), st.sampled_from(["ziyin.cor1", "patel", "nonsense.x", ""])), max_size=3),
       st.sampled_from(["0", "14", "1001", "-5", "x"]), st.sampled_from(["0", "-1", "x"]))
def test_verify_refuses_bad_arguments(ids, digits, seed):
    """Bad ids, dps or seed: one error line and exit 2 (valid arguments run claims: not here)."""
    code, out, err = invoke(["verify", *ids, "--dps", digits, "--seed", seed, "--quick"])
    assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1, (ids, digits, seed, err)


@given(st.one_of(number, st.text(max_size=40), st.text(alphabet="0123456789+-*/().e sqrtpi", max_size=40)))
def test_parse_exact(text):
    try:
        value = parse_exact(text, "x")
    except ParameterError as error:
        assert error.parameter == "x" and "\n" not in str(error)
        return
    assert isinstance(value, sp.Expr) and value.is_real and value.is_finite


sympy_number = st.one_of(
    st.builds(sp.Rational, st.integers(-12, 12), st.integers(1, 12)),
    st.floats(allow_nan=True, allow_infinity=True).map(sp.Float),
    st.sampled_from([sp.nan, sp.oo, -sp.oo, sp.zoo, sp.I, sp.sqrt(2), sp.pi, sp.Integer(0), sp.Rational(1, 2) + sp.Rational(1, 10**12)]),
)


@st.composite
def finite_noise_arguments(draw):
    size = draw(st.integers(0, 4))
    values = draw(st.lists(st.one_of(st.builds(sp.Rational, st.integers(-12, 12), st.integers(1, 12)), sympy_number),
                           min_size=size, max_size=size))
    weights = draw(st.lists(st.integers(1, 6), min_size=size, max_size=size))
    probs = [sp.Rational(w, sum(weights)) for w in weights]
    kind = draw(st.sampled_from(["exact", "exact", "off", "short", "random"]))
    if kind == "off" and probs:
        probs[0] += draw(st.sampled_from([sp.Rational(1, 10**12), -sp.Rational(1, 10**12)]))
    elif kind == "short":
        probs = probs[:-1]
    elif kind == "random":
        probs = draw(st.lists(sympy_number, max_size=4))
    return tuple(values), tuple(probs)


@given(finite_noise_arguments())
def test_finite_noise(arguments):
    values, probs = arguments
    try:
        noise = FiniteNoise(values, probs)
    except ParameterError:
        return
    assert sp.Add(*noise.probs) == 1 and len(set(noise.values)) == len(noise.values)
    assert all(v.is_real and v.is_finite for v in noise.values)


@st.composite
def rational_noise(draw):
    size = draw(st.integers(1, 3))  # P(λ) of degree ≤ 9: SymPy isolates its roots in milliseconds
    values = draw(st.lists(st.builds(sp.Rational, st.integers(-12, 12), st.integers(1, 8)), min_size=size,
                           max_size=size, unique=True))
    weights = draw(st.lists(st.integers(1, 3), min_size=size, max_size=size))
    return FiniteNoise(tuple(values), tuple(sp.Rational(w, sum(weights)) for w in weights))


@given(rational_noise(), st.one_of(st.integers(15, 25), st.sampled_from([0, -3, 14, 1001, 10**6, True, 20.0])))
def test_trap_set(noise, digits):
    try:
        result = trapset.trap_set(noise, digits)
    except ParameterError as error:
        assert error.parameter == "dps"
        return
    previous = mpmath.mpf(0)
    for low, high in result.intervals:
        assert not (mpmath.isnan(low) or mpmath.isnan(high))
        assert previous <= low < high
        previous = high


def test_injection_is_refused():
    """A string that would run code in eval/sympify is refused by the restricted grammar."""
    payload = "__import__('builtins').setattr(__import__('builtins'), 'SGDVERIFY_PWNED', 1) or 1"
    code, out, err = invoke(["derive", "escape-prob", "--values", f"1,{payload}", "--probs", "1/2,1/2", "--lr", payload,
                             "--t", "3", "--eps", "1", "--json"])
    assert code == 2 and err.startswith("error: values:") and out == ""
    with pytest.raises(ParameterError):
        parse_exact(payload)
    assert not hasattr(builtins, "SGDVERIFY_PWNED")


def test_finite_noise_of_refuses_code():
    """FiniteNoise.of takes numbers; text that would run code in sympify is refused unevaluated."""
    payload = "__import__('builtins').setattr(__import__('builtins'), 'SGDVERIFY_PWNED', 1) or 1"
    with pytest.raises(ParameterError):
        FiniteNoise.of([payload, "2"], ["1/2", "1/2"])
    assert not hasattr(builtins, "SGDVERIFY_PWNED")


def test_simulate_ziyin_zero_and_overflowed_factor_float_route():
    """a = -1e309 overflows float64: factors 1 - λx are 0 (x = 1, λ = 1) and -inf in one block;
    0·inf must not turn into a NaN mean: a zero factor makes w = 0 for good."""
    payload = assert_contract(["simulate", "ziyin", "--a", "-1e309", "--lr", "1", "--runs", "64", "--steps", "2",
                               "--route", "float", "--json"])
    assert payload["values"]["mean_log_abs_w"] == "-inf"


@pytest.mark.parametrize("route", ["count", "bits", "float"])
def test_simulate_ziyin_overflowing_factor_escapes(route):
    """An overflowed factor (ln|1-λx| = +inf) is an escape, not a zero: with λ = 1/2 no factor is 0."""
    payload = assert_contract(["simulate", "ziyin", "--a", "-1e309", "--lr", "1/2", "--runs", "200", "--steps", "3",
                               "--route", route, "--json"])
    values = payload["values"]
    assert values["zero_fraction"] == "0" and values["escaped"] == "200" and values["mean_log_abs_w"] == "inf"
    overflowed = round(float(values["overflowed_fraction"]) * 200)  # runs that drew the huge atom at least once
    assert 1 - 2**-3 in proportion_interval(overflowed, 200, 0.999)


def test_trap_set_huge_uniform():
    """mpmath.findroot cannot refine a root of μ for U[-1e300, 1e300]: an error line, or a result."""
    assert_contract(["derive", "trap-set", "--uniform", "-1e300,1e300", "--dps", "15", "--json"])


def test_simulate_linear_one_run():
    """One run: no standard error from one sample (std with ddof = 1 would be NaN)."""
    payload = assert_contract(["simulate", "linear", "--curvatures", "0", "--lr", "1", "--batch", "1", "--runs", "1",
                               "--steps", "1", "--json"])
    assert "growth_rate_stderr" not in payload["values"]


def test_simulate_ziyin_huge_runs_is_refused():
    code, out, err = invoke(["simulate", "ziyin", "--a", "-1", "--lr", "1/2", "--runs", str(10**12), "--steps", "3",
                             "--json"])
    assert code == 2 and err.startswith("error: runs:") and out == ""


def test_parameter_error_survives_pickling():
    """Errors raised in a Dask or process worker come back as the same ParameterError."""
    error = pickle.loads(pickle.dumps(ParameterError("lr", "must be positive")))
    assert isinstance(error, ParameterError) and error.parameter == "lr" and str(error) == "lr: must be positive"


def _finishes(argv: list[str], seconds: float) -> bool:
    try:
        subprocess.run([sys.executable, "-m", "verify", *argv], capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_kleinberg_tiny_eta_finishes():
    """η = 5e-324 makes λ ≈ 2ηc ≈ 1e-323: the constants must not be computed by a huge exact power."""
    assert _finishes(["derive", "kleinberg.thm1", "--L", "5", "--c", "1", "--r", "1", "--eta", "5e-324", "--dist0", "5",
                      "--dps", "15", "--json"], 20)


def test_trap_set_huge_gaussian_mean_finishes():
    """N(1e300, 1): the scan's grid must be bounded by the mean as well as the std."""
    assert _finishes(["derive", "trap-set", "--gaussian", "1e300,1", "--dps", "15", "--json"], 20)


def test_power_tower_is_refused_quickly():
    """((((2**64)**64)**64)**64)**64 fits in 200 characters but is a 2^(64^5)-bit integer."""
    assert _finishes(["derive", "ziyin.cor1", "--a", "((((2**64)**64)**64)**64)**64", "--dps", "15"], 4)
