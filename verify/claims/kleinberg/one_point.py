r"""Kleinberg, Li & Yuan (ICML 2018) §5.1–5.2, Fig. 5: the SGD trajectory and its neighbourhood are
one-point convex with respect to the final solution.

Printed: (5a) "the inner product between the negative gradient and x_300 − x_t for each epoch
t ≥ 5 is always positive. Every data point is the minimum value among 5 trials"; (5b) at 100
random points w in the ball of radius 0.5 around x_t, ⟨−∇f(w), x_300 − x_t⟩ is "always positive";
(5c) "multiplying step size with gradient norm, we know SGD step length is always bounded by 0.5".
Here (``_trajectories``): digits and a small MLP under the printed schedule, x_T the last iterate.
"""

from __future__ import annotations

import numpy as np

from numerics.sweep import task_seed

from ...claim import Claim, Finding, Verdict, replace, scale, simulation
from ...papers import KLEINBERG
from ...stats import proportion_interval
from . import _trajectories as tj

PRINTED_FIRST_EPOCH = 5  # "for each epoch t ≥ 5"
PRINTED_TRIALS = 5  # "the minimum value among 5 trials"
PRINTED_POINTS = 100  # "We take 100 random points inside each neighborhood"
PRINTED_RADIUS = 0.5  # "its neighborhood with radius 0.5"
PRINTED_STEP_BOUND = 0.5  # "SGD step length is always bounded by 0.5"
PRINTED_SIGN = +1  # "always positive"

EPOCHS = {True: 60, False: 200}
BALL_EPOCHS = {True: 12, False: 40}  # epochs (evenly spaced from PRINTED_FIRST_EPOCH) whose balls are sampled
BATCHES_PER_EPOCH = 5  # stochastic gradients sampled at each epoch's start for 5c


def experiment(quick: bool, seed: np.random.SeedSequence) -> dict:
    """The per-epoch minimum over trials of ⟨−∇f(x_t), x_T − x_t⟩ (5a), the ball statistics at
    sampled epochs of the first trial (5b), and step lengths η_t‖∇f_S(x_t)‖ (5c)."""
    trajectories = tj.trials(EPOCHS[quick], PRINTED_TRIALS, seed.entropy, tuple(seed.spawn_key[:1]))
    products = np.array([tj.inner_products(t[:-1], t[-1]) for t in trajectories])  # (trials, epochs)
    rng = np.random.Generator(np.random.PCG64(task_seed(seed, 99)))
    first = trajectories[0]
    epochs = np.unique(np.linspace(PRINTED_FIRST_EPOCH, EPOCHS[quick] - 1, BALL_EPOCHS[quick]).astype(int))
    balls = []
    for epoch in epochs:
        points = tj.ball(first[epoch], PRINTED_RADIUS, PRINTED_POINTS, rng)
        values = -(tj.gradients(points) @ (first[-1] - first[epoch]))
        balls.append({"epoch": int(epoch), "mean": float(values.mean()), "min": float(values.min()),
                      "max": float(values.max()), "positive": int(np.sum(values > 0))})
    rates = tj.schedule(EPOCHS[quick])
    steps = [rates[e] * tj.batch_gradient_norms(first[e], BATCHES_PER_EPOCH, rng) for e in range(EPOCHS[quick])]
    return {"minimum over trials": products.min(axis=0).tolist(), "products": products, "balls": balls,
            "step lengths": [{"epoch": e, "mean": float(s.mean()), "max": float(s.max())} for e, s in enumerate(steps)]}




def _signed(values: np.ndarray) -> np.ndarray:
    return PRINTED_SIGN * np.asarray(values) > 0


@simulation("Fig. 5a: ⟨−∇f(x_t), x_T − x_t⟩ > 0 at every epoch t ≥ 5, the minimum over 5 trials", version="kleinberg",
            falsifiers=(replace("PRINTED_SIGN", -1, "the inner products predicted negative"),))
def trajectory_one_point_convex(ctx):
    found = tj.shared(ctx, experiment)
    minima = np.array(found["minimum over trials"])[PRINTED_FIRST_EPOCH:]
    good = int(np.sum(_signed(minima)))
    interval = proportion_interval(good, len(minima), method="exact")
    return Finding(
        Verdict.CONFIRMED if good == len(minima) else Verdict.REFUTED,
        f"{PRINTED_TRIALS} SGD trials of {EPOCHS[ctx.quick]} epochs (n = {tj.SETUP.samples} digits, d = {tj.SETUP.size}, "
        f"B = {tj.BATCH}, the printed step sizes): the minimum over trials has the printed sign at {good} of "
        f"{len(minima)} epochs t ≥ {PRINTED_FIRST_EPOCH} ({interval.describe()}); smallest minimum {minima.min():.3g}, at "
        f"epoch {PRINTED_FIRST_EPOCH + int(np.argmin(minima))}",
        "every epoch t ≥ 5 (no slack; the Clopper–Pearson interval says what the count allows)",
        {"minimum over trials": [float(v) for v in found["minimum over trials"]]},
        observed={"epochs with the printed sign": good, "epochs": len(minima)},
        expected={"epochs with the printed sign": len(minima)},
    )


@simulation("Fig. 5b: ⟨−∇f(w), x_T − x_t⟩ > 0 at 100 random w in the ball of radius 0.5 around x_t", version="kleinberg",
            falsifiers=(replace("PRINTED_SIGN", -1, "the inner products predicted negative"),))
def neighbourhood_one_point_convex(ctx):
    balls = tj.shared(ctx, experiment)["balls"]
    total = len(balls) * PRINTED_POINTS
    good = sum(b["positive"] for b in balls) if PRINTED_SIGN > 0 else sum(PRINTED_POINTS - b["positive"] for b in balls)
    interval = proportion_interval(good, total, method="exact")
    return Finding(
        Verdict.CONFIRMED if good == total else Verdict.REFUTED,
        f"{len(balls)} epochs of the first trial, {PRINTED_POINTS} points uniform in the ball of radius {PRINTED_RADIUS} "
        f"each: {good} of {total} inner products have the printed sign ({interval.describe()}); the smallest is "
        f"{min(b['min'] for b in balls):.3g}",
        "every sampled point (no slack)",
        {"balls": balls},
        observed={"points with the printed sign": good, "points": total},
        expected={"points with the printed sign": total},
    )


@simulation("Fig. 5c: the SGD step length η‖∇f_S(x_t)‖ is always at most 0.5", version="kleinberg",
            falsifiers=(scale("PRINTED_STEP_BOUND", 0.01),))
def step_length_bounded(ctx):
    steps = tj.shared(ctx, experiment)["step lengths"]
    largest = max(s["max"] for s in steps)
    return Finding(
        Verdict.CONFIRMED if largest <= PRINTED_STEP_BOUND else Verdict.REFUTED,
        f"{BATCHES_PER_EPOCH} stochastic gradients at the start of each of {len(steps)} epochs of the first trial: the "
        f"largest step length η_t‖∇f_S‖ is {largest:.4g} (printed bound {PRINTED_STEP_BOUND:g})",
        "the largest sampled step length must not exceed the printed bound",
        {"step lengths": steps},
        observed={"largest step length": largest}, expected={"largest step length": f"≤ {PRINTED_STEP_BOUND:g}"},
    )


CLAIMS = (
    Claim(
        id="kleinberg.fig5",
        papers=(KLEINBERG,),
        where="§5.1–5.2, Fig. 5",
        statement=r"\langle -\nabla f(x_t), x_T - x_t\rangle > 0 \text{ for } t \ge 5\text{, also at random points of the "
                  r"ball of radius } 0.5 \text{ around } x_t\text{; the SGD step length is at most } 0.5",
        summary="SGD's trajectory and its neighbourhood are one-point convex towards the final solution (digits, small MLP)",
        checks=(trajectory_one_point_convex, neighbourhood_one_point_convex, step_length_bounded),
    ),
)
