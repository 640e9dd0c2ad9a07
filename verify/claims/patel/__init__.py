"""Patel (2018): one module per claim."""

from .. import collect

MODULES = ("thm2_1", "lem3_3", "lem3_6", "thm3_8", "thm3_12", "mech3_14", "qc_sums", "st_sums")

CLAIMS = collect(__name__, MODULES)
