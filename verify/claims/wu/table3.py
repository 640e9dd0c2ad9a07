r"""Wu, Ma & E (NeurIPS 2018) §4.4, Table 3 and Fig. 8: escape from a GD minimum is predicted by
linear stability.

Printed: two models trained by GD at η = 0.1 (FashionMNIST, and a corrupted copy with 200 extra
random-label examples) start GD at larger rates and SGD at η = 0.1 with B = 1, 4 (and 100):
"sharpnesses ... larger than 19.0 ... not stable for GD with learning rate larger than 2/19.0",
"the upper bound for the non-uniformity for being able to stay at the minima is at most √1/0.1 = 10
and √4/0.1 = 20", "In Figure 8, we see that all the previous predictions are also confirmed", and
"the escape process takes only a few iterations, much less than the number of iterations needed
for the optimizers to converge".

Here: n = 100 digits (clean) and the same with 20 of 120 labels replaced by a wrong one (100 clean
+ 20 random-label samples: the corrupted set scaled 1000 + 200 → 100 + 20), a 64-32-10 tanh MLP
(d = 2,410), MSE. Each start is GD at η = 0.1 from Wu's initialisation until the loss is below 10⁻⁴;
its a = λmax(H) and s = √λmax(Σ) are measured by Lanczos (Table 3 regenerated; no test split, so
no test accuracy). From each start, GD at the rates of ``GD_RATES`` and SGD (batches without
replacement) at ``SGD_SETTINGS`` run ``ESCAPE_STEPS`` steps; a run *escaped* ("a sudden escape to
some flatter area") when its sharpness at the end is below the start's by more than
``ESCAPE_DROP`` (the summaries show the margin: the largest drop of a run that stayed and the
smallest of one that escaped), and its escape took until the peak of its loss burst. The printed
rule predicts escape exactly when a > 2/η or (SGD) s > √B/η.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from jax.flatten_util import ravel_pytree

from numerics import networks
from numerics.networks.experiments import Setup, init_seed
from numerics.sweep import Backend, run_sweep

from ...claim import Claim, Finding, Verdict, scale, simulation
from ...papers import WU
from ...stats import proportion_interval

# --- printed -----------------------------------------------------------------------------------
PRINTED_START_LR = 0.1  # "trained two models using GD with η = 0.1"
PRINTED_GD_FACTOR = 2  # GD: stable only if a ≤ 2/η
PRINTED_SGD_FACTOR = 1  # SGD: stay only if s ≤ √B/η
PRINTED_TABLE3 = {"FashionMNIST": ("sharpness 19.0+", "non-uniformity 45.2"),
                  "corrupted FashionMNIST": ("sharpness 19.0+", "non-uniformity 51.7")}
PRINTED_FEW_ITERATIONS = 0.1  # "only a few iterations, much less than ... to converge": read as ≤ 1/10

# --- experiment --------------------------------------------------------------------------------
DATASETS = {"digits": Setup(samples=100), "digits + 20 random labels": Setup(samples=120, corrupt=20 / 120)}
TARGET = 1e-4  # the start: GD until the training loss is below this
START_STEPS = 1_000_000
GD_RATES = {True: (0.15, 0.2, 0.25, 0.3, 0.5), False: (0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)}
SGD_SETTINGS = {True: ((0.1, 1), (0.1, 4), (0.2, 1), (0.2, 4)), False: ((0.1, 1), (0.1, 4), (0.1, 100), (0.2, 1),
                                                                          (0.2, 4), (0.3, 4), (0.3, 25))}
SGD_SEEDS = {True: 2, False: 5}
ESCAPE_STEPS, EVERY = 3000, 50
ESCAPE_DROP = 0.01  # escaped: a at the end < (1 − this) × a at the start


def start_minimum(setup: Setup, seed: np.random.SeedSequence) -> dict:
    """GD at the printed η from the seed's initialisation until loss < TARGET; a, s where it ended."""
    loss, arrays = setup.per_sample_loss(), setup.dataset().arrays
    run = networks.train(loss, setup.model().init(init_seed(seed)), arrays, PRINTED_START_LR, START_STEPS,
                         target=TARGET, patience=None, every=1000)
    both = networks.sharpness_and_nonuniformity(loss, run.params, arrays, seed=init_seed(seed))
    return {"params": run.params, "loss": run.loss, "steps": run.steps, "stopped": run.stopped,
            "sharpness": both["sharpness"].value, "nonuniformity": both["nonuniformity"].value,
            "errors": (both["sharpness"].error, both["nonuniformity"].error)}


def escape_run(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: (setup, start params, η, B or None) → [largest loss / start loss, the step of the
    largest loss, ‖w_T − w_0‖, a at the end (−1 if diverged), the losses at every checkpoint...]."""
    setup, start, lr, batch = params
    run = networks.train(setup.per_sample_loss(), start, setup.dataset().arrays, lr, ESCAPE_STEPS, batch=batch,
                         seed=seed, patience=None, every=EVERY)
    moved = float(np.linalg.norm(ravel_pytree(run.params)[0] - ravel_pytree(start)[0]))
    end = networks.sharpness(setup.per_sample_loss(), run.params, setup.dataset().arrays).value if not run.diverged else -1.0
    finite = np.where(np.isfinite(run.losses), run.losses, np.inf)
    ratios = finite / finite[0]
    peak = int(run.checkpoints[int(np.argmax(ratios))])
    padded = np.full(ESCAPE_STEPS // EVERY + 1, np.inf)
    padded[: len(finite)] = finite
    return np.concatenate([[float(np.max(ratios)), peak, moved, end], padded])


@cache
def experiment(quick: bool, entropy, spawn_key: tuple) -> dict:
    """The starts (one per data set) and every escape run from them, through ``numerics.sweep``."""
    root = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    starts, grid, labels = {}, [], []
    for index, (name, setup) in enumerate(DATASETS.items()):
        start = start_minimum(setup, np.random.SeedSequence(entropy, spawn_key=(*spawn_key, 1000 + index)))
        starts[name] = start
        frozen = [tuple(np.asarray(part) for part in layer) for layer in start["params"]]
        for lr in GD_RATES[quick]:
            grid.append((setup, frozen, lr, None))
            labels.append({"data": name, "optimizer": "GD", "lr": lr, "B": None, "seed": 0})
        for lr, batch in SGD_SETTINGS[quick]:
            for seed in range(SGD_SEEDS[quick]):
                grid.append((setup, frozen, lr, min(batch, setup.samples)))
                labels.append({"data": name, "optimizer": "SGD", "lr": lr, "B": min(batch, setup.samples), "seed": seed})
    results = run_sweep(escape_run, grid, root, Backend("inline"))
    runs = []
    for label, result in zip(labels, results):
        losses = [float(v) for v in result[4:] if np.isfinite(v)]
        drop = 1 - float(result[3]) / starts[label["data"]]["sharpness"] if result[3] >= 0 else 1.0
        runs.append(label | {"largest loss ratio": float(result[0]), "escape step": int(result[1]),
                             "distance moved": float(result[2]), "sharpness at the end": float(result[3]),
                             "sharpness drop": drop, "escaped": bool(drop > ESCAPE_DROP), "losses": losses})
    return {"starts": starts, "runs": runs}


def predicted_escape(run: dict, start: dict) -> bool:
    """The printed rule: unstable (escape) iff a > 2/η, or for SGD s > √B/η."""
    if start["sharpness"] > PRINTED_GD_FACTOR / run["lr"]:
        return True
    return run["optimizer"] == "SGD" and start["nonuniformity"] > PRINTED_SGD_FACTOR * np.sqrt(run["B"]) / run["lr"]


def _shared(ctx) -> dict:
    return experiment(ctx.quick, ctx.seed.entropy, tuple(ctx.seed.spawn_key[:1]))


def table(found: dict) -> list[dict]:
    """Table 3 at this scale beside the printed row."""
    printed = list(PRINTED_TABLE3.items())
    return [{"data set": name, "printed (Wu et al.)": f"{printed[i][0]}: {', '.join(printed[i][1])}",
             "sharpness a": f"{start['sharpness']:.4f}", "non-uniformity s": f"{start['nonuniformity']:.4f}",
             "training loss": f"{start['loss']:.2e}", "GD steps at η = 0.1": start["steps"]}
            for i, (name, start) in enumerate(found["starts"].items())]


def _label(run: dict) -> str:
    return f"{run['data']}: {run['optimizer']} η = {run['lr']}" + (f", B = {run['B']}" if run["B"] else "")


@simulation("Escape happens exactly where linear stability predicts it (a > 2/η; for SGD also s > √B/η)",
            version="wu", falsifiers=(scale("PRINTED_GD_FACTOR", 2), scale("PRINTED_SGD_FACTOR", 0.5)))
def escape_where_predicted(ctx):
    found = _shared(ctx)
    runs = found["runs"]
    agree = [predicted_escape(r, found["starts"][r["data"]]) == r["escaped"] for r in runs]
    wrong = [_label(r) + (" escaped" if r["escaped"] else " stayed") for r, ok in zip(runs, agree) if not ok]
    stayed = [abs(r["sharpness drop"]) for r in runs if not r["escaped"]]
    escaped = [r["sharpness drop"] for r in runs if r["escaped"]]
    interval = proportion_interval(sum(agree), len(agree))
    starts = "; ".join(f"{name}: a = {s['sharpness']:.3f}, s = {s['nonuniformity']:.3f}" for name, s in found["starts"].items())
    return Finding(
        Verdict.CONFIRMED if all(agree) else Verdict.REFUTED,
        f"{len(runs)} runs from GD minima at η = {PRINTED_START_LR} ({starts}; d = {DATASETS['digits'].size}): "
        f"{sum(agree)} of {len(runs)} escape or stay as the rule predicts ({interval.describe()})"
        + (f"; against it: {', '.join(wrong)}" if wrong else "")
        + f"; escaped means the sharpness fell by more than {ESCAPE_DROP:.0%} within {ESCAPE_STEPS} steps: the runs "
        f"that stayed moved it by at most {max(stayed, default=float('nan')):.2%}, those that escaped lowered it by "
        f"at least {min(escaped, default=float('nan')):.2%}",
        "every run must agree with the rule (the escape criterion's margin is shown: the largest sharpness drop of a "
        "run that stayed against the smallest of one that escaped)",
        {"table": table(found), "runs": runs, "interval": [interval.low, interval.high, interval.level]},
        observed={"runs agreeing with the rule": sum(agree), "runs": len(runs)},
        expected={"runs agreeing with the rule": len(runs)},
    )


@simulation("'The escape process takes only a few iterations, much less than ... needed to converge'", version="wu",
            falsifiers=(scale("PRINTED_FEW_ITERATIONS", 1e-3),))
def escape_is_fast(ctx):
    found = _shared(ctx)
    escaped = [r for r in found["runs"] if r["escaped"]]
    converge = min(start["steps"] for start in found["starts"].values())
    slowest = max((r["escape step"] for r in escaped), default=None)
    if slowest is None:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.CONFIRMED if slowest <= PRINTED_FEW_ITERATIONS * converge else Verdict.REFUTED
    return Finding(
        verdict,
        f"{len(escaped)} runs escaped; the slowest reached the peak of its loss burst at step "
        f"{slowest if slowest is not None else '—'} (checkpoints every {EVERY} steps), while GD at η = "
        f"{PRINTED_START_LR} needed {converge} steps to reach loss < {TARGET:g}: a ratio of "
        + (f"{slowest / converge:.4f}" if slowest is not None else "—"),
        f"the slowest escape within {PRINTED_FEW_ITERATIONS:g} × the steps GD needed to converge",
        {"escape steps": [r["escape step"] for r in escaped], "steps to converge": converge},
        observed={"slowest escape / steps to converge": slowest / converge if slowest is not None else "no escape"},
        expected={"slowest escape / steps to converge": f"≤ {PRINTED_FEW_ITERATIONS:g}"},
    )


CLAIMS = (
    Claim(
        id="wu.table3",
        papers=(WU,),
        where="§4.4, Table 3 and Fig. 8",
        statement=r"\text{from a GD minimum, GD and SGD escape exactly when } a > 2/\eta \text{ or } s > \sqrt{B}/\eta"
                  r"\text{, and the escape takes only a few iterations}",
        summary="escape from a GD minimum where linear stability predicts it (digits and a small MLP)",
        checks=(escape_where_predicted, escape_is_fast),
    ),
)
