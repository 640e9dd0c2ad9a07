"""The command-line contract: JSON shapes, digits, one-line errors with exit status 2."""

import json
import subprocess
import sys

import mpmath
import pytest

from cli_helpers import invoke

CATALOGUE_IDS = [
    "ziyin.prop1", "ziyin.lem1", "ziyin.prop2", "ziyin.cor1", "ziyin.prop3", "ziyin.prop4", "ziyin.prop5",
    "ziyin.prop6", "ziyin.prop9", "ziyin.appc", "ziyin.quartic", "ziyin.toynn", "ext.trap_set", "ext.exact_escape",
]


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, timeout=600)


def run_json(*args):
    completed = run(*args)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_cor1_to_fifty_digits():
    payload = run_json("derive", "ziyin.cor1", "--a", "-1", "--dps", "50", "--json")
    assert payload["command"] == "derive ziyin.cor1" and payload["dps"] == "50" and payload["params"] == {"a": "-1"}
    with mpmath.workdps(60):
        assert payload["values"]["lower"] == mpmath.nstr(mpmath.mpf(1) / 2, 50, strip_zeros=False)
        assert payload["values"]["upper"] == mpmath.nstr((1 + mpmath.sqrt(17)) / 4, 50, strip_zeros=False)


def test_general_trap_set_reproduces_cor1_and_splits_for_positive_a():
    cor1 = run_json("derive", "ziyin.cor1", "--a", "-1", "--json")["values"]
    trap = run_json("derive", "trap-set", "--values", "1,-2", "--probs", "1/2,1/2", "--json")
    assert trap["command"] == "derive trap-set" and trap["values"]["certified"] is True
    assert trap["values"]["intervals"] == [[cor1["lower"], cor1["upper"]]]
    split = run_json("derive", "trap-set", "--values", "1,7", "--probs", "0.5,0.5", "--dps", "20", "--json")
    assert [[lo[:8], hi[:8]] for lo, hi in split["values"]["intervals"]] == [["0", "0.369398"], ["0.773459", "1.142857"]]


def test_three_atoms_and_gaussian():
    three = run_json("derive", "trap-set", "--values", "1,-2,3", "--probs", "1/3,1/3,1/3", "--dps", "20", "--json")
    assert len(three["values"]["intervals"]) == 1 and three["values"]["intervals"][0][0] == "0"
    gaussian = run_json("derive", "trap-set", "--gaussian", "-0.1,2", "--dps", "20", "--json")
    assert gaussian["values"]["certified"] is False and len(gaussian["values"]["intervals"]) == 1


def test_prop3_and_escape_probability():
    prop3 = run_json("derive", "ziyin.prop3", "--a", "-1", "--dps", "30", "--json")["values"]
    assert prop3["lambda_star"].startswith("0.25000000000000000000000000000")
    with mpmath.workdps(40):
        assert prop3["gamma_star"] == mpmath.nstr(mpmath.log(mpmath.mpf(3) / (2 * mpmath.sqrt(2))), 30, strip_zeros=False)
    escape = run_json("derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "1", "--t", "3",
                      "--eps", "1/10", "--json")
    assert escape["values"]["probability"].startswith("0.125000000")
    assert "clt_approximation" not in escape["values"]  # an atom at 1/λ: Lemma 1 does not apply


@pytest.mark.parametrize(
    "args, parameter",
    [
        (["derive", "ziyin.cor1", "--a", "0.5"], "a"),
        (["derive", "ziyin.cor1", "--a", "abc"], "a"),
        (["derive", "ziyin.cor1", "--a", "-1", "--dps", "10"], "dps"),
        (["derive", "trap-set", "--values", "1,-2", "--probs", "1/2,1/3"], "probs"),
        (["derive", "trap-set", "--values", "1,-2", "--probs", "1/2"], "probs"),
        (["derive", "trap-set", "--values", "1,-2", "--probs", "0.5,0.500000000001"], "probs"),
        (["derive", "trap-set", "--gaussian", "0,0"], "gaussian"),
        (["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "-0.1", "--t", "3", "--eps", "1"], "lr"),
        (["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "0.5", "--t", "-3", "--eps", "1"], "t"),
        (["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "0.5", "--t", "3", "--eps", "nan"], "eps"),
        (["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "__import__('os')", "--t", "3", "--eps", "1"], "lr"),
        (["verify", "no.such.claim"], "ids"),
        (["verify", "ziyin.cor1", "--dps", "0"], "dps"),
    ],
)
def test_bad_input_is_one_line_and_exit_two(args, parameter):
    completed = run(*args)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {parameter}:"), completed.stderr
    assert "Traceback" not in completed.stderr


def test_usage_errors_are_one_line_too():
    completed = run("derive", "ziyin.cor1")
    assert completed.returncode == 2 and len(completed.stderr.strip().splitlines()) == 1


def test_claims_lists_the_catalogue():
    listed = {c["id"] for c in run_json("claims", "--json")}
    missing = [i for i in CATALOGUE_IDS if i not in listed]
    assert not missing, missing


def _no_floats(node):
    if isinstance(node, float):
        raise AssertionError(f"float in report: {node}")
    if isinstance(node, dict):
        for value in node.values():
            _no_floats(value)
    if isinstance(node, list):
        for value in node:
            _no_floats(value)


def test_verify_writes_a_report_with_decimal_strings(tmp_path):
    target = tmp_path / "out" / "report.json"
    completed = run("verify", "ziyin.cor1-corrected", "ziyin.lem1", "--quick", "--json", str(target), "--dps", "20")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(target.read_text())
    assert [c["id"] for c in report["claims"]] == ["ziyin.lem1", "ziyin.cor1-corrected"]
    assert {c["verdict"] for c in report["claims"]} == {"refuted", "proved"}
    for claim in report["claims"]:
        for check in claim["checks"]:
            assert {"kind", "verdict", "evidence", "summary", "tolerance"} <= set(check)
    _no_floats(report)
    assert "refuted" in completed.stdout and "proved" in completed.stdout


def test_start_up_imports_no_sympy_scipy_or_simulators():
    """`sgdverify --help` and argument errors stay fast: the CLI module loads click, not the heavy stack."""
    import subprocess
    import sys

    probe = ("import sys, verify.cli; heavy = [m for m in ('sympy', 'scipy', 'numpy', 'rich', 'numerics.linear') "
             "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_version_piped_claims_and_json_to_stdout():
    from verify.registry import all_claims

    code, out, _ = invoke(["--version"])
    assert code == 0 and out.startswith("sgdverify ")
    code, out, _ = invoke(["claims"])  # not a terminal here: ids must not be cut
    assert code == 0 and all(claim.id in out for claim in all_claims())
    code, out, err = invoke(["verify", "ziyin.lem1", "--quick", "--json", "-"])
    assert code == 0 and json.loads(out)["claims"][0]["id"] == "ziyin.lem1" and "ziyin.lem1" in err
