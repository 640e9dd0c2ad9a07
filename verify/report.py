"""Reports: the JSON other tools (and the book) read, and the terminal table people read.

Numbers in JSON are decimal strings (mpmath and SymPy values at the run's precision, floats by
their shortest round-trip repr); integers stay integers. Files are written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from numerics.precision import decimal

from .claim import ClaimResult


def jsonable(value, dps: int):
    """Convert evidence data to JSON types, numbers as decimal strings; a symbolic expression,
    set or matrix as ``{"latex": …, "text": …}`` (the book typesets the first)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if np.isfinite(value) else ("inf" if value > 0 else "-inf" if value < 0 else "nan")
    if isinstance(value, mpmath.mpf) or (isinstance(value, sp.Expr) and value.is_number and value.is_extended_real):
        return decimal(value, dps)
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return {"latex": sp.latex(value), "text": sp.sstr(value)}
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v, dps) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v, dps) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} into a report")


def result_record(result: ClaimResult, dps: int) -> dict:
    claim = result.claim
    return {
        "id": claim.id,
        "papers": [paper.key for paper in claim.papers],
        "where": claim.where,
        "statement": claim.statement,
        "summary": claim.summary,
        "corrects": claim.corrects,
        "verdict": result.verdict.value,
        "proof_gaps": [e.title for e in result.proof_gaps],
        "checks": [
            {
                "kind": e.kind.value,
                "title": e.title,
                "version": e.version,
                "about": e.about.value,
                "counted": e.counted,
                "verdict": e.verdict.value,
                "summary": e.finding.summary,
                "tolerance": e.finding.tolerance,
                "observed": jsonable(e.finding.observed, dps),
                "expected": jsonable(e.finding.expected, dps),
                "evidence": jsonable(e.finding.data, dps),
                "seconds": f"{e.seconds:.3f}",
            }
            for e in result.evidence
        ],
    }


def report(results: Iterable[ClaimResult | dict], *, seed: int, quick: bool, dps: int) -> dict:
    """The report of ``results``: ClaimResults, or records already made by ``result_record``
    (as the result cache stores them)."""
    from importlib.metadata import version

    return {
        "sgdverify": version("sgdverify"),
        "seed": seed,
        "quick": quick,
        "dps": dps,
        "claims": [r if isinstance(r, dict) else result_record(r, dps) for r in results],
    }


#: fields of a check record that measure the run (wall time) rather than state its result
TIMING_FIELDS = ("seconds",)


def without_timings(payload: dict) -> dict:
    """A report's content: ``payload`` less each check's timing fields, which differ between runs
    of the same checks (a cached claim keeps the times of the run that computed it)."""
    claims = [
        {**claim, "checks": [{k: v for k, v in check.items() if k not in TIMING_FIELDS} for check in claim["checks"]]}
        for claim in payload["claims"]
    ]
    return {**payload, "claims": claims}


def write_json_atomic(path: str | os.PathLike, payload: dict) -> None:
    """Write ``payload`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(payload, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
