"""Every command's --json has one layout (command, params, dps, values, and notes when there are
any) and every number in it is a decimal string: no JSON number that could lose digits."""

import json

import click
import numpy as np
import pytest

from cli_helpers import invoke
from verify.cli import derive as derive_group
from verify.cli import simulate as simulate_group

KEYS = {"command", "params", "dps", "values"}


def _q_samples(path):
    np.savez(path, Q=np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 3.0]]]), r=np.array([[1.0, 0.0], [0.0, 1.0]]),
             probs=np.array([0.5, 0.5]))
    return str(path)


def commands(q: str) -> dict[str, list[str]]:
    """One invocation per command; ``q`` is the path of a Q-samples file."""
    return {
        "derive ziyin.cor1": ["derive", "ziyin.cor1", "--a", "-1"],
        "derive ziyin.prop3": ["derive", "ziyin.prop3", "--a", "-1/2"],
        "derive trap-set": ["derive", "trap-set", "--values", "1,-2", "--probs", "1/2,1/2"],
        "derive escape-rate": ["derive", "escape-rate", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "1/2"],
        "derive escape-prob": ["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "0.8", "--t", "20",
                               "--eps", "1e-3"],
        "derive wu.thm1": ["derive", "wu.thm1", "--curvatures", "3,0,0,0", "--batch", "1"],
        "derive patel.thm3_8": ["derive", "patel.thm3_8", "--q-samples", q, "--k", "2"],
        "derive patel.thm3_12": ["derive", "patel.thm3_12", "--q-samples", q, "--k", "2"],
        "derive kleinberg.thm1": ["derive", "kleinberg.thm1", "--L", "2", "--c", "1", "--r", "0.1", "--eta", "0.1",
                                  "--dist0", "1"],
        "derive stability": ["derive", "stability", "--loss", "(h11*w1**2 + 2*h12*w1*w2 + h22*w2**2)/2", "--params",
                             "w1,w2", "--samples", "h11=1,4;h12=-1,-2;h22=5,2", "--lr", "2/5", "--dps", "20"],
        "simulate ziyin": ["simulate", "ziyin", "--a", "-1", "--lr", "0.8", "--runs", "1000", "--steps", "20"],
        "simulate linear": ["simulate", "linear", "--curvatures", "3,0,0,0", "--lr", "0.1", "--batch", "1", "--runs",
                            "100", "--steps", "10"],
        "simulate network": ["simulate", "network", "--optimizer", "sgd", "--lr", "0.5", "--batch", "5", "--samples", "30",
                             "--width", "4", "--steps", "200"],
    }


def numbers_in(value, path="") -> list[str]:
    """Paths of every JSON number (int or float, not bool) inside ``value``."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, (int, float)):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in numbers_in(item, f"{path}.{key}")]
    return [p for index, item in enumerate(value) for p in numbers_in(item, f"{path}[{index}]")]


def test_every_command_is_covered():
    covered = set(commands("q.npz"))
    listed = {group.name: group.list_commands(click.Context(group)) for group in (derive_group, simulate_group)}
    every = {f"{group} {name}" for group, names in listed.items() for name in names}
    assert every == covered


@pytest.mark.parametrize("name", sorted(commands("q.npz")))
def test_one_layout_and_numbers_as_strings(tmp_path, name):
    code, out, err = invoke([*commands(_q_samples(tmp_path / "q.npz"))[name], "--json"])
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) - {"notes"} == KEYS and payload["command"] == name
    assert numbers_in(payload) == []


def test_sweep_files_have_the_command_and_no_numbers(tmp_path):
    base = tmp_path / "phase"
    code, _, err = invoke(["sweep", "ziyin-phase", "--a-grid", "-1:0:2", "--lr-grid", "0.5:1:2", "--runs", "50", "--steps",
                           "5", "--workers", "1", "--out", str(base)])
    assert code == 0, err
    payload = json.loads((tmp_path / "phase.json").read_text())
    assert payload["command"] == "sweep ziyin-phase" and numbers_in(payload) == []


def test_simulate_ziyin_reports_its_exact_quantities_to_its_digits():
    """The fractions, the Wilson interval's ends (closed form in mpmath, equal to SciPy's to float
    rounding) and the exact law all carry the 20 digits the output declares."""
    from verify.stats import proportion_interval, wilson_bounds

    for successes, trials in ((163, 1000), (0, 50), (50, 50), (3, 14080)):
        low, high = wilson_bounds(successes, trials, 0.999, 30)
        scipy = proportion_interval(successes, trials, 0.999)
        assert abs(float(low) - scipy.low) < 1e-14 and abs(float(high) - scipy.high) < 1e-14
    code, out, _ = invoke(["simulate", "ziyin", "--a", "-1", "--lr", "0.8", "--runs", "1000", "--steps", "50", "--json"])
    payload = json.loads(out)
    assert code == 0 and payload["dps"] == "20"
    values = payload["values"]
    for number in (values["escaped_fraction"], *values["interval"], values["exact_probability"]):
        assert len(number.lstrip("-0.").replace(".", "")) == 20, number
