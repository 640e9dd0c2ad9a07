"""Patel §5 for st_sums: the seeded Styblinski–Tang instances and the data of the book's
regenerated Tables 4-5 and Figs. 9-12 (from the claim's experiment; judged by st_sums' checks)."""

from __future__ import annotations

import math

import numpy as np

from numerics import patel as npatel

from . import _printed
from ._common import INSTANCE_SEED

ST_EPS, ST_SAMPLES, ST_STEPS = 2e-2, 1000, 20
TABLE_4, TABLE_5 = _printed.TABLE_4, _printed.TABLE_5  # l and u per (model, minimizer) (shared transcription)


#: rate label -> (coefficient of u, coefficient of l)
ST_RATES = {"1.5l": (0.0, 1.5), "0.5(u+l)": (0.5, 0.5), "0.5u": (0.5, 0.0)}



#: a regenerated entry agrees with the printed one within this many Monte-Carlo standard errors (plus rounding)
TABLE_SE = 4



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



def st_instance(name: str):
    """Our seeded instance of the named model, and its flattest and sharpest minimizers."""
    model = npatel.st_model(name, np.random.default_rng([INSTANCE_SEED, list(npatel.ST_SIZES).index(name)]))
    return model, npatel.st_minimizers(model)



def table_experiment(names, seed) -> list[dict]:
    """Tables 4-5 regenerated on our instances of ``names``: per (model, minimizer, k), our l (Table 4)
    and u (Table 3) from the ε-ball average of the paper's sample size, their Monte-Carlo standard
    errors (delta method), and the printed values beside them."""
    rng = np.random.default_rng(seed)
    rows = []
    for name in names:
        model, minima = st_instance(name)
        for label, center in (("flat", minima.flattest), ("sharp", minima.sharpest)):
            geometry = npatel.diagonal_ball_geometry(lambda pts, model=model: npatel.st_component_diagonals(model, pts), model.probs,
                                                     center, ST_EPS, ST_SAMPLES, rng)
            for index, batch in enumerate(_printed.ST_TABLE_BATCHES):
                k_value = math.inf if batch == "inf" else batch
                (u, l_value), (u_se, l_se) = npatel.mechanism_bounds(geometry, k_value), npatel.mechanism_bounds_se(geometry, k_value)
                for table, printed, ours, se in (("Table 4", TABLE_4[(name, label)][index], l_value, l_se),
                                                 ("Table 5", TABLE_5[(name, label)][index], u, u_se)):
                    rows.append({"table": table, "model": name, "minimizer": label, "k": batch, "printed": printed,
                                 "ours": ours, "se": se})
    return rows



def table_agrees(row) -> bool | None:
    """|ours − printed| within TABLE_SE standard errors plus the printed rounding (None: undetermined)."""
    if not math.isfinite(row["se"]):
        return None
    return abs(row["ours"] - row["printed"]) <= TABLE_SE * row["se"] + _printed.PRINTED_ROUNDING * abs(row["printed"])



def figure_grid(minimizer: str, batches, radii, runs: int, seed, name: str = "Model 1") -> dict:
    """Figs. 9-12: SGD-k (k = None: GD) on one model from the sphere of each radius about its 'flat' or
    'sharp' minimizer, at §5's three rates of each k's own u and l: per (k, radius, rate) the distances to the
    minimizer (N = 0…20, every run) and the number of runs that left its basin."""
    st, minima = st_instance(name)
    center = minima.flattest if minimizer == "flat" else minima.sharpest
    geometry_seed, run_seed = seed.spawn(2)
    geometry = npatel.diagonal_ball_geometry(lambda pts: npatel.st_component_diagonals(st, pts), st.probs, center, ST_EPS,
                                             ST_SAMPLES, np.random.default_rng(geometry_seed))
    panels = []
    for batch, stream in zip(batches, run_seed.spawn(len(batches))):
        u, l_value = npatel.mechanism_bounds(geometry, math.inf if batch is None else batch)
        grid = [(rate, cu * u + cl * l_value, radius) for rate, (cu, cl) in ST_RATES.items() for radius in radii]
        records = npatel.st_runs(st, center, minima.barrier, [(lr, r) for _, lr, r in grid], batch, runs, ST_STEPS, stream)
        panels.extend({"k": batch, "radius": radius, "rate": rate, "lr": lr, "u": u, "l": l_value, "distances": record.distances,
                       "left_basin": int(np.sum(record.left_basin_at >= 0))}
                      for (rate, lr, radius), record in zip(grid, records))
    return {"dimension": st.dimension, "components": len(st.probs), "panels": panels}
