"""``vawg audit`` (the twice-yearly audit) and ``vawg outcomes`` (outcomes over the period)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import ConfigOption, DbOption, SetOption, console, settings_from
from vawg.cli.demo import STEPS
from vawg.config import Settings
from vawg.errors import InputError
from vawg.outcomes.audit import HEADLINE_MEASURES, MEASURE_LABELS, AuditResult, half_year_audit
from vawg.outcomes.cases import as_of_date
from vawg.outcomes.halves import Half, parse_half
from vawg.outcomes.public import disclose_audit
from vawg.outcomes.summary import disclose_summary, outcome_summary
from vawg.query import connect
from vawg.report.audit import audit_csv_rows, audit_html, audit_json, fmt_ci, fmt_value
from vawg.report.outcomes import outcomes_csv_rows, outcomes_html, outcomes_json
from vawg.safe_csv import write_csv
from vawg.store import DEFAULT_DB

__all__ = ["audit", "outcomes", "run_audit", "run_outcomes"]


class Format(StrEnum):
    """Output format."""

    html = "html"
    json = "json"


HalfOption = Annotated[
    str | None,
    typer.Option(
        "--half",
        help="Financial half-year to audit: YYYYH1 = April-September, YYYYH2 = October-March "
        "(default: the latest complete half in the data).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Treat the extract as taken on this date, YYYY-MM-DD (default: its latest date).",
        show_default=False,
    ),
]
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


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--as-of {text!r} is not a date; write YYYY-MM-DD, e.g. 2022-03-31"
        ) from None


def latest_complete_half(db: Path, as_of: date | None = None) -> Half:
    """The last financial half-year that ends on or before the extract's date."""
    day = as_of or as_of_date(connect(db))
    half = Half.of(day)
    return half if half.end == day else half.previous()


def _audit(
    db: Path,
    settings: Settings,
    half: str | None,
    as_of: date | None,
    fdr: float | None,
    public: bool,
) -> AuditResult:
    chosen = parse_half(half) if half else latest_complete_half(db, as_of)
    rate = settings.audit_fdr if fdr is None else fdr
    result = half_year_audit(connect(db), settings, chosen, as_of=as_of, fdr=rate)
    return disclose_audit(result, settings.disclosure_threshold) if public else result


def _write_audit(result: AuditResult, out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, json_path, csv_path = (
        out_dir / f"{stem}{ext}" for ext in (".html", ".json", ".csv")
    )
    html_path.write_text(audit_html(result), encoding="utf-8")
    json_path.write_text(audit_json(result), encoding="utf-8")
    header, rows = audit_csv_rows(result)
    write_csv(csv_path, header, rows)
    return [html_path, json_path, csv_path]


def run_audit(
    db: Path, out_dir: Path, settings: Settings, *, public: bool, half: str | None = None
) -> list[Path]:
    """For ``vawg demo``: the audit of ``half`` (default the latest complete half) as HTML, JSON
    and CSV in ``out_dir``; returns the paths written."""
    result = _audit(db, settings, half, None, None, public)
    stem = f"audit-{result.half.label}" + ("-public" if public else "")
    return _write_audit(result, out_dir, stem)


def run_outcomes(db: Path, out_dir: Path, settings: Settings, *, public: bool) -> list[Path]:
    """For ``vawg demo``: the outcomes report over the settings' period (HTML, JSON, CSV)."""
    summary = outcome_summary(connect(db), settings)
    if public:
        summary = disclose_summary(summary, settings.disclosure_threshold)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "outcomes" + ("-public" if public else "")
    paths = [out_dir / f"{stem}{ext}" for ext in (".html", ".json", ".csv")]
    paths[0].write_text(outcomes_html(summary), encoding="utf-8")
    paths[1].write_text(outcomes_json(summary), encoding="utf-8")
    write_csv(paths[2], *outcomes_csv_rows(summary))
    return paths


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


def _demo_audit(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    return [
        *run_audit(db, out_dir, settings, public=False),
        *run_audit(db, out_dir, settings, public=True),
    ]


def _demo_outcomes(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    return [
        *run_outcomes(db, out_dir, settings, public=False),
        *run_outcomes(db, out_dir, settings, public=True),
    ]


STEPS.append(("criminal justice outcomes", _demo_outcomes))
STEPS.append(("half-year audit", _demo_audit))


@app.command()
def audit(
    half: HalfOption = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.html,
    public: PublicOption = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output file (default ./audit-<half>[-public].<format>)."),
    ] = None,
    as_of: AsOfOption = None,
    fdr: FdrOption = None,
) -> None:
    """The twice-yearly audit of criminal justice outcomes for one financial half-year.

    Compares the half with the previous half and the same half a year earlier: police outcomes
    on both Home Office count bases (equal follow-up), time to outcome, CPS and court stages
    (from cjs_events), attrition and victims' satisfaction, saying what improved and what got
    worse only where the change is statistically meaningful.

    Example: vawg audit --half 2021H2 --db vawg.duckdb --format html --out audit.html
    """
    settings = settings_from(config, set_)
    with console.status("auditing"):
        result = _audit(db, settings, half, _date(as_of), fdr, public)
    path = out or Path(f"audit-{result.half.label}{'-public' if public else ''}.{format.value}")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = audit_html(result) if format is Format.html else audit_json(result)
    path.write_text(text, encoding="utf-8")
    _show(result)
    console.print(f"[green]wrote[/] {path}")


@app.command()
def outcomes(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.html,
    public: PublicOption = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output file (default ./outcomes[-public].<format>)."),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Criminal justice outcomes for every financial half-year of the period.

    Charge and victim-does-not-support rates on both Home Office count bases with Wilson
    intervals, time to outcome, attrition, the outcome framework, and the police.uk outcome
    categories when police.uk files are loaded.

    Example: vawg outcomes --db vawg.duckdb --public --out outcomes.html
    """
    settings = settings_from(config, set_)
    with console.status("counting outcomes"):
        summary = outcome_summary(connect(db), settings, as_of=_date(as_of))
        if public:
            summary = disclose_summary(summary, settings.disclosure_threshold)
    path = out or Path(f"outcomes{'-public' if public else ''}.{format.value}")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = outcomes_html(summary) if format is Format.html else outcomes_json(summary)
    path.write_text(text, encoding="utf-8")
    console.print(
        f"[green]wrote[/] {path} ({len(summary.halves)} half-years, data to {summary.as_of})"
    )
