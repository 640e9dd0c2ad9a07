"""Claims, their checks, and the evidence and verdicts the checks produce.

A claim is one small object: its citation, its statement as printed (LaTeX), and the checks
that produce evidence. Each check is one kind of evidence (symbolic, high precision,
simulation), may concern one version of the paper, and returns a ``Finding``: a verdict, what it
observed and what the claim predicts, a one-line summary written from those values, the
tolerance it was judged by, and data that reproduces it.

A check is evidence only if it could have said no: it declares **falsifiers**, mutations of what
it tests (a printed constant scaled, an inequality reversed, a model parameter moved) under each
of which it must return another verdict (``tests/test_falsifiers.py`` runs them all). A check
with no falsifier is a *consistency check*: reported, never counted in the claim's verdict.

A check is about the claim's *statement* or about a step of its *proof*. The claim's verdict
comes from its counted statement checks only; a proof check that fails is a *proof gap*, listed
apart (a wrong step in the proof of a true theorem does not refute the theorem).
"""

from __future__ import annotations

import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class About(str, Enum):
    STATEMENT = "statement"  # the check tests what the claim says
    PROOF = "proof"  # the check tests one step of the paper's proof


@dataclass(frozen=True)
class Finding:
    """What a check found: ``observed`` (computed from the model or the runs) beside ``expected``
    (what the printed claim predicts), the verdict that comparison gives, and a summary written
    from those values."""

    verdict: Verdict
    summary: str
    tolerance: str
    data: dict[str, Any] = field(default_factory=dict)
    observed: Any = None
    expected: Any = None


@dataclass(frozen=True)
class Falsifier:
    """A mutation of what a check tests, under which the check must give another verdict.

    ``patches`` maps names in the check's module (its printed transcriptions, its experiment's
    parameters) to functions of their current value; the check runs with those names rebound.
    """

    description: str
    patches: tuple[tuple[str, Callable[[Any], Any]], ...]

    @contextmanager
    def applied(self, module) -> Iterator[None]:
        saved = {}
        try:
            for name, mutate in self.patches:
                if not hasattr(module, name):
                    raise AttributeError(f"falsifier {self.description!r}: {module.__name__} has no {name!r}")
                saved[name] = getattr(module, name)
                setattr(module, name, mutate(saved[name]))
            yield
        finally:
            for name, value in saved.items():
                setattr(module, name, value)


def mutate(name: str, function: Callable[[Any], Any], description: str) -> Falsifier:
    """Rebind ``name`` to ``function(old value)``."""
    return Falsifier(description, ((name, function),))


def scale(name: str, factor) -> Falsifier:
    """``name`` multiplied by ``factor`` (a printed constant or formula scaled)."""
    return mutate(name, lambda value: value * factor, f"{name} × {factor}")


def shift(name: str, delta) -> Falsifier:
    """``name`` plus ``delta``."""
    return mutate(name, lambda value: value + delta, f"{name} + {delta}")


def replace(name: str, value, description: str | None = None) -> Falsifier:
    """``name`` replaced by ``value`` (a parameter moved across a threshold, a corrected formula)."""
    return mutate(name, lambda _: value, description or f"{name} = {value}")


def together(description: str, *falsifiers: Falsifier) -> Falsifier:
    """Several mutations applied at once, as one falsifier."""
    return Falsifier(description, tuple(patch for f in falsifiers for patch in f.patches))


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
    falsifiers: tuple[Falsifier, ...] = ()
    about: About = About.STATEMENT

    @property
    def counted(self) -> bool:
        """Evidence for the verdict: only a check that some declared mutation flips."""
        return bool(self.falsifiers)

    def falsified(self, falsifier: Falsifier, context: CheckContext) -> Finding:
        """The check's finding with ``falsifier`` applied to its module."""
        with falsifier.applied(sys.modules[self.run.__module__]):
            return self.run(context)


@dataclass(frozen=True)
class Evidence:
    kind: Kind
    title: str
    version: str | None
    finding: Finding
    seconds: float
    counted: bool = True
    about: About = About.STATEMENT

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
            evidence.append(Evidence(check.kind, check.title, check.version, finding, time.perf_counter() - start,
                                     check.counted, check.about))
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
        """From the counted checks of the statement only (consistency checks and proof steps aside)."""
        return combine(e.verdict for e in self.evidence if e.counted and e.about is About.STATEMENT)

    @property
    def proof_gaps(self) -> tuple[Evidence, ...]:
        """Steps of the paper's proof that a check found wrong."""
        return tuple(e for e in self.evidence if e.about is About.PROOF and e.verdict is Verdict.REFUTED)


def combine(verdicts) -> Verdict:
    """A claim's verdict: refuted if any check refutes it; else proved if an exact symbolic check
    proves it; else confirmed if any check confirms it; else inconclusive (also when no counted
    check tests the statement)."""
    verdicts = set(verdicts)
    for verdict in (Verdict.REFUTED, Verdict.PROVED, Verdict.CONFIRMED):
        if verdict in verdicts:
            return verdict
    return Verdict.INCONCLUSIVE


def _check(kind: Kind):
    def declare(title: str, version: str | None = None, *, falsifiers=(), about: About = About.STATEMENT):
        """Decorator: the function ``run(context) -> Finding`` as a check of this kind."""
        return lambda run: Check(kind, title, run, version, tuple(falsifiers), About(about))

    return declare


symbolic = _check(Kind.SYMBOLIC)
high_precision = _check(Kind.HIGH_PRECISION)
simulation = _check(Kind.SIMULATION)
