"""Patel (arXiv 1709.04718v2): the printed step-size bounds used by several claim modules, as
functions of the eigenvalues λ_1 ≥ … ≥ λ_m, t_Q (or t_f), s_Q (or s_f), k and γ that work on SymPy
or mpmath numbers. The only place each is typed.

Readings of the text (OCR): eq. (34) prints the numerator 2λ_1² (resp. 2λ_m²) — the superscript is
clear in both cases — where the proof's eq. (39) has 2λ_j; in Thm 3.12, "4γ² ∈ (0, s_Q k]" is read
as 4γ² ∈ (0, s_Q/k], the interval on which the proof's eq. (42) is nonnegative.
"""

from __future__ import annotations


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
