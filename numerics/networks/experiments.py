r"""Network experiments as sweep tasks: train a network of a :class:`Setup` to a minimum, measure it.

A :class:`Setup` names the data (n digits, a seeded subset, a fraction of corrupted labels), the
MLP (width, depth, Wu, Ma & E's initialisation scale v) and the loss; it is frozen and picklable,
so grids of (setup, η, B, …) run on ``numerics.sweep.run_sweep`` — in process, on local
processes or on Dask — with each task's numbers a function of its grid point and its seed only.

:func:`minimum` is the task behind Wu et al.'s Table 2 and Figs. 5–7: from the seed's
initialisation, GD (B = None) or SGD trains until the loss is below ``target`` and has then
fallen at each of ``settle_checks`` consecutive checkpoints (a run still oscillating at the edge of
stability has not yet reached a minimum, whatever its loss), or until ``steps``; the sharpness
a = λmax(H) and non-uniformity s = √λmax(Σ) (Def. 3) of where it ended are measured by Lanczos.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ..sweep import task_seed
from .curvature import nonuniformity, sharpness
from .data import Dataset, corrupt_labels, digits
from .mlp import MLP, mlp, per_sample_loss
from .training import train

#: why a run stopped, as stored in a task's result array
STOPPED = ("settled", "target", "stalled", "steps", "diverged")  # "target": reached, not settled
#: the fields of :func:`minimum`'s result array, in order
MINIMUM_FIELDS = ("loss", "steps", "stopped", "sharpness", "sharpness_error", "nonuniformity",
                  "nonuniformity_error", "target_step")


@dataclass(frozen=True)
class Setup:
    """n = ``samples`` digits (subset drawn by ``data_seed``), a ``corrupt`` fraction of them with
    random labels (seeded by ``data_seed`` too), an MLP 64-``width``×``depth``-10 with
    initialisation scale ``init_scale`` (U[−v/√n_in, v/√n_in]) and the ``loss`` ("mse" as in Wu)."""

    samples: int = 1000
    width: int = 32
    depth: int = 1
    corrupt: float = 0.0
    data_seed: int = 0
    init_scale: float = 1.0
    loss: str = "mse"

    def dataset(self) -> Dataset:
        return _dataset(self.samples, self.corrupt, self.data_seed)

    def model(self) -> MLP:
        return mlp(self.width, self.depth, init_scale=self.init_scale)

    def per_sample_loss(self):
        """ℓ(params, x, y), one object per setup (so compiled training blocks are reused)."""
        return _loss(self.width, self.depth, self.init_scale, self.loss)

    @property
    def size(self) -> int:
        """d, the number of parameters."""
        return self.model().size


@cache
def _dataset(samples: int, corrupt: float, data_seed: int) -> Dataset:
    data = digits(samples, seed=np.random.SeedSequence(data_seed))
    return corrupt_labels(data, corrupt, seed=np.random.SeedSequence((data_seed, 1))) if corrupt else data


@cache
def _loss(width: int, depth: int, init_scale: float, loss: str):
    return per_sample_loss(mlp(width, depth, init_scale=init_scale), loss)


def init_seed(seed: np.random.SeedSequence) -> np.random.SeedSequence:
    """The initialisation's seed: child 0 of a task's seed (child 1 draws the batches)."""
    return task_seed(seed, 0)


def batch_seed(seed: np.random.SeedSequence) -> np.random.SeedSequence:
    return task_seed(seed, 1)


def minimum(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: ``params`` = (setup, η, B or None, replace, steps, target, settle_checks, every)
    → the MINIMUM_FIELDS array of where the run ended (curvatures NaN-free: a diverged run reports
    its last finite loss and −1 for every curvature field, and ``stopped`` = its index in STOPPED)."""
    setup, lr, batch, replace, steps, target, settle_checks, every = params
    loss, arrays = setup.per_sample_loss(), setup.dataset().arrays
    run = train(loss, setup.model().init(init_seed(seed)), arrays, lr, steps, batch=batch, replace=replace,
                seed=batch_seed(seed), target=target, patience=None, every=every, settle=settle_checks)
    stopped, reached = run.stopped, -1 if run.target_step is None else run.target_step
    finite = run.losses[np.isfinite(run.losses)]
    if stopped == "diverged":
        return np.array([finite[-1] if finite.size else -1.0, run.steps, STOPPED.index(stopped), -1, -1, -1, -1,
                         reached], dtype=np.float64)
    a = sharpness(loss, run.params, arrays, seed=init_seed(seed))
    s = nonuniformity(loss, run.params, arrays, seed=init_seed(seed))
    return np.array([run.loss, run.steps, STOPPED.index(stopped), a.value, a.error, s.value, s.error, reached],
                    dtype=np.float64)


def as_rows(grid, results) -> list[dict]:
    """One dict per task: its grid point's η, B, replace and the MINIMUM_FIELDS of its result
    (``stopped`` as its name; curvature fields None for a diverged run)."""
    rows = []
    for point, result in zip(grid, results):
        row = {"lr": point[1], "batch": point[2], "replace": point[3]}
        row |= dict(zip(MINIMUM_FIELDS, (float(v) for v in result)))
        row["stopped"] = STOPPED[int(row["stopped"])]
        row["steps"], row["target_step"] = int(row["steps"]), int(row["target_step"])
        if row["stopped"] == "diverged":
            for field in MINIMUM_FIELDS[3:7]:
                row[field] = None
        rows.append(row)
    return rows
