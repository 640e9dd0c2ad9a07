"""Kleinberg, Li & Yuan (2018): one module per claim."""

from .. import collect

MODULES = ("thm1", "cor2", "thm3", "fig3")

CLAIMS = collect(__name__, MODULES)
