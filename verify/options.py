"""Click options, output and progress shared by the subcommands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from numerics.precision import DEFAULT_DPS, MAX_DPS, MIN_DPS
from theory.errors import ParameterError

if TYPE_CHECKING:
    from .derive import Derived

#: most SGD steps of one command (simulate, sweep, derive escape-prob --t)
MAX_STEPS = 10**12
#: most runs of one ensemble (``numerics.ensemble.MAX_RUNS``, repeated here so start-up stays light)
MAX_RUNS = 10**9
#: largest batch size, seed, worker count and grid points per task
MAX_BATCH = 10**9
MAX_SEED = 10**38 - 1
MAX_WORKERS = 1024
MAX_CHUNK = 10**6
#: the --route options' help (simulate ziyin, sweep ziyin-phase)
ROUTE_HELP = "sampler: count (multinomial counts), bits (two equiprobable atoms), float (any law); auto picks the fastest"
#: `simulate network`: the digits data set's size, and the largest MLP
MAX_SAMPLES = 1797
MAX_WIDTH, MAX_DEPTH = 4096, 16

_DIGITS = re.compile(r"[+]?[0-9]+|-[0-9]+", re.ASCII)


def option_name(param: click.Parameter | None, fallback: str = "value") -> str:
    """The option as the user typed it, without dashes: ``--t`` gives ``t``, ``--steps`` ``steps``."""
    if param is None:
        return fallback
    flags = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(getattr(param, "opts", []))
    return flags[0].lstrip("-") if flags else (param.name or fallback)


class Count(click.ParamType):
    """An integer in [minimum, maximum] written in ASCII digits (no ``_``, ``0x``, exponent or
    Unicode digits: the documented grammar); errors are ParameterErrors naming the option."""

    name = "integer"

    def __init__(self, minimum: int = 0, maximum: int = MAX_STEPS):
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value, param, ctx):
        parameter = option_name(param)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not _DIGITS.fullmatch(text) or len(text) > 60:
                raise ParameterError(parameter, f"expected an integer in ASCII digits, got {str(value)[:40]!r}")
            number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise ParameterError(parameter, f"must be an integer in [{self.minimum}, {_size(self.maximum)}], got "
                                            f"{number if len(str(number)) <= 40 else str(number)[:20] + '…'}")
        return number


def _size(value: int) -> str:
    """1000 as is, 10**12 as 1e12, 10**38 - 1 as ~1e38."""
    if value < 10**6:
        return str(value)
    digits = len(str(value + 1)) - 1
    return f"1e{digits}" if value == 10**digits else f"1e{digits} - 1" if value + 1 == 10**digits else f"{value:.3g}"


class NumberText(click.ParamType):
    """Text for ``theory.numbers.parse_exact`` (or a comma-separated list of it), refusing what
    Python's literals accept but the documented grammar does not: non-ASCII characters (Unicode
    digits), ``_`` separators and ``0x`` / ``0o`` / ``0b`` literals."""

    name = "number"

    def convert(self, value, param, ctx):
        text = str(value)
        parameter = option_name(param)
        if not text.isascii():
            raise ParameterError(parameter, f"only ASCII characters are part of the number grammar, got {text[:40]!r}")
        return text  # the grammar (theory.numbers) refuses '_', 0x, 0o and 0b literals


NUMBER = NumberText()
STEPS = Count(0, MAX_STEPS)
RUNS = Count(1, MAX_RUNS)
SEED = Count(0, MAX_SEED)
BATCH = Count(1, MAX_BATCH)
DPS = Count(MIN_DPS, MAX_DPS)

dps_option = click.option("--dps", default=DEFAULT_DPS, show_default=True, type=DPS, help="significant digits")
json_option = click.option("--json", "as_json", is_flag=True, help="print one JSON object")


def emit(derived: Derived, as_json: bool) -> None:
    """Print a derivation: one JSON object with --json, else a short human-readable listing."""
    if as_json:
        click.echo(json.dumps(derived.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{derived.name}  ({', '.join(f'{k}={v}' for k, v in derived.params.items())}; {derived.dps} digits)")
    for name, value in derived.values.items():
        click.echo(f"  {name}: {plain(value)}")
    for note in derived.notes:
        click.echo(f"  note: {note}")


def plain(value) -> str:
    """A value as text without Python syntax: yes/no, lists joined by commas, pairs as (a, b),
    mappings as key = value."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{key} = {plain(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, (list, tuple)) for item in value):
            return ", ".join("(" + ", ".join(plain(part) for part in item) + ")" for item in value)
        return ", ".join(plain(item) for item in value)
    return str(value)


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
