r"""Full-batch GD and minibatch SGD on any per-sample loss, jit-compiled, seeded, with stopping rules.

GD: w ← w − η ∇L(w), L = (1/n) Σᵢ ℓ(w, xᵢ, yᵢ). SGD: w ← w − η (1/B) Σ_{i∈S_t} ∇ℓ(w, xᵢ, yᵢ)
with S_t drawn afresh at every step, either B distinct samples (uniform among the B-subsets:
without replacement, the sampling behind Wu, Ma & E's factor (n − B)/(B(n − 1)) in eq. (8)) or B
independent uniform indices (with replacement, factor 1/B). S_t comes from the JAX key of the run's
seed folded with t, so a run is a function of its seed and does not depend on how its steps are
grouped. Steps run in jit-compiled ``lax.scan`` blocks of ``every`` steps; between blocks the
full-batch loss is recorded (and, on request, the iterate) and the stopping rules are checked.
Compiled blocks are kept per (loss, parameter layout, n, B, sampling, block length): η and the
data are arguments, so a sweep over rates, restarts and seeds compiles each block once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from theory.errors import ParameterError

from .mlp import key

#: a loss above this (or not finite) is a divergence: the run stops and says so
DIVERGED = 1e8


@dataclass(frozen=True)
class Run:
    """Where a run ended: ``params`` (same pytree shape as given), the full-batch loss at the
    recorded ``checkpoints`` (step 0, then every ``every`` steps and the last step), the number of
    ``steps`` taken, and why it ``stopped``: "target" (loss ≤ target), "settled" (loss ≤ target and
    then falling at ``settle`` consecutive checkpoints), "stalled" (the best loss fell by less than a
    fraction rtol over ``patience`` blocks), "steps" (T reached) or "diverged". ``target_step`` is
    the first checkpoint with loss ≤ target (None if never). ``trajectory`` (with ``record=True``)
    holds the flat iterate w at each checkpoint, one row each."""

    params: object
    losses: np.ndarray
    checkpoints: np.ndarray
    steps: int
    stopped: str
    trajectory: np.ndarray | None = None
    target_step: int | None = None

    @property
    def loss(self) -> float:
        return float(self.losses[-1])

    @property
    def diverged(self) -> bool:
        return self.stopped == "diverged"


def _batch_indices(step_key, n: int, batch: int, replace: bool):
    if replace:
        return jax.random.randint(step_key, (batch,), 0, n)
    return jax.random.choice(step_key, n, (batch,), replace=False)


def _per_sample(loss: Callable, count: int) -> Callable:
    """(w, *data) ↦ the vector of ℓ(w, *sample) over the samples of ``count`` data arrays."""
    return jax.vmap(loss, in_axes=(None,) + (0,) * count)


def mean_loss(loss: Callable, count: int) -> Callable:
    """(w, *data) ↦ L(w) = (1/n) Σᵢ ℓ(w, *sampleᵢ)."""
    per_sample = _per_sample(loss, count)
    return lambda w, *arrays: jnp.mean(per_sample(w, *arrays))


@lru_cache(maxsize=256)
def flat_loss(per_sample_loss: Callable, unravel: Callable) -> Callable:
    """ℓ(flat w, *sample), one object per (loss, parameter layout), so compilations keyed on it are reused."""
    return lambda flat, *sample: per_sample_loss(unravel(flat), *sample)


@lru_cache(maxsize=256)
def _compiled(per_sample_loss: Callable, unravel: Callable, count: int, n: int, batch: int | None, replace: bool,
              length: int) -> tuple[Callable, Callable]:
    """(advance, full_loss), jit-compiled: advance(w, η, run key, first step, *data) is w after
    ``length`` steps, full_loss(w, *data) the full-batch loss. Keyed on the layout's ``unravel``
    (one per parameter structure, see :func:`_layout`), so equal calls share one compilation."""
    full_loss = mean_loss(flat_loss(per_sample_loss, unravel), count)
    gradient = jax.grad(lambda w, arrays: full_loss(w, *arrays))

    def advance(w, lr, run_key, first, *arrays):
        def step(w, t):
            if batch is None:
                chosen = arrays
            else:
                indices = _batch_indices(jax.random.fold_in(run_key, t), n, batch, replace)
                chosen = tuple(a[indices] for a in arrays)
            return w - lr * gradient(w, chosen), None

        return jax.lax.scan(step, w, first + jnp.arange(length))[0]

    return jax.jit(advance), jax.jit(full_loss)


_LAYOUTS: dict = {}


def _layout(params) -> tuple[jax.Array, Callable]:
    """(flat w, unravel) with one ``unravel`` object per parameter structure (tree, shapes, dtypes),
    so that compiled blocks are found again for a new starting point of the same network."""
    w, unravel = ravel_pytree(params)
    leaves, tree = jax.tree_util.tree_flatten(params)
    signature = (tree, tuple((np.shape(leaf), jnp.result_type(leaf)) for leaf in leaves))
    return w, _LAYOUTS.setdefault(signature, unravel)


def train(per_sample_loss: Callable, params, data, lr: float, steps: int, *, batch: int | None = None,
          replace: bool = False, seed=0, target: float | None = None, rtol: float = 1e-4,
          patience: int | None = 10, every: int = 100, settle: int = 0, record: bool = False,
          progress: Callable[[int, float], None] | None = None) -> Run:
    """Train from ``params`` for at most ``steps`` steps at rate ``lr``: GD when ``batch`` is None
    (or n), else SGD with batches of ``batch`` drawn with or without replacement. Stops early at
    ``target``, when the loss stops falling (``patience`` blocks of ``every`` steps without a
    relative improvement of ``rtol``; None: never), or on divergence. With ``settle`` > 0, reaching
    ``target`` does not stop the run: it goes on until the loss has fallen at ``settle`` consecutive
    checkpoints after it (a run still oscillating at the edge of stability has not reached a
    minimum, whatever its loss). ``record`` keeps the iterate at every checkpoint. ``progress(step, loss)`` is called after every block."""
    arrays = tuple(jnp.asarray(a) for a in data)
    n = len(arrays[0])
    if not (np.isfinite(lr) and lr > 0):
        raise ParameterError("lr", f"must be a positive finite number, got {lr!r}")
    if batch is not None and not 1 <= batch <= n:
        raise ParameterError("batch", f"must be in [1, {n}], got {batch!r}")
    if settle < 0 or (settle and target is None):
        raise ParameterError("settle", f"must be ≥ 0, and needs a target; got {settle!r}")
    if batch == n and not replace:
        batch = None  # B = n without replacement is GD
    w, unravel = _layout(params)
    run_key = key(seed)
    compiled = lambda length: _compiled(per_sample_loss, unravel, len(arrays), n, batch, replace, length)
    full_loss = compiled(every)[1]
    losses, checkpoints = [float(full_loss(w, *arrays))], [0]
    trajectory = [np.asarray(w)] if record else None
    best, since_best, done, stopped = losses[0], 0, 0, "steps"
    reached, falling = None, 0
    while done < steps:
        length = min(every, steps - done)
        w = compiled(length)[0](w, lr, run_key, done, *arrays)
        done += length
        current = float(full_loss(w, *arrays))
        losses.append(current)
        checkpoints.append(done)
        if record:
            trajectory.append(np.asarray(w))
        if progress:
            progress(done, current)
        if not np.isfinite(current) or current > DIVERGED:
            stopped = "diverged"
            break
        if reached is not None:
            falling = falling + 1 if current < losses[-2] else 0
            if falling >= settle:
                stopped = "settled"
                break
            continue
        if target is not None and current <= target:
            reached = done
            if not settle:
                stopped = "target"
                break
            continue
        if current < best * (1 - rtol):
            best, since_best = current, 0
        else:
            since_best += 1
            if patience is not None and since_best >= patience:
                stopped = "stalled"
                break
    if stopped == "steps" and reached is not None:
        stopped = "target"  # reached the target, not yet settled
    return Run(unravel(w), np.array(losses), np.array(checkpoints), done, stopped,
               np.array(trajectory) if record else None, reached)
