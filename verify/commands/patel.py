"""`derive patel.thm3_8` and `derive patel.thm3_12`: Patel's step-size bounds, as printed, and the
exact one-step thresholds for your own stochastic quadratic (Q_i, r_i, p_i) read from an .npz file.

The file holds arrays Q (m × p × p), r (m × p) and probs (m). Floats are read as the decimal they
print as (their shortest round-trip repr: 0.1 is 1/10), so exact symmetry, positive
semidefiniteness and r_i ∈ col(Q_i) are checked on the numbers you meant; Q may be asymmetric by
at most 1e-12 (relative; it is then symmetrised) and the probabilities must sum to 1 within 1e-12
(they are then divided by their exact sum).
"""

from __future__ import annotations

import click
import mpmath
import numpy as np
import sympy as sp

from numerics import patel as npatel
from numerics.precision import check_dps, decimal, working_precision
from theory import patel
from theory.errors import ParameterError
from theory.numbers import parse_exact

from ..claims.patel._printed import (
    printed_thm38_converge,
    printed_thm38_diverge,
    printed_thm312_converge,
    printed_thm312_diverge,
    proof_thm312_converge,
)
from ..derive import Derived
from ..inputs import check_real, read_npz
from ..options import dps_option, emit, json_option

FLOAT_TOLERANCE = 1e-12


def _exact(value: float, parameter: str) -> sp.Expr:
    return parse_exact(repr(float(value)), parameter)


def load_quadratic(path: str) -> patel.StochasticQuadratic:
    """Problem 3.1 from an .npz file (module docstring), validated; bad input raises ParameterError."""
    data = read_npz(path, "q-samples", ("Q", "r", "probs"))
    Q, r, probs = (check_real(data[name], name, ndim) for name, ndim in (("Q", 3), ("r", 2), ("probs", 1)))
    atoms, p = Q.shape[0], Q.shape[1]
    if Q.shape[2] != p or r.shape != (atoms, p) or probs.shape != (atoms,) or 0 in Q.shape:
        raise ParameterError("Q", f"shapes must be Q (m, p, p), r (m, p), probs (m); got {Q.shape}, {r.shape}, {probs.shape}")
    scale = max(1.0, float(np.max(np.abs(Q))))
    if np.max(np.abs(Q - Q.transpose(0, 2, 1))) > FLOAT_TOLERANCE * scale:
        raise ParameterError("Q", "a matrix Q_i is not symmetric")
    if np.any(probs <= 0):
        raise ParameterError("probs", "probabilities must be positive")
    if abs(float(np.sum(probs)) - 1.0) > FLOAT_TOLERANCE:
        raise ParameterError("probs", f"probabilities sum to {float(np.sum(probs))!r}, not 1 within {FLOAT_TOLERANCE}")
    exact_Q = [sp.ImmutableMatrix(p, p, lambda a, b, i=i: (_exact(Q[i, a, b], "Q") + _exact(Q[i, b, a], "Q")) / 2)
               for i in range(atoms)]
    exact_r = [sp.ImmutableMatrix([_exact(v, "r") for v in row]) for row in r]
    weights = [_exact(v, "probs") for v in probs]
    total = sum(weights)
    return patel.StochasticQuadratic(tuple(exact_Q), tuple(exact_r), tuple(w / total for w in weights))


def parse_batch(text: str) -> sp.Expr:
    """k: a positive integer, or 'inf' for gradient descent."""
    if text.strip().lower() in ("inf", "oo", "infinity"):
        return sp.oo
    value = parse_exact(text, "k")
    if not (value.is_Integer and value >= 1):
        raise ParameterError("k", f"batch size must be an integer ≥ 1 or 'inf', got {text!r}")
    return value


def _mp(batch: sp.Expr):
    return mpmath.inf if batch == sp.oo else mpmath.mpf(int(batch))


def _common(problem: patel.StochasticQuadratic, batch: sp.Expr, dps: int):
    numbers = npatel.quadratic_numbers(problem, batch, dps)
    values = {
        "eigenvalues": [decimal(v, dps) for v in numbers.eigenvalues],
        "t_Q": decimal(numbers.t_Q, dps),
        "s_Q": decimal(numbers.s_Q, dps),
        "homogeneous": numbers.homogeneous,
    }
    exact = {"exact_converge_threshold": decimal(numbers.exact_converge, dps),
             "exact_diverge_threshold": decimal(numbers.exact_diverge, dps)}
    return numbers, values, exact


def thm38(path: str, k_text: str, dps: int) -> Derived:
    """Eqs. (18)-(20) as printed and the exact one-step thresholds."""
    check_dps(dps)
    batch = parse_batch(k_text)
    problem = load_quadratic(path)
    numbers, values, exact = _common(problem, batch, dps)
    with working_precision(dps):
        values["converge_bound"] = decimal(printed_thm38_converge(numbers.eigenvalues, numbers.t_Q, _mp(batch)), dps)
        values["diverge_bound"] = decimal(printed_thm38_diverge(numbers.eigenvalues, numbers.s_Q, _mp(batch)), dps)
    values.update(exact)
    notes = ["exact thresholds: the one-step change E[e_(N+1)|θ_N] - e_N is negative (positive) definite on range(E[Q]) "
             "below (above) them"]
    if not numbers.homogeneous:
        notes.append("the minimizer is inhomogeneous: Thm 3.8 assumes a homogeneous one (see patel.thm3_12); the exact "
                     "thresholds are those of the part quadratic in θ_N - θ*")
    return Derived("claim", "patel.thm3_8", {"q-samples": path, "k": "inf" if batch == sp.oo else str(batch)}, dps, values, notes)


def thm312(path: str, k_text: str, gamma_text: str | None, dps: int) -> Derived:
    """Eq. (34) as printed, the proof's eq. (39), eqs. (35)-(36) with γ, and the exact thresholds."""
    check_dps(dps)
    batch = parse_batch(k_text)
    problem = load_quadratic(path)
    numbers, values, exact = _common(problem, batch, dps)
    notes = ["converge_bound is eq. (34) as printed (numerator 2λ_j²); converge_bound_eq39 is the proof's (39) (2λ_j)"]
    params = {"q-samples": path, "k": "inf" if batch == sp.oo else str(batch)}
    with working_precision(dps):
        values["converge_bound"] = decimal(printed_thm312_converge(numbers.eigenvalues, numbers.t_Q, _mp(batch)), dps)
        values["converge_bound_eq39"] = decimal(proof_thm312_converge(numbers.eigenvalues, numbers.t_Q, _mp(batch)), dps)
        gamma_value = _gamma(problem, batch, gamma_text, numbers, dps)
        if gamma_value is None:
            values["diverge_bound"] = "none"
            notes.append("no admissible γ: 4γ² ∈ (0, s_Q/k] is empty (s_Q = 0 or k = ∞)")
        else:
            values["gamma"] = decimal(gamma_value, dps)
            values["diverge_bound"] = decimal(printed_thm312_diverge(numbers.eigenvalues, numbers.s_Q, _mp(batch), gamma_value), dps)
    if gamma_text is not None:
        params["gamma"] = gamma_text
    values.update(exact)
    if numbers.homogeneous:
        notes.append("the minimizer is homogeneous: Thm 3.12 assumes an inhomogeneous one (see patel.thm3_8)")
    return Derived("claim", "patel.thm3_12", params, dps, values, notes)


def _gamma(problem, batch, gamma_text, numbers, dps):
    """γ with 4γ² ∈ (0, s_Q/k]; by default the largest, √(s_Q/k)/2."""
    empty = batch == sp.oo or problem.s_Q == 0
    if gamma_text is None:
        return None if empty else mpmath.sqrt(numbers.s_Q / _mp(batch)) / 2
    value = parse_exact(gamma_text, "gamma")
    if empty:
        raise ParameterError("gamma", "no γ is admissible: 4γ² ∈ (0, s_Q/k] is empty (s_Q = 0 or k = ∞)")
    if not value.is_positive or bool(4 * value**2 * batch > problem.s_Q):
        raise ParameterError("gamma", f"need 0 < 4γ² ≤ s_Q/k = {decimal(numbers.s_Q / _mp(batch), 12)}, got γ = {value}")
    return npatel.to_mp(value, dps)


def register(group: click.Group) -> None:
    samples = click.option("--q-samples", "path", required=True, help=".npz file with arrays Q (m×p×p), r (m×p), probs (m)")
    batch = click.option("--k", "k_text", required=True, help="batch size k ≥ 1, or inf (gradient descent)")

    @group.command("patel.thm3_8")
    @samples
    @batch
    @dps_option
    @json_option
    def derive_thm38(path, k_text, dps, as_json):
        """Thm 3.8 bounds (18)-(20) and the exact one-step thresholds."""
        emit(thm38(path, k_text, dps), as_json)

    @group.command("patel.thm3_12")
    @samples
    @batch
    @click.option("--gamma", "gamma_text", help="γ with 0 < 4γ² ≤ s_Q/k (default: the largest)")
    @dps_option
    @json_option
    def derive_thm312(path, k_text, gamma_text, dps, as_json):
        """Thm 3.12 bounds (34)-(36), the proof's (39), and the exact one-step thresholds."""
        emit(thm312(path, k_text, gamma_text, dps), as_json)
