"""Wu, Ma & E's printed formulas that more than one claim module compares with (typed only here)."""

import sympy as sp

from theory.wu import H_BAR, Q_BAR, B, a, eta, n, s

#: eq. (8): the batch-noise factor of a uniform subset of size B from n samples
PRINTED_BATCH_FACTOR = (n - B) / (B * (n - 1))

#: Def. 3: Σ = (1/n) Σ H_i² - H²
PRINTED_SIGMA = Q_BAR - H_BAR**2

#: eq. (8): the matrix whose largest eigenvalue Theorem 1 bounds by 1
PRINTED_EQ8 = (1 - eta * H_BAR) ** 2 + eta**2 * PRINTED_BATCH_FACTOR * PRINTED_SIGMA

#: eq. (3): E x²_{t+1} = [(1-ηa)² + η²s²] x_t² (B = 1); Theorem 1 quotes it as "the condition of Section 2"
PRINTED_EQ3 = (1 - eta * a) ** 2 + eta**2 * s**2

#: (9): 0 ≤ a ≤ 2/η, 0 ≤ s ≤ (1/η)√(B(n-1)/(n-B)); "when B ≪ n ... roughly √B/η"
PRINTED_EQ9_SHARPNESS = 2 / eta
PRINTED_EQ9_NONUNIFORMITY = sp.sqrt(B * (n - 1) / (n - B)) / eta
PRINTED_EQ9_SMALL_BATCH = sp.sqrt(B) / eta
