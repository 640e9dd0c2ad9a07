"""An on-disk cache of per-claim results, so an interrupted `sgdverify verify` resumes where it stopped.

One JSON file per claim holds the claim's report record (``verify.report.result_record``) under
a key made of the claim id, the run's seed, quick flag and dps, and a SHA-256 of the source files
of theory/, numerics/ and verify/: a record is reused only by a run that would recompute it bit
for bit (checks are seeded per claim and check, so a claim's result does not depend on which
other claims run). Files are written to a temporary name and renamed (``os.replace``), so a run
killed at any moment leaves either no file or a whole one; a file that does not parse, or whose
key differs, is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from theory.errors import ParameterError

from .claim import About, Claim, ClaimResult, Evidence, Finding, Kind, Verdict
from .report import write_json_atomic

PACKAGES = ("theory", "numerics", "verify")
FORMAT = 2


@cache
def source_hash() -> str:
    """SHA-256 over the relative paths and bytes of every .py file of the three packages."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


class ResultCache:
    """Claim records under ``directory`` for one (seed, quick, dps) and the current sources."""

    def __init__(self, directory: str | os.PathLike, *, seed: int, quick: bool, dps: int):
        self.directory = Path(directory)
        self.settings = {"format": FORMAT, "seed": seed, "quick": quick, "dps": dps, "source": source_hash()}

    def key(self, claim_id: str) -> dict:
        return {"claim": claim_id, **self.settings}

    def path(self, claim_id: str) -> Path:
        digest = hashlib.sha256(json.dumps(self.key(claim_id), sort_keys=True).encode()).hexdigest()[:20]
        return self.directory / f"{claim_id}.{digest}.json"

    def load(self, claim_id: str) -> dict | None:
        """The cached record of ``claim_id``, or None if there is none for this key."""
        try:
            stored = json.loads(self.path(claim_id).read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != self.key(claim_id):
            return None
        record = stored.get("record")
        return record if isinstance(record, dict) and record.get("id") == claim_id else None

    def save(self, claim_id: str, record: dict) -> None:
        try:
            write_json_atomic(self.path(claim_id), {"key": self.key(claim_id), "record": record}, "cache")
        except OSError as error:
            raise ParameterError("cache", f"cannot write {str(self.directory)!r}: {error.strerror or error}") from None


def result_from_record(claim: Claim, record: dict) -> ClaimResult:
    """A ClaimResult for display, rebuilt from a stored record (its data stay in JSON form)."""
    evidence = tuple(
        Evidence(Kind(check["kind"]), check["title"], check["version"],
                 Finding(Verdict(check["verdict"]), check["summary"], check["tolerance"], check["evidence"],
                         check["observed"], check["expected"]),
                 float(check["seconds"]), check["counted"], About(check["about"]))
        for check in record["checks"]
    )
    return ClaimResult(claim, evidence)
