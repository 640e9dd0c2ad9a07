"""`sweep wu-minima`: networks over η × B × seeds on the sweep engine, in Wu's diagram."""

import json

import numpy as np
import pytest
import sympy as sp

from cli_helpers import invoke
from verify.network_sweep import nonuniformity_bound

SMALL = ["sweep", "wu-minima", "--lr-grid", "1/2", "--batch-grid", "gd,6", "--seeds", "2", "--samples", "40",
         "--width", "4", "--steps", "300", "--workers", "1"]


def test_bounds_are_eq_9s():
    assert nonuniformity_bound(sp.Rational(1, 10), 4, 1000, False) == sp.sqrt(sp.Rational(4 * 999, 996)) * 10
    assert nonuniformity_bound(sp.Rational(1, 10), 4, 1000, True) == 20
    assert nonuniformity_bound(sp.Rational(1, 10), None, 1000, False) is None
    assert nonuniformity_bound(sp.Rational(1, 10), 1000, 1000, False) is None


def test_a_small_sweep_writes_rows_and_the_diagram(tmp_path):
    out = tmp_path / "minima"
    code, stdout, err = invoke(SMALL + ["--out", str(out)])
    assert code == 0, err
    payload = json.loads((tmp_path / "minima.json").read_text())
    assert (tmp_path / "minima.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = payload["rows"]
    assert [r["batch"] for r in rows] == ["gd", "gd", "6", "6"] and payload["parameters"] == str(64 * 4 + 4 + 4 * 10 + 10)
    assert all(isinstance(r["sharpness"], str) and float(r["sharpness"]) > 0 for r in rows)
    assert rows[0]["sharpness_bound"] == "4.0000000000000000" and rows[0]["nonuniformity_bound"] is None
    assert rows[2]["nonuniformity_bound"].startswith(f"{np.sqrt(6 * 39 / 34) * 2:.12f}"[:14])
    assert rows[0]["sharpness"] != rows[1]["sharpness"]  # each seed its own initialisation
    # the same command gives the same numbers
    again = tmp_path / "again"
    invoke(SMALL + ["--out", str(again)])
    assert json.loads((tmp_path / "again.json").read_text())["rows"] == rows


@pytest.mark.parametrize("change, option", [
    (["--batch-grid", "0"], "batch-grid"), (["--batch-grid", "41"], "batch-grid"), (["--batch-grid", "two"], "batch-grid"),
    (["--lr-grid", "-1"], "lr-grid"), (["--target", "0"], "target"), (["--seeds", "0"], "seeds"),
])
def test_bad_grids_are_one_line_and_write_nothing(tmp_path, change, option):
    code, out, err = invoke(SMALL + change + ["--out", str(tmp_path / "x")])
    assert code == 2 and err.startswith(f"error: {option}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []
