"""Ziyin et al.'s printed formulas that more than one claim module compares with (typed only here)."""

import sympy as sp

from theory.ziyin import a

#: the trap interval, 2021 eq. (8) / 2022 eq. (5) (and its AMSGrad analogue (109) / (100))
PRINTED_LOWER = a / (a - 1)
PRINTED_UPPER = (a - sp.sqrt(a**2 - 8 * a + 8)) / (2 * (a - 1))
