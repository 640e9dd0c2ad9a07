"""Shared scaffolding of the tests that pin claims' verdicts: run claims in quick mode once per
module, and find one check's evidence by the start of its title."""

from verify.registry import select

#: the arguments every verdict-pinning test runs claims with (the README's CI mode)
QUICK = {"quick": True, "seed": 0, "dps": 30}


def run_quick(ids: list[str]) -> dict:
    """claim id -> result, for the claims (or families) named."""
    return {claim.id: claim.run(**QUICK) for claim in select(ids)}


def evidence(results: dict, claim_id: str, title_start: str):
    """The one check of ``claim_id`` whose title starts with ``title_start``."""
    (found,) = [e for e in results[claim_id].evidence if e.title.startswith(title_start)]
    return found
