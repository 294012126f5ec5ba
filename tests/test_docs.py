"""The CLI cannot drift from its docs, and the contract document matches the contract code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer
import typer.main

from vawg.cli import app
from vawg.schema import contract_markdown

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLI_DOCS = _script("build_cli_docs")


def _commands() -> dict[str, Any]:
    """Every command and subcommand by the words after ``vawg`` (``users add``), and groups."""
    group: Any = typer.main.get_command(app)
    found = {}
    for words in CLI_DOCS.command_paths():
        command = group
        for word in words:
            command = command.get_command(typer.Context(command), word)
        found[" ".join(words)] = command
    return found


def test_cli_reference_is_generated_from_the_help() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == CLI_DOCS.cli_markdown(), "run: python scripts/build_cli_docs.py"


def test_cli_reference_has_every_command_and_subcommand() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"## vawg {name}\n" in committed


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


def _readme_rows() -> list[tuple[str, list[str]]]:
    """(command words, options named) of each row of the README's commands table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = []
    for line in readme.splitlines():
        if line.startswith("| `vawg "):
            usage = line.split("`")[1].removeprefix("vawg ")
            words = []
            for word in usage.split():
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                words.append(word)
            options = re.findall(r"(--[a-z][a-z-]*)", usage)
            rows.append((" ".join(words), options))
    return rows


def test_readme_commands_table_matches_the_cli() -> None:
    rows = _readme_rows()
    leaves = [name for name, c in _commands().items() if not hasattr(c, "commands")]
    assert [name for name, _ in rows] == leaves, "README table: every command, in help order"
    for name, options in rows:
        declared = {opt for p in _commands()[name].params for opt in (*p.opts, *p.secondary_opts)}
        unknown = [o for o in options if o not in declared]
        assert not unknown, f"README names {unknown} for vawg {name}, which has no such option"
