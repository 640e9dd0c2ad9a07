r"""Euler–Maruyama ensembles for dw = -λ L'(w) dt + (λ/√S) √C(w) dW (Ziyin et al. 2021 eq. (43)).

The drift and diffusion are the SymPy expressions of ``theory.fokker_planck.ItoModel``, turned
into vectorized functions by ``sympy.lambdify`` (one definition for derivation and simulation).
Runs are grouped in the fixed blocks of ``numerics.ensemble`` and seeded from a SeedSequence.

Each run carries its own clock. The step is ``dt``, or smaller where the diffusion is large:
with ``max_increment_variance`` = κ the step is min(dt, κ / g(w)²), so no single increment has
variance above κ. This keeps the scheme stable for covariances that grow like e^{w²} (2021
Example 2); with κ = None it is the plain fixed-step scheme. An optional reflecting wall at
``reflect_below`` maps w ↦ 2·wall - w. A run whose state leaves [-bound, bound] or stops being
finite is recorded as escaped at its clock time and frozen: an event, never a NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from theory.errors import ParameterError
from theory.fokker_planck import ItoModel
from theory.noise import GaussianNoise

from .ensemble import blocks, check_count, check_positive, check_runs
from .trapset import log_rate

#: default cap on the number of iterations of one block
MAX_ITERATIONS = 10**6


@dataclass(frozen=True)
class SDEEnsemble:
    """States at the horizon (escaped runs frozen at their last finite state), escape times
    (-1: none) and the number of iterations the slowest block needed."""

    state: np.ndarray
    escaped_at: np.ndarray
    iterations: int

    @property
    def escaped(self) -> np.ndarray:
        return self.escaped_at >= 0


def coefficient_functions(model: ItoModel, values: dict) -> tuple[Callable, Callable]:
    """Vectorized drift -λL'(w) and diffusion (λ/√S)√C(w) at the given exact parameter values."""
    exact = model.at(values)
    modules = ["scipy", "numpy"]

    def vectorize(expr: sp.Expr) -> Callable:
        function = sp.lambdify(exact.variable, expr, modules)
        return lambda state: np.broadcast_to(function(state), state.shape).astype(float)

    return vectorize(exact.drift), vectorize(exact.diffusion)


def euler_maruyama(
    model: ItoModel,
    values: dict,
    runs: int,
    horizon,
    dt,
    seed: np.random.SeedSequence,
    initial: Callable[[np.random.Generator, int], np.ndarray],
    max_increment_variance=None,
    reflect_below=None,
    bound: float = 1e12,
    max_iterations: int = MAX_ITERATIONS,
) -> SDEEnsemble:
    """w at time ``horizon`` for ``runs`` independent Euler–Maruyama paths started at ``initial(rng, n)``."""
    runs = check_runs(runs)
    horizon, dt, bound = check_positive("horizon", horizon), check_positive("dt", dt), check_positive("bound", bound)
    kappa = None if max_increment_variance is None else check_positive("max_increment_variance", max_increment_variance)
    max_iterations = check_count("max_iterations", max_iterations)
    drift, diffusion = coefficient_functions(model, values)
    wall = None if reflect_below is None else float(reflect_below)
    finals, escapes, slowest = [], [], 0
    for start, stop, rng in blocks(runs, seed):
        state = np.array(initial(rng, stop - start), dtype=float)
        if wall is not None and np.any(state < wall):
            raise ParameterError("initial", f"initial states below the reflecting wall {wall}")
        clock = np.zeros(stop - start)
        escaped_at = np.full(stop - start, -1.0)
        iterations = 0
        active = np.flatnonzero(clock < horizon)
        while active.size:
            if iterations == max_iterations:
                raise ParameterError("max_iterations", f"{active.size} runs had not reached t = {horizon}")
            iterations += 1
            w, noise = state[active], rng.standard_normal(active.size)
            with np.errstate(over="ignore", invalid="ignore"):
                scale = diffusion(w)
                step = np.minimum(dt, horizon - clock[active])
                if kappa is not None:
                    step = np.minimum(step, kappa / np.maximum(scale**2, np.finfo(float).tiny))
                proposal = w + drift(w) * step + scale * np.sqrt(step) * noise
                if wall is not None:
                    proposal = np.where(proposal < wall, 2 * wall - proposal, proposal)
                bad = ~(np.isfinite(proposal) & (np.abs(proposal) <= bound))
            clock[active] += step
            escaped_at[active[bad]] = clock[active[bad]]
            state[active[~bad]] = proposal[~bad]
            clock[active[bad]] = horizon
            active = active[clock[active] < horizon]
        finals.append(state)
        escapes.append(escaped_at)
        slowest = max(slowest, iterations)
    return SDEEnsemble(np.concatenate(finals), np.concatenate(escapes), slowest)


def linear_step_log_rate(model: ItoModel, values: dict, dt, dps: int) -> mpmath.mpf:
    """E ln|1 + κ dt + β √dt Z| for drift κw and diffusion β|w|: the exact mean increment of ln|w|
    per Euler–Maruyama step of geometric Brownian motion (2021 (68)), at ``dps`` digits.

    The step factor is 1 - dt·x with x ~ N(-κ, β²/dt), so this is ``trapset.log_rate`` of that law.
    """
    exact = model.at(values)
    dt = sp.Rational(str(dt)) if not isinstance(dt, sp.Expr) else dt
    if not dt.is_positive:
        raise ParameterError("dt", f"must be positive, got {dt}")
    var = exact.variable
    kappa = sp.simplify(exact.drift / var)
    beta_squared = sp.simplify(exact.diffusion**2 / var**2)
    if var in kappa.free_symbols or var in beta_squared.free_symbols:
        raise ParameterError("model", "drift and diffusion must be linear in w")
    law = GaussianNoise(-kappa, sp.sqrt(beta_squared / dt))
    return log_rate(law, dt, dps)
