"""Helpers of the Ziyin optimizer claims (prop5, toynn): the gradients and starts their ensembles use, the
extremal preconditioner path of Prop. 5's proof, and the onset bracket of the toy network's divergence."""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import optimizers
from theory import multiplicative, toynn, ziyin
from theory.multiplicative import w
from theory.noise import x

from ...claim import Verdict

beta2 = sp.Symbol("beta_2", positive=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
a = ziyin.a


def gradient_law(a_value) -> optimizers.Gradient:
    """ĝ = x w of L̂ = x w²/2 under the two-point law of a."""
    return optimizers.sampled_gradient(multiplicative.sampled_loss(x), (w,), x, ziyin.noise(a_value))


def uniform_start(rng: np.random.Generator, n: int) -> np.ndarray:
    """w_0 ~ U[-1, 1] (the papers do not state w_0 for this experiment)."""
    return rng.uniform(-1.0, 1.0, (n, 1))


def bound_facts(printed_v_bound, example: dict) -> dict:
    """sup |ĝ| over |w| ≤ 1 and the atoms (|x w| ≤ |x|, equality at |w| = 1); v_t from (95)/(86) with v_0 = 0
    when ĝ_s² is that bound at every step (the largest v_t can be); and the first t at which that path
    exceeds ``printed_v_bound`` at ``example`` (values of a, β2; None if its limit does not)."""
    gradient = sp.diff(multiplicative.sampled_loss(x), w)
    bound = sp.simplify(sp.Max(*[sp.Abs(gradient.subs({x: v, w: 1})) for v in ziyin.noise().values]))
    v = sp.Function("v")
    path = sp.expand(sp.rsolve(v(t + 1) - beta2 * v(t) - (1 - beta2) * bound**2, v(t), {v(0): 0}))
    sequence, target = path.subs(example), sp.sympify(printed_v_bound).subs(example)
    first = None
    if sp.limit(sequence, t, sp.oo) > target:  # the path increases: doubling, then bisection
        high = 1
        while not sequence.subs(t, high) > target:
            high *= 2
        low = high // 2
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (low, mid) if sequence.subs(t, mid) > target else (mid, high)
        first = high
    return {"gradient": gradient, "bound": bound, "path": path, "first": first,
            "v_first": sequence.subs(t, first) if first else None}


def toy_gradient() -> optimizers.Gradient:
    return optimizers.sampled_gradient(toynn.sampled_loss(toynn.y), toynn.PARAMS, toynn.y, toynn.labels())


def toy_start(rng: np.random.Generator, n: int) -> np.ndarray:
    """w1 ~ U[-1, 1], w2 ~ U[0, 1] (§6.3)."""
    return np.column_stack([rng.uniform(-1.0, 1.0, n), rng.uniform(0.0, 1.0, n)])


def output(state: np.ndarray) -> np.ndarray:
    """u = f(1) = w2 w1² (the loss depends on w only through it)."""
    return state[:, 1] * state[:, 0] ** 2


def loss(state: np.ndarray) -> np.ndarray:
    """L(w) through L(u), lambdified from theory.toynn."""
    return np.asarray(sp.lambdify(toynn.output, toynn.landscape().loss_in_output, "numpy")(output(state)), dtype=float)


def onset_bracket(grid, diverged) -> tuple:
    """(lo, hi]: hi the first λ of the grid at which some run diverged (the mean loss over the runs diverges),
    lo the largest λ below it at which none did; None where the grid does not reach."""
    hi = next((lr for lr, k in zip(grid, diverged) if k > 0), None)
    below = [lr for lr, k in zip(grid, diverged) if k == 0 and (hi is None or lr < hi)]
    return (max(below) if below else None), hi


def threshold_verdict(printed: float, rounding: float, lo, hi) -> Verdict:
    """The printed threshold (± its rounding) against the bracket (lo, hi] of the onset."""
    if (hi is not None and printed - rounding > hi) or (lo is not None and printed + rounding <= lo):
        return Verdict.REFUTED
    return Verdict.INCONCLUSIVE if lo is None or hi is None else Verdict.CONFIRMED
