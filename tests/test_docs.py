"""The CLI cannot drift from its docs, and the contract document matches the contract code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from vawg.cli import app
from vawg.schema import contract_markdown

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def test_data_contract_document_is_generated_from_the_code() -> None:
    committed = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert committed == contract_markdown(), "run: python scripts/build_contract_docs.py"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_ending_with_an_example(name: str) -> None:
    command = _commands()[name]
    assert command.help, f"vawg {name} has no help"
    last = command.help.strip().splitlines()[-1]
    assert last.startswith("Example: vawg "), f"vawg {name}: help must end with 'Example: vawg ...'"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`vawg {name}" in readme, f"document `vawg {name}` in README.md"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
