"""Kleinberg, Li & Yuan (ICML 2018) §3 Theorem 3 (proof in App. C, not in the extracted text).

If ⟨-∇f(x), x* - x⟩ ≤ c'‖x* - x‖² for all x and η > 2c'‖x_t - x*‖²/‖∇f(x_t)‖², then
‖x_{t+1} - x*‖² ≥ ‖x_t - x*‖² for GD x_{t+1} = x_t - η∇f(x_t): a too-large step moves away from x*.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from numerics import smoothed_sgd
from numerics.precision import evaluate, working_precision
from theory import kleinberg
from theory.kleinberg import c2, eta

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    scale,
    simulation,
    symbolic,
)
from ...display import tex
from ...papers import KLEINBERG
from ...symbolic import is_zero

U2, G2 = sp.symbols("U2 G2", positive=True)  # ‖x_t - x*‖², ‖∇f(x_t)‖²

# --- the printed formula ----------------------------------------------------------------------
PRINTED_THM3_THRESHOLD = 2 * c2 * U2 / G2

# --- the experiment: f itself one-point strongly convex, with spikes ---------------------------
THM3_A, THM3_K = sp.Integer(3), sp.Integer(10)
THM3_LOSS = kleinberg.spiky_loss(THM3_A, THM3_K, 0)
ABOVE = 1 + mpmath.mpf(10) ** -12  # η this factor above the threshold
SIM_MARGIN = 1.01  # the simulation's η: this factor above sup_x of the threshold
SIM_HALF_WIDTH, SIM_STEPS = 3.0, 50
# --- Fig. 4 in two dimensions: f(x_1) + f(x_2), the same spiky f in each coordinate ------------
X1, X2 = sp.symbols("x_1 x_2", real=True)
THM3_LOSS_2D = THM3_LOSS.subs(kleinberg.x, X1) + THM3_LOSS.subs(kleinberg.x, X2)
FIG4_POINT = (sp.Rational(1, 5), sp.Rational(1, 20))  # the figure's x_t (x* = 0): its gradient is not radial
GRID_2D_HALF_WIDTH = sp.Rational(3, 2)


def ratio_bounds(dps: int):
    """f'(x)/x = 1 + A sin(kx)/(kx) (derived): c' = sup = 1 + A (x → 0), and inf = 1 + A sinc(z0) > 0."""
    ratio = sp.diff(THM3_LOSS, kleinberg.x) / kleinberg.x
    if not is_zero(ratio - (1 + THM3_A * sp.sin(THM3_K * kleinberg.x) / (THM3_K * kleinberg.x))):
        raise AssertionError(f"unexpected ratio {ratio}")
    with working_precision(dps):
        amplitude = evaluate(THM3_A, dps)
        return 1 + amplitude, 1 + amplitude * smoothed_sgd.sinc_infimum(None, dps)


def threshold_at(upper, u2, g2):
    """The printed threshold at c' = upper, ‖x_t - x*‖² = u2, ‖∇f‖² = g2 (mpmath)."""
    return sp.lambdify((c2, U2, G2), PRINTED_THM3_THRESHOLD, "mpmath")(upper, u2, g2)


def experiment(lr: float, runs: int, seed) -> dict:
    """GD at step ``lr`` from x_0 ~ U[-3, 3]: runs whose distance grows at every step, runs that diverge."""
    result = smoothed_sgd.gd_distance_runs(THM3_LOSS, lr, SIM_HALF_WIDTH, runs, SIM_STEPS, seed)
    return {"lr": lr, "runs": runs, "moved_away_every_step": int(np.count_nonzero(result.smallest_change > 0)),
            "diverged": int(np.count_nonzero(result.escaped_at >= 0)), "latest_divergence_step": int(result.escaped_at.max())}


def _gradient_2d():
    return sp.lambdify((X1, X2), [sp.diff(THM3_LOSS_2D, v) for v in (X1, X2)], "mpmath")


def figure4(point=FIG4_POINT, dps: int = 30) -> dict:
    """Fig. 4 on f(x_1) + f(x_2) (x* = 0, one-point convex with the 1-D c' = 1 + A, since
    ⟨∇f(x), x⟩ = Σ x_i f'(x_i) and f'(x_i)/x_i ≤ c'): at x_t = ``point``, the gradient, the printed
    threshold η* = 2c'‖x_t‖²/‖∇f‖², the step η₀ = 2⟨x_t, ∇f⟩/‖∇f‖² beyond which x_{t+1} lies outside
    the ball ‖x - x*‖ ≤ ‖x_t - x*‖, and x_{t+1} at η*. Floats, for the book's figure."""
    upper, _ = ratio_bounds(dps)
    with working_precision(dps):
        here = [evaluate(v, dps) for v in point]
        gradient = _gradient_2d()(*here)
        u2, g2 = sum(v**2 for v in here), sum(g**2 for g in gradient)
        printed = threshold_at(upper, u2, g2)
        crossing = 2 * sum(v * g for v, g in zip(here, gradient)) / g2
        following = [v - printed * g for v, g in zip(here, gradient)]
        values = {"point": here, "gradient": gradient, "c_prime": upper, "printed_threshold": printed,
                  "crossing": crossing, "next_at_printed": following, "radius": mpmath.sqrt(u2),
                  "next_distance": mpmath.sqrt(sum(v**2 for v in following))}
    return {k: [float(v) for v in value] if isinstance(value, list) else float(value) for k, value in values.items()}


def landscape_2d(half_width: float, points: int) -> dict:
    """f(x_1) + f(x_2) on a ``points`` × ``points`` grid of [-half_width, half_width]² (the figure's contours)."""
    axis = np.linspace(-half_width, half_width, points)
    first, second = np.meshgrid(axis, axis)
    return {"x1": first, "x2": second, "loss": sp.lambdify((X1, X2), THM3_LOSS_2D, "numpy")(first, second)}


@symbolic("‖x_t - η∇f - x*‖² - ‖x_t - x*‖² ≥ η(η‖∇f‖² - 2c'‖x_t - x*‖²) > 0 for η > 2c'‖x_t - x*‖²/‖∇f‖²",
          falsifiers=(scale("PRINTED_THM3_THRESHOLD", sp.Rational(1, 2)),))
def threshold(ctx):
    change = kleinberg.gd_distance_change()
    u, g = sp.symbols("u1:4", real=True), sp.symbols("g1:4", real=True)
    identity = is_zero(change - (-2 * eta * sum(a * b_ for a, b_ in zip(u, g)) + eta**2 * sum(e**2 for e in g)))
    derived = kleinberg.escape_threshold()
    # sharpness: f = (c'/2)‖x - x*‖², for which ⟨∇f, u⟩ = c'‖u‖² and the threshold is 2/c'
    on_quadratic = sp.simplify(change.subs({gi: c2 * ui for gi, ui in zip(g, u)}))
    sharp = is_zero(on_quadratic.subs(eta, 2 / c2))
    same = is_zero(derived - PRINTED_THM3_THRESHOLD)
    return Finding(
        Verdict.PROVED if identity and same and sharp else Verdict.REFUTED,
        f"the change is -2η⟨u, ∇f⟩ + η²‖∇f‖² ≥ η(η‖∇f‖² - 2c'‖u‖²), which vanishes at η = {tex(derived)} (printed "
        f"{tex(PRINTED_THM3_THRESHOLD)}); on f = c'‖x - x*‖²/2 the change is {tex(sp.factor(on_quadratic))}, "
        f"{'zero' if sharp else 'not zero'} at η = 2/c' (the threshold is sharp)",
        "exact (SymPy)", {"quadratic_change": sp.factor(on_quadratic)}, observed=derived, expected=PRINTED_THM3_THRESHOLD,
    )


@high_precision("one-point-convex spiky f: η just above the printed threshold moves x_t away from x*, at every grid point",
                falsifiers=(scale("PRINTED_THM3_THRESHOLD", sp.Rational(1, 2)),))
def threshold_on_grid(ctx):
    upper, lower = ratio_bounds(ctx.dps)
    gradient = sp.lambdify(kleinberg.x, sp.diff(THM3_LOSS, kleinberg.x), "mpmath")
    grid = [mpmath.mpf(i) / 40 for i in range(-120, 121) if i != 0][:: 4 if ctx.quick else 1]
    with working_precision(ctx.dps):
        worst_ratio, worst_change = mpmath.inf, mpmath.inf
        for point in grid:
            slope = gradient(point)
            worst_ratio = min(worst_ratio, upper - slope / point)
            lr = threshold_at(upper, point**2, slope**2) * ABOVE
            worst_change = min(worst_change, ((point - lr * slope) ** 2 - point**2) / point**2)
    ok = worst_ratio >= 0 and worst_change > 0 and lower > 0
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"f = {tex(THM3_LOSS)} has {mpmath.nstr(lower, 6)} ≤ f'(x)/x ≤ c' = {mpmath.nstr(upper, 6)}; at "
        f"{len(grid)} points of [{grid[0]}, {grid[-1]}], η = (1 + 1e-12) × the printed threshold changes x² by at least "
        f"{mpmath.nstr(worst_change, 4)} (relative)",
        f"exact signs at {ctx.dps} digits",
        {"c_prime": upper, "one_point_c": lower, "smallest_c_prime_minus_ratio": worst_ratio, "points": len(grid)},
        observed={"smallest relative increase of x²": worst_change}, expected={"smallest relative increase of x²": "> 0"},
    )


@high_precision("Fig. 4 in two dimensions, f(x_1) + f(x_2) (gradient not radial): η just above the printed threshold "
                "moves x_t away from x*, at every grid point",
                falsifiers=(scale("PRINTED_THM3_THRESHOLD", sp.Rational(1, 2)),))
def threshold_in_the_plane(ctx):
    upper, _ = ratio_bounds(ctx.dps)
    gradient = _gradient_2d()
    printed = sp.lambdify((c2, U2, G2), PRINTED_THM3_THRESHOLD, "mpmath")
    spacing = sp.Rational(1, 10) if ctx.quick else sp.Rational(1, 20)
    count = int(GRID_2D_HALF_WIDTH / spacing)
    with working_precision(ctx.dps):
        step = evaluate(spacing, ctx.dps)
        axis = [i * step for i in range(-count, count + 1)]
        worst_ratio, worst_change, worst_angle, points = mpmath.inf, mpmath.inf, mpmath.mpf(1), 0
        for first in axis:
            for second in axis:
                if first == 0 and second == 0:
                    continue
                g = gradient(first, second)
                u2, g2 = first**2 + second**2, g[0] ** 2 + g[1] ** 2
                inner = first * g[0] + second * g[1]
                worst_ratio = min(worst_ratio, upper - inner / u2)
                worst_angle = min(worst_angle, inner / mpmath.sqrt(u2 * g2))
                lr = printed(upper, u2, g2) * ABOVE
                worst_change = min(worst_change, ((first - lr * g[0]) ** 2 + (second - lr * g[1]) ** 2 - u2) / u2)
                points += 1
    ok = worst_ratio >= 0 and worst_change > 0
    angle = float(mpmath.degrees(mpmath.acos(worst_angle)))
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"on $f(x_1) + f(x_2)$, $f(x) = {sp.latex(THM3_LOSS)}$: $\\langle \\nabla f(x), x \\rangle \\le c' \\|x\\|^2$ with "
        f"$c' = {mpmath.nstr(upper, 6)}$ at all {points} points of a grid of spacing {tex(spacing)} on "
        f"$[-{sp.latex(GRID_2D_HALF_WIDTH)}, {sp.latex(GRID_2D_HALF_WIDTH)}]^2$ (the gradient up to {angle:.1f}° off the "
        f"direction of $x - x^*$); $\\eta = (1 + 10^{{-12}})$ × the printed threshold changes "
        f"$\\|x - x^*\\|^2$ by at least {mpmath.nstr(worst_change, 4)} (relative)",
        f"exact signs at {ctx.dps} digits",
        {"c_prime": upper, "smallest_c_prime_minus_ratio": worst_ratio, "largest angle (degrees)": angle, "points": points},
        observed={"smallest relative increase of ‖x - x*‖²": worst_change},
        expected={"smallest relative increase of ‖x - x*‖²": "> 0"},
    )


@simulation("GD with η above sup_x 2c'x²/f'(x)² moves away at every step and diverges, from every start",
            falsifiers=(scale("PRINTED_THM3_THRESHOLD", sp.Rational(1, 200)),))
def divergence(ctx):
    upper, lower = ratio_bounds(30)
    lr = float(threshold_at(upper, 1, lower**2)) * SIM_MARGIN  # sup over x of 2c'x²/f'(x)² = 2c'/inf (f'/x)²
    data = experiment(lr, 500 if ctx.quick else 5000, ctx.seed)
    runs = data["runs"]
    ok = data["moved_away_every_step"] == runs and data["diverged"] == runs
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"η = {SIM_MARGIN} × sup of the printed threshold = {lr:.6g}: {data['moved_away_every_step']}/{runs} runs from "
        f"U[-{SIM_HALF_WIDTH:g}, {SIM_HALF_WIDTH:g}] increase ‖x_t - x*‖² at every step and {data['diverged']}/{runs} leave |x| ≤ 1e8 within {SIM_STEPS} steps",
        "every run and every step (deterministic GD)", data,
        observed={"moved away every step": data["moved_away_every_step"], "diverged": data["diverged"]},
        expected={"moved away every step": runs, "diverged": runs},
    )


CLAIMS = (
    Claim(
        id="kleinberg.thm3",
        papers=(KLEINBERG,),
        where="§3 Thm 3 (proof in App. C, not in the extracted text)",
        statement=r"\langle -\nabla f(x), x^*-x\rangle \le c'\|x^*-x\|^2\ \forall x,\ "
        r"\eta > \tfrac{2c'\|x_t-x^*\|^2}{\|\nabla f(x_t)\|^2} \Rightarrow \|x_{t+1}-x^*\|^2 \ge \|x_t-x^*\|^2",
        summary="GD with too large a step moves away from x* even on a one-point convex f",
        checks=(threshold, threshold_on_grid, threshold_in_the_plane, divergence),
    ),
)
