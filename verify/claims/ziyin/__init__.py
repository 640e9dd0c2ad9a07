"""Ziyin, Li & Ueda (2021) and Ziyin, Li, Simon & Ueda (2022): one module per claim."""

from .. import collect

MODULES = ("prop1", "lem1", "prop2", "cor1", "prop3", "prop4", "quartic", "prop5", "toynn", "appc", "prop6", "prop9",)

CLAIMS = collect(__name__, MODULES)
