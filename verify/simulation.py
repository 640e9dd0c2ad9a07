"""`simulate` computations: ensembles for the user's parameters, judged against the exact law."""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import exact_law, linear
from numerics.multiplicative_sim import escape_count
from numerics.precision import decimal
from theory import wu, ziyin
from theory.errors import ParameterError
from theory.numbers import parse_exact, parse_list

from .derive import Derived
from .inputs import read_hessians
from .options import MAX_DEPTH, MAX_SAMPLES, MAX_WIDTH
from .stats import LEVEL, Interval, wilson_bounds

#: above this many steps the exact law is not computed beside the simulation
EXACT_STEP_LIMIT = 100_000
#: digits of simulate ziyin's exact quantities (counts' fractions, the interval's ends, the exact law)
DIGITS = 20
#: up to this dimension the exact growth rate ln ρ(E[A⊗A]) is reported beside the simulation
EXACT_DIMENSION = 12


def ziyin_ensemble(a: str, lr: str, runs: int, steps: int, w0: str, eps: str, seed: int, route: str,
                   progress=None) -> Derived:
    """Escaped fraction P̂(|w_T| > ε) and mean ln|w_T| for x ∈ {1, a - 1}, with the exact P beside it;
    ``progress(runs done, runs)`` is called as the ensemble advances."""
    a_value, lr_value = parse_exact(a, "a"), parse_exact(lr, "lr")
    eps_value, w0_value = parse_exact(eps, "eps"), parse_exact(w0, "w0")
    if a_value == 2:
        raise ParameterError("a", "a = 2 makes both atoms equal to 1")
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    question = exact_law.EscapeQuestion(ziyin.noise(a_value), lr_value, steps, eps_value, w0_value)
    count = escape_count(question.noise, float(lr_value), runs, steps, np.random.SeedSequence(seed),
                         float(sp.log(eps_value)), w0=float(w0_value), route=route, progress=progress)
    low, high = wilson_bounds(count.escaped, runs, LEVEL, DIGITS)
    values = {
        "escaped_fraction": decimal(sp.Rational(count.escaped, runs), DIGITS),
        "escaped": count.escaped,
        "interval": [decimal(low, DIGITS), decimal(high, DIGITS)],
        "mean_log_abs_w": repr(count.mean_log_abs_w),  # a float mean: the digits it has
        "zero_fraction": decimal(sp.Rational(count.zero, runs), DIGITS),
        "overflowed_fraction": decimal(sp.Rational(count.overflowed, runs), DIGITS),
        "runs": runs,
        "steps": steps,
        "route": count.route,
    }
    notes = [f"interval: {Interval(float(low), float(high), LEVEL, 'Wilson').describe()}"]
    if steps <= EXACT_STEP_LIMIT:
        exact = exact_law.escape_probability(question, DIGITS)
        values["exact_probability"] = decimal(exact, DIGITS)
        values["exact_inside_interval"] = bool(low <= exact <= high)
    params = {"a": a, "lr": lr, "runs": str(runs), "steps": str(steps), "w0": w0, "eps": eps, "seed": str(seed)}
    return Derived("result", "simulate ziyin", params, DIGITS, values, notes)


def linear_ensemble(curvatures: str | None, hessians_path: str | None, lr: str, batch: int, replace: bool,
                    runs: int, steps: int, seed: int, progress=None) -> Derived:
    """Linearised SGD x ← (I - (η/B) Σ_batch H_i) x from a unit x0: the diverged fraction and the
    per-step growth rate of E‖x‖², g = ln(mean ‖x_T‖² / ‖x0‖²)/T, with a delta-method standard
    error from the spread of ‖x_T‖² over runs (heavy-tailed: trust it only for moderate T). The
    runs are reduced block by block and renormalised every step (``numerics.linear.growth_ensemble``),
    so memory does not grow with runs or steps and g stays finite over any horizon."""
    if (curvatures is None) == (hessians_path is None):
        raise ParameterError("curvatures", "give exactly one of --curvatures or --hessians")
    if curvatures is not None:
        values = parse_list(curvatures, "curvatures")
        if any(not v.is_nonnegative for v in values):
            raise ParameterError("curvatures", "curvatures of a minimum must be ≥ 0")
        hessians = np.array([[[float(v)]] for v in values])
        if not np.all(np.isfinite(hessians)):
            raise ParameterError("curvatures", "each curvature must be a finite float (below about 1.8e308)")
    else:
        hessians = read_hessians(hessians_path)
    rate = parse_exact(lr, "lr")
    if not rate.is_positive:
        raise ParameterError("lr", f"learning rate must be positive, got {rate}")
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    dimension = hessians.shape[1]
    x0 = np.full(dimension, 1 / np.sqrt(dimension))
    growth = linear.growth_ensemble(hessians, float(rate), batch, replace, runs, steps, np.random.SeedSequence(seed),
                                    x0, progress=progress)
    values = {"diverged_fraction": decimal(sp.Rational(growth.diverged, runs), 17), "diverged": growth.diverged,
              "runs": runs, "steps": steps}
    notes = []
    if growth.diverged or steps == 0:
        notes.append("growth rate not estimated: " + ("runs diverged (their ‖x‖ passed 1e12)" if growth.diverged else "T = 0"))
    elif growth.live == 0:  # every run reached x = 0 exactly (a batch matrix I - ηM with a zero eigen-direction)
        values["growth_rate"] = "-inf"
    else:
        values["growth_rate"] = repr(growth.growth_rate(steps))
        if runs > 1:
            values["growth_rate_stderr"] = repr(growth.growth_rate_stderr(steps))
        else:
            notes.append("growth-rate standard error needs at least 2 runs; one run estimates the almost-sure "
                         "exponent E ln(‖x_(t+1)‖²/‖x_t‖²), which lies below the mean-square rate")
    if dimension <= EXACT_DIMENSION:
        exact = linear.log_spectral_radius(hessians, float(rate), batch, replace)
        values["exact_growth_rate"] = repr(exact) if np.isfinite(exact) else "-inf"
    params = {"curvatures": curvatures, "hessians": hessians_path, "lr": lr, "batch": str(batch),
              "replace": str(replace).lower(), "runs": str(runs), "steps": str(steps), "seed": str(seed)}
    return Derived("result", "simulate linear", {k: v for k, v in params.items() if v is not None}, 17, values, notes)


#: `simulate network`'s bound on its cost, steps × samples × parameters (about an hour on two cores)
MAX_WORK = 10**13
#: steps between loss checks of `simulate network` (the stopping rule's block)
NETWORK_BLOCK = 100


def check_network(samples: int, width: int, depth: int) -> None:
    """The network commands' sizes: 2 ≤ samples ≤ the digits set, 1 ≤ width, depth ≤ their limits."""
    for name, value, low, high in (("samples", samples, 2, MAX_SAMPLES), ("width", width, 1, MAX_WIDTH),
                                   ("depth", depth, 1, MAX_DEPTH)):
        if not low <= value <= high:
            raise ParameterError(name, f"must be in [{low}, {high}], got {value}")


def network(optimizer: str, lr: str, batch: int | None, replace: bool, width: int, depth: int, samples: int,
            steps: int, seed: int, loss: str = "mse", target: str | None = None, progress=None) -> Derived:
    """Train one MLP on ``samples`` digits (GD, or SGD with batches of B) until the loss stops falling
    (10 blocks of 100 steps without a relative fall of 10⁻⁴), reaches ``target``, or ``steps``; report
    the loss, the sharpness a = λmax(H) and the non-uniformity s = √λmax(Σ) (Wu, Ma & E, Def. 3) where
    it ended, each with its Lanczos residual and error bound, beside Wu's linear-stability bounds
    a ≤ 2/η and s ≤ √(B(n−1)/(n−B))/η (without replacement; √B/η with) of eq. (9)."""
    from numerics import networks
    from numerics.networks import experiments

    rate = parse_exact(lr, "lr")
    if not (rate.is_Rational and rate.is_positive):
        raise ParameterError("lr", f"learning rate must be a positive number, got {rate}")
    check_network(samples, width, depth)
    if optimizer == "gd" and (batch is not None or replace):
        raise ParameterError("batch", "GD uses every sample: --batch and --replace are for --optimizer sgd")
    if optimizer == "sgd" and batch is None:
        raise ParameterError("batch", "--optimizer sgd needs --batch B")
    if batch is not None and not 1 <= batch <= samples:
        raise ParameterError("batch", f"must be in [1, {samples}] (--samples), got {batch}")
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    goal = None
    if target is not None:
        goal = parse_exact(target, "target")
        if not (goal.is_Rational and goal.is_positive):
            raise ParameterError("target", f"must be a positive number, got {goal}")
    setup = experiments.Setup(samples=samples, width=width, depth=depth, data_seed=seed, loss=loss)
    if steps * samples * setup.size > MAX_WORK:
        raise ParameterError("steps", f"steps × samples × parameters = {steps * samples * setup.size:.3g} is past the "
                                      f"{MAX_WORK:.0e} this command runs; lower --steps, --samples or --width")
    root = np.random.SeedSequence(seed)
    per_sample, arrays = setup.per_sample_loss(), setup.dataset().arrays
    run = networks.train(per_sample, setup.model().init(experiments.init_seed(root)), arrays, float(rate), steps,
                         batch=batch, replace=replace, seed=experiments.batch_seed(root),
                         target=None if goal is None else float(goal), every=NETWORK_BLOCK,
                         progress=progress and (lambda done, _: progress(done, steps)))
    values = {"steps": run.steps, "stopped": run.stopped, "samples": samples, "parameters": setup.size}
    notes = []
    if run.diverged:
        finite = np.flatnonzero(np.isfinite(run.losses) & (run.losses <= networks.training.DIVERGED))
        values |= {"last_finite_loss": repr(float(run.losses[finite[-1]])),
                   "last_finite_step": int(run.checkpoints[finite[-1]])}
        notes.append(f"the run diverged by step {run.steps} (loss above {networks.training.DIVERGED:g} or not finite): "
                     "no curvature measured")
    else:
        values = {"loss": repr(run.loss)} | values
        both = networks.sharpness_and_nonuniformity(per_sample, run.params, arrays, seed=experiments.init_seed(root))
        for name, measured in both.items():
            values |= {name: repr(measured.value), f"{name}_residual": repr(measured.residual),
                       f"{name}_error": repr(measured.error)}
        sharpness_bound, bound = wu.rectangle_at(rate, samples if batch is None else batch, samples, replace)
        values["gd_sharpness_bound"] = decimal(sharpness_bound, 17)
        values["sharpness_within_bound"] = both["sharpness"].value <= float(sharpness_bound) + both["sharpness"].error
        if bound != sp.oo:
            values["nonuniformity_bound"] = decimal(bound, 17)
            values["nonuniformity_within_bound"] = both["nonuniformity"].value <= float(bound) + both["nonuniformity"].error
        if run.stopped == "steps":
            notes.append(f"stopped at T = {steps} steps with the loss still falling: not necessarily at a minimum")
    params = {"optimizer": optimizer, "lr": lr, "batch": None if batch is None else str(batch),
              "replace": str(replace).lower(), "width": str(width), "depth": str(depth), "samples": str(samples),
              "steps": str(steps), "seed": str(seed), "loss": loss, "target": target}
    return Derived("result", "simulate network", {k: v for k, v in params.items() if v is not None}, 17, values, notes)
