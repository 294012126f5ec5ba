"""``vawg demo`` as a new user runs it: the default synthetic Kent, every analysis, every report.

The README's first command ends in this. Each analysis has its own tests on small forces; this
one is the whole run at the default scale and seed, where a figure that only occurs there (two
LSOAs hot in all years but one, read as a count of crimes) once stopped the public hot spots."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from vawg.cli import app
from vawg.leaks import scan_files


def test_the_default_demo_writes_every_report_and_its_public_files_pass_the_leak_scan(
    tmp_path: Path,
) -> None:
    out = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    reports = tmp_path / "reports"
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
