"""The claims, one package per paper (``verify/claims/<paper>/``), one module per claim and its
``-corrected`` twin. Each package's ``__init__`` lists its modules in the paper's order and
collects their ``CLAIMS``; shared helpers of a paper sit in its package under a ``_`` name."""

from __future__ import annotations

import importlib


def collect(package: str, modules: tuple[str, ...]) -> tuple:
    """The ``CLAIMS`` of ``package``'s ``modules``, in that order."""
    return tuple(claim for name in modules for claim in importlib.import_module(f"{package}.{name}").CLAIMS)
