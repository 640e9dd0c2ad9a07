"""Patel §4 for qc_sums: the quadratic-circle models, their ε-ball geometry, the run outcomes and
table records its checks read, and the data of the book's regenerated Tables 2-3 and Figs. 5-8."""

from __future__ import annotations

import math

import numpy as np

from numerics import patel as npatel

from . import _printed
from ._common import INSTANCE_SEED

QC_EPS, QC_SAMPLES, QC_START, QC_STEPS = 2e-2, 1000, 1e-8, 20
TABLE_2, TABLE_3 = _printed.TABLE_2, _printed.TABLE_3  # l and u per model (shared transcription)


QC_LRS_QUADRATIC = (1.0, 4.0, 16.0, 64.0, 256.0, 1024.0)  # §4.1



#: a regenerated entry agrees with the printed one within this many Monte-Carlo standard errors (plus the
#: printed rounding)
TABLE_SE = 4



def models(components: int = 10) -> dict:
    rng = np.random.default_rng(INSTANCE_SEED)
    return {name: npatel.qc_model(name, components, rng) for name in npatel.QC_SPECS}



def geometry_at(model, center, rng, samples=QC_SAMPLES):
    """The ε-ball Hessian average (49) at ``center`` by Monte Carlo."""
    return npatel.ball_geometry(lambda pts: npatel.qc_hessians(model, pts), model.probs, center, QC_EPS, samples, rng)



def _instance_data() -> dict:
    return {"instance_seed": INSTANCE_SEED, "components": 10,
            "specs": {name: vars(spec) for name, spec in npatel.QC_SPECS.items()},
            "reading": "(A2) with c2 = 0 (the only choice making (0, 0) an isolated minimizer), c4 = 0, c1 = depth; q3 = -15"}



def figure_runs(geometry_seed, run_seed, runs: int, name: str = "Model 1") -> list[dict]:
    """SGD-1 and GD from the 10⁻⁸ disc at the quadratic minimizer of one model at §4.1's rates: u, l
    and the median distance per rate (a run that leaves the region keeps its last finite distance)."""
    model = npatel.qc_model(name, 10, np.random.default_rng(INSTANCE_SEED))
    found = geometry_at(model, model.quadratic_minimizer, np.random.default_rng(geometry_seed))
    out = []
    for (sgd, batch, method), stream in zip(((True, 1, "SGD-1"), (False, math.inf, "GD")), run_seed.spawn(2)):
        u, l_value = npatel.mechanism_bounds(found, batch)
        records = npatel.qc_runs(model, model.quadratic_minimizer, QC_LRS_QUADRATIC, sgd, runs, QC_STEPS, QC_START, stream)
        medians = [(record.lr, np.median(last_finite(record.distances), axis=1)) for record in records]
        out.append({"method": method, "u": u, "l": l_value, "medians": medians})
    return out



def _column_batch(column, kmax):
    """The batch size a column of Tables 2-3 stands for, given k_max (None: undefined)."""
    if column == "inf":
        return math.inf
    if isinstance(column, int):
        return column
    if kmax is None or kmax < 1:
        return None
    return float(column.removesuffix("kmax")) * kmax



def table_experiment(seed) -> list[dict]:
    """Tables 2-3 regenerated on our four models: per model and column, our l (Table 2) and u (Table 3)
    from the ε-ball average of the paper's sample size at each minimizer, their Monte-Carlo standard
    errors, and the printed values beside them. ``seed``: a SeedSequence or entropy for the samples."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, model in models().items():
        found = {"circle": geometry_at(model, model.circle_minimizer, rng),
                 "quadratic": geometry_at(model, model.quadratic_minimizer, rng)}
        kmax = {minimizer: {"Table 2": _printed.kmax_divergence(g.eigenvalues, g.s_f),
                            "Table 3": _printed.kmax_convergence(g.eigenvalues, g.t_f)} for minimizer, g in found.items()}
        for index, (minimizer, column) in enumerate(_printed.QC_TABLE_COLUMNS):
            g = found[minimizer]
            for table, printed, which in (("Table 2", TABLE_2[name][index], 1), ("Table 3", TABLE_3[name][index], 0)):
                batch = _column_batch(column, kmax[minimizer][table])
                ours = se = None
                if batch is not None:
                    ours, se = npatel.mechanism_bounds(g, batch)[which], npatel.mechanism_bounds_se(g, batch)[which]
                rows.append({"table": table, "model": name, "minimizer": minimizer, "column": str(column), "k": batch,
                             "k_max": kmax[minimizer][table], "printed": printed, "ours": ours, "se": se,
                             "m": len(g.eigenvalues)})
    return rows



def table_agrees(row) -> bool | None:
    """|ours − printed| within TABLE_SE standard errors plus the printed rounding (None: ours undefined)."""
    if row["ours"] is None or not math.isfinite(row["se"]):
        return None
    return abs(row["ours"] - row["printed"]) <= TABLE_SE * row["se"] + _printed.PRINTED_ROUNDING * abs(row["printed"])



def last_finite(distances: np.ndarray) -> np.ndarray:
    """Distances with each run that left the region held at its last finite value."""
    finite = np.isfinite(distances)
    index = np.maximum.accumulate(np.where(finite, np.arange(len(distances))[:, None], 0), axis=0)
    return np.take_along_axis(np.where(finite, distances, 0.0), index, axis=0)



def figure_panels(name: str, start: str, lrs, sgd: bool, runs: int, seed, reference: str | None = None,
                  scale_to_table_2: bool = False) -> dict:
    """Figs. 5-8: SGD-1 (``sgd``) or GD on model ``name`` from the 10⁻⁸ disc at the ``start`` minimizer
    ('circle' or 'quadratic'), distances to the ``reference`` minimizer (default: ``start``) of every run per rate
    (held at the last finite value once a run leaves the region), with Def. 3.14's u and l at ``start``, the runs
    that left the region and those whose distance grew over the 20 steps.
    ``scale_to_table_2``: the printed rates are multiplied by our l(k = ∞)/Table 2's l(k = ∞) of that model."""
    geometry_seed, run_seed = seed.spawn(2)
    model = models()[name]
    point = {"circle": model.circle_minimizer, "quadratic": model.quadratic_minimizer}
    found = geometry_at(model, point[start], np.random.default_rng(geometry_seed))
    u, l_value = npatel.mechanism_bounds(found, 1 if sgd else math.inf)
    factor = npatel.mechanism_bounds(found, math.inf)[1] / TABLE_2[name][3 if start == "circle" else 5] if scale_to_table_2 else 1.0
    records = npatel.qc_runs(model, point[start], [factor * v for v in lrs], sgd, runs, QC_STEPS, QC_START, run_seed,
                             point[reference or start])
    return {"u": u, "l": l_value, "factor": factor,
            "rates": [{"printed": printed, "lr": r.lr, "distances": last_finite(r.distances),
                       "left_region": int(np.sum(r.escaped_at >= 0)),
                       "grew": int(np.sum((r.escaped_at >= 0) | (r.distances[-1] > r.distances[0])))}
                      for printed, r in zip(lrs, records)]}


def outcomes(records):
    """Per learning rate: runs that diverged (the distance grew over the iterations, or the run left
    the region) and the fitted exponential rates of those runs while the distance is below 10⁻²."""
    out = []
    for record in records:
        diverged = (record.escaped_at >= 0) | (record.distances[-1] > record.distances[0])
        window = np.argmax(record.distances > 1e-2, axis=0)
        last = np.where(window > 0, window - 1, record.distances.shape[0] - 1)
        fit = npatel.growth_rates(record.distances[:, diverged], last[diverged]) if diverged.any() else None
        out.append((record.lr, int(diverged.sum()), record.distances.shape[1], fit))
    return out



def _transitions(rows) -> dict:
    first = {}
    for row in rows:
        key = f"{row['model']} {row['method']}"
        if row["diverged"] * 2 > row["runs"] and key not in first:
            first[key] = row["lr"]
    return first



def _table_record(row) -> dict:
    return {"table": row["table"], "model": row["model"], "minimizer": row["minimizer"], "column": f"k = {row['column']}",
            "printed": f"{row['printed']:.4g}", "ours": "undefined" if row["ours"] is None else f"{row['ours']:.4g}",
            "standard error": "" if row["se"] is None else "undetermined" if not math.isfinite(row["se"]) else f"{row['se']:.2g}",
            "agrees": {True: "yes", False: "no", None: "undecided"}[table_agrees(row)]}



def _kmax_ratios(table_2, table_3):
    """Per model: l(0.99 k_max)/l(∞) of Table 2, and λ_m/λ_1 from each k_max column of Table 3 by (18)."""
    out = {}
    for name in table_2:
        l_values, u_values = table_2[name], table_3[name]
        from_99 = 1 / (u_values[1] / u_values[3]) - 1 / 0.99
        from_2 = 2 * (1 / (u_values[2] / u_values[3]) - 1)
        out[name] = {"table_2": l_values[1] / l_values[3], "table_3": (from_99, from_2), "k_inf": u_values[3] / l_values[3]}
    return out
