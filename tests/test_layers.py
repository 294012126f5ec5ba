"""Imports flow one way, as ../shared/style.md draws them, and never in a circle.

schema, errors, config → ingest → store → scope → inputs → analyses → report → cli, web

A module may import vawg modules of its own layer or an earlier one, never a later one; analysis
code never imports plotting, templating, web or terminal libraries; and no group of modules or
packages imports itself round a circle, at any level of the package tree (``models`` ↔
``spatial`` between two analyses, ``cli/demo.py`` ↔ ``cli/web.py`` inside one package). Imports
are read from the source (function-level ones too), so every import must be a plain ``import``
statement: no ``importlib.import_module`` or ``__import__`` of vawg code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
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
    "reference": 2,
    "ingest": 3,
    "keys": 4,
    "loading": 4,
    "manifest": 4,
    "deliveries": 4,
    "store": 4,
    "query": 4,
    "mapping": 4,
    "results": 5,
    "scope": 5,
    "scale": 5,
    "disclosure": 5,
    "leaks": 5,
    "releases": 5,
    "stats": 5,
    "wording": 5,
    "threads": 5,
    "inputs": 6,
    "profile": 7,
    "spatial": 7,
    "models": 7,
    "outcomes": 7,
    "survey": 7,
    "synth": 7,
    "opensite": 7,
    "targeting": 7,
    "evaluation": 7,
    "programme": 7,
    "report": 8,
    "cli": 9,
    "__main__": 9,  # `python -m vawg`: the cli
    "web": 9,
    "__init__": 10,
}
ANALYSES = (
    "profile",
    "spatial",
    "models",
    "outcomes",
    "survey",
    "synth",
    "scope",
    "disclosure",
    "inputs",
    "stats",
    "wording",
    "threads",
    "targeting",
    "evaluation",
    "programme",
)
PRESENTATION_LIBRARIES = ("plotly", "jinja2", "streamlit", "typer", "rich", "altair", "matplotlib")


def _modules(root: Path = SRC) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _top(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _dotted(path: Path, root: Path) -> str:
    """``root/cli/demo.py`` → ``vawg.cli.demo``; a package's ``__init__.py`` → the package."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str], root: Path = SRC) -> set[str]:
    """The modules of ``known`` that ``path`` imports, at any depth of the module, relative
    imports resolved: ``from a import b`` imports the module ``a.b`` when there is one, else
    ``a`` (``b`` is then a name defined in ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _dotted(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found & known


def _imports(path: Path) -> list[str]:
    """The modules and packages ``path`` names in its import statements (not the imported
    attributes: ``from a import b`` gives ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Module → the modules of the same package tree it imports (``vawg.cli.demo`` →
    ``{"vawg.cli._app", "vawg.cli.common", ...}``)."""
    paths = {_dotted(p, root): p for p in _modules(root)}
    known = set(paths)
    return {name: _imported_modules(path, known, root) - {name} for name, path in paths.items()}


def _collapse(graph: Mapping[str, set[str]], package: str) -> dict[str, set[str]]:
    """The graph among ``package``'s direct children (modules and subpackages; the package's
    own ``__init__`` is the child ``package.__init__``): a child imports another when any module
    inside it imports any module inside the other."""

    def child(module: str) -> str | None:
        if module == package:
            return f"{package}.__init__"
        if not module.startswith(package + "."):
            return None
        return package + "." + module[len(package) + 1 :].split(".")[0]

    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = child(module)
        if source is None:
            continue
        edges = out.setdefault(source, set())
        for target in targets:
            to = child(target)
            if to is not None and to != source:
                edges.add(to)
    return out


def _strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one node, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_circles(root: Path = SRC) -> list[list[str]]:
    """Every circle of imports, at every level of the package tree: among the modules and
    subpackages directly inside each package (so ``models`` ↔ ``spatial`` is found at the top
    and ``cli.demo`` ↔ ``cli.web`` inside ``cli``)."""
    graph = import_graph(root)
    packages = sorted({_dotted(p, root) for p in _modules(root) if p.name == "__init__.py"})
    circles: list[list[str]] = []
    for package in packages:
        circles += _strongly_connected(_collapse(graph, package))
    return circles


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


def test_no_import_circles() -> None:
    circles = import_circles()
    assert not circles, "these import each other round a circle: " + "; ".join(
        " ↔ ".join(c) for c in circles
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_are_static(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in ("import_module", "__import__"), (
                f"{path.relative_to(SRC)}:{node.lineno} loads a module by name; import it "
                "with an import statement so the import graph can be checked"
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


def _package(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in {p.parent for p in root.rglob("*.py")}:
        (folder / "__init__.py").touch()
    return root


def test_the_circle_finder_sees_two_packages_importing_each_other(tmp_path: Path) -> None:
    # No module-level circle: a.x → b.y and b.z → a.w, as spatial/ and models/ were.
    root = _package(
        tmp_path / "vawg",
        {
            "a/x.py": "from vawg.b.y import f\n",
            "a/w.py": "",
            "b/y.py": "",
            "b/z.py": "from vawg.a import w\n",
            "c.py": "import vawg.a.x\n",
        },
    )
    assert import_circles(root) == [["vawg.a", "vawg.b"]]


def test_the_circle_finder_sees_a_lazy_import_inside_a_package(tmp_path: Path) -> None:
    # cli/demo.py imported cli/web.py inside a function; cli/web.py imported cli/demo.py on top.
    root = _package(
        tmp_path / "vawg",
        {
            "cli/demo.py": "def f():\n    from vawg.cli.web import hint\n",
            "cli/web.py": "from vawg.cli.demo import STEPS\n",
            "cli/common.py": "",
            "cli/ok.py": "from . import common\nfrom .common import x\n",
        },
    )
    assert import_circles(root) == [["vawg.cli.demo", "vawg.cli.web"]]


def test_the_circle_finder_passes_a_tree_without_circles(tmp_path: Path) -> None:
    root = _package(
        tmp_path / "vawg",
        {
            "base.py": "",
            "a/x.py": "from vawg import base\nfrom vawg.b import y\n",
            "b/y.py": "import vawg.base\n",
            "b/__init__.py": "from vawg.b.y import f\n",
        },
    )
    assert import_circles(root) == []
