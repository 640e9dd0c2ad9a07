"""Helpers shared by Patel's claim modules: instance generation, data formatting, exact
definiteness certificates and the function-scaling falsifier."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from numerics import patel as npatel
from theory import patel

from ...claim import Falsifier, mutate

R = sp.Rational
C, k, lam = patel.C, patel.k, patel.lam

#: the fixed seed of the quadratic-circle and Styblinski–Tang instances we generate (the paper's are
#: not published); runs draw from the check's own seed
INSTANCE_SEED = 170904718

BATCHES = (1, 2, 5, 20, sp.oo)


def times(name: str, factor) -> Falsifier:
    """The printed bound (a function) ``name`` multiplied by ``factor``."""
    return mutate(name, lambda f: (lambda *args, **kw: factor * f(*args, **kw)), f"{name} × {factor}")


def seed_data(ctx) -> dict:
    return {"entropy": int(ctx.seed.entropy), "spawn_key": [int(v) for v in ctx.seed.spawn_key]}


def matrix(m) -> list:
    return [[str(v) for v in row] for row in sp.Matrix(m).tolist()]


def problem_data(problem: patel.StochasticQuadratic) -> dict:
    return {"Q": [matrix(Q) for Q in problem.Q], "r": [[str(v) for v in r] for r in problem.r],
            "probs": [str(p) for p in problem.probs]}


def mp_batch(batch):
    return mpmath.inf if batch == sp.oo else mpmath.mpf(batch)


def rational_near(value, factor: float) -> sp.Rational:
    """A rational step size at value·factor (value an mpmath number, factor 1 ± 10⁻⁶)."""
    return sp.Rational(Fraction(float(value * factor)))


def negative_definite(problem, batch, step) -> bool:
    return patel.is_positive_definite(-patel.one_step_form(problem, batch, step))


def positive_definite(problem, batch, step) -> bool:
    return patel.is_positive_definite(patel.one_step_form(problem, batch, step))


def instances(rng: np.random.Generator, homogeneous: bool, count: int):
    for _ in range(count):
        yield npatel.random_problem(rng, int(rng.integers(2, 4)), int(rng.integers(2, 4)), homogeneous)


def shared_rng(entropy: int, tag: int) -> np.random.Generator:
    """Checks shared by a claim and its '-corrected' twin draw from the run seed (not the claim id),
    so both see the same instances."""
    return np.random.default_rng([INSTANCE_SEED, entropy, tag])


def shared_seed_data(entropy: int, tag: int) -> dict:
    return {"numpy_default_rng": [INSTANCE_SEED, entropy, tag]}


def diagonal_law(diagonals) -> patel.StochasticQuadratic:
    """Two diagonal atoms w.p. ½ each, r = 0."""
    return patel.StochasticQuadratic.of([np.diag(row).tolist() for row in diagonals], [[0] * len(diagonals[0])] * 2,
                                        ["1/2", "1/2"])
