"""Shared scaffolding of the tests that pin claims' verdicts: claims run once per test process in
quick mode (the pins and the falsifier tests share those runs), each claim's verdict and each of
its checks' verdicts pinned, and one check's evidence found by the start of its title."""

import pytest

from verify.claim import Verdict
from verify.registry import all_claims, select

#: the arguments every verdict-pinning test runs claims with (the README's CI mode)
QUICK = {"quick": True, "seed": 0, "dps": 30}

_RESULTS: dict = {}


def run_quick(ids: list[str]) -> dict:
    """claim id -> result, for the claims (or families) named; each claim runs once per process."""
    chosen = select(ids)
    for claim in chosen:
        if claim.id not in _RESULTS:
            _RESULTS[claim.id] = claim.run(**QUICK)
    return {claim.id: _RESULTS[claim.id] for claim in chosen}


def verdict_tests(expected: dict):
    """The module fixture ``results`` (the claims of ``expected`` run in quick mode) and the test
    pinning each claim's verdict and every one of its checks' verdicts, in order, parametrized by
    claim id. ``expected`` maps an id to ``(claim verdict, (check verdict, ...))``, verdicts as
    ``Verdict`` or their names. Assign both at module level:
    ``results, test_verdicts = verdict_tests(EXPECTED)``."""

    @pytest.fixture(scope="module")
    def results():
        return run_quick(list(expected))

    @pytest.mark.parametrize("claim_id", expected)
    def test_verdicts(results, claim_id):
        claim_verdict, check_pins = expected[claim_id]
        result = results[claim_id]
        found = [(e.title, e.verdict) for e in result.evidence]
        assert [v for _, v in found] == [Verdict(v) for v in check_pins], found
        assert result.verdict is Verdict(claim_verdict)

    return results, test_verdicts


def evidence(results: dict, claim_id: str, title_start: str):
    """The one check of ``claim_id`` whose title starts with ``title_start``."""
    (found,) = [e for e in results[claim_id].evidence if e.title.startswith(title_start)]
    return found


def check_verdicts(result) -> list:
    """The verdict of each check of one claim's result, in order."""
    return [e.verdict for e in result.evidence]


def checks_in_registry():
    """(claim, index, check) for each distinct check, at its first claim."""
    seen, found = set(), []
    for claim in all_claims():
        for index, check in enumerate(claim.checks):
            if id(check) not in seen:
                seen.add(id(check))
                found.append((claim, index, check))
    return found


def falsifier_tally() -> dict:
    """How many checks the registry has, how many have falsifiers (and how many mutations), and
    which are consistency-only: what tests/test_falsifiers.py exercises."""
    checks = checks_in_registry()
    return {
        "checks": len(checks),
        "falsifiers": sum(len(check.falsifiers) for _, _, check in checks),
        "falsified checks": sum(check.counted for _, _, check in checks),
        "consistency-only checks": [f"{claim.id}: {check.title}" for claim, _, check in checks if not check.counted],
    }
