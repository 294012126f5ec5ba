"""Imports flow one way, as ../shared/style.md draws them.

schema, errors, config → ingest → store → scope → analyses → report → cli, web

A module may import vawg modules of its own layer or an earlier one, never a later one; and
analysis code never imports plotting, templating, web or terminal libraries.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "vawg"

# Layer of each top-level module or package under vawg/.
LAYERS = {
    "errors": 0,
    "safe_csv": 0,
    "datasets": 0,
    "schema": 1,
    "config": 2,
    "ingest": 3,
    "store": 4,
    "query": 4,
    "results": 5,
    "scope": 5,
    "scale": 5,
    "disclosure": 5,
    "profile": 6,
    "spatial": 6,
    "models": 6,
    "outcomes": 6,
    "survey": 6,
    "synth": 6,
    "report": 7,
    "cli": 8,
    "web": 8,
    "__init__": 9,
}
ANALYSES = ("profile", "spatial", "models", "outcomes", "survey", "synth", "scope", "disclosure")
PRESENTATION_LIBRARIES = ("plotly", "jinja2", "streamlit", "typer", "rich", "altair", "matplotlib")


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _top(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_every_module_has_a_layer() -> None:
    unknown = sorted({_top(p) for p in _modules()} - set(LAYERS))
    assert not unknown, f"give these a layer in tests/test_layers.py: {unknown}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_one_way(path: Path) -> None:
    own = LAYERS[_top(path)]
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "vawg" or len(parts) < 2:
            continue
        target = parts[1]
        assert LAYERS[target] <= own, (
            f"{path.relative_to(SRC)} imports {name}: layer {LAYERS[target]} > {own}"
        )


@pytest.mark.parametrize(
    "path", [p for p in _modules() if _top(p) in ANALYSES], ids=lambda p: str(p.relative_to(SRC))
)
def test_analysis_code_does_not_render(path: Path) -> None:
    for name in _imports(path):
        assert name.split(".")[0] not in PRESENTATION_LIBRARIES, (
            f"{path.relative_to(SRC)} imports {name}: analyses return Results; rendering is report/'s job"
        )


def test_the_rule_catches_a_backwards_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from vawg.report.page import render_page\n", encoding="utf-8")
    assert _imports(bad) == ["vawg.report.page"]
    assert LAYERS["report"] > LAYERS["profile"]
