r"""Shared helpers of Wu, Ma & E's network claims (§4.1–4.3, Table 2, Figs. 5–7) at a two-core scale.

The paper trains on n = 1000 FashionMNIST images (an FNN of 898,510 parameters) and CIFAR10
(a VGG); here: n = 100 of scikit-learn's 8×8 digits (shipped, nothing downloaded; CIFAR10 is not
shipped and is not faked), a 64-32-10 tanh MLP (d = 2,410) with Wu's uniform initialisation
U[−v/√n_in, v/√n_in], MSE on one-hot targets (their loss), float64 JAX. n = 100 rather than 1000
keeps a run to seconds on a shared core; the sharpness a = λmax(H) and the non-uniformity
s = √λmax(Σ) come from Lanczos on Hessian-vector products, each with its residual bound.

Two sweep tasks, both run through ``numerics.sweep.run_sweep``:
``numerics.networks.experiments.minimum`` (train to loss < 10⁻⁴, then until the loss fell at
``SETTLE`` consecutive checkpoints; measure a, s) for Figs. 5–7, and :func:`gd_trajectory` (GD for
a fixed number of steps, a measured at the first checkpoint below 10⁻⁴ — Table 2's protocol — and
at geometrically spaced checkpoints after it) for Table 2.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from jax.flatten_util import ravel_pytree
from scipy import stats

from numerics import networks
from numerics.networks.experiments import Setup, as_rows, init_seed, minimum
from numerics.sweep import Backend, run_sweep

#: "trained for sufficient number of iterations to achieve a training loss smaller than 10⁻⁴" (§4.1)
PRINTED_LOSS_TARGET = 1e-4

SAMPLES, WIDTH, DEPTH = 100, 32, 1
#: checkpoints the loss must fall at, after reaching the target, before a run counts as at a minimum
SETTLE = 5
#: steps between loss checkpoints of the SGD sweep (GD trajectories: ``GD_EVERY``)
EVERY, GD_EVERY = 100, 1000
#: the header of a :func:`gd_trajectory` result and the fields of each of its measured points
TRAJECTORY_HEADER = ("diverged", "steps", "target_step", "rises_after_target", "checks_after_target", "final_loss")
POINT_FIELDS = ("step", "loss", "sharpness", "error")

# --- Figs. 5–7: one SGD sweep shared by wu.fig5 and wu.fig6 (quick, full) ----------------------
#: "We choose learning rate η = 0.5 for FashionMNIST" (§4.3, Fig. 6)
PRINTED_FIG6_LR = 0.5
#: "uniform initialization U[−v/√n_in, v/√n_in], with v = 1, 2, 3 for FashionMNIST" (§4.3)
PRINTED_FIG6_SCALES = (1.0, 2.0, 3.0)
#: "we trained 5 model with independent initializations" (§4.3); Fig. 5: "5 independent random initialization"
PRINTED_FIG_RUNS = 5
#: B from the paper's grid {4, 10, 25, …, 1000 (GD)} at n = 1000, scaled to n = 100: its smallest B/n (0.004)
#: is below 1/n here, so the grid starts at B = 1 and keeps the printed 4, 10, 25; B = n is GD
SWEEP_BATCHES = {True: (1, 2, 4, SAMPLES), False: (1, 2, 4, 10, 25, SAMPLES)}
SWEEP_SCALES = {True: (1.0,), False: PRINTED_FIG6_SCALES}
SWEEP_SEEDS = {True: 3, False: PRINTED_FIG_RUNS}
SWEEP_STEPS = 300_000  # the most steps of a run
SWEEP_CLAIM = "wu.fig5"  # the claim whose seed both modules' sweep uses, so it runs once


def setup(init_scale: float = 1.0) -> Setup:
    """The data, network and loss of every run here (``init_scale`` = v)."""
    return Setup(samples=SAMPLES, width=WIDTH, depth=DEPTH, init_scale=float(init_scale))


def measured_steps(steps: int, every: int, points: int) -> list[int]:
    """``points`` checkpoints spaced geometrically from steps/10 to steps (multiples of ``every``)."""
    raw = np.geomspace(steps / 10, steps, points)
    return sorted({int(max(every, round(t / every) * every)) for t in raw})


def gd_trajectory(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: ``params`` = (setup, η, steps, every, target, points). Full-batch GD for ``steps``
    steps from the seed's initialisation (the same child as ``minimum`` uses); the TRAJECTORY_HEADER
    (rises: checkpoints after the first one below ``target`` at which the loss rose) followed by
    POINT_FIELDS of the first checkpoint below ``target`` (all −1 if none) and of each of
    :func:`measured_steps`. A diverged run has −1 for every sharpness."""
    task_setup, lr, steps, every, target, points = params
    loss, arrays = task_setup.per_sample_loss(), task_setup.dataset().arrays
    start = task_setup.model().init(init_seed(seed))
    unravel = ravel_pytree(start)[1]
    run = networks.train(loss, start, arrays, float(lr), steps, target=None, patience=None, every=every, record=True)
    losses, checkpoints = run.losses, list(run.checkpoints)
    below = [i for i, value in enumerate(losses) if value <= target]
    first = below[0] if below else None
    rises = int(np.sum(np.diff(losses[first:]) > 0)) if first is not None else -1
    header = [float(run.diverged), run.steps, checkpoints[first] if first is not None else -1, rises,
              len(losses) - 1 - first if first is not None else -1, float(losses[np.isfinite(losses)][-1])]

    def point(index):
        if index is None or run.diverged:
            return [checkpoints[index] if index is not None else -1, -1, -1, -1]
        a = networks.sharpness(loss, unravel(run.trajectory[index]), arrays, seed=init_seed(seed))
        return [checkpoints[index], float(losses[index]), a.value, a.error]

    rows = [point(first)] + [point(checkpoints.index(t) if t in checkpoints else None)
                             for t in measured_steps(steps, every, points)]
    return np.array(header + [v for row in rows for v in row], dtype=np.float64)


def trajectory_rows(grid, results) -> list[dict]:
    """One dict per GD run: η, seed index, the header fields, ``protocol`` (the first point below
    the target, or None) and ``points`` (the measured checkpoints), each a dict of POINT_FIELDS."""
    rows = []
    for (_, lr, *_), index, result in zip(grid, range(len(grid)), results):
        head = dict(zip(TRAJECTORY_HEADER, (float(v) for v in result[: len(TRAJECTORY_HEADER)])))
        body = np.asarray(result[len(TRAJECTORY_HEADER):]).reshape(-1, len(POINT_FIELDS))
        points = [dict(zip(POINT_FIELDS, (float(v) for v in p))) for p in body]
        for p in points:
            p["step"] = int(p["step"])
        row = {"lr": float(lr), "diverged": bool(head["diverged"]), "steps": int(head["steps"]),
               "target_step": int(head["target_step"]), "rises_after_target": int(head["rises_after_target"]),
               "checks_after_target": int(head["checks_after_target"]), "final_loss": head["final_loss"]}
        row["protocol"] = points[0] if points[0]["sharpness"] >= 0 else None
        row["points"] = [p for p in points[1:] if p["sharpness"] >= 0]
        rows.append(row)
    return rows


@cache
def gd_runs(lrs: tuple, seeds: int, steps: int, points: int, entropy, spawn_key: tuple) -> tuple:
    """Table 2's GD runs: ``seeds`` initialisations per η (grid order: η, then seed), run once per
    argument tuple (the claim's seed included) and shared by its checks and their falsifiers."""
    grid = [(setup(), float(lr), steps, GD_EVERY, PRINTED_LOSS_TARGET, points) for lr in lrs for _ in range(seeds)]
    results = run_sweep(gd_trajectory, grid, np.random.SeedSequence(entropy, spawn_key=spawn_key), Backend("inline"))
    rows = trajectory_rows(grid, results)
    for index, row in enumerate(rows):
        row["seed"] = index % seeds
    return tuple(rows)


@cache
def sgd_runs(lr: float, batches: tuple, scales: tuple, seeds: int, steps: int, entropy, spawn_key: tuple) -> tuple:
    """Figs. 5–7's runs: ``numerics.networks.experiments.minimum`` on the grid v × B × seed (B = n:
    GD; SGD batches drawn without replacement, the sampling of eq. (8)), through ``run_sweep``."""
    grid, labels = [], []
    for v in scales:
        for batch in batches:
            for index in range(seeds):
                gd = batch >= SAMPLES
                grid.append((setup(v), float(lr), None if gd else int(batch), False, steps, PRINTED_LOSS_TARGET,
                             SETTLE, EVERY))
                labels.append({"B": int(min(batch, SAMPLES)), "gd": gd, "v": float(v), "seed": index})
    results = run_sweep(minimum, grid, np.random.SeedSequence(entropy, spawn_key=spawn_key), Backend("inline"))
    rows = []
    for label, row in zip(labels, as_rows(grid, results)):
        rows.append(label | {key: row[key] for key in ("lr", "loss", "steps", "stopped", "sharpness",
                                                          "sharpness_error", "nonuniformity", "nonuniformity_error",
                                                          "target_step")})
    return tuple(rows)


def limit_fit(steps, values, exponent: float, level: float) -> dict:
    """Least squares values(t) = limit + b·(t/T)^exponent (T the last step): the limit, its standard
    error and its two-sided ``level`` Student-t interval (n − 2 degrees of freedom)."""
    t = np.asarray(steps, dtype=float)
    y = np.asarray(values, dtype=float)
    design = np.column_stack([np.ones_like(t), (t / t.max()) ** exponent])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    dof = len(y) - 2
    covariance = residual @ residual / dof * np.linalg.inv(design.T @ design)
    error = float(np.sqrt(covariance[0, 0]))
    half = float(stats.t.ppf(0.5 + level / 2, dof) * error)
    return {"limit": float(beta[0]), "se": error, "low": float(beta[0]) - half, "high": float(beta[0]) + half}


def loglog_slope(steps, values) -> dict | None:
    """The slope of log(values) on log(t) with its standard error (None unless all values > 0)."""
    y = np.asarray(values, dtype=float)
    if len(y) < 3 or np.any(y <= 0):
        return None
    fit = stats.linregress(np.log(np.asarray(steps, dtype=float)), np.log(y))
    return {"slope": float(fit.slope), "se": float(fit.stderr)}


def sweep(ctx) -> list[dict]:
    """The Figs. 5–7 sweep of this mode, seeded by the run seed and SWEEP_CLAIM (so wu.fig5 and
    wu.fig6 share one sweep), one row per run (B, gd, v, seed and ``minimum``'s fields)."""
    import zlib

    rows = sgd_runs(PRINTED_FIG6_LR, SWEEP_BATCHES[ctx.quick], SWEEP_SCALES[ctx.quick], SWEEP_SEEDS[ctx.quick],
                    SWEEP_STEPS, ctx.seed.entropy, (zlib.crc32(SWEEP_CLAIM.encode()),))
    return [dict(row) for row in rows]


def sweep_text(ctx) -> str:
    """The sweep's scale in words, for summaries."""
    return (f"n = {SAMPLES} digits, d = {setup().size:,}, η = {PRINTED_FIG6_LR}, B ∈ "
            f"{{{', '.join(str(b) for b in SWEEP_BATCHES[ctx.quick][:-1])}}} and GD (B = n), v ∈ "
            f"{{{', '.join(f'{v:g}' for v in SWEEP_SCALES[ctx.quick])}}}, {SWEEP_SEEDS[ctx.quick]} initialisations each")


def spearman_interval(x, y, level: float) -> dict:
    """Spearman's ρ of (x, y) and its ``level`` interval by Fisher's z with the standard error
    √(1.06/(m − 3)) (Fieller, Hartley & Pearson 1957)."""
    rho = float(stats.spearmanr(x, y).statistic)
    m = len(x)
    half = float(stats.norm.ppf(0.5 + level / 2) * np.sqrt(1.06 / (m - 3)))
    z = np.arctanh(np.clip(rho, -1 + 1e-15, 1 - 1e-15))
    return {"rho": rho, "low": float(np.tanh(z - half)), "high": float(np.tanh(z + half)), "runs": m, "level": level}


def pearson_interval(x, y, level: float) -> dict:
    """Pearson's r of (x, y) and its ``level`` interval by Fisher's z (standard error 1/√(m − 3))."""
    r = float(stats.pearsonr(x, y).statistic)
    m = len(x)
    half = float(stats.norm.ppf(0.5 + level / 2) / np.sqrt(m - 3))
    z = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
    return {"r": r, "low": float(np.tanh(z - half)), "high": float(np.tanh(z + half)), "runs": m, "level": level}


def signed_verdict(sign: int, low: float, high: float):
    """CONFIRMED if sign·(interval) lies above 0, REFUTED if below, INCONCLUSIVE if it holds 0."""
    from ...claim import Verdict

    low, high = sorted((sign * low, sign * high))
    return Verdict.CONFIRMED if low > 0 else Verdict.REFUTED if high < 0 else Verdict.INCONCLUSIVE


def run_rows(rows) -> list[dict]:
    """The sweep's runs for the book: η, B, seed index, v, loss, steps, stopped, a, s, errors."""
    keys = ("lr", "B", "gd", "v", "seed", "loss", "steps", "stopped", "target_step", "sharpness", "sharpness_error",
            "nonuniformity", "nonuniformity_error")
    return [{key: row[key] for key in keys} for row in rows]
