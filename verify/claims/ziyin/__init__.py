"""Ziyin, Li & Ueda (2021) and Ziyin, Li, Simon & Ueda (2022): one module per claim."""

from .. import collect

MODULES = ("two_point", "prop4", "quartic", "prop5", "toynn", "appc", "prop6", "prop9",)

CLAIMS = collect(__name__, MODULES)
