"""``vawg demo`` as a new user runs it: the default synthetic Kent, every analysis, every report.

The README's first command ends in this. Each analysis has its own tests on small forces; this
one is the whole run at the default scale and seed, where a figure that only occurs there (two
LSOAs hot in all years but one, read as a count of crimes) once stopped the public hot spots.

The demo runs its analyses side by side in worker processes (:func:`vawg.cli.demo.run_steps`);
what it writes must be what one process writes: the same files, the same figures, the same
release log in the same order."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.pages import charts_apart
from threadpoolctl import threadpool_info
from typer.testing import CliRunner

from vawg.cli import app
from vawg.cli.demo import HANDED_OUT, STEPS, DemoStep, _workers, run_steps
from vawg.config import Settings
from vawg.errors import InputError
from vawg.leaks import scan_files
from vawg.opensite import MadeResults
from vawg.threads import workers


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo, its analyses in two worker processes."""
    out = tmp_path_factory.mktemp("demo")
    done = CliRunner().invoke(app, ["demo", "--out", str(out), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    return out


def test_the_default_demo_writes_every_report_and_its_public_files_pass_the_leak_scan(
    demo_run: Path,
) -> None:
    reports = demo_run / "reports"
    for stem in ("profile", "drivers", "hotspots", "survey", "outcomes", "audit-2022H1"):
        assert (reports / f"{stem}-public.html").is_file(), stem
    for stem in ("evaluation", "targeting"):
        assert (reports / f"{stem}.html").is_file(), stem
        assert (reports / f"{stem}-public.html").is_file(), stem
    site = reports / "site"
    assert (site / "index.html").is_file()
    public = [p for p in reports.glob("*-public.*") if p.is_file()]
    public += [p for p in site.rglob("*") if p.is_file()]
    assert len(public) > 20
    assert scan_files(public, threshold=5, root=reports) == []
    # the workers' copy of the database is gone
    assert sorted(p.name for p in demo_run.iterdir()) == ["data", "reports", "vawg.duckdb"]


# What differs between two runs of the same data: when (a page's date, a manifest's stamp)
# and the random ids Plotly gives each chart's element.
_WHEN = (
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|\+00:00| UTC)?"),
    re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4},? (at )?\d\d:\d\d"),
)


def _without_when(text: str) -> str:
    for pattern in _WHEN:
        text = pattern.sub("~", text)
    return text


def _alike(one: bytes, two: bytes) -> bool:
    if one == two:
        return True
    (text, charts), (other, others) = charts_apart(one.decode()), charts_apart(two.decode())
    # the order of a chart's keys depends on how plotly was handed its template, not on what
    # it draws: charts are compared parsed
    return (_without_when(text), charts) == (_without_when(other), others)


def _releases(db: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT release_id, output, period_start, period_end, filters, figures_sha256, "
            "figures, threshold FROM release_log ORDER BY release_id"
        ).fetchall()
    finally:
        con.close()


def test_the_analyses_side_by_side_write_what_one_process_writes(
    demo_run: Path, tmp_path: Path
) -> None:
    db = tmp_path / "vawg.duckdb"
    shutil.copyfile(demo_run / "vawg.duckdb", db)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE release_log")
    con.execute("DROP TABLE release_figures")
    con.close()
    reports = tmp_path / "reports"
    written = run_steps(STEPS, db, reports, Settings(), MadeResults(), pool=None)

    assert _releases(db) == _releases(demo_run / "vawg.duckdb")
    assert len(_releases(db)) == 10
    side_by_side = demo_run / "reports"
    ours = sorted(p.relative_to(reports) for p in reports.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(side_by_side) for p in side_by_side.rglob("*") if p.is_file())
    assert ours == theirs
    assert len(ours) > 100
    differ = []
    for name in ours:
        one, two = (reports / name).read_bytes(), (side_by_side / name).read_bytes()
        if name.suffix == ".png":
            continue  # drawn from the same spec; the renderer's bytes are not ours to fix
        if not _alike(one, two):
            differ.append(str(name))
    assert differ == []
    # every file listed, each under its step's title, in the order of the steps
    assert {path for _, path in written} == {reports / name for name in ours} - {
        reports / "site" / p.relative_to(reports / "site")
        for p in (reports / "site").rglob("*")
        if p.name != "index.html"
    }
    titles = [title for title, _ in written]
    assert sorted(set(titles), key=titles.index) == [step.title for step in STEPS]


# Steps made up for the runner: module-level, so a worker process can be handed them.


def _slow_analysis(db: Path, settings: Settings) -> dict[str, Any]:
    time.sleep(0.6)  # finishes after the quick one below, which was started later
    return {"db": str(db), "pid": os.getpid(), "exists": db.is_file()}


def _quick_analysis(db: Path, settings: Settings) -> dict[str, Any]:
    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return {
        "db": str(db),
        "pid": os.getpid(),
        "exists": db.is_file(),
        "threads": workers(),
        "blas": blas,
    }


def _dying_analysis(db: Path, settings: Settings) -> dict[str, Any]:
    if ".vawg-analyses-" in str(db):  # in a worker, on its copy: the worker is killed
        os._exit(1)
    return _quick_analysis(db, settings)


def _failing_analysis(db: Path, settings: Settings) -> None:
    raise InputError(f"{db}: no interventions are loaded")


def _restricted(db: Path, reports: Path, settings: Settings, analysed: Any) -> list[Path]:
    path = reports / f"restricted-{analysed['pid']}-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(analysed))
    return [path]


def _public(
    db: Path, reports: Path, settings: Settings, made: MadeResults, analysed: Any
) -> list[Path]:
    order = reports / "public-order.txt"
    seen = order.read_text() if order.exists() else ""
    order.write_text(seen + f"{analysed and analysed['db']}|{os.getpid()}\n")
    return [order]


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """An empty database and a reports folder, for the made-up steps."""
    db = tmp_path / "vawg.duckdb"
    duckdb.connect(str(db)).close()
    (tmp_path / "reports").mkdir()
    return db, tmp_path / "reports"


def test_public_reports_are_written_here_in_the_order_of_the_steps(
    tmp_path: Path, workspace: tuple[Path, Path]
) -> None:
    db, reports = workspace
    steps = (
        DemoStep("slow", _slow_analysis, _restricted, _public),
        DemoStep("quick", _quick_analysis, _restricted, _public),
        DemoStep("site", None, None, _public),
    )
    with _workers(2) as pool:
        assert pool is not None
        written = run_steps(steps, db, reports, Settings(), MadeResults(), pool=pool)
    lines = (reports / "public-order.txt").read_text().splitlines()
    here = str(os.getpid())
    # In the order of the steps, here, from the analyses of the workers' copy of the database
    assert [line.split("|")[1] for line in lines] == [here, here, here]
    copies = [line.split("|")[0] for line in lines[:2]]
    assert all(c != str(db) and c.endswith(db.name) for c in copies) and lines[2] == f"None|{here}"
    analysed = [json.loads(p.read_text()) for _, p in written if p.name.startswith("restricted")]
    assert [a["exists"] for a in analysed] == [True, True]
    # each worker on one thread: the processes share the cores already
    assert analysed[1]["threads"] == 1 and set(analysed[1]["blas"]) == {1}
    assert {a["pid"] for a in analysed} - {os.getpid()} == {a["pid"] for a in analysed}
    assert [title for title, _ in written] == ["slow", "slow", "quick", "quick", "site"]
    # the copy is gone, the database is not
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "vawg.duckdb"]


def test_an_analysis_failing_in_a_worker_names_the_database_and_writes_no_public_report(
    tmp_path: Path, workspace: tuple[Path, Path]
) -> None:
    db, reports = workspace
    steps = (
        DemoStep("quick", _quick_analysis, _restricted, _public),
        DemoStep("failing", _failing_analysis, None, _public),
        DemoStep("after", _slow_analysis, _restricted, _public),
    )
    with pytest.raises(InputError) as raised, _workers(2) as pool:
        run_steps(steps, db, reports, Settings(), MadeResults(), pool=pool)
    assert str(raised.value) == f"{db}: no interventions are loaded"
    assert len((reports / "public-order.txt").read_text().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "vawg.duckdb"]


def test_when_a_worker_dies_its_steps_are_analysed_here_and_nothing_is_lost(
    tmp_path: Path, workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, reports = workspace
    steps = (
        DemoStep("quick", _quick_analysis, _restricted, _public),
        DemoStep("dying", _dying_analysis, _restricted, _public),
        DemoStep("after", _quick_analysis, _restricted, _public),
    )
    with _workers(2) as pool:
        written = run_steps(steps, db, reports, Settings(), MadeResults(), pool=pool)
    lines = (reports / "public-order.txt").read_text().splitlines()
    assert len(lines) == 3 and lines[1] == f"{db}|{os.getpid()}"  # analysed here, on the db
    assert [title for title, _ in written] == ["quick"] * 2 + ["dying"] * 2 + ["after"] * 2
    assert "dying: its worker process stopped" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports", "vawg.duckdb"]


def test_one_process_runs_the_same_steps_in_order(workspace: tuple[Path, Path]) -> None:
    db, reports = workspace
    steps = (
        DemoStep("slow", _slow_analysis, _restricted, _public),
        DemoStep("quick", _quick_analysis, _restricted, _public),
    )
    with _workers(1) as pool:
        assert pool is None
        written = run_steps(steps, db, reports, Settings(), MadeResults(), pool=pool)
    lines = (reports / "public-order.txt").read_text().splitlines()
    assert lines == [f"{db}|{os.getpid()}"] * 2
    assert [title for title, _ in written] == ["slow", "slow", "quick", "quick"]


def test_where_no_worker_process_can_be_made_the_demo_says_so_and_runs_in_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_semaphores(*args: Any, **kwargs: Any) -> None:
        raise OSError("[Errno 38] Function not implemented")

    monkeypatch.setattr("vawg.cli.demo.ProcessPoolExecutor", no_semaphores)
    with _workers(2) as pool:
        assert pool is None
    assert "analyses in one process: no worker processes here" in capsys.readouterr().out


def test_every_analysis_of_the_demo_is_handed_out_once_the_evaluations_first() -> None:
    analysed = [s for s in STEPS if s.analyse is not None]
    assert sorted(s.title for s in HANDED_OUT) == sorted(s.title for s in analysed)
    assert len(set(HANDED_OUT)) == len(HANDED_OUT) == len(analysed)
    assert "evaluate" in HANDED_OUT[0].title
