r"""Kleinberg, Li & Yuan (ICML 2018) §5.4, Fig. 6: restarting at a smaller step size from later
epochs finds better local minima, farther from the initialisation, and each restart's trajectory
is one-point convex to its own minimum.

Printed: "we first train the network with step size 0.1 for 300 epochs, then we pick different
epochs as the new starting points for finding nearby local minima using smaller learning rates with
additional 150 epochs"; "starting from different epochs, we get local minima with decreasing
validation loss and training loss"; "as we pick later epochs as the starting points, we get local
minima that are farther away from the initialization"; "for every local minimum, the whole
trajectory is always one point convex to that local minimum". Here (``_trajectories``): digits and
a small MLP; the long run at 0.1, restarts at 0.01 for half as many epochs, training loss only
(no validation split). Trends are Kendall's τ over (restart epoch, value) pairs of all trials, with
its p-value (scipy.stats.kendalltau).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from numerics.sweep import Backend, run_sweep, task_seed

from ...claim import Claim, Finding, Verdict, replace, simulation
from ...papers import KLEINBERG
from ...stats import LEVEL, proportion_interval
from . import _trajectories as tj

PRINTED_LONG_RATE, PRINTED_RESTART_RATE = 0.1, 0.01
PRINTED_RESTART_FRACTION = 150 / 300  # restarts run half as many epochs as the long run
PRINTED_LOSS_TREND = -1  # "decreasing ... training loss" as the restart epoch grows
PRINTED_DISTANCE_TREND = +1  # "farther away from the initialization"
PRINTED_SIGN = +1  # "always one point convex"

EPOCHS = {True: 60, False: 200}
RESTARTS = {True: 5, False: 8}
TRIALS = {True: 3, False: 5}


def task(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: (epochs, restarts) → one trial: the long run at 0.1, then from each of ``restarts``
    evenly spaced epochs a run at 0.01; rows [restart epoch, final training loss, distance from the
    initialisation, smallest and count-positive of ⟨−∇f(x_t), x_end − x_t⟩ along the restart]."""
    epochs, restarts = params
    start = tj.initial(seed)
    long_run = tj.train_epochs(start, epochs, [PRINTED_LONG_RATE] * epochs, task_seed(seed, 1))
    length = round(PRINTED_RESTART_FRACTION * epochs)
    rows = []
    for index, epoch in enumerate(np.linspace(epochs / restarts, epochs, restarts).astype(int)):
        path = tj.train_epochs(long_run[epoch], length, [PRINTED_RESTART_RATE] * length, task_seed(task_seed(seed, 2), index))
        products = tj.inner_products(path[:-1], path[-1])
        rows.append([epoch, tj.full_loss(path[-1]), float(np.linalg.norm(path[-1] - start)),
                     float(products.min()), float(np.sum(products > 0)), len(products)])
    return np.array(rows, dtype=float).ravel()


def experiment(quick: bool, seed: np.random.SeedSequence) -> list[dict]:
    """Every restart of every trial, through ``numerics.sweep``."""
    results = run_sweep(task, [(EPOCHS[quick], RESTARTS[quick])] * TRIALS[quick], seed, Backend("inline"))
    rows = []
    for trial, result in enumerate(results):
        for epoch, loss, distance, smallest, positive, count in result.reshape(-1, 6):
            rows.append({"trial": trial, "restart epoch": int(epoch), "training loss": float(loss),
                         "distance from the initialisation": float(distance), "smallest inner product": float(smallest),
                         "positive inner products": int(positive), "inner products": int(count)})
    return rows


def _trend(rows, key: str, printed: int, what: str):
    tau, p = stats.kendalltau([r["restart epoch"] for r in rows], [r[key] for r in rows])
    significant = p < 1 - LEVEL
    verdict = (Verdict.CONFIRMED if significant and np.sign(tau) == printed
               else Verdict.REFUTED if significant else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"{len(rows)} restart minima ({len({r['trial'] for r in rows})} trials; n = {tj.SETUP.samples} "
        f"digits, d = {tj.SETUP.size}): Kendall's τ between the restart epoch and the {what} is {tau:.3f} "
        f"(p = {p:.2g}; the printed trend is {'increasing' if printed > 0 else 'decreasing'})",
        f"τ of the printed sign with p < {1 - LEVEL:.3g}; the opposite sign with p < {1 - LEVEL:.3g} refutes; otherwise "
        "inconclusive",
        {"restarts": rows},
        observed={"Kendall τ": float(tau), "p-value": float(p)},
        expected={"sign of τ": "positive" if printed > 0 else "negative"},
    )


@simulation("Later restart epochs give local minima with lower training loss", version="kleinberg",
            falsifiers=(replace("PRINTED_LOSS_TREND", +1, "the training loss predicted to increase"),))
def loss_decreases(ctx):
    return _trend(tj.shared(ctx, experiment), "training loss", PRINTED_LOSS_TREND, "final training loss")


@simulation("Later restart epochs give local minima farther from the initialisation", version="kleinberg",
            falsifiers=(replace("PRINTED_DISTANCE_TREND", -1, "the distance predicted to decrease"),))
def distance_grows(ctx):
    return _trend(tj.shared(ctx, experiment), "distance from the initialisation", PRINTED_DISTANCE_TREND,
                  "distance of the minimum from the initialisation")


@simulation("Each restart's trajectory is one-point convex to its own minimum", version="kleinberg",
            falsifiers=(replace("PRINTED_SIGN", -1, "the inner products predicted negative"),))
def restart_one_point_convex(ctx):
    rows = tj.shared(ctx, experiment)
    positive, total = sum(r["positive inner products"] for r in rows), sum(r["inner products"] for r in rows)
    good = positive if PRINTED_SIGN > 0 else total - positive
    interval = proportion_interval(good, total, method="exact")
    return Finding(
        Verdict.CONFIRMED if good == total else Verdict.REFUTED,
        f"along {len(rows)} restart trajectories (n = {tj.SETUP.samples} digits, d = {tj.SETUP.size}), {good} of {total} inner products ⟨−∇f(x_t), x_end − x_t⟩ have the "
        f"printed sign ({interval.describe()}); the smallest is {min(r['smallest inner product'] for r in rows):.3g}",
        "every epoch of every restart (no slack)",
        {"restarts": rows},
        observed={"inner products with the printed sign": good, "inner products": total},
        expected={"inner products with the printed sign": total},
    )


CLAIMS = (
    Claim(
        id="kleinberg.fig6",
        papers=(KLEINBERG,),
        where="§5.4, Fig. 6",
        statement=r"\text{restarting at step size } 0.01 \text{ from later epochs gives minima with lower training loss, "
                  r"farther from the initialisation, each reached along a one-point convex trajectory}",
        summary="restarts from later epochs find better minima, farther away (digits, small MLP)",
        checks=(loss_decreases, distance_grows, restart_one_point_convex),
    ),
)
