"""Ensembles of SGD runs on the two non-quadratic landscapes of Ziyin et al.

The gradients come from the SymPy losses of ``theory.sharp_minima`` and ``theory.quartic``
through ``lambdify_gradient``; the runs go through ``iterate``, so a diverging run is an event
(``escaped_at``), never a NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from theory import quartic, sharp_minima, ziyin
from theory.noise import x

from .ensemble import EnsembleResult, NoiseSampler, check_positive, iterate, lambdify_gradient

#: the box |w1|, |w2| ≤ 1 that Prop. 4 assumes
BOX = 1.0


def uniform_square(half_width: float = 1.0, dimension: int = 2):
    """Initial states uniform in [-half_width, half_width]^dimension."""
    return lambda rng, n: rng.uniform(-half_width, half_width, (n, dimension))


@dataclass(frozen=True)
class SharpMinimaRuns:
    """Final (w1, w2) of each run; the step at which it first left the box (-1: never) and at which
    it diverged (-1: never); snapshots of (w1, w2) at the requested steps."""

    w: np.ndarray
    left_box_at: np.ndarray
    diverged_at: np.ndarray
    snapshots: dict[int, np.ndarray]


def sharp_minima_runs(
    a_value: sp.Expr,
    b_value: sp.Expr,
    lr,
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    snapshot_at: Sequence[int] = (),
) -> SharpMinimaRuns:
    """SGD on eq. (10) [2021] / (6) [2022] with x = ±1, started uniformly in [-1, 1]², unclipped.

    The state carries a third column: the first step at which |w1| or |w2| exceeded 1 (0: not yet).
    """
    lr = check_positive("lr", lr)
    sharp_minima.require_positive("a", a_value)
    grad = lambdify_gradient(sp.expand(sharp_minima.sampled_loss(x, a_value, b_value)), sharp_minima.PARAMS, (x,))
    sampler = NoiseSampler(sharp_minima.noise())

    def step(state, rng, t):
        w = state[:, :2]
        new = w - lr * grad(w, sampler.draw(rng, len(state)))
        outside = np.any(np.abs(new) > BOX, axis=1) & (state[:, 2] == 0)
        return np.column_stack([new, np.where(outside, t, state[:, 2])])

    def initial(rng, n):
        return np.column_stack([uniform_square()(rng, n), np.zeros(n)])

    result = iterate(step, initial, runs, steps, seed, snapshot_at=snapshot_at)
    first_exit = result.state[:, 2].astype(int)
    return SharpMinimaRuns(
        result.state[:, :2],
        np.where(first_exit > 0, first_exit, -1),
        result.escaped_at,
        {t: s[:, :2] for t, s in result.snapshots.items()},
    )


def quartic_runs(
    a_value: sp.Expr,
    lr: sp.Expr,
    runs: int,
    steps: int,
    seed: np.random.SeedSequence,
    norm: quartic.Normalisation = quartic.SECTION_6_1,
    snapshot_at: Sequence[int] = (),
) -> EnsembleResult:
    """SGD on c₂ x w² + c₄ w⁴ with x ∈ {1, a - 1}, w0 ~ U[-1, 1] (2021 Fig. 1 caption).

    A run is recorded as escaped when |w| passes theory.quartic.escape_radius, beyond which it
    diverges for certain: every escape is a divergence.
    """
    radius = float(quartic.escape_radius(a_value, lr, norm))
    grad = lambdify_gradient(quartic.sampled_loss(x, norm), (quartic.w,), (x,))
    sampler = NoiseSampler(ziyin.noise(sp.sympify(a_value)))
    step_size = check_positive("lr", lr)

    def step(state, rng, t):
        return state - step_size * grad(state, sampler.draw(rng, len(state)))

    return iterate(step, uniform_square(1.0, 1), runs, steps, seed, bound=radius, snapshot_at=snapshot_at)


def quartic_phase_diagram(
    a_grid: Sequence[sp.Expr],
    lr_grid: Sequence[sp.Expr],
    runs: int,
    steps: int,
    eps: float,
    seed: np.random.SeedSequence,
    norm: quartic.Normalisation = quartic.SECTION_6_1,
) -> np.ndarray:
    """Fraction of the runs of ``quartic_runs`` at every (a, λ) that escaped w = 0 after ``steps`` steps:
    diverged (past that point's escape radius) or |w_T| > ``eps``. Row i is λ = lr_grid[i], column j is
    a = a_grid[j]; all points run as one ensemble (each run carries its λ, its two atoms and its radius)."""
    grad = lambdify_gradient(quartic.sampled_loss(x, norm), (quartic.w,), (x,))
    radius = sp.lambdify((ziyin.a, quartic.lam), quartic.escape_radius_formula(norm), "math")
    points = [(a_value, lr) for a_value in a_grid for lr in lr_grid]
    columns = []
    for a_value, lr in points:
        law = ziyin.noise(sp.sympify(a_value))
        low, high = (float(v) for v in law.values)
        columns.append([check_positive("lr", lr), low, high, float(law.probs[0]), radius(float(a_value), float(lr))])
    settings = np.repeat(np.array(columns), runs, axis=0)
    offset = [0]

    def initial(rng, n):
        rows = settings[offset[0] : offset[0] + n]
        offset[0] += n
        return np.column_stack([uniform_square(1.0, 1)(rng, n), rows])

    def step(state, rng, t):
        w, lr, low, high, first, radius = state.T
        draw = np.where(rng.random(len(state)) < first, low, high)
        new = w - lr * grad(state[:, :1], draw)[:, 0]
        return np.column_stack([np.where(np.abs(new) > radius, np.inf, new), state[:, 1:]])

    result = iterate(step, initial, len(points) * runs, steps, seed)
    away = (result.escaped_at >= 0) | (np.abs(result.state[:, 0]) > eps)
    return away.reshape(len(a_grid), len(lr_grid), runs).mean(axis=2).T
