"""``vawg survey``: the public safety survey and the victims' satisfaction survey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    Engine,
    EngineOption,
    FormatOption,
    FromOption,
    OutOption,
    SetOption,
    SourceOption,
    ToOption,
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
from vawg.config import Settings
from vawg.query import Tables
from vawg.report.survey import survey_csv_rows, survey_html, survey_json, survey_view
from vawg.store import DEFAULT_DB
from vawg.survey import SurveyResult, disclose_survey, survey_analysis
from vawg.survey.inputs import read_margins, read_theme_dictionary

__all__ = ["analyse_surveys", "run_survey", "survey", "write_survey"]


def analyse_surveys(
    db: Path,
    settings: Settings,
    margins: Path | None = None,
    rake: bool | None = None,
    tables: Tables | None = None,
) -> SurveyResult:
    """Both surveys in ``db``, raked to ``margins`` (default the shipped Kent margins)."""
    themes = (
        read_theme_dictionary(Path(settings.survey_theme_dictionary))
        if settings.survey_theme_dictionary
        else None
    )
    tables = tables if tables is not None else open_tables(db)
    try:
        return survey_analysis(
            tables,
            settings,
            margins=read_margins(margins) if margins else None,
            rake=rake,
            themes=themes,
        )
    finally:
        close_tables(tables)  # a public report records its release in the database


def write_survey(
    result: SurveyResult,
    out: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...],
    db: Path,
) -> list[Path]:
    """Write the survey report in ``formats`` to ``out`` (a file or a folder, see --out); a
    public report is made from the public Result, recorded first in ``db``'s release log."""
    stem = "survey-public" if public else "survey"
    if public:
        result = released(db, "survey", result, disclose_survey, settings)
    shown = result
    return write_outputs(
        out,
        stem,
        formats,
        html=lambda: survey_html(shown),
        json_data=lambda: survey_json(shown),
        csv_rows=lambda: survey_csv_rows(survey_view(shown)),
        manifest=output_manifest(db, "survey", settings, public=public),
    )


def run_survey(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    margins: Path | None = None,
    rake: bool | None = None,
    formats: tuple[str, ...] = ("html", "json", "csv"),
) -> list[Path]:
    """Analyse both surveys in ``db`` and write the report files into ``out_dir``."""
    result = analyse_surveys(db, settings, margins, rake)
    return write_survey(result, out_dir, settings, public=public, formats=formats, db=db)


@app.command()
def survey(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    start: FromOption = None,
    end: ToOption = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Public output: no quotes, small counts withheld, the rest rounded."
        ),
    ] = False,
    out: OutOption = Path("."),
    margins: Annotated[
        Path | None,
        typer.Option(
            "--margins",
            help="CSV of variable,level,population to rake to (default: shipped Kent margins).",
        ),
    ] = None,
    rake: Annotated[
        bool | None,
        typer.Option(
            "--rake/--no-rake",
            help="Rake even when a weight column is supplied (or never rake).",
            show_default=False,
        ),
    ] = None,
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """Weighted public safety survey estimates and victims' satisfaction, beside recorded crime.

    Rakes the public survey to Kent's population by district, sex and age band
    (unless it has a weight column); estimates feeling unsafe at night and by day,
    harassment and non-reporting with confidence intervals; groups the reasons for
    not reporting into themes; links victims' satisfaction to crime outcomes.

    Example: vawg survey --db vawg.duckdb --format html --public --out reports
    """
    settings = period_settings(settings_from(config, set_), start, end)
    formats = report_formats(out, format)
    with console.status("analysing the surveys"):
        result = analyse_surveys(db, settings, margins, rake, open_tables(db, engine, source))
        paths = write_survey(result, out, settings, public=public, formats=formats, db=db)
    if result.public:
        o = result.public.overall
        for name, label in (
            ("unsafe_night_share", "unsafe at night"),
            ("unsafe_day_share", "unsafe by day"),
            ("not_reported_share", "did not report"),
        ):
            e = o[name]
            if e.estimate is not None and e.ci_low is not None and e.ci_high is not None:
                console.print(
                    f"  {label:<16} {100 * e.estimate:5.1f}%  "
                    f"(95% CI {100 * e.ci_low:.1f}-{100 * e.ci_high:.1f}, n={e.n:,})"
                )
        console.print(
            f"  weights: {result.weight_source}; design effect {result.design_effect:.2f}"
        )
    for note in result.notes:
        console.print(f"  [yellow]note[/] {note}")
    for path in paths:
        console.print(f"[green]wrote[/] {path}")
