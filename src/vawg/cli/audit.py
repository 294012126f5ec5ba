"""``vawg audit`` (the twice-yearly audit) and ``vawg outcomes`` (outcomes over the period)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    DEMO_FORMATS,
    AsOfOption,
    ConfigOption,
    DbOption,
    Engine,
    EngineOption,
    FormatOption,
    FromOption,
    HalfOption,
    OutOption,
    SetOption,
    SourceOption,
    ToOption,
    analysed_on,
    close_tables,
    console,
    open_tables,
    output_manifest,
    period_settings,
    released,
    report_formats,
    settings_from,
    write_outputs,
)
from vawg.cli.open_data import write_open_outcomes
from vawg.config import Settings
from vawg.inputs.open_data import open_data_only
from vawg.opensite import MadeResults
from vawg.outcomes.audit import HEADLINE_MEASURES, MEASURE_LABELS, AuditResult, half_year_audit
from vawg.outcomes.cases import as_of_date
from vawg.outcomes.halves import Half
from vawg.outcomes.open_data import open_data_outcomes
from vawg.outcomes.public import disclose_audit, disclose_summary
from vawg.outcomes.summary import OutcomeSummary, outcome_summary
from vawg.query import Tables
from vawg.report.audit import audit_csv_rows, audit_html, audit_json, fmt_ci, fmt_value
from vawg.report.outcomes import outcomes_csv_rows, outcomes_html, outcomes_json
from vawg.store import DEFAULT_DB

__all__ = ["analyst_audit", "audit", "outcomes", "run_audit", "run_outcomes"]


PublicOption = Annotated[
    bool, typer.Option("--public", help="Apply the disclosure rule to every count.")
]
FdrOption = Annotated[
    float | None,
    typer.Option(
        "--fdr",
        help="False discovery rate for calling a change improved or worse (default: the "
        "audit_fdr setting, 0.05).",
        show_default=False,
    ),
]


def latest_complete_half(tables: Tables, as_of: date | None = None) -> Half:
    """The last financial half-year that ends on or before the extract's date."""
    day = as_of or as_of_date(tables)
    half = Half.of(day)
    return half if half.end == day else half.previous()


def _audit(
    db: Path,
    tables: Tables,
    settings: Settings,
    half: Half | None,
    as_of: date | None,
    fdr: float | None,
    public: bool,
) -> AuditResult:
    chosen = half or latest_complete_half(tables, as_of)
    rate = settings.audit_fdr if fdr is None else fdr
    try:
        result = half_year_audit(tables, settings, chosen, as_of=as_of, fdr=rate)
    finally:
        close_tables(tables)  # the release log below writes to the database
    return _released_audit(db, result, settings) if public else result


def _released_audit(db: Path, result: AuditResult, settings: Settings) -> AuditResult:
    """The public audit of ``result``, recorded in ``db``'s release log."""
    return released(db, f"audit {result.half.label}", result, disclose_audit, settings)


def _write_audit(
    result: AuditResult, out: Path, stem: str, formats: tuple[str, ...], manifest: dict[str, Any]
) -> list[Path]:
    return write_outputs(
        out,
        stem,
        formats,
        html=lambda: audit_html(result),
        json_data=lambda: audit_json(result),
        csv_rows=lambda: audit_csv_rows(result),
        manifest=manifest,
    )


def _write_outcomes(
    summary: OutcomeSummary,
    out: Path,
    stem: str,
    formats: tuple[str, ...],
    manifest: dict[str, Any],
) -> list[Path]:
    return write_outputs(
        out,
        stem,
        formats,
        html=lambda: outcomes_html(summary),
        json_data=lambda: outcomes_json(summary),
        csv_rows=lambda: outcomes_csv_rows(summary),
        manifest=manifest,
    )


def analyst_audit(db: Path, settings: Settings, half: Half | None = None) -> AuditResult:
    """The audit of ``half`` (default the latest complete half) as analysts see it."""
    return _audit(db, open_tables(db), settings, half, None, None, False)


def run_audit(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    half: Half | None = None,
    analysed: AuditResult | None = None,
) -> list[Path]:
    """For ``vawg demo``: the audit of ``half`` (default the latest complete half) as HTML, JSON
    and CSV in ``out_dir``; returns the paths written. ``analysed``: the (analyst) audit already
    made from ``db``, written (or disclosed and written) instead of auditing again."""
    if analysed is None:
        result = _audit(db, open_tables(db), settings, half, None, None, public)
    else:
        result = _released_audit(db, analysed, settings) if public else analysed
    stem = f"audit-{result.half.label}" + ("-public" if public else "")
    manifest = output_manifest(db, "audit", settings, public=public)
    return _write_audit(result, out_dir, stem, DEMO_FORMATS, manifest)


def run_outcomes(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    made: MadeResults | None = None,
    analysed: OutcomeSummary | None = None,
) -> list[Path]:
    """For ``vawg demo``: the outcomes report over the settings' period (HTML, JSON, CSV); a
    public summary is also kept in ``made`` when given (for the demo's open site).
    ``analysed``: the (analyst) summary already made from ``db``, not made again."""
    summary = (
        analysed
        if analysed is not None
        else analysed_on(db, lambda t: outcome_summary(t, settings))
    )
    if public:
        summary = released(db, "outcomes", summary, disclose_summary, settings)
        if made is not None:
            made.outcomes = summary
    manifest = output_manifest(db, "outcomes", settings, public=public)
    stem = "outcomes" + ("-public" if public else "")
    return _write_outcomes(summary, out_dir, stem, DEMO_FORMATS, manifest)


def _show(result: AuditResult) -> None:
    table = Table(title=f"Audit {result.half.label} (recorded base, equal follow-up)")
    table.add_column("measure")
    for role, half in result.roles.items():
        table.add_column(f"{half.label} ({role.replace('_', ' ')})", justify="right")
    for measure in HEADLINE_MEASURES:
        cells = []
        for role in result.roles:
            part = result.table.filter(
                (result.table["role"] == role) & (result.table["measure"] == measure)
            )
            row = part.row(0, named=True) if part.height else None
            if row is None:
                cells.append("–")
                continue
            ci = fmt_ci(measure, row["ci_low"], row["ci_high"]).replace("95% CI ", "")
            cells.append(
                f"{fmt_value(measure, row['estimate'])} ({ci})"
                if ci
                else fmt_value(measure, row["estimate"])
            )
        table.add_row(MEASURE_LABELS[measure], *cells)
    console.print(table)
    verdicts = result.changes["verdict"].to_list()
    console.print(
        f"[green]{verdicts.count('improved')} improved[/], [red]{verdicts.count('worse')} worse[/], "
        f"{verdicts.count('no clear change')} no clear change (BH false discovery rate "
        f"{result.fdr:.0%})"
    )


@app.command()
def audit(
    half: HalfOption = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    public: PublicOption = False,
    out: OutOption = Path("."),
    as_of: AsOfOption = None,
    fdr: FdrOption = None,
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """The twice-yearly audit of criminal justice outcomes for one financial half-year.

    Compares the half with the previous half and the same half a year earlier: police outcomes
    on both Home Office count bases (equal follow-up), time to outcome, CPS and court stages
    (from cjs_events), attrition and victims' satisfaction, saying what improved and what got
    worse only where the change is statistically meaningful.

    Example: vawg audit --half 2021H2 --db vawg.duckdb --format html --out audit.html
    """
    settings = settings_from(config, set_)
    formats = report_formats(out, format)
    with console.status("auditing"):
        result = _audit(db, open_tables(db, engine, source), settings, half, as_of, fdr, public)
    stem = f"audit-{result.half.label}{'-public' if public else ''}"
    paths = _write_audit(
        result, out, stem, formats, output_manifest(db, "audit", settings, public=public)
    )
    _show(result)
    for path in paths:
        console.print(f"[green]wrote[/] {path}")


@app.command()
def outcomes(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    start: FromOption = None,
    end: ToOption = None,
    public: PublicOption = False,
    out: OutOption = Path("."),
    as_of: AsOfOption = None,
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """Criminal justice outcomes for every financial half-year of the period.

    Charge and victim-does-not-support rates on both Home Office count bases with Wilson
    intervals, time to outcome, attrition, the outcome framework, and the police.uk outcome
    categories when police.uk files are loaded. With police.uk files alone, their outcome
    categories mapped to the Home Office outcome groups, with the mapping shown.

    Example: vawg outcomes --db vawg.duckdb --public --out outcomes.html
    """
    settings = period_settings(settings_from(config, set_), start, end)
    formats = report_formats(out, format)
    tables = open_tables(db, engine, source)
    if open_data_only(tables):
        stem = f"outcomes-open-data{'-public' if public else ''}"
        manifest = output_manifest(db, "outcomes", settings, public=public)
        try:
            found = open_data_outcomes(tables)
        finally:
            close_tables(tables)
        written = write_open_outcomes(
            found, out, stem, formats, public=public, settings=settings, db=db, manifest=manifest
        )
        for path in written:
            console.print(f"[green]wrote[/] {path}")
        return
    with console.status("counting outcomes"):
        try:
            summary = outcome_summary(tables, settings, as_of=as_of)
        finally:
            close_tables(tables)
        if public:
            summary = released(db, "outcomes", summary, disclose_summary, settings)
    manifest = output_manifest(db, "outcomes", settings, public=public)
    paths = _write_outcomes(
        summary, out, f"outcomes{'-public' if public else ''}", formats, manifest
    )
    console.print(f"{len(summary.halves)} half-years, data to {summary.as_of}")
    for path in paths:
        console.print(f"[green]wrote[/] {path}")
