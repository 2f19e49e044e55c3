"""``policy`` command group: ``list`` the calculators, ``calc NAME --input FILE`` one of them.

It needs no Flask app; the lead attaches it to the ``techmarket`` CLI. Bad input exits with status 2 and
names the field(s) on standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from .fields import FieldSpec
from .inputs import PolicyInputError
from .registry import CALCULATORS
from .ruleset import RuleBook

USAGE_ERROR = 2


def _print_fields(fields: list[FieldSpec], indent: str) -> None:
    for spec in fields:
        click.echo(f"{indent}- {spec.describe()}")
        if spec.item_fields:
            _print_fields(spec.item_fields, indent + "    ")


RulebookProvider = Callable[[], RuleBook | None]


def make_group(rulebook: RulebookProvider = lambda: None) -> click.Group:
    """The ``policy`` group; ``rulebook`` supplies the rule sets to use (the application passes the operator's
    stored versions; standalone, the shipped rule sets apply)."""

    @click.group("policy")
    def policy() -> None:
        """Policy calculators of the 科技兴蒙 2020 measures (POLICY.md §2)."""

    policy.add_command(list_calculators)

    @policy.command("calc")
    @click.argument("name")
    @click.option(
        "--input",
        "input_file",
        required=True,
        type=click.File("r", encoding="utf-8"),
        help="JSON object with the calculator's input; '-' reads standard input.",
    )
    def calc(name: str, input_file: Any) -> None:
        """Run calculator NAME on a JSON input and print the breakdown as JSON."""
        run_calc(name, input_file, rulebook())

    return policy


@click.command("list")
def list_calculators() -> None:
    """Print each calculator with its input fields."""
    for calc in CALCULATORS.values():
        click.echo(f"{calc.name}  {calc.clause}  {calc.title_zh} / {calc.title_en}")
        _print_fields(calc.fields, "    ")
        click.echo("")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(USAGE_ERROR)


def run_calc(name: str, input_file: Any, rules: RuleBook | None) -> None:
    calculator = CALCULATORS.get(name)
    if calculator is None:
        _fail(f"Error: unknown calculator {name!r}; known calculators: {', '.join(CALCULATORS)}")
        return
    try:
        data = json.load(input_file)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(f"Error: the input is not valid JSON: {exc}")
        return
    try:
        result = calculator.run(data, rules=rules)
    except PolicyInputError as exc:
        lines = [f"Error: invalid input for {name}:"]
        lines += [f"  {path}: {err['en']} / {err['zh']}" for path, err in exc.errors.items()]
        _fail("\n".join(lines))
        return
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


policy = make_group()
