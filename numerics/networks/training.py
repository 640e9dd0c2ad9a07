r"""Full-batch GD and minibatch SGD on any per-sample loss, jit-compiled, seeded, with stopping rules.

GD: w ← w − η ∇L(w), L = (1/n) Σᵢ ℓ(w, xᵢ, yᵢ). SGD: w ← w − η (1/B) Σ_{i∈S_t} ∇ℓ(w, xᵢ, yᵢ)
with S_t drawn afresh at every step, either B distinct samples (uniform among the B-subsets:
without replacement, the sampling behind Wu, Ma & E's factor (n − B)/(B(n − 1)) in eq. (8)) or B
independent uniform indices (with replacement, factor 1/B). S_t comes from the JAX key of the run's
seed folded with t, so a run is a function of its seed and does not depend on how its steps are
grouped. Steps run in jit-compiled ``lax.scan`` blocks of ``every`` steps; between blocks the
full-batch loss is recorded and the stopping rules are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    ``steps`` taken, and why it ``stopped``: "target" (loss ≤ target), "stalled" (the best loss
    fell by less than a fraction rtol over ``patience`` blocks), "steps" (T reached) or "diverged"."""

    params: object
    losses: np.ndarray
    checkpoints: np.ndarray
    steps: int
    stopped: str

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


def _block(loss: Callable, data, lr: float, batch: int | None, replace: bool, length: int) -> Callable:
    """A jit-compiled function (w, run key, first step) ↦ w after ``length`` steps."""
    n = len(data[0])
    per_sample = jax.vmap(loss, in_axes=(None,) + (0,) * len(data))

    def batch_loss(w, arrays):
        return jnp.mean(per_sample(w, *arrays))

    gradient = jax.grad(batch_loss)

    def step(carry, t):
        w, run_key, arrays = carry
        if batch is None:
            chosen = arrays
        else:
            indices = _batch_indices(jax.random.fold_in(run_key, t), n, batch, replace)
            chosen = tuple(a[indices] for a in arrays)
        return (w - lr * gradient(w, chosen), run_key, arrays), None

    def advance(w, run_key, first, arrays):
        (w, _, _), _ = jax.lax.scan(step, (w, run_key, arrays), first + jnp.arange(length))
        return w

    return jax.jit(advance)


def train(per_sample_loss: Callable, params, data, lr: float, steps: int, *, batch: int | None = None,
          replace: bool = False, seed=0, target: float | None = None, rtol: float = 1e-4,
          patience: int | None = 10, every: int = 100,
          progress: Callable[[int, float], None] | None = None) -> Run:
    """Train from ``params`` for at most ``steps`` steps at rate ``lr``: GD when ``batch`` is None
    (or n), else SGD with batches of ``batch`` drawn with or without replacement. Stops early at
    ``target``, when the loss stops falling (``patience`` blocks of ``every`` steps without a
    relative improvement of ``rtol``; None: never), or on divergence. ``progress(step, loss)`` is
    called after every block."""
    arrays = tuple(jnp.asarray(a) for a in data)
    n = len(arrays[0])
    if not (np.isfinite(lr) and lr > 0):
        raise ParameterError("lr", f"must be a positive finite number, got {lr!r}")
    if batch is not None and not 1 <= batch <= n:
        raise ParameterError("batch", f"must be in [1, {n}], got {batch!r}")
    if batch == n and not replace:
        batch = None  # B = n without replacement is GD
    w, unravel = ravel_pytree(params)
    loss = lambda flat, *sample: per_sample_loss(unravel(flat), *sample)
    full_loss = jax.jit(lambda flat, *a: jnp.mean(jax.vmap(loss, in_axes=(None,) + (0,) * len(a))(flat, *a)))
    run_key = key(seed)
    blocks: dict[int, Callable] = {}
    losses, checkpoints = [float(full_loss(w, *arrays))], [0]
    best, since_best, done, stopped = losses[0], 0, 0, "steps"
    while done < steps:
        length = min(every, steps - done)
        if length not in blocks:
            blocks[length] = _block(loss, arrays, lr, batch, replace, length)
        w = blocks[length](w, run_key, done, arrays)
        done += length
        current = float(full_loss(w, *arrays))
        losses.append(current)
        checkpoints.append(done)
        if progress:
            progress(done, current)
        if not np.isfinite(current) or current > DIVERGED:
            stopped = "diverged"
            break
        if target is not None and current <= target:
            stopped = "target"
            break
        if current < best * (1 - rtol):
            best, since_best = current, 0
        else:
            since_best += 1
            if patience is not None and since_best >= patience:
                stopped = "stalled"
                break
    return Run(unravel(w), np.array(losses), np.array(checkpoints), done, stopped)
