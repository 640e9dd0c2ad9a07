"""A family of fully connected tanh networks and their per-sample losses, in JAX.

Parameters are a list of ``(W, b)`` pairs; :func:`jax.flatten_util.ravel_pytree` turns them into
the flat vector w ∈ ℝᵈ that training and the curvature functions work with. Initialisation is Wu,
Ma & E's uniform U[−v/√n_in, v/√n_in] (§4.3), biases included, drawn from a JAX key derived from
a ``numpy.random.SeedSequence`` (:func:`key`), so equal seeds give equal parameters bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from theory.errors import ParameterError

ACTIVATIONS = {"tanh": jnp.tanh, "relu": jax.nn.relu}


def key(seed) -> jax.Array:
    """A threefry JAX key holding 64 bits drawn from ``seed`` (an int or a SeedSequence)."""
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return jax.random.wrap_key_data(jnp.asarray(sequence.generate_state(2, np.uint32)), impl="threefry2x32")


@dataclass(frozen=True)
class MLP:
    """x ↦ W_L σ(… σ(W_1 x + b_1) …) + b_L with layer sizes ``widths`` (input first, output last)."""

    widths: tuple[int, ...]
    activation: str = "tanh"
    init_scale: float = 1.0  # v in U[-v/√n_in, v/√n_in]

    def __post_init__(self):
        if len(self.widths) < 2 or min(self.widths) < 1:
            raise ParameterError("widths", f"must be ≥ 2 positive layer sizes, got {self.widths!r}")
        if self.activation not in ACTIVATIONS:
            raise ParameterError("activation", f"must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")

    @property
    def size(self) -> int:
        """d, the number of parameters."""
        return sum((n_in + 1) * n_out for n_in, n_out in zip(self.widths, self.widths[1:]))

    def init(self, seed) -> list[tuple[jax.Array, jax.Array]]:
        """Parameters drawn from U[−v/√n_in, v/√n_in], seeded (int or SeedSequence)."""
        keys = jax.random.split(key(seed), 2 * (len(self.widths) - 1))
        params = []
        for layer, (n_in, n_out) in enumerate(zip(self.widths, self.widths[1:])):
            bound = self.init_scale / np.sqrt(n_in)
            w = jax.random.uniform(keys[2 * layer], (n_out, n_in), minval=-bound, maxval=bound)
            b = jax.random.uniform(keys[2 * layer + 1], (n_out,), minval=-bound, maxval=bound)
            params.append((w, b))
        return params

    def apply(self, params, x: jax.Array) -> jax.Array:
        """The network's output for one input x (or a batch, leading axis)."""
        sigma = ACTIVATIONS[self.activation]
        h = x
        for w, b in params[:-1]:
            h = sigma(h @ w.T + b)
        w, b = params[-1]
        return h @ w.T + b


def mlp(width: int = 32, depth: int = 1, inputs: int = 64, outputs: int = 10, **options) -> MLP:
    """``depth`` hidden layers of ``width`` units between ``inputs`` and ``outputs``."""
    return MLP((inputs,) + (width,) * depth + (outputs,), **options)


def mse(output: jax.Array, target: jax.Array) -> jax.Array:
    """ℓ = (1/K) Σ_k (f_k − y_k)², the mean over the K outputs: PyTorch's ``MSELoss()`` on one-hot
    targets, the loss of Wu et al.'s code (``train.py --loss mse``)."""
    return jnp.mean((output - target) ** 2)


def cross_entropy(output: jax.Array, target: jax.Array) -> jax.Array:
    """ℓ = log Σ_k e^{f_k} − Σ_k y_k f_k for a one-hot (or probability) target y."""
    return jax.nn.logsumexp(output) - jnp.dot(target, output)


LOSSES = {"mse": mse, "cross_entropy": cross_entropy}


def per_sample_loss(model: MLP, loss: str = "mse") -> Callable:
    """ℓ(params, x, y): the loss of ``model`` on one sample (x, y), for training and curvature."""
    if loss not in LOSSES:
        raise ParameterError("loss", f"must be one of {sorted(LOSSES)}, got {loss!r}")
    criterion = LOSSES[loss]

    def loss_of(params, x, y):
        return criterion(model.apply(params, x), y)

    return loss_of
