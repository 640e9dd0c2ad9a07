"""mpmath evaluation and the vectorized NumPy ensemble simulators (may import theory, never verify)."""

__all__ = [
    "precision",  # exact SymPy → mpmath at a stated dps
    "ensemble",  # seeded blocks of runs, parameter checks, escape events
    "multiplicative_sim",  # exact-in-law samplers of ln|w_t| for x w²/2
    "exact_law",  # the exact finite-t escape law for discrete noise
    "trapset",  # certified trap sets {λ : μ(λ) < 0}
    "escape_rate",  # γ(λ) = μ(λ) and its supremum
    "escape_experiments",  # the book's experiments on x w²/2
    "sweep",  # parameter sweeps inline, on processes or on Dask
    "sde",  # Euler–Maruyama for continuous-time SGD
    "landscapes",  # SGD on the papers' one- and two-dimensional landscapes
    "optimizers",  # Adam and AMSGrad ensembles
    "linear",  # linearised SGD x ← (I - ηM)x with exact batches
    "patel",  # Patel's SGD-k on quadratics
    "smoothed_sgd",  # SGD as GD on the noise-smoothed loss (Kleinberg et al.)
    "networks",  # JAX MLPs on digits: training, sharpness and non-uniformity
    "stability",  # Lyapunov exponents of linearised SGD; SGD on a loss near a fixed point
]
