"""Theorem 1 of Kleinberg et al. on two spiky instances: the instances, the measured constants,
the one-step margins by quadrature and the SGD runs (data only; the checks in ``thm1`` judge)."""

from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp

from numerics import smoothed_sgd
from numerics.precision import evaluate, working_precision
from theory import kleinberg
from theory.kleinberg import L, b, c, eta, lam, r

from ._spiky import SpikyInstance, burn_in, theorem1_formulas, y0_squared

THEOREM1_INSTANCES = (
    SpikyInstance("A=8, k=10, φ=π/2, ηr=π/10, η=1/100 (∇f(x*) ≠ 0, g exactly quadratic)",
                  sp.Integer(8), sp.Integer(10), sp.pi / 2, sp.pi / 10, sp.Rational(1, 100)),
    SpikyInstance("A=8, k=10, φ=0, ηr=4/5, η=1/125 (c from the minimum of sin z/z)",
                  sp.Integer(8), sp.Integer(10), sp.Integer(0), sp.Rational(4, 5), sp.Rational(1, 125)),
)
START = sp.Integer(40)  # x_0 of the Theorem 1 runs


@cache
def measured_constants(quick: bool, dps: int) -> dict:
    """Per instance: c, L, sup|g''| derived and estimated on grids, minima counts of f and g."""
    rows = {}
    points = 4001 if quick else 20001
    for instance in THEOREM1_INSTANCES:
        constants = instance.constants(dps)
        gradient = smoothed_sgd.convolved_gradient(instance.loss, instance.perturbation)
        estimate = smoothed_sgd.one_point_constant(gradient, 60.0, points)
        curvature = smoothed_sgd.convolved_gradient(instance.loss, instance.perturbation, order=2)
        rows[instance.label] = {
            **constants, "c_estimate": estimate.c, "c_estimate_at": estimate.at,
            "L_estimate": smoothed_sgd.smoothness_constant(smoothed_sgd.derivative(instance.loss, 2), 10.0, 20 * points),
            "L_of_g": evaluate(instance.convolved_smoothness, dps),
            "L_of_g_estimate": smoothed_sgd.smoothness_constant(curvature, 10.0, 4 * points),
            "local_minima_f": len(smoothed_sgd.local_minima(smoothed_sgd.derivative(instance.loss), 10.0)),
            "local_minima_g": len(smoothed_sgd.local_minima(gradient, 10.0)),
            "sinc_form": instance.ratio_has_sinc_form(),
            "grad_f_at_x_star": sp.diff(instance.loss, kleinberg.x).subs(kleinberg.x, 0)}
    return rows


@cache
def one_step_margins(lam_formula: sp.Expr, b_formula: sp.Expr, quick: bool, dps: int) -> dict:
    """Smallest ((1-λ)y² + b - E‖y_{t+1}‖²)/b over a grid of y_t = y per instance (mpmath quadrature
    over ω), with λ, b the given formulas in η, c, L, r at the instance."""
    grid = np.linspace(-45, 45, 19 if quick else 61)
    lam_of, b_of = (sp.lambdify((eta, c, L, r), f, "mpmath") for f in (lam_formula, b_formula))
    rows = {}
    for instance in THEOREM1_INSTANCES:
        k = instance.constants(dps)
        with working_precision(dps):
            lam_value, b_value = lam_of(k["eta"], k["c"], k["L"], k["r"]), b_of(k["eta"], k["c"], k["L"], k["r"])
            margins = []
            for value in grid:
                point = mpmath.mpf(float(value))
                second = smoothed_sgd.mp_one_step_second_moment(instance.loss, instance.eta, instance.omega, point, dps)
                margins.append(((1 - lam_value) * point**2 + b_value - second) / b_value)
            worst = min(margins)
        rows[instance.label] = {"smallest_margin_over_b": float(worst), "at_y": float(grid[margins.index(worst)]),
                                "b": float(b_value), "points": len(grid)}
    return rows


def theorem1_runs(instance: SpikyInstance, runs: int, window: int, seed, dps: int) -> dict:
    """SGD from x_0 = START for T1 (derived) + window steps: ‖y_T1 - x*‖² and the window's max of
    ‖y_t - x*‖², both in units of b/λ (derived λ, b), with Step 2's bound on E‖y_T1 - x*‖²."""
    constants = instance.constants(dps)
    steps = burn_in(instance, START, constants, dps)
    result = smoothed_sgd.theorem1_runs(instance.loss, float(instance.eta), instance.omega, float(START), steps,
                                        window, runs, seed)
    unit = float(constants["b"] / constants["lambda"])
    with working_precision(dps):
        d0 = evaluate(y0_squared(instance, START), dps)
        mean_bound = theorem1_formulas()["expected_distance"](constants["lambda"], constants["b"], d0, steps)
    return {"constants": constants, "T1": steps, "T2": window, "runs": runs, "at_T1": result.at_burn_in / unit,
            "window_max": result.window_max / unit, "escaped": int((result.escaped_at >= 0).sum()),
            "mean_bound": float(mean_bound) / unit}


def instance_rows(radius: sp.Expr, dps: int = 30) -> list[dict]:
    """Per instance: its label, c, L, λ, b, ``radius`` (a formula in λ, b), the step-size bound and
    whether η is below it (the book's table of Theorem 1's constants)."""
    rows = []
    for instance in THEOREM1_INSTANCES:
        k = instance.constants(dps)
        with working_precision(dps):
            value = k["b"] / k["lambda"] * evaluate(in_units(radius), dps)
        rows.append({"label": instance.label, **k, "radius": value})
    return rows


def exceeds_on(expr: sp.Expr, bound: sp.Expr, q: sp.Symbol, domain: sp.Set, delta_over_step) -> sp.Set:
    """The q = ηL in ``domain`` at which expr ≤ bound fails for some δ ≥ delta_over_step·ηr. Both are
    α η²r² + β ηrδ (``theory.kleinberg.in_step_units``), linear in δ: it fails iff β > β_bound, or at
    the smallest δ; decided by solveset on the whole domain."""
    (alpha, beta), (m_alpha, m_beta) = kleinberg.in_step_units(expr), kleinberg.in_step_units(bound)
    at_least = (alpha - m_alpha) + delta_over_step * (beta - m_beta)
    return sp.Union(sp.solveset(beta - m_beta > 0, q, domain), sp.solveset(at_least > 0, q, domain))


def in_units(expr: sp.Expr) -> sp.Expr:
    """A radius formula in λ, b (e.g. 20b/λ) in units of b/λ."""
    return sp.simplify(expr * lam / b)
