"""Kleinberg, Li & Yuan (ICML 2018) §2 and Fig. 3: on a spiky, roughly convex f, GD sticks in spurious
minima, SGD with moderate noise reaches a region around x* = 0, large noise random-walks, and
shrinking the noise in stages gets closer to x*. The f of Fig. 3 is not given: a spiky bowl of
the same shape (``theory.kleinberg.fig3_loss``) is used; x_{t+1} = x_t - η∇f(x_t) - ξ_t, ξ_t ~ U[-s, s].
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import smoothed_sgd
from theory import kleinberg

from ...claim import Claim, Finding, Verdict, high_precision, mutate, simulation
from ...display import tex
from ...papers import KLEINBERG
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval

# --- the experiment ---------------------------------------------------------------------------
FIG3_LOSS_PARAMS = (sp.Integer(3), sp.Integer(40), sp.Integer(3))  # a, k, w of theory.kleinberg.fig3_loss
FIG3_ETA = sp.Rational(1, 100)
FIG3_LEVELS = {"GD": None, "small": sp.Rational(1, 50), "moderate": sp.Rational(1, 4), "large": sp.Integer(2)}
FIG3_STAGES = ((sp.Rational(1, 4), None), (sp.Rational(1, 50), 1.5), (sp.Rational(1, 200), 0.5))  # (s, restart region)
FIG3_START = 5.0  # x_0 ~ U[-5, 5]
FIG3_STEPS = 3000
FIG3_REGION = 1.5  # "reaches [-1.5, 1.5]"
FIG3_RADIUS = 6.0  # the landscape is examined on [-6, 6]
SIM_RUNS = {True: 400, False: 2000}

#: the falsifier of both checks: the "moderate" noise level as small as the small one
SMALL_AS_MODERATE = mutate("FIG3_LEVELS", lambda levels: {**levels, "moderate": levels["small"]},
                           "moderate noise level set to the small one")


def fig3_loss() -> sp.Expr:
    return kleinberg.fig3_loss(*FIG3_LOSS_PARAMS)


def landscape(points: int) -> dict:
    """Local minima on [-6, 6] of f and of g_s = E f(· - ξ) at each noise level and stage, and the
    one-point constant c of g_s on each stage's restart region (256- and 128-node quadrature)."""
    loss = fig3_loss()
    minima = {"f": len(smoothed_sgd.local_minima(smoothed_sgd.derivative(loss), FIG3_RADIUS, points))}
    convexity = {}
    regions = [(FIG3_LEVELS["moderate"], FIG3_RADIUS)] + [(s, region) for s, region in FIG3_STAGES[1:]]
    for s in {v for v in FIG3_LEVELS.values() if v is not None and v < 1} | {s for s, _ in FIG3_STAGES}:
        minima[f"g, s={s}"] = len(smoothed_sgd.local_minima(smoothed_sgd.convolved_gradient(loss, kleinberg.perturbation(s)),
                                                            FIG3_RADIUS, points))
    for s, radius in regions:
        gradient = smoothed_sgd.convolved_gradient(loss, kleinberg.perturbation(s))
        coarse = smoothed_sgd.convolved_gradient(loss, kleinberg.perturbation(s), smoothed_sgd.QUADRATURE_NODES // 2)
        estimate = smoothed_sgd.one_point_constant(gradient, radius, points)
        agreement = abs(estimate.c - float(coarse(np.array([estimate.at]))[0] / estimate.at))
        convexity[f"s={s} on [-{radius:g}, {radius:g}]"] = {"c": estimate.c, "at": estimate.at, "quadrature_agreement": agreement}
    return {"loss": loss, "local_minima": minima, "one_point_constants": convexity}


def gradients(grid: np.ndarray) -> dict:
    """f, f' and g_s' on ``grid`` for the noise levels below 1 (the book's landscape figure)."""
    loss = fig3_loss()
    curves = {"f": sp.lambdify(kleinberg.x, loss, "numpy")(grid), "f'": smoothed_sgd.derivative(loss)(grid)}
    for name, s in FIG3_LEVELS.items():
        if s is not None and s < 1:
            curves[name] = (s, smoothed_sgd.convolved_gradient(loss, kleinberg.perturbation(s))(grid))
    return curves


def experiment(runs: int, seed) -> dict:
    """Final positions x_T: per noise level from U[-5, 5], and per stage of the schedule, each stage
    restarting the previous stage's runs that ended in its restart region; escapes counted."""
    loss = fig3_loss()
    seeds = iter(seed.spawn(len(FIG3_LEVELS) + len(FIG3_STAGES)))

    def finals(s, initial, count):
        law = None if s is None else kleinberg.perturbation(s)
        return smoothed_sgd.perturbed_gd_runs(loss, float(FIG3_ETA), law, initial, count, FIG3_STEPS, next(seeds))

    levels = {name: finals(s, smoothed_sgd.uniform_start(FIG3_START), runs) for name, s in FIG3_LEVELS.items()}
    stages, points = [], None
    for s, region in FIG3_STAGES:
        if points is None:
            result = finals(s, smoothed_sgd.uniform_start(FIG3_START), runs)
        else:
            chosen = points[np.abs(points) <= region]
            result = finals(s, smoothed_sgd.from_points(chosen), len(chosen))
        points = result.state[:, 0]
        stages.append({"s": s, "region": region, "finals": points})
    return {"levels": {name: r.state[:, 0] for name, r in levels.items()}, "stages": stages,
            "escaped": sum(int(np.count_nonzero(r.escaped_at >= 0)) for r in levels.values())}


@high_precision("Row 1: the convolved f loses its spurious minima as the noise grows; restart regions are one-point convex",
                falsifiers=(SMALL_AS_MODERATE,))
def fig3_landscape(ctx):
    data = landscape(6001 if ctx.quick else 24001)
    minima, convexity = data["local_minima"], data["one_point_constants"]
    small, moderate = minima[f"g, s={FIG3_LEVELS['small']}"], minima[f"g, s={FIG3_LEVELS['moderate']}"]
    ok = (minima["f"] > 10 and small > 10 and moderate == 1
          and all(v["c"] > 0 and v["quadrature_agreement"] < 1e-10 for v in convexity.values()))
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"local minima on [-6, 6]: f {minima['f']}, g at small s = {tex(FIG3_LEVELS['small'])} {small}, at moderate s = "
        f"{tex(FIG3_LEVELS['moderate'])} {moderate}; smallest one-point constant of g on the restart regions: "
        + ", ".join(f"{k} {v['c']:.3g}" for k, v in convexity.items()),
        "minimum counts on a grid; c > 0 with 256- and 128-node quadrature agreeing to 1e-10", data,
        observed={"minima of f": minima["f"], "minima of g (small)": small, "minima of g (moderate)": moderate,
                  "smallest c": min(v["c"] for v in convexity.values())},
        expected={"minima of f": "> 10", "minima of g (small)": "> 10", "minima of g (moderate)": 1, "smallest c": "> 0"},
    )


@simulation("Rows 2-3: GD sticks, moderate noise reaches [-1.5, 1.5], large noise random-walks, stages get closer",
            falsifiers=(SMALL_AS_MODERATE,))
def fig3_simulation(ctx):
    runs = SIM_RUNS[ctx.quick]
    data = experiment(runs, ctx.seed)
    finals = data["levels"]
    level = bonferroni(4 + 2 + len(FIG3_STAGES))  # four proportions, two means, the stage means
    gd = finals["GD"]
    inside = {name: int(np.count_nonzero(np.abs(x) <= FIG3_REGION)) for name, x in finals.items()}
    stuck = int(np.count_nonzero((np.abs(gd) > 0.5) & (np.abs(smoothed_sgd.derivative(fig3_loss())(gd)) < 1e-8)))
    intervals = {
        "GD stuck at a spurious minimum": proportion_interval(stuck, runs, level),
        "small noise outside [-1.5, 1.5]": proportion_interval(runs - inside["small"], runs, level),
        "moderate noise inside [-1.5, 1.5]": proportion_interval(inside["moderate"], runs, level),
        "large noise inside [-1.5, 1.5]": proportion_interval(inside["large"], runs, level),
    }
    stage_means = [mean_interval(np.abs(stage["finals"]), level) for stage in data["stages"]]
    moderate_mean, large_mean = (mean_interval(np.abs(finals[name]), level) for name in ("moderate", "large"))
    ok = (intervals["GD stuck at a spurious minimum"].low > 0.5 and intervals["small noise outside [-1.5, 1.5]"].low > 0
          and intervals["moderate noise inside [-1.5, 1.5]"].low > 0.5 and intervals["large noise inside [-1.5, 1.5]"].high < 0.1
          and large_mean.low > 10 * moderate_mean.high and data["escaped"] == 0
          and all(later.high < earlier.low for earlier, later in zip(stage_means, stage_means[1:])))
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{runs} runs × {FIG3_STEPS} steps from U[-{FIG3_START:g}, {FIG3_START:g}], η = {tex(FIG3_ETA)}: GD stuck {stuck}, small noise "
        f"({tex(FIG3_LEVELS['small'])}) outside [-1.5, 1.5] {runs - inside['small']}, moderate ({tex(FIG3_LEVELS['moderate'])}) "
        f"inside {inside['moderate']}, large ({tex(FIG3_LEVELS['large'])}) inside {inside['large']}; mean |x_T| moderate "
        f"{moderate_mean.low:.3g}–{moderate_mean.high:.3g}, large {large_mean.low:.3g}–{large_mean.high:.3g}; stages "
        + " → ".join(tex(stage["s"]) for stage in data["stages"]) + ": mean |x_T| "
        + " → ".join(f"{m.low:.3g}–{m.high:.3g}" for m in stage_means),
        "Wilson intervals (GD stuck > 1/2, small-noise stuck > 0, moderate inside > 1/2, large inside < 0.1), "
        f"large mean > 10 × moderate mean, stage means strictly decreasing (disjoint Student-t intervals); "
        f"joint level {LEVEL} (Bonferroni)",
        {"loss": fig3_loss(), "eta": FIG3_ETA, "steps": FIG3_STEPS, "runs": runs, "noise_levels": dict(FIG3_LEVELS),
         "fractions": {k: v.describe() for k, v in intervals.items()},
         "mean_distance": {"moderate": moderate_mean.describe(), "large": large_mean.describe()},
         "stages": [{"s": stage["s"], "restart_from": "U[-5, 5]" if stage["region"] is None else f"[-{stage['region']}, {stage['region']}]",
                     "runs": len(stage["finals"]), "mean_distance": m.describe()} for stage, m in zip(data["stages"], stage_means)],
         "escaped": data["escaped"]},
        observed={k: (v.low, v.high) for k, v in intervals.items()} | {"stage mean |x_T|": [(m.low, m.high) for m in stage_means]},
        expected={"GD stuck at a spurious minimum": "> 1/2", "small noise outside [-1.5, 1.5]": "> 0",
                  "moderate noise inside [-1.5, 1.5]": "> 1/2", "large noise inside [-1.5, 1.5]": "< 0.1",
                  "stage mean |x_T|": "strictly decreasing"},
    )


CLAIMS = (
    Claim(
        id="kleinberg.fig3",
        papers=(KLEINBERG,),
        where="§2 and Fig. 3 (the f of Fig. 3 is not given: a spiky bowl of the same shape is used)",
        statement=r"\text{spiky } f:\ \text{GD sticks; SGD with moderate noise reaches } [-1.5, 1.5];\ "
        r"\text{large noise is a random walk; shrinking the noise in stages gets closer to } x^* = 0",
        summary="on a spiky, roughly convex f the noise level decides between stuck, local region and random walk",
        checks=(fig3_landscape, fig3_simulation),
    ),
)
