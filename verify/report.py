"""Reports: the JSON other tools (and the book) read, and the terminal table people read.

Numbers in JSON are decimal strings (mpmath and SymPy values at the run's precision, floats by
their shortest round-trip repr); integers stay integers. Files are written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from numerics.precision import decimal
from theory.errors import ParameterError

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


#: file systems whose files are not the user's outputs
KERNEL_FILE_SYSTEMS = ("/proc", "/sys", "/dev")


def check_output(path: str | os.PathLike, option: str) -> Path:
    """``path`` as a file this process can create or replace, checked before any work: its nearest
    existing ancestor is a writable directory (missing directories are created when written),
    it is not a directory itself, its name fits the file system, and it is not under /proc, /sys
    or /dev. Anything else is a ParameterError naming ``option``."""
    text = os.fspath(path)
    if not text or text.endswith(os.sep) or Path(text).name in ("", ".", ".."):
        raise ParameterError(option, f"{text!r} names no file")
    target = Path(os.path.abspath(text))
    if any(target == Path(root) or Path(root) in target.parents for root in KERNEL_FILE_SYSTEMS):
        raise ParameterError(option, f"{text!r} is under a kernel file system; choose a regular directory")
    if os.path.isdir(target):
        raise ParameterError(option, f"{text!r} is a directory; give a file name")
    ancestor = target.parent
    while not os.path.exists(ancestor):
        if os.path.islink(ancestor):
            raise ParameterError(option, f"{str(ancestor)!r} is a broken link")
        ancestor = ancestor.parent
    if not os.path.isdir(ancestor):
        raise ParameterError(option, f"{text!r} lies under {str(ancestor)!r}, which is a file, not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ParameterError(option, f"cannot create files in {str(ancestor)!r} (permission denied)")
    try:
        longest = os.pathconf(ancestor, "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    for part in target.relative_to(ancestor).parts:
        if len(os.fsencode(part)) > longest:
            raise ParameterError(option, f"the name {part[:40]!r}… is longer than the file system allows ({longest} bytes)")
    return target


def write_outputs(outputs: Iterable[tuple[str | os.PathLike, str, Callable[[str], None]]]) -> None:
    """Write all of ``outputs`` — (path, option, write(temporary_path)) — or none: each is checked
    (``check_output``), written to a temporary file in its own directory, and only when every one
    is written are they renamed into place. Directories created for them, temporary files and
    (if a rename fails) the outputs already renamed are removed; an OSError becomes a
    ParameterError naming the option."""
    items = [(check_output(path, option), option, write) for path, option, write in outputs]
    created: list[Path] = []
    staged: list[tuple[str, Path, str]] = []
    placed: list[Path] = []
    try:
        for target, option, write in items:
            try:
                _make_parents(target.parent, created)
                handle, temporary = tempfile.mkstemp(prefix=".sgdverify-", suffix=".tmp", dir=target.parent)
                os.close(handle)
                staged.append((temporary, target, option))
                write(temporary)
            except OSError as error:
                raise _write_error(option, target, error) from None
        for temporary, target, option in staged:
            try:
                os.replace(temporary, target)
            except OSError as error:
                raise _write_error(option, target, error) from None
            placed.append(target)
    except BaseException:
        for temporary, _, _ in staged:
            _remove(temporary)
        for target in placed:
            _remove(target)
        for directory in reversed(created):
            try:
                directory.rmdir()
            except OSError:
                pass
        raise


def _make_parents(directory: Path, created: list[Path]) -> None:
    missing = []
    while not os.path.exists(directory):
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _remove(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_error(option: str, target: Path, error: OSError) -> ParameterError:
    return ParameterError(option, f"cannot write {str(target)!r}: {error.strerror or type(error).__name__}")


def json_writer(payload: dict) -> Callable[[str], None]:
    """A writer for ``write_outputs``: ``payload`` as indented UTF-8 JSON and a final newline."""
    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
    return write


def write_json_atomic(path: str | os.PathLike, payload: dict, option: str = "json") -> None:
    """Write ``payload`` to ``path`` through a temporary file and an atomic rename (``write_outputs``)."""
    write_outputs([(path, option, json_writer(payload))])
