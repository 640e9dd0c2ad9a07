"""Every check can fail: each declared falsifier (a mutation of what the check tests) must give the
check another verdict than it has unmutated, in quick mode. A check with no falsifier is a
consistency check and does not count toward its claim's verdict; the tally of both is printed at
the end of the run (``pytest_terminal_summary`` in conftest.py, from ``claim_helpers.falsifier_tally``)."""

from __future__ import annotations

import pytest

from claim_helpers import QUICK, checks_in_registry, run_quick
from verify.claim import About, CheckContext, check_seed
from verify.registry import all_claims

#: claim families that are the verifier's own extensions, not a paper's statements
EXTENSIONS = ("ext.",)


CHECKS = checks_in_registry()
CASES = [(claim, index, check, falsifier) for claim, index, check in CHECKS for falsifier in check.falsifiers]


@pytest.mark.parametrize(
    "claim, index, check, falsifier", CASES,
    ids=[f"{claim.id}[{index}] {falsifier.description}" for claim, index, check, falsifier in CASES],
)
def test_falsifier_flips_the_verdict(claim, index, check, falsifier):
    base = run_quick([claim.id])[claim.id].evidence[index]
    context = CheckContext(QUICK["quick"], QUICK["dps"], check_seed(QUICK["seed"], claim.id, index))
    mutated = check.falsified(falsifier, context)
    assert mutated.verdict is not base.verdict, (
        f"{claim.id} — {check.title}: still {mutated.verdict.value} under '{falsifier.description}'")


@pytest.mark.parametrize("claim", [c for c in all_claims() if not c.id.startswith(EXTENSIONS)], ids=lambda c: c.id)
def test_every_paper_claim_rests_on_a_falsifiable_check_of_its_statement(claim):
    assert any(check.counted and check.about is About.STATEMENT for check in claim.checks)


@pytest.mark.parametrize("claim", all_claims(), ids=lambda c: c.id)
def test_counted_checks_report_observed_and_expected(claim):
    for evidence in run_quick([claim.id])[claim.id].evidence:
        if evidence.counted:
            assert evidence.finding.observed is not None and evidence.finding.expected is not None, evidence.title
