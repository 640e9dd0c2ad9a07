"""`sweep`: parameter grids run through ``numerics.sweep`` (local processes or a Dask cluster).

`sweep ziyin-phase` maps the escape probability P(|w_T| > ε) of SGD on x w²/2 with
x ∈ {1, a - 1} (Ziyin et al., Cor. 1 / eq. (8)) over a grid of (a, λ), with Wilson intervals,
and draws it under the trap-set boundary: Cor. 1's derived interval for a < 0, the certified
trap set of ``numerics.trapset`` for a ≥ 0.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import click
import numpy as np
import sympy as sp

from numerics import sweep as sweeps
from numerics.ensemble import check_count, check_runs
from numerics.multiplicative_sim import ROUTES
from numerics.precision import check_dps, decimal
from theory.errors import ParameterError
from theory.numbers import parse_exact

from .derive import json_numbers_as_strings
from .options import MAX_CHUNK, MAX_WORKERS, NUMBER, ROUTE_HELP, RUNS, SEED, STEPS, Count, dps_option, progress_bar
from .report import check_output, json_writer, write_outputs
from .stats import LEVEL, proportion_interval

#: most points on one axis of a grid
MAX_AXIS = 1000
#: largest |a| and λ: keeps every factor 1 - λx a finite float64 (tasks run in other processes,
#: so all validation happens here, before anything is submitted)
MAX_MAGNITUDE = Fraction(10) ** 100
DEFAULT_OUT = "reports/ziyin-phase"


def parse_grid(text: str, parameter: str) -> list[Fraction]:
    """``LOW:HIGH:N``: N equally spaced exact rational points from LOW to HIGH (LOW ≤ HIGH)."""
    parts = str(text).split(":")
    if len(parts) != 3:
        raise ParameterError(parameter, f"expected LOW:HIGH:N, got {text!r}")
    low, high = (parse_exact(part, parameter) for part in parts[:2])
    if not (low.is_Rational and high.is_Rational):
        raise ParameterError(parameter, f"grid ends must be rational numbers, got {low} and {high}")
    count = parse_exact(parts[2], parameter)
    if not (count.is_Integer and 1 <= count <= MAX_AXIS):
        raise ParameterError(parameter, f"N must be an integer in [1, {MAX_AXIS}], got {parts[2].strip()!r}")
    if high < low or (count > 1 and high == low):
        raise ParameterError(parameter, f"need LOW < HIGH (or N = 1 and LOW = HIGH), got {low}:{high}")
    if count == 1 and high != low:
        raise ParameterError(parameter, f"N = 1 gives one point, so LOW must equal HIGH (the grid includes both "
                                        f"ends), got {low}:{high}")
    return sweeps.linear_grid(Fraction(low.p, low.q), Fraction(high.p, high.q), int(count))


def _fraction(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def ziyin_phase(a_grid: str, lr_grid: str, runs: int, steps: int, eps: str, seed: int, route: str, dps: int,
                backend: sweeps.Backend, chunk: int | None = None, progress=None) -> dict:
    """The escape-probability grid (rows: a, columns: λ) with Wilson intervals and the boundary."""
    check_dps(dps)
    a_values, lr_values = parse_grid(a_grid, "a-grid"), parse_grid(lr_grid, "lr-grid")
    for values, parameter in ((a_values, "a-grid"), (lr_values, "lr-grid")):
        if max(abs(values[0]), abs(values[-1])) > MAX_MAGNITUDE:
            raise ParameterError(parameter, "grid ends must lie within ±1e100")
    if 2 in a_values:
        raise ParameterError("a-grid", "a = 2 makes both atoms equal to 1")
    if lr_values[0] <= 0:
        raise ParameterError("lr-grid", f"learning rates must be positive, got {lr_values[0]}")
    runs, steps = check_runs(runs), check_count("steps", steps, 0)
    eps_value = parse_exact(eps, "eps")
    if not (eps_value.is_Rational and eps_value.is_positive):
        raise ParameterError("eps", f"must be a positive rational, got {eps_value}")
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    eps_fraction = Fraction(eps_value.p, eps_value.q)
    grid = [(a, lr, runs, steps, eps_fraction, route) for a in a_values for lr in lr_values]
    counts = sweeps.run_sweep(sweeps.ziyin_escapes, grid, np.random.SeedSequence(seed), backend,
                              len(lr_values) if chunk is None else chunk, progress)
    escaped = np.array([c[0] for c in counts]).reshape(len(a_values), len(lr_values))
    zero = np.array([c[1] for c in counts]).reshape(len(a_values), len(lr_values))
    intervals = [[_interval(int(k), runs) for k in row] for row in escaped]
    boundary = [{"a": decimal(_fraction(a), dps),
                 "intervals": [[decimal(low, dps), decimal(high, dps)] for low, high in sweeps.ziyin_trap_boundary(a, dps)]}
                for a in a_values]
    return {
        "command": "sweep ziyin-phase",
        "params": {"a_grid": a_grid, "lr_grid": lr_grid, "runs": str(runs), "steps": str(steps), "eps": eps,
                   "seed": str(seed), "route": route},
        "dps": dps,
        "a": [decimal(_fraction(a), dps) for a in a_values],
        "lr": [decimal(_fraction(lr), dps) for lr in lr_values],
        "escaped": escaped.tolist(),
        "escaped_fraction": [[decimal(sp.Rational(int(k), runs), 17) for k in row] for row in escaped],
        "interval": intervals,
        "interval_method": f"{LEVEL * 100:.6g}% Wilson, per grid point",
        "zero": zero.tolist(),
        "boundary": boundary,
        "notes": ["escaped means |w_T| > eps from w_0 = 1; rows are a, columns λ",
                  "boundary: the open trap set {λ > 0 : E ln|1 - λx| < 0} at each a (Cor. 1 for a < 0)"],
    }


def _interval(escaped: int, runs: int) -> list[str]:
    interval = proportion_interval(escaped, runs, LEVEL)
    return [repr(interval.low), repr(interval.high)]


def draw(payload: dict, path: Path) -> None:
    """Heat map of the escaped fraction over (a, λ), the trap-set ends drawn over it; written atomically."""
    write_outputs([(path, "out", figure_writer(payload))])


def figure_writer(payload: dict):
    """A writer for ``write_outputs``: the heat map as PNG."""
    figure = _figure(payload)

    def write(temporary: str) -> None:
        figure.savefig(temporary, dpi=120, format="png")

    return write


def _figure(payload: dict):
    from matplotlib.figure import Figure

    a_values = np.array([float(v) for v in payload["a"]])
    lr_values = np.array([float(v) for v in payload["lr"]])
    fraction = np.array([[float(v) for v in row] for row in payload["escaped_fraction"]])
    figure = Figure(figsize=(7, 5), layout="constrained")
    axes = figure.add_subplot()
    mesh = axes.pcolormesh(a_values, lr_values, fraction.T, shading="nearest", vmin=0, vmax=1, cmap="viridis")
    figure.colorbar(mesh, ax=axes, label=r"escaped fraction $P(|w_T| > \varepsilon)$")
    for a, ends in _boundary_points(payload["boundary"], lr_values.max()):
        axes.plot([a] * len(ends), ends, "w_", markersize=8, markeredgewidth=2)
    axes.plot([], [], "w_", markeredgewidth=2, label=r"trap-set ends: $E\ln|1-\lambda x| = 0$")
    axes.set_xlabel("a  (x ∈ {1, a − 1})")
    axes.set_ylabel(r"learning rate $\lambda$")
    axes.set_ylim(lr_values.min() - 0.5 * _step(lr_values), lr_values.max() + 0.5 * _step(lr_values))
    axes.set_title(f"SGD on x w²/2: {payload['params']['runs']} runs, T = {payload['params']['steps']}")
    axes.legend(loc="upper right", fontsize="small", facecolor="0.5")
    return figure


def _step(values: np.ndarray) -> float:
    return float(np.diff(values).min()) if len(values) > 1 else 0.1


def _boundary_points(boundary: list[dict], top: float):
    """(a, finite positive interval ends up to a little beyond the plotted λ range) for each a."""
    for entry in boundary:
        ends = [float(v) for pair in entry["intervals"] for v in pair if v != "inf" and float(v) > 0]
        yield float(entry["a"]), [end for end in ends if end <= 1.05 * top]


def out_paths(out: str) -> tuple[Path, Path]:
    base = Path(out)
    if base.suffix in (".json", ".png"):
        base = base.with_suffix("")
    if not base.name or str(out).endswith(os.sep):
        raise ParameterError("out", f"{out!r} names no file")
    paths = base.with_name(base.name + ".json"), base.with_name(base.name + ".png")
    for path in paths:  # before any work; directories are made only when the outputs are written
        check_output(path, "out")
    return paths


def backend_options(chunk_help: str):
    """The sweep commands' --backend, --scheduler, --workers and --chunk options."""
    def decorate(command):
        for option in reversed((
            click.option("--backend", type=click.Choice(["local", "dask"]),
                         help="local processes, or Dask (default: dask when a scheduler is given, else local)"),
            click.option("--scheduler", envvar="SGDVERIFY_SCHEDULER", help="Dask scheduler address tcp://HOST:PORT"),
            click.option("--workers", type=Count(1, MAX_WORKERS),
                         help="local processes, or LocalCluster workers (default: one per core)"),
            click.option("--chunk", type=Count(1, MAX_CHUNK), help=chunk_help),
        )):
            command = option(command)
        return command
    return decorate


def chosen_backend(backend: str | None, scheduler: str | None, workers: int | None) -> sweeps.Backend:
    """Dask when asked or when a scheduler is given, else local processes."""
    if scheduler is not None and not scheduler.strip():
        raise ParameterError("scheduler", "empty address (give tcp://HOST:PORT, or leave --scheduler out to run locally)")
    kind = backend or ("dask" if scheduler else "local")
    return sweeps.Backend(kind, scheduler if kind == "dask" else None, workers)


@click.command("ziyin-phase")
@click.option("--a-grid", required=True, type=NUMBER, help="A0:A1:NA, exact rational ends (x ∈ {1, a-1}); a = 2 excluded")
@click.option("--lr-grid", required=True, type=NUMBER, help="L0:L1:NL, learning rates λ > 0")
@click.option("--runs", required=True, type=RUNS, help="runs per grid point")
@click.option("--steps", required=True, type=STEPS, help="SGD steps T")
@click.option("--eps", default="1e-3", show_default=True, type=NUMBER, help="escaped means |w_T| > eps (a positive rational)")
@click.option("--seed", default=0, show_default=True, type=SEED, help="root SeedSequence; task i uses its i-th child")
@click.option("--route", default="auto", show_default=True, type=click.Choice(["auto", *ROUTES]), help=ROUTE_HELP)
@backend_options("grid points per submitted task (default: one row of λ)")
@click.option("--out", default=DEFAULT_OUT, show_default=True, help="base name: writes OUT.json and OUT.png")
@dps_option
def ziyin_phase_command(a_grid, lr_grid, runs, steps, eps, seed, route, backend, scheduler, workers, chunk, out, dps):
    """Escape probability over (a, λ) with Wilson intervals and the trap-set boundary: OUT.json, OUT.png."""
    where = chosen_backend(backend, scheduler, workers)
    kind = where.kind
    json_path, png_path = out_paths(out)
    with progress_bar("sweeping") as update:
        payload = ziyin_phase(a_grid, lr_grid, runs, steps, eps, seed, route, dps, where, chunk, update)
    payload["figure"] = str(png_path)
    write_outputs([(json_path, "out", json_writer(json_numbers_as_strings(payload))),
                   (png_path, "out", figure_writer(payload))])
    click.echo(f"sweep ziyin-phase: {len(payload['a'])} × {len(payload['lr'])} points on {kind}; "
               f"wrote {json_path} and {png_path}")


def register(group: click.Group) -> None:
    """Add the sweeps to the CLI's `sweep` group."""
    from .network_sweep import wu_minima_command

    group.add_command(ziyin_phase_command)
    group.add_command(wu_minima_command)
