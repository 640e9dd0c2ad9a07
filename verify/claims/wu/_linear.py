"""Shared helpers of Wu, Ma & E's claim modules: exact instances of linearised SGD, the random
search over them, and E‖x_t‖² simulated against the exact second-moment operator.

Nothing here reads a claim module's names: every printed formula and parameter is passed in, so
a falsifier that rebinds a name in a claim module reaches the check through its arguments.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from numerics.precision import decimal
from theory import wu
from theory.wu import eta

from ...stats import bonferroni, mean_interval

R = sp.Rational


def matrices(raw) -> list[sp.Matrix]:
    return [sp.Matrix(h) for h in raw]


def as_float(raw) -> np.ndarray:
    return np.array([[[float(v) for v in row] for row in h.tolist()] for h in matrices(raw)])


def satisfies_printed_8(printed_8, hessians, lr, batch) -> bool:
    """λmax of the printed matrix (8) ≤ 1 at concrete Hessians, decided exactly (I - · ⪰ 0)."""
    square = wu.matrix_polynomial(printed_8, hessians, lr, batch)
    return wu.is_psd(sp.eye(square.shape[0]) - square)


def in_printed_rectangle(sharpness_max, nonuniformity_max, hessians, lr, batch) -> bool:
    """The printed (9): λmax(H) ≤ a_max(η) and λmax(Σ) ≤ s_max(η, n, B)², decided exactly."""
    hessians = matrices(hessians)
    size = hessians[0].shape[0]
    values = {eta: lr, wu.n: len(hessians), wu.B: batch}
    sharp_ok = wu.is_psd(sp.sympify(sharpness_max).subs(values) * sp.eye(size) - wu.mean_hessian(hessians))
    return sharp_ok and wu.is_psd((sp.sympify(nonuniformity_max) ** 2).subs(values) * sp.eye(size)
                                  - wu.hessian_covariance(hessians))


def exact_facts(hessians, lr, batch, printed_8) -> dict:
    """Every exact quantity of Theorem 1 at one instance: λmax of the printed (8) and whether it is ≤ 1,
    the spectral radius of the second-moment operator T and whether E‖x_t‖² stays bounded."""
    operator = wu.second_moment_operator(hessians, lr, batch)
    square = wu.matrix_polynomial(printed_8, hessians, lr, batch)
    return {
        "sharpness": wu.sharpness(hessians),
        "nonuniformity": wu.nonuniformity(hessians),
        "lambda_max_8": wu.largest_eigenvalue(square),
        "spectral_radius": wu.largest_eigenvalue(operator),
        "condition_8": wu.is_psd(sp.eye(square.shape[0]) - square),
        "stable": wu.stable_exactly(operator),
    }


def facts_data(facts: dict, dps: int = 20) -> dict:
    return {k: (v if isinstance(v, bool) else decimal(v, dps)) for k, v in facts.items()}


def random_instance(rng: np.random.Generator) -> tuple[list[sp.Matrix], int]:
    """d ∈ {2, 3}, n ∈ {2, 3, 4}, B ∈ [1, n-1]; H_i = X Xᵀ/4 with X integer in [-3, 3] of random rank."""
    d, count = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    batch = int(rng.integers(1, count))
    hessians = []
    for _ in range(count):
        factor = sp.Matrix(rng.integers(-3, 4, (d, int(rng.integers(1, d + 1)))).tolist())
        hessians.append(factor * factor.T / 4)
    return hessians, batch


def _rational_lr(value: float) -> sp.Rational:
    return R(round(value * 10000), 10000)


def search(rng: np.random.Generator, count: int, keep) -> dict:
    """Random instances at two rational η each: the middle of the gap between the (8) threshold
    and the exact one (when there is a gap) and a uniform draw on (0.05 η*, 1.5 η*); every decision
    exact (``keep(hessians, lr, batch)`` returns a dict of booleans)."""
    tallies, examples = {}, []
    for _ in range(count):
        hessians, batch = random_instance(rng)
        floats = as_float(hessians)
        exact_lr = linear.threshold_lr(floats, batch)
        if not np.isfinite(exact_lr):
            continue
        lr_8 = linear.threshold_lr(floats, batch, criterion="condition_8")
        rates = [_rational_lr(rng.uniform(0.05, 1.5) * exact_lr)]
        if exact_lr > lr_8 * (1 + 1e-3):
            rates.append(_rational_lr((lr_8 + exact_lr) / 2))
        for lr in rates:
            if lr <= 0:
                continue
            facts = keep(hessians, lr, batch)
            key = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in facts.items())
            tallies[key] = tallies.get(key, 0) + 1
            examples.append({"hessians": [h.tolist() for h in hessians], "batch": batch, "lr": lr, **facts})
    return {"tallies": tallies, "examples": examples}


#: how the names of a tally key (``search``) read in prose
TALLY_WORDS = {"condition (8)": "(8)", "stable": "stability", "rectangle (9)": "(9)"}


def tally_text(tallies: dict[str, int]) -> str:
    """The tallies of ``search`` as words: '5 with (8) and stability, 12 with stability but not (8),
    7 with neither'."""
    parts = []
    for key, count in tallies.items():
        facts = [item.rsplit(" ", 1) for item in key.split(", ")]
        held = [TALLY_WORDS.get(name, name) for name, value in facts if value == "yes"]
        failed = [TALLY_WORDS.get(name, name) for name, value in facts if value == "no"]
        if not failed:
            text = " and ".join(held)
        elif not held:
            text = "neither" if len(failed) == 2 else "none of " + ", ".join(failed)
        else:
            text = f"{' and '.join(held)} but not {' or '.join(failed)}"
        parts.append(f"{count} with {text}")
    return ", ".join(parts)


def exact_mean_sq_norms(operator: sp.Matrix, x0, horizon: int) -> list[sp.Expr]:
    """E‖x_t‖² = tr T^t(x0 x0ᵀ), t = 0…horizon, in exact arithmetic."""
    size = len(x0)
    moment = sp.Matrix([sp.Rational(u) * sp.Rational(v) for u in x0 for v in x0])
    out = []
    for _ in range(horizon + 1):
        out.append(sp.Add(*(moment[i * (size + 1)] for i in range(size))))
        moment = operator * moment
    return out


def sq_norms(runs: linear.LinearRuns, t: int) -> np.ndarray:
    return np.sum(runs.snapshots[t] ** 2, axis=1)


def growth(samples: np.ndarray, t: int, level: float) -> dict:
    """(1/t) ln of the mean of ‖x_t‖²/‖x_0‖² with its Student-t interval (monotone image of the
    mean's interval) and the delta-method standard error."""
    ci = mean_interval(samples, level)
    mean = float(np.mean(samples))
    rate = np.log(mean) / t
    low = np.log(ci.low) / t if ci.low > 0 else -np.inf
    error = float(np.std(samples, ddof=1) / (np.sqrt(len(samples)) * mean * t))
    return {"mean": mean, "ci": ci, "rate": float(rate), "rate_low": float(low), "rate_high": float(np.log(ci.high) / t),
            "rate_se": error}


def two_sides(seed: np.random.SeedSequence, runs: int, hessians_raw, batch, rates, x0, horizon) -> tuple[list[dict], int]:
    """Simulated ‖x_t‖² against tr T^t(x0 x0ᵀ) (exact) at t = 1 and the horizon, for each η: the
    rows (with the rate's interval) and the number of exact values outside their interval."""
    floats = as_float(hessians_raw)
    seeds = iter(seed.spawn(len(rates)))
    level = bonferroni(2 * len(rates))
    rows, misses = [], 0
    for lr in rates:
        exact = exact_mean_sq_norms(wu.second_moment_operator(matrices(hessians_raw), lr, batch), x0, horizon)
        result = linear.simulate_linear(floats, float(lr), batch, False, runs, horizon, next(seeds), x0, record=(1, horizon))
        for t in (1, horizon):
            g = growth(sq_norms(result, t), t, level)
            inside = float(exact[t]) in g["ci"]
            misses += not inside or result.alive[t] != runs
            rows.append({"lr": lr, "t": t, "exact_mean_sq_norm": exact[t], "sample_mean": g["mean"],
                         "ci": g["ci"].describe(), "rate": g["rate"], "rate_se": g["rate_se"],
                         "rate_interval": [g["rate_low"], g["rate_high"]], "exact_inside": inside})
    return rows, misses


def sign_of(row: dict) -> str:
    """'grows' or 'decays' when the rate's interval excludes 0, else 'undecided'."""
    low, high = row["rate_interval"]
    return "grows" if low > 0 else "decays" if high < 0 else "undecided"
