"""The `sgdverify` command: list claims, verify them, derive closed forms for your own data.

Bad input prints one line naming the parameter and exits with status 2; `verify` exits 0 when it
ran, whatever the verdicts. Start-up imports only click: SymPy, SciPy and the simulators are
imported by the command that uses them, and the per-paper `derive` and the `sweep` subcommands
are loaded when their group is asked for them, so `--help` and argument errors return at once.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from collections.abc import Callable

import click

from numerics.precision import DEFAULT_DPS, check_dps
from theory.errors import ParameterError

from . import commands
from .options import (BATCH, DPS, MAX_DEPTH, MAX_SAMPLES, MAX_WIDTH, NUMBER, ROUTE_HELP, RUNS, SEED, STEPS, Count,
                      dps_option, emit, json_option, option_name, progress_bar)

VERDICT_STYLE = {"proved": "bold green", "confirmed": "green", "refuted": "bold red", "inconclusive": "yellow"}


class LazyGroup(click.Group):
    """A group whose further subcommands ``load(group)`` adds the first time they are listed or looked up."""

    def __init__(self, *args, load: Callable[[click.Group], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._load: Callable[[click.Group], None] | None = load

    def _loaded(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            load(self)

    def list_commands(self, ctx):
        self._loaded()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        self._loaded()
        return super().get_command(ctx, name)


def _register_paper_commands(group: click.Group) -> None:
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(group)


def _register_sweeps(group: click.Group) -> None:
    from . import sweep as sweeps

    sweeps.register(group)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sgdverify", message="%(prog)s %(version)s")
def cli():
    """Verify claims about SGD near minima, saddles and maxima: symbolically, at high precision, by simulation."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON list instead of a table")
def claims(as_json):
    """List the claims: id, paper, location, one-line statement."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .registry import all_claims

    registry = all_claims()
    if as_json:
        rows = [
            {"id": c.id, "papers": [p.key for p in c.papers], "where": c.where, "summary": c.summary,
             "statement": c.statement, "corrects": c.corrects}
            for c in registry
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("id", "paper", "where", "statement", show_lines=False)
    table.columns[0].no_wrap = True  # ids stay whole at any width, piped or not
    for c in registry:
        table.add_row(c.id, ", ".join(p.key for p in c.papers), escape(c.where), escape(c.summary))
    console = Console()
    console.print(table, width=None if console.is_terminal else max(160, console.width))


@cli.command()
@click.argument("ids", nargs=-1)
@click.option("--quick", is_flag=True, help="small ensembles and short runs (what CI runs)")
@click.option("--json", "json_path", help="write the full report to this file ('-': standard output, the table to stderr)")
@click.option("--seed", default=0, show_default=True, type=SEED, help="root of every check's SeedSequence")
@click.option("--dps", default=DEFAULT_DPS, show_default=True, type=DPS, help="significant digits of mpmath work")
@click.option("--cache", "cache_dir",
              help="reuse and save each claim's result in this directory (resumes an interrupted run)")
def verify(ids, quick, json_path, seed, dps, cache_dir):
    """Run the checks of the given claims (default: all) and print a table of verdicts."""
    check_dps(dps)
    if seed < 0:
        raise ParameterError("seed", f"must be non-negative, got {seed}")
    from rich.console import Console

    from .cache import ResultCache, result_from_record
    from .registry import select
    from .report import check_output, report, result_record, write_json_atomic
    if json_path is not None and json_path != "-":
        check_output(json_path, "json")  # before any claim runs
    if cache_dir is not None:
        _check_cache_dir(cache_dir)
    chosen = select(list(ids))
    store = ResultCache(cache_dir, seed=seed, quick=quick, dps=dps) if cache_dir else None
    err = Console(stderr=True)
    results, records = [], []
    total, done = sum(len(c.checks) for c in chosen), 0
    with progress_bar("verifying") as update:
        update(done, total)

        def advance(label: str):
            update(done, total, label[:70])

        for claim in chosen:
            record = store.load(claim.id) if store else None
            if record is None:
                result = claim.run(quick=quick, seed=seed, dps=dps, progress=advance)
                record = result_record(result, dps)
                if store:
                    store.save(claim.id, record)
            else:
                result = result_from_record(claim, record)
            done += len(claim.checks)
            update(done, total)
            results.append(result)
            records.append(record)
            if not err.is_terminal:
                err.print(f"{claim.id}: {result.verdict.value}", highlight=False)
    payload = report(records, seed=seed, quick=quick, dps=dps)
    if json_path == "-":
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        _print_results(results, stderr=True)
        return
    if json_path:
        write_json_atomic(json_path, payload, "json")
    _print_results(results)


def _check_cache_dir(path: str) -> None:
    """The --cache directory: an existing directory, or one that can be created where it is named."""
    import os

    from .report import check_output

    if not os.path.isdir(path):
        check_output(path, "cache")


def _print_results(results, stderr: bool = False):
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("claim", "verdict", "evidence")
    for result in results:
        lines = [
            f"[{VERDICT_STYLE[e.verdict.value]}]{e.verdict.value:>12}[/] {e.kind.value}"
            + escape(f" [{e.version}]" if e.version else "")
            + f": {escape(e.title)}"
            for e in result.evidence
        ]
        verdict = result.verdict.value
        table.add_row(result.claim.id, f"[{VERDICT_STYLE[verdict]}]{verdict}[/]", "\n".join(lines))
    console = Console(width=max(120, Console().width), stderr=stderr)
    console.print(table)
    counts = {}
    for result in results:
        counts[result.verdict.value] = counts.get(result.verdict.value, 0) + 1
    console.print(", ".join(f"{n} {v}" for v, n in sorted(counts.items())))


@cli.group(cls=LazyGroup, load=_register_paper_commands)
def derive():
    """Closed forms and exact laws for your own parameters."""


@derive.command("ziyin.cor1")
@click.option("--a", "a_text", required=True, type=NUMBER, help="noise parameter a < 0 (x ∈ {1, a-1})")
@dps_option
@json_option
def derive_cor1(a_text, dps, as_json):
    """Trap interval of Corollary 1 (Ziyin et al.): values lower, upper."""
    from . import derive as derivations

    emit(derivations.cor1(a_text, dps), as_json)


@derive.command("ziyin.prop3")
@click.option("--a", "a_text", required=True, type=NUMBER, help="noise parameter a < 0")
@dps_option
@json_option
def derive_prop3(a_text, dps, as_json):
    """Optimal escape rate of Proposition 3 (Ziyin et al.): values lambda_star, gamma_star."""
    from . import derive as derivations

    emit(derivations.prop3(a_text, dps), as_json)


noise_options = [
    click.option("--values", type=NUMBER, help="atoms of x, e.g. 1,-2"),
    click.option("--probs", type=NUMBER, help="their exact probabilities, e.g. 1/2,1/2"),
]


def _noise(derivations, values, probs, gaussian, uniform):
    """The noise of the options; an error about its MEAN/STD or LOW/HIGH names the option given."""
    try:
        return derivations.noise_from_options(values, probs, gaussian, uniform)
    except ParameterError as error:
        option = "gaussian" if gaussian else "uniform" if uniform else None
        if option and error.parameter not in ("noise", option):
            raise ParameterError(option, f"{error.parameter}: {error.message}") from None
        raise


@derive.command("trap-set")
@noise_options[0]
@noise_options[1]
@click.option("--gaussian", type=NUMBER, help="x ~ N(MEAN, STD²): MEAN,STD")
@click.option("--uniform", type=NUMBER, help="x ~ U[LOW, HIGH]: LOW,HIGH")
@dps_option
@json_option
def derive_trap_set(values, probs, gaussian, uniform, dps, as_json):
    """Learning rates λ > 0 with E ln|1 - λx| < 0: values intervals [[lo, hi], ...]."""
    from . import derive as derivations

    noise = _noise(derivations, values, probs, gaussian, uniform)
    params = {k: v for k, v in (("values", values), ("probs", probs), ("gaussian", gaussian), ("uniform", uniform)) if v}
    emit(derivations.trap_set(noise, dps, params), as_json)


@derive.command("escape-rate")
@noise_options[0]
@noise_options[1]
@click.option("--gaussian", type=NUMBER, help="x ~ N(MEAN, STD²): MEAN,STD")
@click.option("--uniform", type=NUMBER, help="x ~ U[LOW, HIGH]: LOW,HIGH")
@click.option("--lr", type=NUMBER, help="one learning rate λ > 0")
@click.option("--lr-range", type=NUMBER, help="LOW:HIGH, for the supremum of γ over it")
@dps_option
@json_option
def derive_escape_rate(values, probs, gaussian, uniform, lr, lr_range, dps, as_json):
    """Escape rate γ(λ) = E ln|1 - λx|: values gamma, or gamma_sup and argmax over a range."""
    from . import derive as derivations

    noise = _noise(derivations, values, probs, gaussian, uniform)
    params = {k: v for k, v in (("values", values), ("probs", probs), ("gaussian", gaussian), ("uniform", uniform),
                                ("lr", lr), ("lr_range", lr_range)) if v}
    emit(derivations.escape_rate_values(noise, lr, lr_range, dps, params), as_json)


@derive.command("escape-prob")
@noise_options[0]
@noise_options[1]
@click.option("--lr", required=True, type=NUMBER, help="learning rate λ > 0")
@click.option("--t", "steps", required=True, type=STEPS, help="number of steps t ≥ 0")
@click.option("--eps", required=True, type=NUMBER, help="threshold ε > 0: escaped means |w_t| > ε")
@click.option("--w0", default="1", show_default=True, type=NUMBER, help="initial point w_0 ≠ 0")
@dps_option
@json_option
def derive_escape_prob(values, probs, lr, steps, eps, w0, dps, as_json):
    """Exact P(|w_t| > ε) for SGD on x w²/2 with discrete noise: values probability."""
    from . import derive as derivations

    if not values or not probs:
        raise ParameterError("values" if not values else "probs", "--values and --probs are required")
    noise = derivations.finite_noise(values, probs)
    params = {"values": values, "probs": probs, "lr": lr, "t": str(steps), "eps": eps, "w0": w0}
    emit(derivations.escape_probability(noise, lr, steps, eps, w0, dps, params), as_json)


@derive.command("stability")
@click.option("--loss", required=True, help="per-sample loss ℓ(w; ξ), e.g. '(w1*w2*x - x)**2/2'")
@click.option("--params", required=True, help="the parameters w, comma-separated (the other symbols are data)")
@click.option("--samples", help="data: SYMBOL=v1,v2,...;SYMBOL=... (one value per sample)")
@click.option("--data", "data_path", help="data file: CSV with a header row, or .npz, one column per data symbol")
@click.option("--probs", type=NUMBER, help="sample probabilities p1,...,pn (default: equal)")
@click.option("--at", type=NUMBER, help="the point, PARAM=value,... (default: every isolated fixed point found)")
@click.option("--batch", default=1, show_default=True, type=BATCH, help="batch size B")
@click.option("--replace/--no-replace", default=False, show_default=True, help="draw the batch with replacement")
@click.option("--lr", type=NUMBER, help="a learning rate η for the Lyapunov estimate and Wu's (8), (9)")
@click.option("--simulate", is_flag=True, help="also run seeded SGD on the loss itself around each point")
@click.option("--seed", default=0, show_default=True, type=SEED, help="SeedSequence entropy of the simulations")
@dps_option
@json_option
def derive_stability(loss, params, samples, data_path, probs, at, batch, replace, lr, simulate, seed, dps, as_json):
    """Stability of SGD at the fixed points of your loss: kind, GD, mean-square and almost-sure rates."""
    from . import stability

    result = stability.derive(loss, params, samples, data_path, probs, at, batch, replace, lr, simulate, dps, seed)
    if as_json:
        emit(result, as_json)
    else:
        click.echo(stability.text(result))


@cli.group()
def simulate():
    """Ensembles of SGD runs for your own parameters, on the fastest exact-in-law route."""


@simulate.command("ziyin")
@click.option("--a", "a_text", required=True, type=NUMBER, help="noise parameter: x ∈ {1, a-1} w.p. ½ each")
@click.option("--lr", required=True, type=NUMBER, help="learning rate λ > 0")
@click.option("--runs", required=True, type=RUNS, help="number of independent runs")
@click.option("--steps", required=True, type=STEPS, help="number of SGD steps T")
@click.option("--w0", default="1", show_default=True, type=NUMBER, help="initial point")
@click.option("--eps", default="1e-3", show_default=True, type=NUMBER, help="escaped means |w_T| > eps")
@click.option("--seed", default=0, show_default=True, type=SEED, help="SeedSequence entropy")
@click.option("--route", default="auto", show_default=True, type=click.Choice(["auto", "count", "bits", "float"]),
              help=ROUTE_HELP)
@json_option
def simulate_ziyin(a_text, lr, runs, steps, w0, eps, seed, route, as_json):
    """SGD on x w²/2: values escaped_fraction (|w_T| > eps), mean_log_abs_w, runs, steps."""
    from . import simulation

    with progress_bar("simulating runs") as update:
        result = simulation.ziyin_ensemble(a_text, lr, runs, steps, w0, eps, seed, route, update)
    emit(result, as_json)


@simulate.command("linear")
@click.option("--curvatures", type=NUMBER, help="1-D curvatures a1,...,an (exact numbers)")
@click.option("--hessians", "hessians_path", help="(n, d, d) .npy/.npz of PSD Hessians")
@click.option("--lr", required=True, type=NUMBER, help="learning rate η > 0")
@click.option("--batch", required=True, type=BATCH, help="batch size B")
@click.option("--replace/--no-replace", default=False, show_default=True, help="draw the batch with replacement")
@click.option("--runs", required=True, type=RUNS, help="number of independent runs")
@click.option("--steps", required=True, type=STEPS, help="number of SGD steps T")
@click.option("--seed", default=0, show_default=True, type=SEED, help="SeedSequence entropy")
@json_option
def simulate_linear(curvatures, hessians_path, lr, batch, replace, runs, steps, seed, as_json):
    """Linearised SGD near a minimum: values diverged_fraction, growth_rate (per step, of E‖x‖²)."""
    from . import simulation

    with progress_bar("simulating run-steps") as update:
        result = simulation.linear_ensemble(curvatures, hessians_path, lr, batch, replace, runs, steps, seed, update)
    emit(result, as_json)


@simulate.command("network")
@click.option("--optimizer", required=True, type=click.Choice(["gd", "sgd"]), help="full-batch GD or minibatch SGD")
@click.option("--lr", required=True, type=NUMBER, help="learning rate η > 0")
@click.option("--batch", type=BATCH, help="SGD's batch size B (≤ --samples)")
@click.option("--replace/--no-replace", default=False, show_default=True, help="draw SGD's batch with replacement")
@click.option("--width", default=32, show_default=True, type=Count(1, MAX_WIDTH), help="hidden units per layer")
@click.option("--depth", default=1, show_default=True, type=Count(1, MAX_DEPTH), help="hidden layers")
@click.option("--samples", default=200, show_default=True, type=Count(2, MAX_SAMPLES), help="digits in the training set")
@click.option("--steps", default=20000, show_default=True, type=STEPS, help="the most steps T")
@click.option("--loss", default="mse", show_default=True, type=click.Choice(["mse", "cross_entropy"]))
@click.option("--target", type=NUMBER, help="stop once the training loss is at most this")
@click.option("--seed", default=0, show_default=True, type=SEED, help="SeedSequence entropy (data, init, batches)")
@json_option
def simulate_network(optimizer, lr, batch, replace, width, depth, samples, steps, loss, target, seed, as_json):
    """Train an MLP on scikit-learn's digits; values loss, sharpness, nonuniformity (with residuals) where it ended."""
    from . import simulation

    with progress_bar("training steps") as update:
        result = simulation.network(optimizer, lr, batch, replace, width, depth, samples, steps, seed, loss, target,
                                    update)
    emit(result, as_json)


@cli.group(cls=LazyGroup, load=_register_sweeps)
def sweep():
    """Parameter grids, run locally or on a Dask cluster (--scheduler or SGDVERIFY_SCHEDULER)."""


def main(argv=None) -> None:
    """Entry point: one-line errors with exit status 2 for bad input."""
    try:
        cli.main(args=argv, prog_name="sgdverify", standalone_mode=False)
    except ParameterError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.ctx.get_help() if error.ctx else str(error))
        sys.exit(0)
    except click.BadParameter as error:
        name = option_name(error.param, error.param_hint if isinstance(error.param_hint, str) else "value")
        message = error.message if not isinstance(error, click.MissingParameter) else "required option missing"
        click.echo(f"error: {name}: {' '.join(str(message).split())}", err=True)
        sys.exit(2)
    except click.UsageError as error:
        click.echo(f"error: {' '.join(error.format_message().split())}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(130)
    sys.exit(0)
