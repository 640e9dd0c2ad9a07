"""Click options and output shared by every `derive` subcommand."""

from __future__ import annotations

import json

import click

from numerics.precision import DEFAULT_DPS

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
