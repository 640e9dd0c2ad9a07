"""Shared scaffolding of the tests that pin claims' verdicts: run claims in quick mode once per
module, pin each verdict, and find one check's evidence by the start of its title."""

import pytest

from verify.registry import select

#: the arguments every verdict-pinning test runs claims with (the README's CI mode)
QUICK = {"quick": True, "seed": 0, "dps": 30}


def run_quick(ids: list[str]) -> dict:
    """claim id -> result, for the claims (or families) named."""
    return {claim.id: claim.run(**QUICK) for claim in select(ids)}


def verdict_tests(expected: dict):
    """The module fixture ``results`` (the claims of ``expected`` run once in quick mode) and the
    test pinning each one's verdict, parametrized by claim id; assign both at module level:
    ``results, test_verdicts = verdict_tests(EXPECTED)``."""

    @pytest.fixture(scope="module")
    def results():
        return run_quick(list(expected))

    @pytest.mark.parametrize("claim_id", expected)
    def test_verdicts(results, claim_id):
        assert results[claim_id].verdict is expected[claim_id]

    return results, test_verdicts


def evidence(results: dict, claim_id: str, title_start: str):
    """The one check of ``claim_id`` whose title starts with ``title_start``."""
    (found,) = [e for e in results[claim_id].evidence if e.title.startswith(title_start)]
    return found


def check_verdicts(result) -> list:
    """The verdict of each check of one claim's result, in order."""
    return [e.verdict for e in result.evidence]
