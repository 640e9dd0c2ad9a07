r"""Wu, Ma & E (NeurIPS 2018) §2, the toy example and Fig. 2.

f_1 = min{x², 0.1(x-1)²}, f_2 = min{x², 1.9(x-1)²}, each sampled with probability 1/2: global minima
at 0 and 1; the text prints f'' = 1 at both, f_i''(1) = 0.1, 1.9, s(1) = 1.8 > 1/0.7, s(0) = 0, and
says SGD at η = 0.7 leaves x = 1 for x = 0 while GD stays. ``theory.wu`` reads the curvatures off
the losses as written (twice the printed ones); the escape mechanism holds with them.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numerics import linear
from theory import multiplicative, wu

from ...claim import (
    Claim,
    Finding,
    Verdict,
    mutate,
    replace,
    simulation,
    symbolic,
    together,
)
from ...display import tex
from ...papers import WU
from ...stats import LEVEL, bonferroni, proportion_interval

R = sp.Rational

# --- the printed numbers (transcriptions; everything else is derived) --------------------------
PRINTED_TOY_LR = R(7, 10)
PRINTED_TOY_SHARPNESS = 1  # "The two minima has the same sharpness f'' = 1"
PRINTED_TOY_GD_BOUND = 2  # "η ≤ 2/f'' = 2 in this problem"
PRINTED_TOY_CURVATURES = {1: (R(1, 10), R(19, 10)), 0: (1, 1)}  # f1''(1) = 0.1, f2''(1) = 1.9; f1''(0) = f2''(0) = 1
PRINTED_TOY_NONUNIFORMITY = {1: R(18, 10), 0: 0}  # "at x = 1, s = 1.8 > 1/0.7 ... x = 0, where s = 0"
PRINTED_FIG2_START = 1 - 1e-5  # Fig. 2: "η = 0.7, x_0 = 1 - 10^{-5}"; the loss shows "a burst during the escape"

# --- the corrected statement (wu.toy-corrected) -------------------------------------------------
CORRECTED_TOY_CURVATURES = {1: (R(1, 5), R(19, 5)), 0: (2, 2)}
CORRECTED_TOY_SHARPNESS = 2
CORRECTED_TOY_GD_BOUND = 1

# --- experiment parameters --------------------------------------------------------------------
STARTS = (1 - 1e-5, 1 + 1e-5, 1e-5)  # SGD starts: next to the sharp minimum, and next to 0
AT_ZERO = 1e-8  # |x_T| below this: the run ended at the minimum 0
FIGURE_STARTS = (1 - 1e-5, 1 + 1e-5)


def statistics(point) -> tuple[tuple, sp.Expr, sp.Expr]:
    """(f_i''(point), a, s) from the losses as written."""
    curvatures = wu.toy_curvatures(point)
    mean, variance = wu.curvature_statistics(curvatures)
    return curvatures, mean, sp.sqrt(variance)


def minima_table() -> list[dict]:
    """Each global minimum: its curvatures f_i'', a = f'', s, and the largest stable η of GD and of SGD (B = 1)."""
    rows = []
    for point in wu.toy_minima():
        curvatures, mean, spread = statistics(point)
        rows.append({"minimum": point, "curvatures": curvatures, "sharpness": mean, "nonuniformity": spread,
                     "gd_max_lr": wu.gd_largest_stable_lr().subs(wu.a, mean),
                     "sgd_max_lr": wu.max_lr_one_dimension(curvatures, 1, False)})
    return rows


def landscape(low: float, high: float, points: int) -> dict:
    """f_1, f_2 and f = (f_1 + f_2)/2 on ``points`` equally spaced x in [low, high]: {c_i: values}, the mean."""
    grid = np.linspace(low, high, points)
    components = {k: sp.lambdify(wu.x, wu.toy_component(k), "numpy")(grid) for k in wu.TOY_COEFFICIENTS}
    return {"x": grid, "components": components, "loss": sp.lambdify(wu.x, wu.toy_loss(), "numpy")(grid)}


def figure_rates() -> dict:
    """The paper's η, and nine tenths of SGD's derived threshold at x = 1 (where SGD stays)."""
    return {"paper's": PRINTED_TOY_LR, "0.9 × threshold": R(9, 10) * wu.max_lr_one_dimension(wu.toy_curvatures(1), 1, False)}


def escape_curves(rates: dict, runs: int, steps: int, seed: np.random.SeedSequence, starts=FIGURE_STARTS) -> list[dict]:
    """For each named η and start, SGD (``runs`` runs) and GD: the fraction of runs still within 1/2
    of the start after t = 0…steps steps."""
    streams = iter(seed.spawn(len(rates) * len(starts) * 2))
    times = np.arange(steps + 1)
    curves = []
    for name, lr in rates.items():
        for start in starts:
            for stochastic in (True, False):
                result = linear.toy_runs(float(lr), runs if stochastic else 1, steps, next(streams), start, stochastic)
                left_at = np.where(result.left_at >= 0, result.left_at, steps + 1)
                curves.append({"name": name, "lr": lr, "start": start, "method": "SGD" if stochastic else "GD",
                               "t": times, "staying": (left_at[None, :] > times[:, None]).mean(axis=1)})
    return curves


def experiment(lr, runs: int, steps: int, seed: np.random.SeedSequence) -> dict:
    """SGD from each of STARTS and GD from 1 ± 1e-5 at η = lr: how many SGD runs end at 0, GD's end points."""
    seeds = iter(seed.spawn(len(STARTS) + 2))
    sgd, gd = [], []
    for start in STARTS:
        result = linear.toy_runs(float(lr), runs, steps, next(seeds), start)
        left = result.left_at[result.left_at >= 0]
        sgd.append({"x0": start, "runs": runs, "at_0": int(np.count_nonzero(np.abs(result.x) < AT_ZERO)),
                    "diverged": int(np.count_nonzero(result.diverged_at >= 0)),
                    "median_escape_step": int(np.median(left)) if len(left) else -1})
    for start in STARTS[:2]:
        result = linear.toy_runs(float(lr), 1, steps, next(seeds), start, stochastic=False)
        gd.append({"x0": start, "final_x": float(result.x[0])})
    return {"sgd": sgd, "gd": gd}


@functools.cache
def _loss_function():
    return sp.lambdify(wu.x, wu.toy_loss(), "numpy")


def loss_values(points) -> np.ndarray:
    """f = (f_1 + f_2)/2 at an array of x."""
    return np.asarray(_loss_function()(np.asarray(points, dtype=float)), dtype=float)


def fig2_experiment(lr, runs: int, steps: int, seed: np.random.SeedSequence, x0=None) -> dict:
    """Fig. 2: every iterate x_0 … x_T of ``runs`` SGD runs and of GD from x0 (default: the printed
    start) at η = lr, the loss f(x_t) along each, and per SGD run its peak loss, the step of the peak
    and whether it ended at 0."""
    start = PRINTED_FIG2_START if x0 is None else x0
    streams = seed.spawn(2)
    sgd = linear.toy_runs(float(lr), runs, steps, streams[0], start, record=True)
    gd = linear.toy_runs(float(lr), 1, steps, streams[1], start, stochastic=False, record=True)
    sgd_losses, gd_losses = loss_values(sgd.paths), loss_values(gd.paths)[0]
    return {"x0": start, "t": np.arange(steps + 1), "sgd_paths": sgd.paths, "sgd_losses": sgd_losses,
            "gd_path": gd.paths[0], "gd_losses": gd_losses, "peak": sgd_losses.max(axis=1),
            "peak_step": sgd_losses.argmax(axis=1), "at_0": np.abs(sgd.x) < AT_ZERO,
            "left_at": sgd.left_at}


# --- checks -----------------------------------------------------------------------------------


def _curvature_check(curvatures: dict, sharpness, gd_bound) -> tuple[dict, dict, dict]:
    """(observed, expected, mismatches) of the curvatures, f'' and the GD bound 2/f''."""
    derived = {p: statistics(p) for p in wu.toy_minima()}
    observed = {**{f"f_i''({p})": derived[p][0] for p in derived}, **{f"f''({p})": derived[p][1] for p in derived},
                "GD bound": min(wu.gd_largest_stable_lr().subs(wu.a, derived[p][1]) for p in derived)}
    expected = {**{f"f_i''({p})": tuple(sp.sympify(v) for v in curvatures[p]) for p in derived},
                **{f"f''({p})": sp.sympify(sharpness) for p in derived}, "GD bound": sp.sympify(gd_bound)}
    mismatches = {k: {"printed": expected[k], "derived": observed[k]} for k in observed if observed[k] != expected[k]}
    return observed, expected, mismatches


@symbolic("§2: curvatures f_i'' = 0.1, 1.9 at x = 1, f'' = 1 at both minima, GD stable for η ≤ 2", version="wu",
          falsifiers=(together("the curvatures of f as written printed", replace("PRINTED_TOY_CURVATURES", CORRECTED_TOY_CURVATURES),
                               replace("PRINTED_TOY_SHARPNESS", CORRECTED_TOY_SHARPNESS),
                               replace("PRINTED_TOY_GD_BOUND", CORRECTED_TOY_GD_BOUND)),))
def printed(ctx):
    observed, expected, mismatches = _curvature_check(PRINTED_TOY_CURVATURES, PRINTED_TOY_SHARPNESS, PRINTED_TOY_GD_BOUND)
    ratios = sorted({sp.nsimplify(o / e) for k in observed if k.startswith("f_i")
                     for o, e in zip(observed[k], expected[k]) if e != 0})
    printed_at_1 = PRINTED_TOY_CURVATURES[1]
    printed_t = wu.one_dimensional_second_moment(printed_at_1, PRINTED_TOY_LR, 1)
    at_1, at_0 = observed["f_i''(1)"], observed["f_i''(0)"]
    sharp_1, sharp_0 = observed["f''(1)"], observed["f''(0)"]
    return Finding(
        Verdict.REFUTED if mismatches else Verdict.PROVED,
        f"from f_1, f_2 as written: f_i''(1) = {tex(at_1)}, f_i''(0) = {tex(at_0)}, f'' = {tex(sharp_1)} and {tex(sharp_0)}, "
        f"GD stable for η ≤ {tex(observed['GD bound'])}; derived/printed "
        f"curvature ratios {tex(ratios)}; {len(mismatches)} printed values differ. With the printed curvatures at x = 1 SGD "
        f"at η = {tex(PRINTED_TOY_LR)} would have E factor² = {tex(printed_t)}" + (" < 1 (stable), contradicting the text's "
                                                                          "conclusion" if printed_t < 1 else " ≥ 1"),
        "exact",
        {"mismatches": mismatches, "printed_curvatures_second_moment_factor": printed_t},
        observed=observed, expected=expected,
    )


@symbolic("§2: s = 1.8 > 1/0.7 at x = 1 and s = 0 at x = 0", version="wu",
          falsifiers=(mutate("PRINTED_TOY_NONUNIFORMITY", lambda d: {p: 2 * v for p, v in d.items()}, "printed s doubled"),
                      replace("PRINTED_TOY_LR", R(1, 2), "η = 1/2, where 1/η = 2 > 1.8")))
def nonuniformity(ctx):
    observed = {p: statistics(p)[2] for p in wu.toy_minima()}
    expected = {p: sp.sympify(PRINTED_TOY_NONUNIFORMITY[p]) for p in observed}
    above = bool(observed[1] > 1 / PRINTED_TOY_LR)
    ok = observed == expected and above
    with_printed = sp.sqrt(wu.curvature_statistics(PRINTED_TOY_CURVATURES[1])[1])
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"s(1) = {tex(observed[1])} (printed {tex(expected[1])}) {'>' if above else '≤'} 1/η = {tex(1 / PRINTED_TOY_LR)}, s(0) = "
        f"{tex(observed[0])} (printed {tex(expected[0])}); with the printed curvatures {tex(PRINTED_TOY_CURVATURES[1])} s(1) would be "
        f"{tex(with_printed)}",
        "exact",
        {"with_printed_curvatures": with_printed},
        observed={"s(1)": observed[1], "s(0)": observed[0], "s(1) > 1/η": "yes" if above else "no"},
        expected={"s(1)": expected[1], "s(0)": expected[0], "s(1) > 1/η": "yes"},
    )


def _side(value) -> str:
    return "stable" if value <= 1 else "unstable"


@symbolic("η = 0.7: x = 1 unstable for SGD (unstable for f_2 alone), x = 0 stable, GD stable at both", version="wu",
          falsifiers=(replace("PRINTED_TOY_LR", R(1, 2), "η = 1/2, below SGD's threshold 100/181 at x = 1"),))
def stability(ctx):
    lr = PRINTED_TOY_LR
    rows, observed = {}, {}
    for p in wu.toy_minima():
        curvatures, mean, _ = statistics(p)
        factors = [multiplicative.update_factor(v, lr) for v in curvatures]
        second = wu.one_dimensional_second_moment(curvatures, lr, 1)
        gd = multiplicative.update_factor(mean, lr)
        rows[p] = {"factors": factors, "sgd_second_moment_factor": second, "gd_factor": gd,
                   "sgd_max_lr": wu.max_lr_one_dimension(curvatures, 1, False)}
        observed[f"SGD at {p}"], observed[f"GD at {p}"] = _side(second), _side(abs(gd))
    observed["f_2 alone at 1"] = _side(abs(rows[1]["factors"][1]))
    expected = {"SGD at 0": "stable", "GD at 0": "stable", "SGD at 1": "unstable", "GD at 1": "stable",
                "f_2 alone at 1": "unstable"}
    return Finding(
        Verdict.PROVED if observed == expected else Verdict.REFUTED,
        f"η = {tex(lr)}, x = 1: factors {tex(rows[1]['factors'])}, E factor² = {tex(rows[1]['sgd_second_moment_factor'])} "
        f"({observed['SGD at 1']}; SGD stable only for η ≤ {tex(rows[1]['sgd_max_lr'])}); x = 0: E factor² = "
        f"{tex(rows[0]['sgd_second_moment_factor'])} ({observed['SGD at 0']}); GD factor {tex(rows[1]['gd_factor'])} at both",
        "exact",
        {"lr": lr, "minima": rows},
        observed=observed, expected=expected,
    )


@simulation("η = 0.7: SGD from 1 ± 1e-5 escapes to 0, from 1e-5 stays at 0; GD from 1 ± 1e-5 stays at 1", version="wu",
            falsifiers=(replace("PRINTED_TOY_LR", R(1, 2), "η = 1/2, below SGD's threshold 100/181 at x = 1"),))
def simulated(ctx):
    runs, steps = (2000, 400) if ctx.quick else (10000, 400)
    data = experiment(PRINTED_TOY_LR, runs, steps, ctx.seed)
    level = bonferroni(len(data["sgd"]))
    rows = []
    for row in data["sgd"]:
        ci = proportion_interval(row["at_0"], runs, level, method="exact")
        rows.append({**row, "method": "SGD", "ci": ci.describe(), "at_0_low": ci.low})
    for row in data["gd"]:
        rows.append({**row, "method": "GD", "at_1": bool(abs(row["final_x"] - 1) < AT_ZERO)})
    sgd_low = min(r["at_0_low"] for r in rows if r["method"] == "SGD")
    observed = {"SGD runs at 0 (lowest lower end)": sgd_low, "SGD diverged": sum(r["diverged"] for r in data["sgd"]),
                "GD at 1": sum(r["at_1"] for r in rows if r["method"] == "GD")}
    gd_ends = ", ".join(f"{r['final_x']:.6g}" for r in data["gd"])
    ok = sgd_low > 0.99 and observed["SGD diverged"] == 0 and observed["GD at 1"] == len(data["gd"])
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"η = {tex(PRINTED_TOY_LR)}, {steps} steps: {', '.join(str(r['at_0']) for r in data['sgd'])} of {runs} SGD runs from "
        f"{', '.join(f'{s:g}' for s in STARTS)} end at 0 (median escape from 1 after {data['sgd'][0]['median_escape_step']} "
        f"steps); GD from 1 ± 1e-5 ends at {gd_ends}",
        f"lower end of the Clopper–Pearson interval > 0.99 at joint level {LEVEL} (Bonferroni over {len(data['sgd'])} "
        "starts); GD is deterministic",
        {"lr": PRINTED_TOY_LR, "steps": steps, "points": rows},
        observed=observed, expected={"SGD runs at 0 (lowest lower end)": "> 0.99", "SGD diverged": 0, "GD at 1": len(data["gd"])},
    )


def _scientific(value: float) -> str:
    """A positive float as inline math m × 10^e (three digits)."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$"


def _quantiles(values) -> str:
    """Median and quartiles of a sample, as 'median (quartiles low–high)'."""
    low, median, high = np.quantile(values, [0.25, 0.5, 0.75])
    return f"{median:.3g} (quartiles {low:.3g} to {high:.3g})"


@simulation("Fig. 2: SGD at η = 0.7 from x_0 = 1 - 1e-5 converges to 0 with a burst of the loss during the escape; "
            "GD converges to 1", version="wu",
            falsifiers=(replace("PRINTED_TOY_LR", R(1, 2), "η = 1/2, below SGD's threshold 100/181 at x = 1"),
                        replace("PRINTED_FIG2_START", 1e-5, "x_0 = 1e-5, next to the flat minimum 0")))
def fig2(ctx):
    """A burst: the run ends at 0 and its loss passes through the derived floor of ``wu.toy_escape``
    (the least loss from which one step leaves x = 1's basin), ≥ 10⁸ f(x_0) at the printed start."""
    runs, steps = (2000, 300) if ctx.quick else (10000, 300)
    escape = wu.toy_escape(PRINTED_TOY_LR)
    floor = float(escape.loss_floor)
    data = fig2_experiment(PRINTED_TOY_LR, runs, steps, ctx.seed)
    start_loss = float(loss_values([data["x0"]])[0])
    bursts = data["at_0"] & (data["peak"] >= floor)
    count = int(np.count_nonzero(bursts))
    ci = proportion_interval(count, runs, LEVEL, method="exact")
    gd_rises = int(np.count_nonzero(np.diff(data["gd_losses"]) > 0))
    gd_end = float(data["gd_path"][-1])
    gd_at_1 = abs(gd_end - 1) < AT_ZERO
    ok = ci.low > 0.99 and gd_rises == 0 and gd_at_1
    peaks, peak_steps = data["peak"][bursts], data["peak_step"][bursts]
    burst_text = (f"median peak loss {_quantiles(peaks)} at step {_quantiles(peak_steps)}" if count
                  else "no run bursts")
    return Finding(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"η = {tex(PRINTED_TOY_LR)}, $x_0 = {data['x0']:.6g}$ (loss {_scientific(start_loss)}), {steps} steps: "
        f"{count} of {runs} SGD runs end at 0 after passing through a loss of at least the derived floor {tex(escape.loss_floor)} ≈ "
        f"{floor:.4f}, {_scientific(floor / start_loss)} times the starting loss ({burst_text}); GD's loss rises at "
        f"{gd_rises} of {steps} steps and GD ends at $x = {gd_end:.9g}$",
        f"lower end of the Clopper–Pearson interval of the fraction of runs that burst and end at 0 > 0.99 at level "
        f"{LEVEL}; GD is deterministic",
        {"lr": PRINTED_TOY_LR, "x0": data["x0"], "steps": steps, "runs": runs, "loss floor": escape.loss_floor,
         "starting loss": start_loss, "runs that burst": count, "interval": ci.describe(),
         "median peak loss": float(np.median(peaks)) if count else None,
         "median step of the peak": float(np.median(peak_steps)) if count else None,
         "GD end": gd_end},
        observed={"runs that burst (lower end)": ci.low, "GD loss rises": gd_rises, "GD ends at 1": "yes" if gd_at_1 else "no"},
        expected={"runs that burst (lower end)": "> 0.99", "GD loss rises": 0, "GD ends at 1": "yes"},
    )


@symbolic("f as written: f_i''(1) = 1/5, 19/5; f_i''(0) = 2; f'' = 2 at both; GD stable iff η ≤ 1", version="wu",
          falsifiers=(together("the printed curvatures", replace("CORRECTED_TOY_CURVATURES", PRINTED_TOY_CURVATURES),
                               replace("CORRECTED_TOY_SHARPNESS", PRINTED_TOY_SHARPNESS),
                               replace("CORRECTED_TOY_GD_BOUND", PRINTED_TOY_GD_BOUND)),))
def corrected(ctx):
    observed, expected, mismatches = _curvature_check(CORRECTED_TOY_CURVATURES, CORRECTED_TOY_SHARPNESS, CORRECTED_TOY_GD_BOUND)
    return Finding(
        Verdict.REFUTED if mismatches else Verdict.PROVED,
        f"minima {tex(wu.toy_minima())}; derived {', '.join(f'{k} = {tex(v)}' for k, v in observed.items())}; "
        f"{len(mismatches)} differ from the corrected statement",
        "exact",
        {"mismatches": mismatches},
        observed=observed, expected=expected,
    )


CLAIMS = (
    Claim(
        id="wu.toy",
        papers=(WU,),
        where="§2, the toy example and Fig. 2",
        statement=r"f_1 = \min\{x^2, 0.1(x-1)^2\},\ f_2 = \min\{x^2, 1.9(x-1)^2\}:\ f'' = 1,\ f_1''(1) = 0.1,\ "
        r"f_2''(1) = 1.9,\ s(1) = 1.8 > 1/0.7,\ s(0) = 0;\ \eta = 0.7:\ \text{SGD escapes from } 1 \text{ to } 0, \text{ GD stays}",
        summary="the toy landscape: SGD at η = 0.7 escapes the minimum at 1, GD does not",
        checks=(printed, nonuniformity, stability, simulated, fig2),
    ),
    Claim(
        id="wu.toy-corrected",
        papers=(WU,),
        where="§2 with the curvatures of f_1, f_2 as written",
        statement=r"f'' = 2 \text{ at both minima},\ f_1''(1) = 1/5,\ f_2''(1) = 19/5,\ \text{GD stable iff } \eta \le 1,\ "
        r"s(1) = 9/5;\ \eta = 0.7:\ \text{SGD escapes from } 1 \text{ to } 0,\ \text{GD stays}",
        summary="the toy example with its true curvatures; the escape mechanism holds",
        checks=(corrected, nonuniformity, stability, simulated, fig2),
        corrects="wu.toy",
    ),
)
