"""Kleinberg, Li & Yuan (ICML 2018): printed formulas that several claim modules use (transcribed
here only; each module imports them, so a falsifier rebinds the module's own name)."""

import sympy as sp

from theory.kleinberg import L, b, c, eta, lam, r

PRINTED_LAMBDA = 2 * eta * c - eta**2 * L**2  # Thm 1
PRINTED_B = eta**2 * r**2 * (1 + eta * L) ** 2  # Thm 1
PRINTED_RADIUS = 20 * b / lam  # Thm 1 and eq. (3)
PRINTED_MARKOV_PROBABILITY = sp.Rational(9, 10)  # Step 2: "(3) holds with probability at least 0.9"
PRINTED_PROBABILITY = sp.Rational(1, 2)  # Thm 1
