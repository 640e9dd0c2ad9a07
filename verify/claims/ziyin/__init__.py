"""Ziyin, Li & Ueda (2021) and Ziyin, Li, Simon & Ueda (2022): one module per claim."""

from .. import collect

MODULES = ("two_point", "landscapes", "optimizers", "continuous",)

CLAIMS = collect(__name__, MODULES)
