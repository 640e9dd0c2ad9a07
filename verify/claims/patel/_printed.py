"""Patel (arXiv 1709.04718v2): the printed step-size bounds used by several claim modules, as
functions of the eigenvalues λ_1 ≥ … ≥ λ_m, t_Q (or t_f), s_Q (or s_f), k and γ that work on SymPy
or mpmath numbers, and Tables 2-5 with §4's k_max rules. The only place each is typed.

Readings of the text (OCR): eq. (34) prints the numerator 2λ_1² (resp. 2λ_m²) — the superscript is
clear in both cases — where the proof's eq. (39) has 2λ_j; in Thm 3.12, "4γ² ∈ (0, s_Q k]" is read
as 4γ² ∈ (0, s_Q/k], the interval on which the proof's eq. (42) is nonnegative.
"""

from __future__ import annotations

import math


def index_18(eigs, t_value, batch):
    """Eq. (18)'s case rule: λ_1 if k > t_Q/(λ_1λ_m), else λ_m."""
    first, last = eigs[0], eigs[-1]
    return first if batch > t_value / (first * last) else last


def index_34(eigs, t_value, batch):
    """Eq. (34)'s case rule: λ_1 if k + 1 > t_Q/(λ_1λ_m), else λ_m."""
    first, last = eigs[0], eigs[-1]
    return first if batch + 1 > t_value / (first * last) else last


def index_20(eigs, s_value, batch, gamma_value=0):
    """Eq. (20) (γ = 0) and eq. (36): the eigenvalue λ_j selected by k."""
    m = len(eigs)

    def edge(a, b):
        return s_value / (a * b + gamma_value * (a + b))

    if m == 1 or batch <= edge(eigs[0], eigs[1]):
        return eigs[0]
    if batch > edge(eigs[m - 1], eigs[m - 2]):
        return eigs[m - 1]
    for l in range(1, m - 1):  # λ_{l+1} in the paper's 1-based numbering
        if edge(eigs[l], eigs[l - 1]) < batch <= edge(eigs[l + 1], eigs[l]):
            return eigs[l]
    raise AssertionError("eq. (20)/(36): no case applies")


def printed_thm38_converge(eigs, t_value, batch):
    """Eq. (18): 2λ_j/(λ_j² + t_Q/k), j by (18)'s rule."""
    j = index_18(eigs, t_value, batch)
    return 2 * j / (j**2 + t_value / batch)


def printed_thm38_diverge(eigs, s_value, batch):
    """Eqs. (19)-(20): 2λ_j/(λ_j² + s_Q/k) with j from the case rule (20)."""
    j = index_20(eigs, s_value, batch)
    return 2 * j / (j**2 + s_value / batch)


def printed_thm312_converge(eigs, t_value, batch):
    """Eq. (34) as printed: 2λ_j²/((1 + 1/k)λ_j² + t_Q/k), j = 1 if k + 1 > t_Q/(λ_1λ_m), else m."""
    j = index_34(eigs, t_value, batch)
    return 2 * j**2 / ((1 + 1 / batch) * j**2 + t_value / batch)


def proof_thm312_converge(eigs, t_value, batch):
    """Eq. (39) of the proof, with (34)'s case rule: 2λ_j/((1 + 1/k)λ_j² + t_Q/k)."""
    j = index_34(eigs, t_value, batch)
    return 2 * j / ((1 + 1 / batch) * j**2 + t_value / batch)


def printed_thm312_diverge(eigs, s_value, batch, gamma_value):
    """Eqs. (35)-(36): 2(λ_j + γ)/(λ_j² + s_Q/k), 4γ² ∈ (0, s_Q/k]."""
    j = index_20(eigs, s_value, batch, gamma_value)
    return 2 * (j + gamma_value) / (j**2 + s_value / batch)


def printed_mechanism_diverge(eigs, s_f, batch):
    """Eqs. (51)-(52): Thm 3.8's (19)-(20) with s_f for s_Q."""
    return printed_thm38_diverge(eigs, s_f, batch)


# --- the printed tables of §4 and §5 (four significant digits) ------------------------------------------

#: the columns of Tables 2-3: (minimizer, batch size); 'kmax' columns are multiples of k_max, which §4
#: defines as the largest integer smaller than s_f/(λ_{m-1}λ_m) (Table 2) and the integer closest to
#: t_f/(λ_mλ_1) (Table 3)
QC_TABLE_COLUMNS = (("circle", 1), ("circle", "0.99kmax"), ("circle", "2.0kmax"), ("circle", "inf"),
                    ("quadratic", 1), ("quadratic", "inf"))

#: Table 2: estimated divergence bounds l, per model, in the order of QC_TABLE_COLUMNS
TABLE_2 = {
    "Model 1": (3.560e11, 3.583e11, 3.583e11, 3.583e11, 4.977e0, 4.981e0),
    "Model 2": (3.339e11, 3.360e11, 3.360e11, 3.360e11, 9.954e2, 9.961e2),
    "Model 3": (1.266e15, 1.273e15, 1.273e15, 1.273e15, 4.977e0, 4.981e0),
    "Model 4": (1.269e15, 1.277e15, 1.277e15, 1.277e15, 9.954e2, 9.961e2),
}

#: Table 3: estimated convergence bounds u, per model, in the order of QC_TABLE_COLUMNS
TABLE_3 = {
    "Model 1": (8.318e-5, 1.541e11, 2.013e11, 2.874e11, 4.977e0, 4.981e0),
    "Model 2": (8.456e-5, 1.624e11, 2.157e11, 3.180e11, 9.954e2, 9.961e2),
    "Model 3": (5.655e-6, 6.222e14, 8.282e14, 1.226e15, 4.977e0, 4.981e0),
    "Model 4": (5.511e-6, 6.267e14, 8.264e14, 1.201e15, 9.954e2, 9.961e2),
}

#: the rows of Tables 4-5: batch sizes k ('inf': GD)
ST_TABLE_BATCHES = (1, 100, 200, 350, 500, "inf")

#: Table 4: estimated divergence bounds l, per (model, minimizer), in the order of ST_TABLE_BATCHES
TABLE_4 = {
    ("Model 1", "flat"): (9.001e-3, 9.814e-2, 1.033e-1, 1.057e-1, 1.067e-1, 1.091e-1),
    ("Model 1", "sharp"): (7.682e-3, 8.133e-2, 8.546e-2, 8.737e-2, 8.815e-2, 9.004e-2),
    ("Model 2", "flat"): (2.134e-2, 6.831e-1, 8.100e-1, 8.800e-1, 9.116e-1, 9.947e-1),
    ("Model 2", "sharp"): (1.951e-2, 6.117e-1, 7.225e-1, 7.833e-1, 8.106e-1, 8.823e-1),
    ("Model 3", "flat"): (2.598e-2, 1.221e0, 1.590e0, 1.827e0, 1.942e0, 2.279e0),
    ("Model 3", "sharp"): (1.871e-2, 8.561e-1, 1.106e0, 1.264e0, 1.341e0, 1.563e0),
}

#: Table 5: estimated convergence bounds u, per (model, minimizer), in the order of ST_TABLE_BATCHES
TABLE_5 = {
    ("Model 1", "flat"): (2.319e-3, 4.268e-2, 4.632e-2, 4.808e-2, 4.882e-2, 5.064e-2),
    ("Model 1", "sharp"): (2.250e-3, 3.781e-2, 4.087e-2, 4.234e-2, 4.296e-2, 4.447e-2),
    ("Model 2", "flat"): (8.603e-4, 7.925e-2, 1.174e-1, 1.329e-1, 1.403e-1, 1.613e-1),
    ("Model 2", "sharp"): (8.334e-4, 7.621e-2, 1.049e-1, 1.180e-1, 1.243e-1, 1.418e-1),
    ("Model 3", "flat"): (7.587e-4, 7.345e-2, 1.423e-1, 2.379e-1, 2.812e-1, 3.742e-1),
    ("Model 3", "sharp"): (9.089e-4, 8.594e-2, 1.629e-1, 2.303e-1, 2.539e-1, 3.337e-1),
}

#: the rounding of a printed four-significant-digit value, relative
PRINTED_ROUNDING = 5e-4


def kmax_divergence(eigs, s_value):
    """§4: 'for the divergence threshold, k_max is the largest integer smaller than s_f/(λ_{m-1}λ_m)'
    (None when m = 1: no λ_{m-1})."""
    if len(eigs) < 2:
        return None
    edge = s_value / (eigs[-2] * eigs[-1])
    return math.ceil(edge) - 1


def kmax_convergence(eigs, t_value):
    """§4: 'for the upper bounds, k_max is the integer closest to t_f/(λ_mλ_1)'."""
    return round(t_value / (eigs[-1] * eigs[0]))
