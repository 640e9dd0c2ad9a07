r"""Vectorized SGD, Adam and AMSGrad over an ensemble of runs, on a SymPy loss from theory/.

AMSGrad as printed (2022 eqs. (9)-(12); 2021 eqs. (13)-(16), whose (13) has β1 v_{t-1}, a
typo for β1 m_{t-1}), with g_t = ∂_w \hat L(w_{t-1}; x_t):

    m_t = β1 m_{t-1} + (1 - β1) g_t,   v_t = β2 v_{t-1} + (1 - β2) g_t²,
    \hat v_t = max(\hat v_{t-1}, v_t), w_t = w_{t-1} - λ m_t / √\hat v_t,

with m_0 = v_0 = \hat v_0 = 0, no ε and no bias correction (as the papers). Adam is the same
with \hat v_t replaced by v_t; SGD is w_t = w_{t-1} - λ g_t (β's unused). All operations are
per coordinate.

Convention at a zero preconditioner: \hat v_t = 0 (or v_t = 0 for Adam) happens only if every
g_s, s ≤ t, was 0, and then m_t = 0 too; the update is taken as 0, the ε → 0⁺ limit of
m_t / (√\hat v_t + ε). With ``project`` the new w is clipped onto [-1, 1] (Prop. 5 assumes
w_t ∈ [-1, 1]; the experiments do not say).

One ensemble may mix settings: each run carries its own (λ, β1, β2, method, project) as
constant columns of its state, so one ``numerics.ensemble.iterate`` call runs all of them and
divergence stays an event (``escaped_at``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import sympy as sp

from theory.errors import ParameterError
from theory.noise import FiniteNoise

from .ensemble import NoiseSampler, check_count, iterate, lambdify_gradient

#: g(w, rng) -> per-sample gradient at w, shape (n, d), drawing its own data
Gradient = Callable[[np.ndarray, np.random.Generator], np.ndarray]
Start = Callable[[np.random.Generator, int], np.ndarray]
HYPER = 5  # columns λ, β1, β2, method, project


class Method(IntEnum):
    SGD = 0
    ADAM = 1
    AMSGRAD = 2


@dataclass(frozen=True)
class OptimizerConfig:
    method: Method
    lr: float
    beta1: float = 0.0
    beta2: float = 0.999
    project: bool = False

    def __post_init__(self):
        if not isinstance(self.method, Method):
            raise ParameterError("method", f"must be one of {[m.name for m in Method]}, got {self.method!r}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ParameterError("lr", f"learning rate must be a positive number, got {self.lr!r}")
        for name in ("beta1", "beta2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 <= value < 1):
                raise ParameterError(name, f"must lie in [0, 1), got {value!r}")

    def describe(self) -> str:
        extra = "" if self.method == Method.SGD else f", β1={self.beta1}, β2={self.beta2}"
        return f"{self.method.name} λ={self.lr}{extra}{', projected onto [-1, 1]' if self.project else ''}"

    def columns(self) -> list[float]:
        return [float(self.lr), float(self.beta1), float(self.beta2), float(self.method), float(self.project)]


def sampled_gradient(loss: sp.Expr, params: Sequence[sp.Symbol], data: sp.Symbol, noise: FiniteNoise) -> Gradient:
    """∂_w \\hat L(w; x) with x drawn afresh from ``noise`` for every run at every step."""
    grad = lambdify_gradient(loss, params, (data,))
    sampler = NoiseSampler(noise)
    return lambda w, rng: grad(w, sampler.draw(rng, w.shape[0]))


def expected_gradient(loss: sp.Expr, params: Sequence[sp.Symbol], data: sp.Symbol, noise: FiniteNoise) -> Gradient:
    """∂_w E_x \\hat L(w; x): full-batch gradient descent (draws nothing)."""
    grad = lambdify_gradient(noise.expectation(lambda v: loss.subs(data, v)), params, ())
    return lambda w, rng: grad(w)


@dataclass(frozen=True)
class Layout:
    """Columns of one run's state: w, m, v, \\hat v (d each), then the HYPER columns."""

    dim: int

    def part(self, state: np.ndarray, index: int) -> np.ndarray:
        return state[:, index * self.dim : (index + 1) * self.dim]

    def hyper(self, state: np.ndarray) -> tuple[np.ndarray, ...]:
        columns = state[:, 4 * self.dim :]
        return tuple(columns[:, k : k + 1] for k in range(HYPER))


def stepper(gradient: Gradient, dim: int) -> Callable[[np.ndarray, np.random.Generator, int], np.ndarray]:
    """One step of every run, each with its own settings (module docstring for the equations)."""
    layout = Layout(dim)
    sgd, adam = float(Method.SGD), float(Method.ADAM)

    def step(state: np.ndarray, rng: np.random.Generator, t: int) -> np.ndarray:
        w, m, v, v_max = (layout.part(state, k) for k in range(4))
        lr, beta1, beta2, method, project = layout.hyper(state)
        g = gradient(w, rng)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = np.maximum(v_max, v)
        scale = np.where(method == adam, v, v_max)
        adaptive = np.divide(m, np.sqrt(scale), out=np.zeros_like(m), where=scale > 0)
        w = w - lr * np.where(method == sgd, g, adaptive)
        w = np.where(project > 0, np.clip(w, -1.0, 1.0), w)
        return np.concatenate([w, m, v, v_max, state[:, 4 * dim :]], axis=1)

    return step


@dataclass(frozen=True)
class RunResult:
    """The runs of one setting: final w (frozen at the last finite state if escaped), final
    \\hat v, escape steps (-1: none) and snapshots of w."""

    config: OptimizerConfig
    w: np.ndarray
    v_max: np.ndarray
    escaped_at: np.ndarray
    snapshots: dict[int, np.ndarray]

    @property
    def escaped(self) -> np.ndarray:
        return self.escaped_at >= 0


def run(
    configs: Sequence[OptimizerConfig],
    runs_each: int,
    steps: int,
    seed: np.random.SeedSequence,
    start: Start,
    gradient: Gradient,
    dim: int,
    snapshot_at: Sequence[int] = (),
    bound: float = 1e12,
) -> list[RunResult]:
    """``runs_each`` runs of every setting in one ensemble; ``start(rng, n)`` gives initial w (n, dim).

    Runs are laid out setting after setting; the initial-state callback of ``iterate`` is
    called once per block, in order, so it tracks the row offset to attach each run's settings.
    """
    if not configs:
        raise ParameterError("configs", "at least one optimizer setting is needed")
    runs_each = check_count("runs_each", runs_each)
    dim = check_count("dim", dim)
    settings = np.repeat(np.array([c.columns() for c in configs]), runs_each, axis=0)
    offset = [0]

    def initial(rng: np.random.Generator, n: int) -> np.ndarray:
        w = np.asarray(start(rng, n), dtype=float).reshape(n, dim)
        rows = settings[offset[0] : offset[0] + n]
        offset[0] += n
        return np.concatenate([w, np.zeros((n, 3 * dim)), rows], axis=1)

    result = iterate(stepper(gradient, dim), initial, len(configs) * runs_each, steps, seed, bound, snapshot_at)
    out = []
    for index, config in enumerate(configs):
        rows = slice(index * runs_each, (index + 1) * runs_each)
        out.append(
            RunResult(
                config,
                result.state[rows, :dim],
                result.state[rows, 3 * dim : 4 * dim],
                result.escaped_at[rows],
                {t: snap[rows, :dim] for t, snap in result.snapshots.items()},
            )
        )
    return out
