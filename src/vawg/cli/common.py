"""Options and helpers every command shares, declared once so that they behave the same.

- ``--db``, ``--config``, ``--set``: the database and the settings.
- ``--from``/``--to`` (:data:`FromOption`, :data:`ToOption`) and ``--half``: the period, parsed
  by :func:`parse_day` / :func:`parse_half_option` and checked by :func:`period_settings`.
  One rule everywhere, said in the options' help: give both, either or neither. Without them
  the period is the last ``period_years`` (5) complete financial years in the data; --from
  alone runs to the end of the last complete financial year in the data; --to alone starts on
  1 April ``period_years`` years before (as :func:`vawg.scope.default_period` fills them in),
  and the command says which end it filled in.
- ``--engine``/``--source`` (:data:`EngineOption`, :data:`SourceOption`): where an analysis
  reads its tables. ``duckdb`` (the default) opens ``--db``; ``spark`` starts a local Spark and
  opens the Parquet folders ``vawg export`` wrote (or a Spark database) with
  :func:`vawg.scale.spark_tables`. The analysis is the same function either way: only
  :func:`open_tables` differs.
- ``--out`` (:data:`OutOption`), said in its help: a **file** when the name has a suffix
  (``report.html``: that one file, in the format its suffix names), else a **folder** (the
  command's files inside it, under their usual names). :func:`output_formats` and
  :func:`write_outputs` apply the rule.

:func:`write_outputs` is the one writer of a command's report files, and every file it writes
carries the run's manifest (:func:`output_manifest`, built by
:func:`vawg.manifest.build_manifest`): inputs, settings, version, seed and time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vawg.config import Settings, load_settings
from vawg.errors import InputError
from vawg.manifest import build_manifest
from vawg.outcomes.halves import Half, parse_half
from vawg.query import Tables, connect
from vawg.releases import record_result
from vawg.report.page import PLOTLY_JS, write_html
from vawg.report.pdf import html_to_pdf
from vawg.report.stamp import stamp_outputs
from vawg.results import Result
from vawg.safe_csv import write_csv

R = TypeVar("R")
P = TypeVar("P", bound=Result)

__all__ = [
    "DEMO_FORMATS",
    "FORMATS",
    "AsOfOption",
    "ConfigOption",
    "DbOption",
    "Engine",
    "EngineOption",
    "Format",
    "FormatOption",
    "FromOption",
    "HalfOption",
    "OutOption",
    "SetOption",
    "SourceOption",
    "ToOption",
    "analysed_on",
    "check_period",
    "close_tables",
    "console",
    "open_tables",
    "out_is_file",
    "output_formats",
    "output_manifest",
    "output_path",
    "parse_day",
    "parse_half_option",
    "period_settings",
    "progress_bar",
    "released",
    "report_formats",
    "settings_from",
    "write_outputs",
]

console = Console()


def progress_bar() -> Progress:
    """The commands' progress bar: what is being done, the bar, n of N done, the time taken;
    gone once finished."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def parse_day(text: str | date) -> date:
    """A date written year-month-day (``2021-04-01``); an error in words otherwise."""
    if isinstance(text, date):  # an option's default
        return text
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; write the year, month and day with dashes, e.g. 2021-04-01"
        ) from None


def parse_half_option(text: str) -> Half:
    """A financial half-year (``2021H2``); an error in words otherwise."""
    try:
        return parse_half(text)
    except InputError as error:
        raise typer.BadParameter(str(error).removeprefix(f"--half {text!r} ")) from None


DbOption = Annotated[
    Path,
    typer.Option("--db", help="The DuckDB database file.", show_default=True, metavar="FILE"),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Settings file (TOML); default ./vawg.toml if present.", metavar="FILE"
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a setting, name=value (repeatable).",
        show_default=False,
        metavar="NAME=VALUE",
    ),
]
FromOption = Annotated[
    date | None,
    typer.Option(
        "--from",
        parser=parse_day,
        metavar="DATE",
        help="First recorded date of the period, inclusive, e.g. 2021-04-01. Without --from "
        "and --to: the last five complete financial years (April-March) in the data; with "
        "--from alone: up to the end of the last complete financial year.",
        show_default=False,
    ),
]
ToOption = Annotated[
    date | None,
    typer.Option(
        "--to",
        parser=parse_day,
        metavar="DATE",
        help="Last recorded date of the period, inclusive, e.g. 2022-03-31. With --to alone: "
        "from 1 April five years before (setting period_years).",
        show_default=False,
    ),
]
HalfOption = Annotated[
    Half | None,
    typer.Option(
        "--half",
        parser=parse_half_option,
        metavar="YYYYH1|YYYYH2",
        help="Financial half-year: H1 = April-September, H2 = October-March, e.g. 2021H2 "
        "(default: the latest complete half in the data).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=parse_day,
        metavar="DATE",
        help="Treat the extract as taken on this date, e.g. 2022-03-31 (default: its latest date).",
        show_default=False,
    ),
]


class Engine(StrEnum):
    """Where an analysis's queries run."""

    duckdb = "duckdb"
    spark = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="Where the queries run: duckdb (the --db file) or spark (a local Spark reading "
        "--source). The same analysis and the same results either way.",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="With --engine spark: the folder (or URI) `vawg export` wrote, or a Spark "
        "database holding the tables.",
        metavar="DIR",
        show_default=False,
    ),
]


def open_tables(db: Path, engine: Engine = Engine.duckdb, source: str | None = None) -> Tables:
    """The tables an analysis reads: ``db`` on DuckDB, or ``source`` on a local Spark
    (``local[*]``; on a cluster, call the analysis with :func:`vawg.scale.spark_tables` on the
    platform's session instead)."""
    if engine is Engine.duckdb:
        if source is not None:
            raise InputError(
                f"--source {source}: only read with --engine spark; leave it out to read "
                f"--db {db}, or add --engine spark"
            )
        return connect(db)
    if source is None:
        raise InputError(
            "--engine spark needs --source: the folder `vawg export --db FILE --out DIR` "
            "wrote, e.g. --engine spark --source export/"
        )
    from vawg.scale import local_spark, spark_tables

    return spark_tables(local_spark("local[*]", driver_memory="2g"), source)


def close_tables(tables: Tables) -> None:
    """Close a DuckDB connection; a Spark session is left running (it may be shared, and
    stops with the process)."""
    if tables.backend.name == "duckdb":
        tables.backend.disconnect()


def analysed_on(db: Path, make: Callable[[Tables], R]) -> R:
    """``make(tables)`` on ``db``, its connection closed afterwards: before a public report
    records its release in the database, which needs the database open for writing."""
    tables = connect(db)
    try:
        return make(tables)
    finally:
        close_tables(tables)


def released(
    db: Path, output: str, result: P, disclose: Callable[[P, Settings], P], settings: Settings
) -> P:
    """The public version of ``result``, made by its family's one transformation
    (``disclose``) and recorded in ``db``'s release log as ``output`` before any file of it is
    written; the release log refuses it (nothing written) if it would disclose."""
    public = disclose(result, settings)
    record_result(db, output, public, settings)
    return public


class Format(StrEnum):
    """The formats a report command writes."""

    html = "html"
    json = "json"
    csv = "csv"
    pdf = "pdf"


FORMATS = tuple(f.value for f in Format)
DEMO_FORMATS = ("html", "json", "csv")
"""What ``vawg demo`` writes for each report (PDF is on request: it needs Chromium)."""

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        help="Output format: html, json, csv, or pdf (the HTML page printed by Chromium; needs "
        "the browser extra). Default: the --out file's suffix, else html.",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        help="Where to write: a file when the name has a suffix (e.g. report.html; its format "
        "from the suffix), else a folder for the files under their usual names.",
        metavar="FILE|FOLDER",
    ),
]


def check_period(start: date | None, end: date | None) -> None:
    """Refuse a period whose start is after its end, naming both options and an example."""
    if start is not None and end is not None and start > end:
        raise InputError(
            f"--from {start.isoformat()} is after --to {end.isoformat()}; give a start on or "
            "before the end, e.g. --from 2021-04-01 --to 2022-03-31"
        )


def period_settings(settings: Settings, start: date | None, end: date | None) -> Settings:
    """``settings`` with the period of --from/--to (the rule above); says which end
    was filled in when only one is given."""
    check_period(start or settings.period_start, end or settings.period_end)
    changes = {}
    if start is not None:
        changes["period_start"] = start
    if end is not None:
        changes["period_end"] = end
    chosen = settings.replace(**changes) if changes else settings
    if (chosen.period_start is None) != (chosen.period_end is None):
        filled = (
            "ends with the last complete financial year in the data"
            if chosen.period_end is None
            else f"starts on 1 April, {chosen.period_years} years before"
        )
        console.print(f"[dim]period: only one end given, so the period {filled}[/]", soft_wrap=True)
    return chosen


def settings_from(config: Path | None, overrides: list[str] | None) -> Settings:
    """Settings from the defaults, the TOML file and the --set pairs."""
    return load_settings(config, overrides or [])


def out_is_file(out: Path) -> bool:
    """--out names a file when its name has a suffix (:data:`OutOption`)."""
    return bool(out.suffix)


def output_formats(
    out: Path, asked: Sequence[str], allowed: Sequence[str], default: Sequence[str]
) -> tuple[str, ...]:
    """The formats to write: a file --out is written in the format its suffix names (and --format,
    if given, must agree); a folder gets the --format asked for, else ``default``."""
    if not out_is_file(out):
        return tuple(asked) or tuple(default)
    fmt = out.suffix.lower().removeprefix(".")
    if fmt not in allowed:
        raise InputError(
            f"--out {out}: .{fmt} is not a format this command writes; end the file name with "
            f"{' or '.join('.' + a for a in allowed)}, or give a folder (a name with no suffix)"
        )
    if asked and set(asked) != {fmt}:
        raise InputError(
            f"--out {out} is a .{fmt} file but --format asks for {', '.join(asked)}; leave out "
            f"--format, or give a folder, e.g. --out reports"
        )
    return (fmt,)


def report_formats(out: Path, format: Format | None) -> tuple[str, ...]:
    """The one format a report command writes: --format, else the --out file's suffix, else
    html (see :func:`output_formats`)."""
    return output_formats(out, [format.value] if format else [], FORMATS, ("html",))


def output_path(out: Path, stem: str, fmt: str) -> Path:
    """Where format ``fmt`` goes: ``out`` itself when it is a file, else ``out/stem.fmt``."""
    return out if out_is_file(out) else out / f"{stem}.{fmt}"


def output_manifest(db: Path, command: str, settings: Settings, *, public: bool) -> dict[str, Any]:
    """The manifest of the outputs ``vawg command`` makes from ``db`` (``--public`` noted)."""
    name = f"vawg {command}" + (" --public" if public else "")
    return build_manifest(db, command=name, settings=settings, public=public)


def write_outputs(
    out: Path,
    stem: str,
    formats: Sequence[str],
    *,
    html: Callable[[], str],
    json_data: Callable[[], Any],
    csv_rows: Callable[[], tuple[Sequence[str], Sequence[Sequence[Any]]]],
    manifest: Mapping[str, Any],
) -> list[Path]:
    """Write each of ``formats`` to :func:`output_path` (``out`` a file or a folder, see
    :data:`OutOption`); return the paths (an HTML page's charting library beside it too,
    :func:`vawg.report.page.write_html`). Each output is built only if its format is asked for;
    JSON is indented UTF-8 (``json_data`` may also return the JSON text itself); PDF is the
    HTML page printed by Chromium (:func:`vawg.report.pdf.html_to_pdf`). Every report file
    carries ``manifest`` (:func:`vawg.report.stamp.stamp_outputs`: a CSV or PDF gets a sidecar,
    which is among the paths returned); the shared charting library is not stamped."""
    written: list[Path] = []
    stamped: set[Path] = set()
    for fmt in formats:
        path = output_path(out, stem, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            written += write_html(path, html())
            continue
        if fmt == "pdf":
            html_to_pdf(html(), path)
        elif fmt == "json":
            data = json_data()
            if isinstance(data, dict):  # stamped as it is written: encoded once, not twice
                data = {**data, "manifest": dict(manifest)}
                stamped.add(path)
            text = data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
        elif fmt == "csv":
            write_csv(path, *csv_rows())
        else:
            continue
        written.append(path)
    stamped_all = stamp_outputs(written, manifest, already=stamped)
    # The reports first, then the charting library they share (written beside the first page).
    return [p for p in stamped_all if p.name != PLOTLY_JS] + [
        p for p in stamped_all if p.name == PLOTLY_JS
    ]
