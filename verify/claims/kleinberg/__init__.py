"""Kleinberg, Li & Yuan (2018): one module per claim."""

from .. import collect

MODULES = ("thm1", "cor2", "thm3", "fig3", "one_point", "branches", "restarts")

CLAIMS = collect(__name__, MODULES)
