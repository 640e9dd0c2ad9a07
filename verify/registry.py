"""The claim registry: every paper package in ``verify.claims`` contributes its ``CLAIMS`` tuple."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from theory.errors import ParameterError

from . import claims as claims_package
from .claim import Claim


@cache
def all_claims() -> tuple[Claim, ...]:
    found: list[Claim] = []
    for module in sorted(pkgutil.iter_modules(claims_package.__path__), key=lambda m: m.name):
        found.extend(importlib.import_module(f"{claims_package.__name__}.{module.name}").CLAIMS)
    ids = [claim.id for claim in found]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate claim ids: {sorted(duplicates)}")
    return tuple(found)


def select(ids: tuple[str, ...] | list[str]) -> tuple[Claim, ...]:
    """Claims by exact id, in registry order; a family prefix such as ``ziyin`` selects all its claims."""
    registry = all_claims()
    if not ids:
        return registry
    chosen = []
    for wanted in ids:
        matches = [c for c in registry if c.id == wanted] or [c for c in registry if c.id.startswith(wanted + ".")]
        if not matches:
            raise ParameterError("ids", f"no claim {wanted!r} (see `sgdverify claims`)")
        chosen.extend(m for m in matches if m not in chosen)
    return tuple(c for c in registry if c in chosen)
