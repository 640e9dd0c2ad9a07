"""Small neural networks on a shipped data set: data, MLPs, training, and curvature by HVPs.

Importing this package switches JAX to float64 (``jax_enable_x64``) for the whole process: the
curvature measurements (Lanczos residuals near 1e-12) and bit-for-bit reproducibility need it,
and every JAX array any caller makes afterwards is float64 by default. JAX runs on the CPU here
(the registry's ``jaxlib``); nothing is downloaded at run time.

Public API:

- data: :func:`digits` (scikit-learn's 8×8 digits, a seeded subset, one-hot targets) and
  :func:`corrupt_labels` (a copy with a seeded fraction of wrong labels), :class:`Dataset`;
- models: :class:`MLP`, :func:`mlp`, :func:`per_sample_loss`, :func:`key` (SeedSequence → JAX key);
- training: :func:`train` (GD, SGD with or without replacement), :class:`Run`; :func:`flat_loss` and
  :func:`mean_loss` (the per-sample loss of the flat parameters, and its mean over the samples);
- curvature: :func:`sharpness_and_nonuniformity` (both, for any model), :func:`sharpness` λmax(H),
  :func:`nonuniformity` √λmax(Σ),
  :func:`preconditioned_sharpness` λmax(D⁻¹H), each an :class:`Eigen` with its residual;
- experiments: :class:`Setup` (data, MLP and loss of an experiment) and the sweep task
  :func:`minimum` (train to a minimum and measure it), for ``numerics.sweep.run_sweep``.
"""

import jax

jax.config.update("jax_enable_x64", True)

from .curvature import (
    Eigen,
    dense_hessian,
    dense_sample_hessians,
    hessian_operator,
    nonuniformity,
    preconditioned_sharpness,
    sharpness,
    sharpness_and_nonuniformity,
    sigma_operator,
)
from .data import Dataset, corrupt_labels, digits
from .experiments import Setup, minimum
from .mlp import MLP, key, mlp, per_sample_loss
from .training import Run, flat_loss, mean_loss, train

__all__ = [
    "MLP",
    "Dataset",
    "Eigen",
    "Run",
    "Setup",
    "corrupt_labels",
    "dense_hessian",
    "dense_sample_hessians",
    "flat_loss",
    "digits",
    "hessian_operator",
    "key",
    "mean_loss",
    "minimum",
    "mlp",
    "nonuniformity",
    "per_sample_loss",
    "preconditioned_sharpness",
    "sharpness",
    "sharpness_and_nonuniformity",
    "sigma_operator",
    "train",
]
