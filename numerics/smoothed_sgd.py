"""SGD on 1-D losses seen as GD on the noise-smoothed (convolved) loss (Kleinberg, Li & Yuan, ICML
2018): convolved gradients by quadrature, numerical estimates of the one-point convexity constant c
and of the smoothness constant L, and vectorized SGD/GD ensembles on 1-D losses defined in
``theory.kleinberg``.

Every gradient comes from the SymPy loss (``lambdify_gradient`` or ``sympy.lambdify``); runs go
through ``iterate``, so a diverging run is an event (``escaped_at``), never a NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp
from scipy.optimize import minimize_scalar

from theory.errors import ParameterError
from theory.kleinberg import sinc_critical_equation, x, z
from theory.noise import FiniteNoise, UniformNoise

from .ensemble import (
    BLOCK_RUNS,
    EnsembleResult,
    NoiseSampler,
    check_count,
    check_positive,
    iterate,
    lambdify_gradient,
)
from .precision import working_precision

#: Gauss–Legendre nodes for the uniform convolution (the integrands are entire; 256 nodes
#: integrate the spikes of the test functions to rounding error)
QUADRATURE_NODES = 256


def derivative(loss: sp.Expr, order: int = 1) -> Callable[[np.ndarray], np.ndarray]:
    """d^order f/dx^order of a 1-D SymPy loss, vectorized over a NumPy array."""
    function = sp.lambdify(x, sp.diff(loss, x, order), "numpy")
    return lambda values: np.broadcast_to(function(values), np.shape(values)).astype(float)


def convolved_gradient(loss: sp.Expr, law: UniformNoise | FiniteNoise, nodes: int = QUADRATURE_NODES, order: int = 1):
    """y ↦ ∇g(y) = E_ξ f'(y - ξ) (``order`` = 2: g''(y)) for the perturbation law of ξ = ηω
    (Gauss–Legendre for the uniform law, the exact finite sum for a discrete one)."""
    gradient = derivative(loss, order)
    if isinstance(law, FiniteNoise):
        atoms = [(float(v), float(p)) for v, p in law.atoms]
        return lambda ys: sum(p * gradient(np.asarray(ys, float) - v) for v, p in atoms)
    points, weights = np.polynomial.legendre.leggauss(nodes)
    low, high = float(law.low), float(law.high)
    shifts = (high - low) / 2 * points + (high + low) / 2

    def value(ys):
        ys = np.asarray(ys, float)
        return gradient(ys[..., None] - shifts) @ weights / 2

    return value


@dataclass(frozen=True)
class OnePointEstimate:
    """Smallest ⟨∇g(y), y - x*⟩/‖y - x*‖² found on 0 < |y - x*| ≤ radius, and where."""

    c: float
    at: float


def one_point_constant(gradient: Callable, radius: float, points: int = 20001, exclusion: float = 1e-3,
                       x_star: float = 0.0) -> OnePointEstimate:
    """Estimate Assumption 1's c over exclusion ≤ |y - x*| ≤ radius: grid minimum of the ratio,
    refined by a bounded scalar minimisation around the best grid point."""
    offsets = np.linspace(-radius, radius, points)
    offsets = offsets[np.abs(offsets) >= exclusion]
    ratio = gradient(x_star + offsets) / offsets
    best = int(np.argmin(ratio))
    spacing = 2 * radius / (points - 1)
    low, high = max(offsets[best] - spacing, -radius), min(offsets[best] + spacing, radius)
    estimate = OnePointEstimate(float(ratio[best]), float(offsets[best]))
    if low * high <= 0 or min(abs(low), abs(high)) < exclusion:
        return estimate
    refined = minimize_scalar(lambda u: float(gradient(np.array([x_star + u]))[0] / u), bounds=(low, high),
                              method="bounded", options={"xatol": 1e-12})
    return OnePointEstimate(float(refined.fun), float(refined.x)) if refined.fun < estimate.c else estimate


def smoothness_constant(second: Callable, radius: float, points: int = 200001) -> float:
    """Estimate L = sup |h''| over [-radius, radius] from a vectorized h'' (f'' via ``derivative``,
    g'' via ``convolved_gradient(order=2)``): grid maximum refined around the best point."""
    grid = np.linspace(-radius, radius, points)
    values = np.abs(second(grid))
    best = int(np.argmax(values))
    spacing = 2 * radius / (points - 1)
    refined = minimize_scalar(lambda u: -abs(float(second(np.array([u]))[0])),
                              bounds=(max(grid[best] - spacing, -radius), min(grid[best] + spacing, radius)),
                              method="bounded", options={"xatol": 1e-12})
    return float(max(values[best], -refined.fun))


def local_minima(gradient: Callable, radius: float, points: int = 24001) -> np.ndarray:
    """Grid points in [-radius, radius] where the gradient crosses from negative to non-negative."""
    grid = np.linspace(-radius, radius, points)
    values = gradient(grid)
    crossing = (values[:-1] < 0) & (values[1:] >= 0)
    return grid[:-1][crossing]


# --- high precision -------------------------------------------------------------------------------


def sinc_infimum(upper, dps: int):
    """inf of sin z / z over 0 < z ≤ upper (``None``: over all z > 0) at ``dps`` digits.

    sin z / z decreases on (0, z0], z0 ∈ (π, 3π/2) the first positive root of z cos z - sin z
    (``theory.kleinberg.sinc_critical_equation``), and sinc(z0) ≈ -0.2172 is its global minimum
    (for z ≥ 2π, |sin z / z| ≤ 1/(2π) < |sinc(z0)|).
    """
    equation = sp.lambdify(z, sinc_critical_equation(), "mpmath")
    with working_precision(dps):
        z0 = mpmath.findroot(equation, (mpmath.pi, 3 * mpmath.pi / 2), solver="anderson")
        point = z0 if upper is None or mpmath.mpmathify(upper) >= z0 else mpmath.mpmathify(upper)
        return mpmath.sin(point) / point


def _mp_gradient(loss: sp.Expr):
    return sp.lambdify(x, sp.diff(loss, x), "mpmath")


def _expect(function, law: UniformNoise | FiniteNoise, pieces: int = 16):
    """E[function(ξ)] at the current mpmath precision (quadrature split into ``pieces``)."""
    if isinstance(law, FiniteNoise):
        return mpmath.fsum(mpmath.mpmathify(sp.N(p, mpmath.mp.dps)) * function(mpmath.mpmathify(sp.N(v, mpmath.mp.dps)))
                           for v, p in law.atoms)
    low, high = (mpmath.mpmathify(sp.N(e, mpmath.mp.dps)) for e in (law.low, law.high))
    return mpmath.quad(function, mpmath.linspace(low, high, pieces + 1)) / (high - low)


def mp_convolved_gradient(loss: sp.Expr, law: UniformNoise | FiniteNoise, y_value, dps: int):
    """∇g(y) = E_ξ f'(y - ξ) by mpmath quadrature at ``dps`` digits."""
    gradient = _mp_gradient(loss)
    with working_precision(dps):
        point = mpmath.mpmathify(y_value)
        return _expect(lambda v: gradient(point - v), law)


def mp_one_step_second_moment(loss: sp.Expr, lr, omega: UniformNoise | FiniteNoise, y_value, dps: int):
    """E‖y - ηω - η f'(y - ηω)‖² (x* = 0) over ω: the left side of Step 1 of the proof of Thm 1."""
    gradient = _mp_gradient(loss)
    with working_precision(dps):
        point, step = mpmath.mpmathify(y_value), mpmath.mpmathify(lr)
        return _expect(lambda w: (point - step * w - step * gradient(point - step * w)) ** 2, omega)


# --- ensembles ------------------------------------------------------------------------------------


def _sgd_step(loss: sp.Expr, lr: float, omega: UniformNoise | FiniteNoise):
    """x ← x - η(f'(x) + ω), ω drawn from its law, on column 0 of a state."""
    gradient = lambdify_gradient(loss, (x,), ())
    sampler = NoiseSampler(omega)
    return lambda state, rng: state[:, :1] - lr * (gradient(state[:, :1]) + sampler.draw(rng, (len(state), 1)))


@dataclass(frozen=True)
class Theorem1Runs:
    """‖y_{T1} - x*‖² and max over T1 ≤ t ≤ T1+T2 of ‖y_t - x*‖² per run (x* = 0); escapes."""

    at_burn_in: np.ndarray
    window_max: np.ndarray
    escaped_at: np.ndarray


def theorem1_runs(loss: sp.Expr, lr, omega: UniformNoise | FiniteNoise, x0: float, burn_in: int, window: int,
                  runs: int, seed: np.random.SeedSequence) -> Theorem1Runs:
    """SGD x_{t+1} = x_t - η(f'(x_t) + ω_t) from x_0, tracking y_t = x_t - η f'(x_t) (eq. (1)).

    State columns: x, ‖y_{T1}‖², running max of ‖y_t‖² over the window.
    """
    lr = check_positive("lr", lr)
    burn_in, window = check_count("burn_in", burn_in), check_count("window", window, 0)
    gradient = derivative(loss)
    move = _sgd_step(loss, lr, omega)

    def step(state, rng, t):
        new = move(state, rng)[:, 0]
        y_sq = (new - lr * gradient(new)) ** 2
        at = np.where(t == burn_in, y_sq, state[:, 1])
        top = np.where(t >= burn_in, np.maximum(state[:, 2], y_sq), 0.0)
        return np.column_stack([new, at, top])

    def initial(rng, n):
        return np.column_stack([np.full(n, float(x0)), np.zeros(n), np.zeros(n)])

    result = iterate(step, initial, runs, burn_in + window, seed)
    return Theorem1Runs(result.state[:, 1], result.state[:, 2], result.escaped_at)


@dataclass(frozen=True)
class RestartRuns:
    """Stage 1 (η, T1 steps) then stage 2 (η', T2 steps) from x_0 (x* = 0): ‖y_{T1}‖² with
    y = x - ηf'(x); at the end ‖y'‖² with y' = x - η'f'(x) (the second stage's y) and, for the
    other reading, ‖x - ηf'(x)‖²; escapes."""

    first_stage: np.ndarray
    second_stage: np.ndarray
    second_stage_first_map: np.ndarray
    escaped_at: np.ndarray


def restart_runs(loss: sp.Expr, lr1, lr2, omega: UniformNoise | FiniteNoise, x0: float, first: int, second: int,
                 runs: int, seed: np.random.SeedSequence) -> RestartRuns:
    """SGD with step η for ``first`` steps, then η' for ``second`` steps (Corollary 2)."""
    lr1, lr2 = check_positive("lr1", lr1), check_positive("lr2", lr2)
    first, second = check_count("first", first), check_count("second", second)
    gradient = derivative(loss)
    moves = (_sgd_step(loss, lr1, omega), _sgd_step(loss, lr2, omega))

    def step(state, rng, t):
        new = moves[t > first](state, rng)[:, 0]
        at_switch = np.where(t == first, (new - lr1 * gradient(new)) ** 2, state[:, 1])
        return np.column_stack([new, at_switch])

    def initial(rng, n):
        return np.column_stack([np.full(n, float(x0)), np.zeros(n)])

    result = iterate(step, initial, runs, first + second, seed)
    final = result.state[:, 0]
    slope = gradient(final)
    return RestartRuns(result.state[:, 1], (final - lr2 * slope) ** 2, (final - lr1 * slope) ** 2, result.escaped_at)


@dataclass(frozen=True)
class GradientDescentRuns:
    """GD from random x_0: the smallest one-step change of ‖x_t - x*‖² seen per run; escapes."""

    smallest_change: np.ndarray
    escaped_at: np.ndarray
    initial: np.ndarray


def gd_distance_runs(loss: sp.Expr, lr, half_width: float, runs: int, steps: int, seed: np.random.SeedSequence,
                     bound: float = 1e8) -> GradientDescentRuns:
    """GD x_{t+1} = x_t - η f'(x_t) (x* = 0) from x_0 ~ U[-h, h], recording min_t (x_{t+1}² - x_t²)."""
    lr = check_positive("lr", lr)
    gradient = lambdify_gradient(loss, (x,), ())

    def step(state, rng, t):
        new = state[:, :1] - lr * gradient(state[:, :1])
        change = new[:, 0] ** 2 - state[:, 0] ** 2
        return np.column_stack([new[:, 0], np.minimum(state[:, 1], change), state[:, 2]])

    def initial(rng, n):
        start = rng.uniform(-half_width, half_width, n)
        return np.column_stack([start, np.full(n, np.inf), start])

    result = iterate(step, initial, runs, steps, seed, bound=bound)
    return GradientDescentRuns(result.state[:, 1], result.escaped_at, result.state[:, 2])


def uniform_start(half_width: float):
    """Initial points x_0 ~ U[-h, h] (one coordinate)."""
    return lambda rng, n: rng.uniform(-half_width, half_width, (n, 1))


def from_points(points: np.ndarray):
    """Initial points given explicitly (restarts from an earlier stage's final points)."""
    points = np.asarray(points, float).reshape(-1, 1)
    if not 1 <= len(points) <= BLOCK_RUNS:
        raise ParameterError("points", f"need 1 to {BLOCK_RUNS} restart points, got {len(points)}")

    def initial(rng, n):
        if n != len(points):
            raise ParameterError("runs", f"{n} runs for {len(points)} restart points")
        return points.copy()

    return initial


def perturbed_gd_runs(loss: sp.Expr, lr, perturbation: UniformNoise | None, initial, runs: int, steps: int,
                      seed: np.random.SeedSequence) -> EnsembleResult:
    """x_{t+1} = x_t - η f'(x_t) - ξ_t with ξ_t = ηω_t drawn from ``perturbation`` (uniform on
    [-s, s]: noise level s, as in Fig. 3); ``None`` is plain GD."""
    lr = check_positive("lr", lr)
    gradient = lambdify_gradient(loss, (x,), ())
    sampler = NoiseSampler(perturbation) if perturbation is not None else None

    def step(state, rng, t):
        moved = state - lr * gradient(state)
        return moved - sampler.draw(rng, state.shape) if sampler else moved

    return iterate(step, initial, runs, steps, seed)
