"""`sweep wu-minima`: networks trained over a grid of η × B × seeds, their minima placed in Wu, Ma
& E's sharpness–non-uniformity diagram (Figs. 3 and 6).

Each grid point trains one MLP on digits from its own seed (``numerics.networks.experiments.minimum``
through ``numerics.sweep``: local processes by default, Dask when a scheduler is given) and measures
the sharpness a = λmax(H) and the non-uniformity s = √λmax(Σ) where it ended. Beside each, the
linear-stability bounds of eq. (9): a ≤ 2/η, and s ≤ √(B(n−1)/(n−B))/η for B samples without
replacement (√B/η with replacement; none for GD).
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import sympy as sp

from numerics import sweep as sweeps
from numerics.networks import experiments
from numerics.precision import decimal
from theory import wu
from theory.errors import ParameterError
from theory.numbers import parse_exact, parse_list

from .derive import json_numbers_as_strings
from .options import MAX_DEPTH, MAX_SAMPLES, MAX_WIDTH, NUMBER, SEED, STEPS, Count, progress_bar
from .simulation import check_network
from .report import json_writer, write_outputs
from .sweep import backend_options, chosen_backend, out_paths

DEFAULT_OUT = "reports/wu-minima"
#: most grid points (η × B × seeds) of one sweep
MAX_POINTS = 10_000
#: steps between loss checks of a run
BLOCK = 100


def nonuniformity_bound(lr: sp.Expr, batch: int | None, samples: int, replace: bool) -> sp.Expr | None:
    """Eq. (9)'s largest stable s (``theory.wu.rectangle_at``, from the derived batch factor c_B):
    √(B(n−1)/(n−B))/η without replacement, √B/η with; None for GD (c_B = 0)."""
    if batch is None:
        return None
    bound = wu.rectangle_at(lr, batch, samples, replace)[1]
    return None if bound == sp.oo else bound


def _batches(text: str, samples: int) -> list[int | None]:
    batches = []
    for item in str(text).split(","):
        item = item.strip().lower()
        if item == "gd":
            batches.append(None)
            continue
        value = parse_exact(item, "batch-grid")
        if not (value.is_Integer and 1 <= value <= samples):
            raise ParameterError("batch-grid", f"each B must be an integer in [1, {samples}] or 'gd', got {item!r}")
        batches.append(int(value))
    return batches


def wu_minima(lr_grid: str, batch_grid: str, seeds: int, samples: int, width: int, depth: int, steps: int,
              target: str, replace: bool, seed: int, backend: sweeps.Backend, chunk: int | None = None,
              progress=None) -> dict:
    """The grid's minima: one row per (η, B, seed) with a, s, their errors and eq. (9)'s bounds."""
    rates = parse_list(lr_grid, "lr-grid")
    if any(not (r.is_Rational and r.is_positive) for r in rates):
        raise ParameterError("lr-grid", "learning rates must be positive numbers")
    goal = parse_exact(target, "target")
    if not (goal.is_Rational and goal.is_positive):
        raise ParameterError("target", f"must be a positive number, got {goal}")
    check_network(samples, width, depth)
    if not 1 <= seeds <= MAX_POINTS:
        raise ParameterError("seeds", f"must be in [1, {MAX_POINTS}], got {seeds}")
    batches = _batches(batch_grid, samples)
    if len(rates) * len(batches) * seeds > MAX_POINTS:
        raise ParameterError("seeds", f"η × B × seeds = {len(rates) * len(batches) * seeds} grid points, past {MAX_POINTS}")
    setup = experiments.Setup(samples=samples, width=width, depth=depth, data_seed=seed)
    grid = [(setup, float(lr), batch, replace and batch is not None, steps, float(goal), 0, BLOCK)
            for lr in rates for batch in batches for _ in range(seeds)]
    results = sweeps.run_sweep(experiments.minimum, grid, np.random.SeedSequence(seed), backend, chunk or seeds, progress)
    rows = []
    for (lr, batch), row in zip(((lr, batch) for lr in rates for batch in batches for _ in range(seeds)),
                                experiments.as_rows(grid, results)):
        bound = nonuniformity_bound(lr, batch, samples, replace)
        entry = {"lr": str(lr), "batch": "gd" if batch is None else str(batch), "stopped": row["stopped"],
                 "steps": row["steps"], "loss": repr(row["loss"]), "sharpness_bound": decimal(2 / lr, 17),
                 "nonuniformity_bound": None if bound is None else decimal(bound, 17)}
        if row["sharpness"] is not None:
            entry |= {name: repr(row[name]) for name in experiments.MINIMUM_FIELDS[3:7]}
        rows.append(entry)
    return {
        "command": "sweep wu-minima",
        "params": {"lr_grid": lr_grid, "batch_grid": batch_grid, "seeds": str(seeds), "samples": str(samples),
                   "width": str(width), "depth": str(depth), "steps": str(steps), "target": target,
                   "replace": str(replace).lower(), "seed": str(seed)},
        "parameters": setup.size,
        "rows": rows,
        "notes": ["one row per (η, B, seed); a = λmax(H) and s = √λmax(Σ) by Lanczos where the run ended, with "
                  "the error bound from the residual",
                  "bounds of Wu, Ma & E eq. (9): a ≤ 2/η; s ≤ √(B(n−1)/(n−B))/η without replacement, √B/η with",
                  "a diverged run has no curvature fields; a run stopped at --steps may not be at a minimum"],
    }


def figure_writer(payload: dict):
    """The sharpness–non-uniformity diagram as PNG: one colour per (η, B), eq. (9)'s bounds dashed."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 5), layout="constrained")
    axes = figure.add_subplot()
    groups: dict[tuple, list[dict]] = {}
    for row in payload["rows"]:
        groups.setdefault((row["lr"], row["batch"]), []).append(row)
    for (lr, batch), rows in groups.items():
        measured = [r for r in rows if "sharpness" in r]
        points = axes.scatter([float(r["sharpness"]) for r in measured], [float(r["nonuniformity"]) for r in measured],
                              s=25, label=f"η = {lr}, " + ("GD" if batch == "gd" else f"B = {batch}"))
        colour = points.get_facecolor()[0]
        axes.axvline(float(rows[0]["sharpness_bound"]), color=colour, linestyle=":", linewidth=1)
        if rows[0]["nonuniformity_bound"] is not None:
            axes.axhline(float(rows[0]["nonuniformity_bound"]), color=colour, linestyle="--", linewidth=1)
    axes.set_xlabel("sharpness a = λmax(H)")
    axes.set_ylabel("non-uniformity s = √λmax(Σ)")
    axes.set_title(f"{len(payload['rows'])} minima, n = {payload['params']['samples']}, d = {payload['parameters']}"
                   " (dotted: 2/η; dashed: eq. (9)'s s bound)", fontsize="medium")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")

    def write(temporary: str) -> None:
        figure.savefig(temporary, dpi=120, format="png")

    return write


@click.command("wu-minima")
@click.option("--lr-grid", required=True, type=NUMBER, help="learning rates η, comma-separated exact numbers")
@click.option("--batch-grid", required=True, help="batch sizes B, comma-separated; 'gd' for full-batch GD")
@click.option("--seeds", default=3, show_default=True, type=Count(1, MAX_POINTS), help="initialisations per (η, B)")
@click.option("--samples", default=200, show_default=True, type=Count(2, MAX_SAMPLES), help="digits in the training set")
@click.option("--width", default=32, show_default=True, type=Count(1, MAX_WIDTH), help="hidden units per layer")
@click.option("--depth", default=1, show_default=True, type=Count(1, MAX_DEPTH), help="hidden layers")
@click.option("--steps", default=20000, show_default=True, type=STEPS, help="the most steps of a run")
@click.option("--target", default="1e-4", show_default=True, type=NUMBER, help="stop a run once its loss is at most this")
@click.option("--replace/--no-replace", default=False, show_default=True, help="draw SGD's batches with replacement")
@click.option("--seed", default=0, show_default=True, type=SEED, help="root SeedSequence; point i uses its i-th child")
@backend_options("grid points per submitted task (default: the seeds of one (η, B))")
@click.option("--out", default=DEFAULT_OUT, show_default=True, help="base name: writes OUT.json and OUT.png")
def wu_minima_command(lr_grid, batch_grid, seeds, samples, width, depth, steps, target, replace, seed, backend,
                      scheduler, workers, chunk, out):
    """Minima of networks trained over η × B × seeds in the sharpness–non-uniformity diagram: OUT.json, OUT.png."""
    where = chosen_backend(backend, scheduler, workers)
    json_path, png_path = out_paths(out)
    with progress_bar("training networks") as update:
        payload = wu_minima(lr_grid, batch_grid, seeds, samples, width, depth, steps, target, replace, seed, where,
                            chunk, update)
    payload["figure"] = str(png_path)
    write_outputs([(json_path, "out", json_writer(json_numbers_as_strings(payload))),
                   (Path(png_path), "out", figure_writer(payload))])
    click.echo(f"sweep wu-minima: {len(payload['rows'])} networks on {where.kind}; wrote {json_path} and {png_path}")
