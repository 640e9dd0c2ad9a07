r"""Patel (arXiv 1709.04718v2) §5, eqs. (54)-(55), Tables 4-5, Figs. 9-12: Styblinski–Tang sums.

Printed pattern: for k ∈ {1, 200, 500, ∞} and start radii 10⁻³ … 1, the rates 1.5l and 0.5(u + l) leave
the minimizer (to the corners), 0.5u stays (GD converges). Corrected: only the mechanism's own
predictions, 1.5l diverges and 0.5u stays; 0.5(u + l) lies between the bounds, where nothing is predicted.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np

from numerics import patel as npatel

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    mutate,
    replace,
    simulation,
    symbolic,
)
from ...papers import PATEL
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval
from . import _printed
from ._common import INSTANCE_SEED, shared_seed_data
from ._st_figures import (  # the instances and the book's tables and figures; figure_* for the book
    ST_EPS,
    ST_RATES,
    ST_SAMPLES,
    ST_STEPS,
    TABLE_4,
    TABLE_5,
    TABLE_SE,
    figure_grid,  # noqa: F401
    figure_runs,  # noqa: F401
    table_agrees,
    table_experiment,
)

# --- printed: the rates (as multiples of u and l) and what §5 says they do ---------------------
PRINTED_PATTERN = {"1.5l": "leave", "0.5(u+l)": "leave", "0.5u": "stay"}
CORRECTED_PATTERN = {"1.5l": "diverge", "0.5u": "stay"}  # the mechanism predicts nothing between u and l
ST_BATCHES = (1, 200, 500, None)  # None: GD (k = ∞)
ST_RADII = (1e-3, 1e-2, 1e-1, 1.0)
TABLE_BATCHES = _printed.ST_TABLE_BATCHES
MODELS = tuple(npatel.ST_SIZES)  # §5's Models 1-3


@cache
def experiment(quick: bool, entropy: int, rates: tuple = tuple(ST_RATES.items())):
    """Every (model, minimizer, k, rate, radius) cell: thresholds u, l of the ε-ball average, runs that
    left the basin (escaped the box or crossed a coordinate's barrier), runs whose distance grew tenfold,
    and fitted rates. Quick mode: Model 1 (dimension 10) and 20 runs per cell; full: Models 1-3, 100 runs."""
    names = ["Model 1"] if quick else list(npatel.ST_SIZES)
    runs = 20 if quick else 100
    rng = np.random.default_rng([INSTANCE_SEED, entropy, 5])
    seeds = iter(np.random.SeedSequence([INSTANCE_SEED, entropy, 5]).spawn(64))
    cells, thresholds = [], {}
    for name in names:
        model = npatel.st_model(name, np.random.default_rng([INSTANCE_SEED, list(npatel.ST_SIZES).index(name)]))
        minima = npatel.st_minimizers(model)
        for label, center in (("flat", minima.flattest), ("sharp", minima.sharpest)):
            geometry = npatel.diagonal_ball_geometry(lambda pts, model=model: npatel.st_component_diagonals(model, pts), model.probs, center,
                                                     ST_EPS, ST_SAMPLES, rng)
            for batch in ST_BATCHES:
                u, l_value = npatel.mechanism_bounds(geometry, math.inf if batch is None else batch)
                thresholds[f"{name} {label} k={batch or 'inf'}"] = {"u": u, "l": l_value}
                grid = [(rate, cu * u + cl * l_value, radius) for rate, (cu, cl) in rates for radius in ST_RADII]
                records = npatel.st_runs(model, center, minima.barrier, [(lr, r) for _, lr, r in grid], batch, runs,
                                         ST_STEPS, next(seeds))
                for (rate, _, radius), record in zip(grid, records):
                    left = record.left_basin_at >= 0
                    grew = record.distances[-1] > 10 * radius
                    last = np.where(left, np.maximum(record.left_basin_at - 1, 0), ST_STEPS)
                    fit = npatel.growth_rates(record.distances, last)
                    cells.append({"model": name, "minimizer": label, "k": batch or "inf", "rate": rate, "lr": record.lr,
                                  "radius": radius, "left_basin": int(left.sum()), "diverged": int((left | grew).sum()),
                                  "runs": runs, "final_distance_median": float(np.median(record.distances[-1])),
                                  "growth_rates": fit.slopes})
    return cells, thresholds, names, runs


def implied_constants(table_4, table_5) -> dict:
    """Per (model, minimizer): λ_1 = 2/u(∞) (Table 5) and λ_m = 2/l(∞) (Table 4), and per finite row k the
    interval, over the printed rounding, of the s_f that (19) with j = m maps to l(k), k(2λ_m/l − λ_m²), and
    of the t_f that (18) maps to u(k), k·min(2λ_1/u − λ_1², 2λ_m/u − λ_m²) ((18) is the smaller of the two
    crossings, each decreasing in t_f/k)."""
    rounding = _printed.PRINTED_ROUNDING
    out = {}
    for key in table_5:
        l_row, u_row = table_4[key], table_5[key]
        s_rows, t_rows = {}, {}
        for index, batch in enumerate(_printed.ST_TABLE_BATCHES[:-1]):
            s_values, t_values = [], []
            for signs in itertools.product((-1, 1), repeat=4):
                l_inf, u_inf, l_k, u_k = (v * (1 + sign * rounding) for v, sign in
                                          zip((l_row[-1], u_row[-1], l_row[index], u_row[index]), signs))
                lam_1, lam_m = 2 / u_inf, 2 / l_inf
                s_values.append(batch * (2 * lam_m / l_k - lam_m**2))
                t_values.append(batch * min(2 * lam_1 / u_k - lam_1**2, 2 * lam_m / u_k - lam_m**2))
            s_rows[batch], t_rows[batch] = (min(s_values), max(s_values)), (min(t_values), max(t_values))
        out[key] = {"lambda_1": 2 / u_row[-1], "lambda_m": 2 / l_row[-1], "s_f": s_rows, "t_f": t_rows}
    return out


def _common_interval(intervals) -> bool:
    return max(low for low, _ in intervals) <= min(high for _, high in intervals)


def _table_5_from_18(t_row: int = 500):
    """Table 5 recomputed by (18) from λ_1 = 2/u(∞), λ_m = 2/l(∞) and the t_f of its k = ``t_row`` row: the
    falsifier's consistent table."""
    implied = implied_constants(TABLE_4, TABLE_5)
    out = {}
    for key, found in implied.items():
        t_value = sum(found["t_f"][t_row]) / 2
        lams = (found["lambda_1"], found["lambda_m"])
        out[key] = tuple(float(f"{min(2 * v / (v**2 + t_value / b) for v in lams):.4g}") for b in _printed.ST_TABLE_BATCHES[:-1]) \
            + (TABLE_5[key][-1],)
    return out


def table_shape(thresholds) -> bool:
    """Tables 4-5: l and u increase with k; the flat minimizer's l exceeds the sharp one's."""
    ok = True
    for key in {k.rsplit(" k=", 1)[0] for k in thresholds}:
        series = [thresholds[f"{key} k={b or 'inf'}"] for b in ST_BATCHES]
        ok &= all(a["l"] <= b["l"] and a["u"] <= b["u"] for a, b in itertools.pairwise(series))
    for key in thresholds:
        if " flat " in key:
            ok &= thresholds[key]["l"] >= thresholds[key.replace(" flat ", " sharp ")]["l"]
    return bool(ok)


def _data(ctx, names) -> dict:
    return {"instance_seed": INSTANCE_SEED, "models": {m: npatel.ST_SIZES[m] for m in names},
            "instances": "numpy default_rng([instance_seed, model index]); c1 ~ Gamma(shape 0.25, scale 4), "
                         "c2 ~ -Gamma(4, 4), c3 ~ U(0, 10), p ~ Dirichlet(1)",
            "eps": ST_EPS, "mc_samples": ST_SAMPLES, "steps": ST_STEPS, "seed": shared_seed_data(int(ctx.seed.entropy), 5)}


def _record(cell) -> dict:
    return {key: cell[key] for key in ("model", "minimizer", "k", "rate", "lr", "radius", "left_basin", "runs",
                                       "final_distance_median")}


# --- checks -----------------------------------------------------------------------------------


@simulation("Tables 4-5 and Figs. 9-12 as printed: 1.5l and 0.5(u+l) leave the minimizer (to the corners), 0.5u stays",
            falsifiers=(replace("ST_RATES", {**ST_RATES, "0.5(u+l)": (0.0, 1.5)}, "the middle rate moved above l (to 1.5l)"),))
def printed(ctx):
    cells, thresholds, names, runs = experiment(ctx.quick, int(ctx.seed.entropy), tuple(ST_RATES.items()))
    level = bonferroni(len(cells))
    contradictions = []
    for cell in cells:
        ci = proportion_interval(cell["left_basin"], cell["runs"], level)
        leave = PRINTED_PATTERN[cell["rate"]] == "leave"
        if (leave and ci.high < 0.5) or (not leave and ci.low > 0.5):
            contradictions.append(_record(cell))
    shape = table_shape(thresholds)
    kinds = sorted({f"k={c['k']} at {c['rate']}" for c in contradictions})
    return Finding(
        Verdict.REFUTED if contradictions else Verdict.CONFIRMED,
        f"{len(cells)} cells × {runs} runs on our instances ({', '.join(names)}): thresholds "
        f"{'have' if shape else 'do not have'} Tables 4-5's shape; {len(contradictions)} cells contradict the printed "
        f"pattern ({'; '.join(kinds) or 'none'})" + (": there the runs stay in the minimizer's basin" if contradictions else ""),
        f"Wilson interval for the fraction of runs leaving the basin, joint level {LEVEL} (Bonferroni); majority decides",
        {"contradictions": contradictions, "thresholds": thresholds, "table_shape": shape,
         "cells": [_record(c) for c in cells], **_data(ctx, names)},
        observed={"contradicting cells": len(contradictions)}, expected={"contradicting cells": 0},
    )


@simulation("the mechanism's predictions: 1.5l diverges (leaves the basin or grows exponentially), 0.5u stays, GD converges",
            falsifiers=(replace("CORRECTED_PATTERN", {"1.5l": "stay", "0.5u": "diverge"}, "the predictions swapped"),))
def corrected(ctx):
    """Per cell the majority decides; a cell contradicts when its Wilson interval lies wholly on the
    wrong side of ½, and is undecided when it straddles ½ (then the check is inconclusive)."""
    cells, thresholds, names, runs = experiment(ctx.quick, int(ctx.seed.entropy), tuple(ST_RATES.items()))
    level = bonferroni(len(cells))
    contradictions, undecided, rates, judged = [], [], [], 0
    for cell in cells:
        if cell["rate"] not in CORRECTED_PATTERN:
            continue
        judged += 1
        diverging = CORRECTED_PATTERN[cell["rate"]] == "diverge"
        if cell["k"] == "inf" and not diverging:
            if not (cell["final_distance_median"] < 1e-6 * cell["radius"] and cell["left_basin"] == 0):
                contradictions.append(_record(cell))
            continue
        count = cell["diverged"] if diverging else cell["left_basin"]
        ci = proportion_interval(count, cell["runs"], level)
        if diverging:
            rates.extend(cell["growth_rates"].tolist())
        if (diverging and ci.high < 0.5) or (not diverging and ci.low > 0.5):
            contradictions.append(_record(cell))
        elif (2 * count > cell["runs"]) != diverging:
            undecided.append(_record(cell))
    rate_ci = mean_interval(rates) if len(rates) > 1 else None
    exponential = rate_ci is not None and rate_ci.low > 0
    verdict = Verdict.REFUTED if contradictions or not exponential else Verdict.INCONCLUSIVE if undecided else Verdict.CONFIRMED
    return Finding(
        verdict,
        f"{judged} cells × {runs} runs: {len(contradictions)} contradict the predictions, {len(undecided)} are against them by "
        f"majority only; mean fitted growth rate of the cells predicted to diverge "
        f"{rate_ci.describe() if rate_ci else 'n/a'} ({'positive' if exponential else 'not positive'})",
        f"Wilson intervals at joint level {LEVEL} (Bonferroni) decide contradictions; the majority decides agreement",
        {"contradictions": contradictions, "undecided": undecided, "thresholds": thresholds, **_data(ctx, names)},
        observed={"contradicting cells": len(contradictions), "growth rate > 0": "yes" if exponential else "no"},
        expected={"contradicting cells": 0, "growth rate > 0": "yes"},
    )


def _interval(pair) -> str:
    return f"[{pair[0]:.5g}, {pair[1]:.5g}]"


@symbolic("the rows of the printed Tables 4-5 against (19) and (18): each table's rows imply one s_f (resp. t_f) per minimizer",
          falsifiers=(mutate("TABLE_5", lambda _: _table_5_from_18(), "Table 5 recomputed by (18) from one t_f per minimizer"),))
def table_constants(ctx):
    """With λ_1 = 2/u(∞) and λ_m = 2/l(∞), (19) with j = m gives s_f = k(2λ_m/l(k) − λ_m²) and (18) gives
    t_f = k·min(2λ_1/u(k) − λ_1², 2λ_m/u(k) − λ_m²) from each row; every printed value is taken over its rounding,
    so each row gives an interval, and the rows of one minimizer must share a point."""
    implied = implied_constants(TABLE_4, TABLE_5)
    s_bad = [key for key, f in implied.items() if not _common_interval(f["s_f"].values())]
    t_bad = [key for key, f in implied.items() if not _common_interval(f["t_f"].values())]
    spread = {key: max(hi for _, hi in f["t_f"].values()) / min(lo for lo, _ in f["t_f"].values()) for key, f in implied.items()}
    return Finding(
        Verdict.CONFIRMED if not s_bad and not t_bad else Verdict.REFUTED,
        f"Table 4: the rows k = 1 … 500 of {len(implied) - len(s_bad)} of {len(implied)} minimizers share one s_f under (19) "
        f"(λ_m from the k = ∞ row); Table 5: those of {len(implied) - len(t_bad)} of {len(implied)} share one t_f under (18), "
        f"the implied t_f spreading by factors up to {max(spread.values()):.3g} across the rows"
        + (": Table 5 cannot come from (18) with Table 4's λ_m and one t_f per minimizer" if t_bad else ""),
        f"intervals over the printed rounding ({_printed.PRINTED_ROUNDING:g} relative per value); exact arithmetic otherwise",
        {"minimizers": {f"{m} {label}": {"λ_1 = 2/u(∞)": f"{f['lambda_1']:.5g}", "λ_m = 2/l(∞)": f"{f['lambda_m']:.5g}",
                                         **{f"s_f from k = {k}": _interval(v) for k, v in f["s_f"].items()},
                                         **{f"t_f from k = {k}": _interval(v) for k, v in f["t_f"].items()}}
                        for (m, label), f in implied.items()}},
        observed={"minimizers with one s_f (Table 4)": f"{len(implied) - len(s_bad)}/{len(implied)}",
                  "minimizers with one t_f (Table 5)": f"{len(implied) - len(t_bad)}/{len(implied)}"},
        expected={"minimizers with one s_f (Table 4)": f"{len(implied)}/{len(implied)}",
                  "minimizers with one t_f (Table 5)": f"{len(implied)}/{len(implied)}"},
    )


def _table_record(row) -> dict:
    return {"table": row["table"], "model": row["model"], "minimizer": row["minimizer"], "k": str(row["k"]),
            "printed": f"{row['printed']:.4g}", "ours": f"{row['ours']:.4g}",
            "standard error": f"{row['se']:.2g}" if math.isfinite(row["se"]) else "undetermined",
            "agrees": {True: "yes", False: "no", None: "undecided"}[table_agrees(row)]}


@high_precision("regenerated Tables 4-5: our instances beside the printed values")
def tables(ctx):
    """A consistency check (the paper's instances are not published): every entry of Tables 4-5 of the
    models run (Model 1 in quick mode) recomputed on our seeded instances against the printed one."""
    names = ["Model 1"] if ctx.quick else list(npatel.ST_SIZES)
    rows = table_experiment(names, np.random.SeedSequence([INSTANCE_SEED, int(ctx.seed.entropy), 7]))
    verdicts = [table_agrees(row) for row in rows]
    ratios = [row["ours"] / row["printed"] for row in rows]
    l_of = {(r["model"], r["minimizer"], r["k"]): r["ours"] for r in rows if r["table"] == "Table 4"}
    flat_above = all(value >= l_of[(m, "sharp", k)] for (m, label, k), value in l_of.items() if label == "flat")
    return Finding(
        Verdict.CONFIRMED if all(verdicts) else Verdict.INCONCLUSIVE,
        f"of {len(rows)} printed entries ({', '.join(names)}), {verdicts.count(True)} are reproduced within {TABLE_SE} Monte-Carlo "
        f"standard errors and {verdicts.count(False)} differ, ours/printed from {min(ratios):.3g} to {max(ratios):.3g}; our flat "
        f"minimizer's l {'exceeds' if flat_above else 'does not always exceed'} the sharp one's, as in Table 4; the paper's "
        f"instances are not published, so the mismatch decides nothing",
        f"{TABLE_SE} Monte-Carlo standard errors (delta method on the ε-ball averages of {ST_SAMPLES} points) plus the printed "
        f"rounding ({_printed.PRINTED_ROUNDING:g} relative)",
        {"entries": [_table_record(row) for row in rows], **_data(ctx, names)},
        observed={"entries reproduced": f"{verdicts.count(True)}/{len(rows)}"}, expected={"entries reproduced": f"{len(rows)}/{len(rows)}"},
    )


CLAIMS = (
    Claim(
        id="patel.st_sums",
        papers=(PATEL,),
        where="§5, eqs. (54)-(55), Tables 4-5, Figs. 9-12",
        statement=r"k \in \{1, 200, 500, \infty\},\ r_0 \in \{10^{-3}, \dots, 1\}:\ 1.5l,\ 0.5(u+l) \Rightarrow \text{diverge (corners)},"
        r"\ 0.5u \Rightarrow \text{stable (GD converges)}",
        summary="Styblinski–Tang sums: the printed convergence/divergence pattern at 1.5l, 0.5(u+l), 0.5u",
        checks=(printed, table_constants, tables),
    ),
    Claim(
        id="patel.st_sums-corrected",
        papers=(PATEL,),
        where="§5 restricted to the rates on either side of both bounds",
        statement=r"1.5l \Rightarrow \text{divergence};\ 0.5u \Rightarrow \text{stability (GD converges)};\ 0.5(u+l): \text{no prediction}",
        summary="the mechanism's own predictions on Styblinski–Tang sums",
        checks=(corrected,),
        corrects="patel.st_sums",
    ),
)
