"""`derive kleinberg.thm1`: the constants of Kleinberg, Li & Yuan's Theorem 1 for your own L, c, r, η.

λ and b come from the derived Step 1 bound (``theory.kleinberg.contraction``), T1 from the derived
burn-in time, the radius from Markov's inequality at failure 1/10, the step-size conditions from
what the proof needs; inputs are parsed exactly.
"""

from __future__ import annotations

import click
import mpmath
import sympy as sp

from numerics.precision import check_dps, decimal, evaluate
from theory import kleinberg
from theory.errors import ParameterError
from theory.numbers import parse_exact

from ..derive import Derived
from ..options import NUMBER, dps_option, emit, json_option


def _positive(text: str, parameter: str) -> sp.Expr:
    value = parse_exact(text, parameter)
    if not value.is_positive:
        raise ParameterError(parameter, f"must be positive, got {value}")
    return value


def _ceiling(value: sp.Expr) -> int:
    """⌈value⌉ from the value evaluated with all its integer digits and 20 more (SymPy's exact
    ceiling of log(·)/λ with λ ≈ 1e-323 runs for minutes)."""
    rough = evaluate(value, 15)
    digits = 20 + (max(0, int(mpmath.log10(abs(rough)))) if rough else 0)
    return int(mpmath.ceil(evaluate(value, digits)))


def thm1_constants(L_text: str, c_text: str, r_text: str, eta_text: str, dist0_text: str, dps: int) -> Derived:
    """λ = 2ηc - η²L², b = η²r²(1+ηL)², T1 = log(λ‖y0 - x*‖²/b)/λ, 20b/λ and η < min{1/(2L), c/L², 1/(2c)}."""
    check_dps(dps)
    L_value, c_value, r_value, eta_value, dist0 = (
        _positive(text, name) for text, name in ((L_text, "L"), (c_text, "c"), (r_text, "r"), (eta_text, "eta"),
                                                 (dist0_text, "dist0"))
    )
    at = {kleinberg.L: L_value, kleinberg.c: c_value, kleinberg.r: r_value, kleinberg.eta: eta_value}
    constants = kleinberg.contraction()
    lam_value, b_value = sp.simplify(constants.lam.subs(at)), sp.simplify(constants.b.subs(at))
    if not lam_value.is_positive:
        raise ParameterError("eta", f"λ = 2ηc - η²L² = {lam_value} ≤ 0: T1 and 20b/λ are undefined (Theorem 1 needs η < c/L²)")
    at_lam = {kleinberg.lam: lam_value, kleinberg.b: b_value, kleinberg.m0: dist0**2}
    burn_in = kleinberg.burn_in_time().subs(at_lam)
    radius = kleinberg.markov_radius(2 * kleinberg.b / kleinberg.lam, sp.Rational(1, 10)).subs(at_lam)
    holds = all(bool(eta_value < bound.subs(at)) for bound in kleinberg.step_size_bounds())
    values = {
        "lambda": decimal(lam_value, dps),
        "b": decimal(b_value, dps),
        "T1": decimal(burn_in, dps),
        "T1_steps": str(max(0, _ceiling(burn_in))),
        "radius_sq": decimal(radius, dps),
        "conditions_hold": holds,
    }
    params = {"L": str(L_value), "c": str(c_value), "r": str(r_value), "eta": str(eta_value), "dist0": str(dist0)}
    notes = ["dist0 is ‖y0 - x*‖ (not squared); T1 is the real lower bound, T1_steps the least integer ≥ it (≥ 0)"]
    if not holds:
        notes.append("η ≥ min{1/(2L), c/L², 1/(2c)}: Theorem 1 does not apply")
    return Derived("claim", "kleinberg.thm1", params, dps, values, notes)


def register(group: click.Group) -> None:
    @group.command("kleinberg.thm1")
    @click.option("--L", "L_text", required=True, type=NUMBER, help="smoothness constant L > 0 of f")
    @click.option("--c", "c_text", required=True, type=NUMBER, help="one-point strong convexity c > 0 of the convolved f (Assumption 1)")
    @click.option("--r", "r_text", required=True, type=NUMBER, help="noise radius r > 0: ‖ω‖ ≤ r")
    @click.option("--eta", "eta_text", required=True, type=NUMBER, help="step size η > 0")
    @click.option("--dist0", "dist0_text", required=True, type=NUMBER, help="‖y0 - x*‖ > 0 (a distance, not squared)")
    @dps_option
    @json_option
    def derive_kleinberg_thm1(L_text, c_text, r_text, eta_text, dist0_text, dps, as_json):
        """Theorem 1 (Kleinberg et al.): values lambda, b, T1, T1_steps, radius_sq (20b/λ), conditions_hold."""
        emit(thm1_constants(L_text, c_text, r_text, eta_text, dist0_text, dps), as_json)
