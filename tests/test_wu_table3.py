"""wu.table3 (Table 3, Fig. 8): escape from GD minima of small networks where linear stability predicts;
wu.fig9 (§5): L-BFGS's minima and GD's escape from them."""

import json

from claim_helpers import evidence, verdict_tests
from verify.claim import Verdict
from verify.claims.wu import table3

EXPECTED = {"wu.table3": ("confirmed", ("confirmed", "confirmed")),
            "wu.fig9": ("refuted", ("refuted", "confirmed"))}

results, test_verdicts = verdict_tests(EXPECTED)


def test_both_outcomes_occur_and_the_criterion_has_a_margin(results):
    found = evidence(results, "wu.table3", "Escape happens").finding
    runs = found.data["runs"]
    assert any(r["escaped"] for r in runs) and any(not r["escaped"] for r in runs)
    stayed = max(abs(r["sharpness drop"]) for r in runs if not r["escaped"])
    escaped = min(r["sharpness drop"] for r in runs if r["escaped"])
    assert stayed < table3.ESCAPE_DROP / 2 and escaped > 3 * table3.ESCAPE_DROP  # clear of the 1% line either way
    assert found.observed == {"runs agreeing with the rule": len(runs), "runs": len(runs)}


def test_the_starts_are_table_3_at_this_scale(results):
    rows = evidence(results, "wu.table3", "Escape happens").finding.data["table"]
    assert [r["data set"] for r in rows] == list(table3.DATASETS)
    for row in rows:
        assert 2 / 0.3 < float(row["sharpness a"]) < 2 / 0.2  # GD at 0.3 predicted to escape, at 0.2 to stay
        assert float(row["non-uniformity s"]) < 1 / 0.1  # SGD at η = 0.1, B = 1 predicted to stay (the paper's s: 45)


def test_escape_is_fast_and_data_is_compact(results):
    found = evidence(results, "wu.table3", "'The escape").finding
    assert found.observed["slowest escape / steps to converge"] < 0.01
    assert all(len(json.dumps(e.finding.data)) < 50_000 for e in results["wu.table3"].evidence)
    assert evidence(results, "wu.table3", "'The escape").verdict is Verdict.CONFIRMED


def test_lbfgs_minima_are_flatter_than_gds_here_and_gd_escapes_where_predicted(results):
    sharper = evidence(results, "wu.fig9", "'L-BFGS always").finding
    for run in sharper.data["runs"]:
        assert run["L-BFGS loss"] < 1e-4 and run["L-BFGS a"] < run["GD (η = 0.1) a"]  # the refutation's data
        assert run["GD from L-BFGS, a at the end"]["0.5"] < 2 / 0.5 + 0.05  # escaped to the edge of stability of 0.5
    rule = evidence(results, "wu.fig9", "From the L-BFGS").finding
    assert rule.observed["runs agreeing with the rule"] == rule.observed["runs"]
