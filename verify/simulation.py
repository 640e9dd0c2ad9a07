"""`simulate` computations: ensembles for the user's parameters, judged against the exact law."""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import exact_law
from numerics.multiplicative_sim import simulate
from numerics.precision import decimal
from theory import ziyin
from theory.errors import ParameterError
from theory.numbers import parse_exact

from .derive import Derived
from .stats import LEVEL, proportion_interval

#: above this many steps the exact law is not computed beside the simulation
EXACT_STEP_LIMIT = 100_000


def ziyin_ensemble(a: str, lr: str, runs: int, steps: int, w0: str, eps: str, seed: int, route: str) -> Derived:
    """Escaped fraction P̂(|w_T| > ε) and mean ln|w_T| for x ∈ {1, a - 1}, with the exact P beside it."""
    a_value, lr_value = parse_exact(a, "a"), parse_exact(lr, "lr")
    eps_value, w0_value = parse_exact(eps, "eps"), parse_exact(w0, "w0")
    if a_value == 2:
        raise ParameterError("a", "a = 2 makes both atoms equal to 1")
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    question = exact_law.EscapeQuestion(ziyin.noise(a_value), lr_value, steps, eps_value, w0_value)
    result = simulate(question.noise, float(lr_value), runs, steps, np.random.SeedSequence(seed),
                      w0=float(w0_value), route=route)
    log_w = result.values[0]
    escaped = int(np.count_nonzero(log_w > float(sp.log(eps_value))))
    interval = proportion_interval(escaped, runs, LEVEL)
    zero = int(np.count_nonzero(np.isneginf(log_w)))
    values = {
        "escaped_fraction": decimal(sp.Rational(escaped, runs), 17),
        "escaped": escaped,
        "interval": [repr(interval.low), repr(interval.high)],
        "mean_log_abs_w": "-inf" if zero else repr(float(np.mean(log_w))),
        "zero_fraction": decimal(sp.Rational(zero, runs), 17),
        "runs": runs,
        "steps": steps,
        "route": result.route,
    }
    notes = [f"interval: {interval.describe()}"]
    if steps <= EXACT_STEP_LIMIT:
        exact = exact_law.escape_probability(question, 20)
        values["exact_probability"] = decimal(exact, 20)
        values["exact_inside_interval"] = float(exact) in interval
    params = {"a": a, "lr": lr, "runs": str(runs), "steps": str(steps), "w0": w0, "eps": eps, "seed": str(seed)}
    return Derived("result", "simulate ziyin", params, 20, values, notes)
