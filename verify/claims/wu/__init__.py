"""Wu, Ma & E (2018): one module per claim."""

from .. import collect

MODULES = ("eq2_3", "thm1", "eq9", "toy", "escape_numbers", "table2", "fig5", "fig6", "table3", "fig9")

CLAIMS = collect(__name__, MODULES)
