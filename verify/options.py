"""Click options, output and progress shared by the subcommands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from typing import TYPE_CHECKING

import click

from numerics.precision import DEFAULT_DPS

if TYPE_CHECKING:
    from .derive import Derived

dps_option = click.option("--dps", default=DEFAULT_DPS, show_default=True, type=int, help="significant digits")
json_option = click.option("--json", "as_json", is_flag=True, help="print one JSON object")


def emit(derived: Derived, as_json: bool) -> None:
    """Print a derivation: one JSON object with --json, else a short human-readable listing."""
    if as_json:
        click.echo(json.dumps(derived.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{derived.name}  ({', '.join(f'{k}={v}' for k, v in derived.params.items())}; {derived.dps} digits)")
    for name, value in derived.values.items():
        click.echo(f"  {name}: {value}")
    for note in derived.notes:
        click.echo(f"  note: {note}")


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[..., None]]:
    """A transient progress bar on stderr, drawn only when stderr is a terminal (so pipes and
    --json output stay clean); yields ``update(done, total, description=None)``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int, description: str | None = None) -> None:
            bar.update(task, completed=done, total=total, **({"description": description} if description else {}))

        yield update
