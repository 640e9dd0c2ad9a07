"""`sgdverify simulate network`: one network trained on digits, measured where it ended, with
Wu, Ma & E's bounds beside; bad input is one line naming the option, exit 2."""

import json

import numpy as np
import pytest

from cli_helpers import invoke

SMALL = ["simulate", "network", "--lr", "0.5", "--samples", "60", "--width", "6", "--steps", "400"]


@pytest.fixture(scope="module")
def sgd_run():
    code, out, err = invoke(SMALL + ["--optimizer", "sgd", "--batch", "6", "--json"])
    assert code == 0, err
    return json.loads(out)


def test_values_are_decimal_strings_with_residuals_and_the_bounds(sgd_run):
    from numerics import networks as nw
    from numerics.networks import experiments as ex

    values = sgd_run["values"]
    assert values["stopped"] in ("steps", "stalled") and values["parameters"] == str(64 * 6 + 6 + 6 * 10 + 10)
    for name in ("loss", "sharpness", "sharpness_residual", "nonuniformity", "nonuniformity_error"):
        assert isinstance(values[name], str) and np.isfinite(float(values[name]))
    assert float(values["sharpness_residual"]) < 1e-8
    # Wu's (9) without replacement: s ≤ √(B(n−1)/(n−B))/η with n = 60, B = 6
    assert values["nonuniformity_bound"].startswith(f"{np.sqrt(6 * 59 / 54) / 0.5:.10f}"[:12])
    assert values["gd_sharpness_bound"].startswith("4.000") and values["sharpness_within_bound"] in (True, False)
    assert values["sharpness_within_bound"] == (float(values["sharpness"]) <= 4 + float(values["sharpness_error"]))
    # the same seed gives the same network: its sharpness re-measured from the API agrees
    setup = ex.Setup(samples=60, width=6, data_seed=0)
    root = np.random.SeedSequence(0)
    run = nw.train(setup.per_sample_loss(), setup.model().init(ex.init_seed(root)), setup.dataset().arrays, 0.5, 400,
                   batch=6, seed=ex.batch_seed(root), every=100)
    measured = nw.sharpness(setup.per_sample_loss(), run.params, setup.dataset().arrays)
    assert abs(measured.value - float(values["sharpness"])) < 1e-9


def test_same_seed_same_json_and_text_output_reads_yes_or_no(sgd_run):
    again = json.loads(invoke(SMALL + ["--optimizer", "sgd", "--batch", "6", "--json"])[1])
    assert again == sgd_run
    code, out, _ = invoke(SMALL + ["--optimizer", "gd"])
    assert code == 0 and "sharpness_within_bound: " in out and "True" not in out and "False" not in out


@pytest.mark.parametrize("extra, option", [
    (["--optimizer", "gd", "--batch", "3"], "batch"),
    (["--optimizer", "sgd"], "batch"),
    (["--optimizer", "sgd", "--batch", "61"], "batch"),
    (["--optimizer", "gd", "--samples", "1798"], "samples"),
    (["--optimizer", "gd", "--width", "0"], "width"),
    (["--optimizer", "gd", "--lr", "-0.1"], "lr"),
    (["--optimizer", "gd", "--lr", "zero"], "lr"),
    (["--optimizer", "gd", "--target", "0"], "target"),
    (["--optimizer", "gd", "--steps", "100000000000"], "steps"),
    (["--optimizer", "adam"], "optimizer"),
])
def test_bad_input_is_one_line_naming_the_option(extra, option):
    code, out, err = invoke(SMALL + extra)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith(f"error: {option}"), err


def test_a_diverging_run_is_reported_as_an_event_not_a_nan():
    code, out, _ = invoke(SMALL + ["--optimizer", "gd", "--lr", "500", "--json"])
    result = json.loads(out)
    assert code == 0 and result["values"]["stopped"] == "diverged" and "sharpness" not in result["values"]
    assert "nan" not in out.lower() and any("diverged by step" in note for note in result["notes"])
