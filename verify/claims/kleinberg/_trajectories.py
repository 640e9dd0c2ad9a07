r"""Shared experiment of Kleinberg, Li & Yuan's §5 at a two-core scale: SGD trajectories of a small
network, recorded at the start of every epoch, and the inner products that test one-point
convexity, ⟨−∇f(w), x* − x_t⟩ > 0 (Assumption 1 with respect to a target x*).

The paper's networks (ResNet-34, DenseNet-100 on CIFAR10/100, 300 epochs) and data are not shipped
and are not faked. Here: n = 200 of scikit-learn's 8×8 digits, a 64-32-10 tanh MLP (d = 2,410),
cross-entropy (the loss of their classifiers), SGD with B = 10 drawn without replacement (an
epoch = n/B = 20 steps), the printed step sizes 0.1, then 0.01 after half of the epochs and 0.001
after three quarters (the paper's 150/300 and 225/300). f is the full-batch training loss.
"""

from __future__ import annotations

from functools import cache

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from numerics import networks
from numerics.networks.experiments import Setup, init_seed
from numerics.sweep import Backend, run_sweep, task_seed

PRINTED_RATES = (0.1, 0.01, 0.001)  # "0.1 initially, 0.01 after epoch 150, and 0.001 after epoch 225" (of 300)
PRINTED_SWITCHES = (150 / 300, 225 / 300)
SETUP = Setup(samples=200, width=32, loss="cross_entropy")
BATCH = 10
STEPS_PER_EPOCH = SETUP.samples // BATCH


_EXPERIMENTS: dict = {}


def shared(ctx, experiment):
    """``experiment(quick, seed)`` once per claim run (the claim part of the check's seed): every
    check of the claim and every falsifier rerun reads the same data."""
    key = (experiment.__module__, experiment.__qualname__, ctx.quick, ctx.seed.entropy, tuple(ctx.seed.spawn_key[:1]))
    if key not in _EXPERIMENTS:
        _EXPERIMENTS[key] = experiment(ctx.quick, np.random.SeedSequence(ctx.seed.entropy, spawn_key=key[-1]))
    return _EXPERIMENTS[key]


@cache
def _flat_loss():
    """(unravel, f(w) the full-batch loss of the flat parameters, jitted ∇f, jitted batched ∇f, jitted
    ∇ of the mean loss over given samples (w, x, y))."""
    (x, y) = (jnp.asarray(a) for a in SETUP.dataset().arrays)
    unravel = ravel_pytree(SETUP.model().init(0))[1]
    over = networks.mean_loss(networks.flat_loss(SETUP.per_sample_loss(), unravel), 2)

    def full(w):
        return over(w, x, y)

    return unravel, full, jax.jit(jax.grad(full)), jax.jit(jax.vmap(jax.grad(full))), jax.jit(jax.grad(over))


def gradient(w: np.ndarray) -> np.ndarray:
    """∇f at the flat parameters w (full batch)."""
    return np.asarray(_flat_loss()[2](jnp.asarray(w)))


def gradients(points: np.ndarray) -> np.ndarray:
    """∇f at each row of ``points``."""
    return np.asarray(_flat_loss()[3](jnp.asarray(points)))


def full_loss(w: np.ndarray) -> float:
    return float(_flat_loss()[1](jnp.asarray(w)))


def train_epochs(start, epochs: int, rates: list[float], seed: np.random.SeedSequence) -> np.ndarray:
    """SGD from ``start`` (flat) for ``epochs`` epochs, rates[e] in epoch e; the flat iterate at the
    start of every epoch and at the end, one row each (epochs + 1 rows)."""
    unravel = _flat_loss()[0]
    params, rows, done = unravel(jnp.asarray(start)), [np.asarray(start)], 0
    while done < epochs:
        rate = rates[done]
        length = next((e for e in range(done, epochs) if rates[e] != rate), epochs) - done
        run = networks.train(SETUP.per_sample_loss(), params, SETUP.dataset().arrays, rate, length * STEPS_PER_EPOCH,
                             batch=BATCH, seed=task_seed(seed, done), patience=None, every=STEPS_PER_EPOCH, record=True)
        rows.extend(run.trajectory[1:])
        params, done = run.params, done + length
    return np.array(rows)


def schedule(epochs: int) -> list[float]:
    """The printed step sizes over ``epochs`` epochs (switches at the printed fractions)."""
    first, second = (round(f * epochs) for f in PRINTED_SWITCHES)
    return [PRINTED_RATES[0] if e < first else PRINTED_RATES[1] if e < second else PRINTED_RATES[2] for e in range(epochs)]


def initial(seed: np.random.SeedSequence) -> np.ndarray:
    return np.asarray(ravel_pytree(SETUP.model().init(init_seed(seed)))[0])


def trial(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: (epochs,) → one trial's trajectory under the printed schedule, flattened
    ((epochs + 1) × d values)."""
    (epochs,) = params
    return train_epochs(initial(seed), epochs, schedule(epochs), task_seed(seed, 1)).ravel()


@cache
def trials(epochs: int, count: int, entropy, spawn_key: tuple) -> tuple[np.ndarray, ...]:
    """``count`` independent trials (initialisation and batches), through ``numerics.sweep``."""
    results = run_sweep(trial, [(epochs,)] * count, np.random.SeedSequence(entropy, spawn_key=spawn_key),
                        Backend("inline"))
    return tuple(r.reshape(epochs + 1, SETUP.size) for r in results)


def inner_products(trajectory: np.ndarray, target: np.ndarray) -> np.ndarray:
    """⟨−∇f(x_t), target − x_t⟩ at every recorded x_t of ``trajectory``."""
    return np.array([float(-gradient(x) @ (target - x)) for x in trajectory])


def ball(centre: np.ndarray, radius: float, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points uniform in the ball of ``radius`` around ``centre`` (direction Gaussian,
    radius r·U^{1/d})."""
    directions = rng.standard_normal((count, centre.size))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    radii = radius * rng.random(count) ** (1 / centre.size)
    return centre + directions * radii[:, None]


def batch_gradient_norms(w: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """‖∇f_S(w)‖ for ``count`` batches S of B samples drawn without replacement."""
    x, y = SETUP.dataset().arrays
    grad = _flat_loss()[4]
    norms = []
    for _ in range(count):
        chosen = rng.choice(len(x), BATCH, replace=False)
        norms.append(float(jnp.linalg.norm(grad(jnp.asarray(w), jnp.asarray(x[chosen]), jnp.asarray(y[chosen])))))
    return np.array(norms)
