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

from ...claim import Claim, Finding, Verdict, replace, simulation
from ...papers import PATEL
from ...stats import LEVEL, bonferroni, mean_interval, proportion_interval
from ._common import INSTANCE_SEED, shared_seed_data

# --- printed: the rates (as multiples of u and l) and what §5 says they do ---------------------
#: rate label -> (coefficient of u, coefficient of l)
ST_RATES = {"1.5l": (0.0, 1.5), "0.5(u+l)": (0.5, 0.5), "0.5u": (0.5, 0.0)}
PRINTED_PATTERN = {"1.5l": "leave", "0.5(u+l)": "leave", "0.5u": "stay"}
CORRECTED_PATTERN = {"1.5l": "diverge", "0.5u": "stay"}  # the mechanism predicts nothing between u and l
ST_BATCHES = (1, 200, 500, None)  # None: GD (k = ∞)
ST_RADII = (1e-3, 1e-2, 1e-1, 1.0)
ST_EPS, ST_SAMPLES, ST_STEPS = 2e-2, 1000, 20


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


def figure_runs(geometry_seed, run_seed, runs: int, radius: float, name: str = "Model 1") -> dict:
    """SGD-1 and GD at 1.5l and 0.5u of their own thresholds, from the sphere of ``radius`` around the
    sharpest minimizer of one model: distances per rate."""
    st = npatel.st_model(name, np.random.default_rng([INSTANCE_SEED, list(npatel.ST_SIZES).index(name)]))
    minima = npatel.st_minimizers(st)
    geometry = npatel.diagonal_ball_geometry(lambda pts: npatel.st_component_diagonals(st, pts), st.probs, minima.sharpest,
                                             ST_EPS, ST_SAMPLES, np.random.default_rng(geometry_seed))
    panels = []
    for (batch, method), stream in zip(((1, "SGD-1"), (None, "GD")), run_seed.spawn(2)):
        u, l_value = npatel.mechanism_bounds(geometry, math.inf if batch is None else batch)
        settings = {r"1.5\,l": 1.5 * l_value, r"0.5\,u": 0.5 * u}
        records = npatel.st_runs(st, minima.sharpest, minima.barrier, [(lr, radius) for lr in settings.values()],
                                 batch, runs, ST_STEPS, stream)
        panels.append({"method": method, "rates": [(label, lr, record.distances)
                                                    for (label, lr), record in zip(settings.items(), records)]})
    return {"dimension": st.dimension, "components": len(st.probs), "panels": panels}


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


CLAIMS = (
    Claim(
        id="patel.st_sums",
        papers=(PATEL,),
        where="§5, eqs. (54)-(55), Tables 4-5, Figs. 9-12",
        statement=r"k \in \{1, 200, 500, \infty\},\ r_0 \in \{10^{-3}, \dots, 1\}:\ 1.5l,\ 0.5(u+l) \Rightarrow \text{diverge (corners)},"
        r"\ 0.5u \Rightarrow \text{stable (GD converges)}",
        summary="Styblinski–Tang sums: the printed convergence/divergence pattern at 1.5l, 0.5(u+l), 0.5u",
        checks=(printed,),
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
