"""Claims, their checks, and the evidence and verdicts the checks produce.

A claim is one small object: its citation, its statement as printed (LaTeX), and the checks
that produce evidence. Each check is one kind of evidence (symbolic, high precision,
simulation), may concern one version of the paper, and returns a ``Finding``: a verdict, a
one-line summary, the tolerance it was judged by, and data that reproduces it.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from .papers import Paper


class Verdict(str, Enum):
    PROVED = "proved"  # symbolic and exact
    CONFIRMED = "confirmed"  # numerical or statistical agreement within a stated tolerance
    REFUTED = "refuted"  # a counterexample or a mismatch beyond tolerance, with data
    INCONCLUSIVE = "inconclusive"  # the check cannot decide; the summary says why


class Kind(str, Enum):
    SYMBOLIC = "symbolic"
    HIGH_PRECISION = "high_precision"
    SIMULATION = "simulation"


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    summary: str
    tolerance: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on: mode, precision, and its own seed sequence."""

    quick: bool
    dps: int
    seed: np.random.SeedSequence

    def rng(self) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.seed))


@dataclass(frozen=True)
class Check:
    kind: Kind
    title: str
    run: Callable[[CheckContext], Finding]
    version: str | None = None  # the paper key whose printed statement this check tests


@dataclass(frozen=True)
class Evidence:
    kind: Kind
    title: str
    version: str | None
    finding: Finding
    seconds: float

    @property
    def verdict(self) -> Verdict:
        return self.finding.verdict


@dataclass(frozen=True)
class Claim:
    id: str
    papers: tuple[Paper, ...]
    where: str
    statement: str  # LaTeX, as printed
    summary: str  # one line, plain text
    checks: tuple[Check, ...]
    corrects: str | None = None  # for '<id>-corrected' claims: the id of the printed claim

    def run(self, quick: bool, seed: int, dps: int, progress: Callable[[str], None] | None = None) -> "ClaimResult":
        evidence = []
        for index, check in enumerate(self.checks):
            if progress:
                progress(f"{self.id}: {check.title}")
            context = CheckContext(quick, dps, check_seed(seed, self.id, index))
            start = time.perf_counter()
            finding = check.run(context)
            evidence.append(Evidence(check.kind, check.title, check.version, finding, time.perf_counter() - start))
        return ClaimResult(self, tuple(evidence))


def check_seed(seed: int, claim_id: str, index: int) -> np.random.SeedSequence:
    """A check's seed depends on the run seed, the claim id and the check's position only,
    so running a subset of claims reproduces the same numbers bit for bit."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(zlib.crc32(claim_id.encode()), index))


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    evidence: tuple[Evidence, ...]

    @property
    def verdict(self) -> Verdict:
        return combine(e.verdict for e in self.evidence)


def combine(verdicts) -> Verdict:
    """A claim's verdict: refuted if any check refutes it; else proved if an exact symbolic check
    proves it; else confirmed if any check confirms it; else inconclusive."""
    verdicts = set(verdicts)
    for verdict in (Verdict.REFUTED, Verdict.PROVED, Verdict.CONFIRMED):
        if verdict in verdicts:
            return verdict
    return Verdict.INCONCLUSIVE


def symbolic(title: str, version: str | None = None):
    return lambda run: Check(Kind.SYMBOLIC, title, run, version)


def high_precision(title: str, version: str | None = None):
    return lambda run: Check(Kind.HIGH_PRECISION, title, run, version)


def simulation(title: str, version: str | None = None):
    return lambda run: Check(Kind.SIMULATION, title, run, version)
