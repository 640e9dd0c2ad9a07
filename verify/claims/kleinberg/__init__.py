"""Kleinberg, Li & Yuan (2018): one module per claim."""

from .. import collect

MODULES = ("legacy",)

CLAIMS = collect(__name__, MODULES)
