"""``vawg target`` and ``vawg evaluate``: where the next pound should go, and whether the last
one worked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    FormatOption,
    FromOption,
    OutOption,
    SetOption,
    ToOption,
    analysed_on,
    console,
    output_manifest,
    period_settings,
    released,
    report_formats,
    settings_from,
    write_outputs,
)
from vawg.config import Settings
from vawg.errors import InputError
from vawg.evaluation.analysis import PlaceEvaluationResult, place_evaluation
from vawg.evaluation.events import crime_events
from vawg.evaluation.public import disclose_evaluation
from vawg.programme.analysis import ProgrammeEvaluationResult, programme_evaluation
from vawg.programme.public import disclose_programme
from vawg.query import Tables, connect
from vawg.report.evaluation import evaluation_html, evaluation_json
from vawg.report.targeting import targeting_csv_rows, targeting_html, targeting_json
from vawg.store import DEFAULT_DB
from vawg.targeting.analysis import TargetingResult, targeting
from vawg.targeting.public import disclose_targeting

__all__ = [
    "analyst_evaluations",
    "evaluate_command",
    "evaluations",
    "run_evaluate",
    "run_target",
    "target_command",
]

PublicOption = Annotated[
    bool,
    typer.Option("--public", help="Public output: small counts withheld, the rest rounded."),
]


def _rows(tables: Tables, name: str) -> int:
    return int(getattr(tables, name).count().to_pyarrow().as_py())


def run_target(
    db: Path,
    out: Path,
    settings: Settings,
    *,
    public: bool = False,
    formats: tuple[str, ...] = ("html", "json", "csv"),
    analysed: TargetingResult | None = None,
) -> tuple[TargetingResult, list[Path]]:
    """Rank places on ``db`` and write the targeting report to ``out`` (a file or a folder);
    a public report is made from the public Result, recorded first in ``db``'s release log.
    ``analysed``: the (analyst) ranking already made from ``db``, not made again."""
    result = analysed if analysed is not None else analysed_on(db, lambda t: targeting(t, settings))
    if public:
        result = released(db, "targeting", result, disclose_targeting, settings)
    shown = result
    paths = write_outputs(
        out,
        "targeting-public" if public else "targeting",
        formats,
        html=lambda: targeting_html(shown),
        json_data=lambda: targeting_json(shown),
        csv_rows=lambda: targeting_csv_rows(shown),
        manifest=output_manifest(db, "targeting", settings, public=public),
    )
    return result, paths


Evaluated = tuple[PlaceEvaluationResult | None, ProgrammeEvaluationResult | None, tuple[str, ...]]
"""The place and programme evaluations (None for what is not loaded) and what is missing."""


def evaluations(
    db: Path, settings: Settings, *, public: bool, analysed: Evaluated | None = None
) -> Evaluated:
    """The place and programme evaluations of ``db`` (None for what is not loaded), public
    ones recorded in the release log. ``analysed``: the (analyst) evaluations already made
    from ``db`` (:func:`analyst_evaluations`), not made again."""
    place, programme, missing = analysed or analyst_evaluations(db, settings)
    if public and place is not None:
        place = released(db, "evaluation: places", place, disclose_evaluation, settings)
    if public and programme is not None:
        programme = released(db, "evaluation: programme", programme, disclose_programme, settings)
    return place, programme, missing


def analyst_evaluations(db: Path, settings: Settings) -> Evaluated:
    """The place and programme evaluations of ``db`` as analysts see them; raises
    :class:`~vawg.errors.InputError` when neither interventions nor participants are loaded."""
    tables = connect(db)
    missing = []
    place = programme = None
    wanted = [_rows(tables, "interventions"), _rows(tables, "programme_participants")]
    # Both evaluations read the same crimes, perpetrators and victims: pulled once.
    events = crime_events(tables, settings, whole_extract=True) if all(wanted) else None
    if wanted[0]:
        place = place_evaluation(tables, settings, events=events)
    else:
        missing.append("No interventions are loaded (interventions.csv), so no place is evaluated.")
    if wanted[1]:
        programme = programme_evaluation(tables, settings, events=events)
    else:
        missing.append(
            "No programme participants are loaded (programme_participants.csv), so no "
            "programme is evaluated."
        )
    tables.backend.disconnect()
    if place is None and programme is None:
        raise InputError(
            f"{db}: neither interventions.csv nor programme_participants.csv is loaded; load "
            "them with `vawg ingest` (see docs/data-contract.md)"
        )
    return place, programme, tuple(missing)


def run_evaluate(
    db: Path,
    out: Path,
    settings: Settings,
    *,
    public: bool = False,
    formats: tuple[str, ...] = ("html", "json"),
    analysed: Evaluated | None = None,
) -> tuple[PlaceEvaluationResult | None, ProgrammeEvaluationResult | None, list[Path]]:
    """Evaluate the interventions and programmes in ``db``; write the report to ``out``.
    ``analysed``: the (analyst) evaluations already made (:func:`analyst_evaluations`)."""
    place, programme, missing = evaluations(db, settings, public=public, analysed=analysed)
    paths = write_outputs(
        out,
        "evaluation-public" if public else "evaluation",
        tuple(f for f in formats if f != "csv"),
        html=lambda: evaluation_html(place, programme, missing=missing),
        json_data=lambda: evaluation_json(place, programme, missing=missing),
        csv_rows=lambda: ([], []),
        manifest=output_manifest(db, "evaluation", settings, public=public),
    )
    return place, programme, paths


@app.command("target")
def target_command(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    start: FromOption = None,
    end: ToOption = None,
    public: PublicOption = False,
    out: OutOption = Path("."),
) -> None:
    """Where the next pound should go: LSOAs and town centres ranked by harm, with near repeats.

    Ranks places by the harm of public-place VAWG in the evening and at night (hours: the
    evening_night_hours setting), with rank intervals that show which are surely in the top N
    and which only might be, the survey's "feel unsafe at night" beside them, a map, the share
    of harm each top-N set would cover, a Knox near-repeat test and the repeat locations.

    Example: vawg target --db vawg.duckdb --format html --out reports
    """
    settings = period_settings(settings_from(config, set_), start, end)
    formats = report_formats(out, format)
    with console.status("ranking places by harm"):
        result, paths = run_target(db, out, settings, public=public, formats=formats)
    table = Table(title=f"Top {result.top_rank} LSOAs by harm (95% rank interval)")
    for name in ("rank", "LSOA", "district", "crimes", "harm days", "rank interval", "top N"):
        table.add_column(
            name, justify="right" if name in ("rank", "crimes", "harm days") else "left"
        )
    for row in result.table.head(result.top_rank).iter_rows(named=True):
        table.add_row(
            str(row["rank"]),
            str(row.get("lsoa_name") or row.get("place") or row.get("lsoa_code")),
            str(row["district"]),
            "–" if row["crimes"] is None else f"{row['crimes']:,}",
            "–" if row["harm_days"] is None else f"{row['harm_days']:,.0f}",
            f"{row['best_rank']} to {row['worst_rank']}" if row["best_rank"] is not None else "–",
            str(row["top_n"] or "–"),
        )
    console.print(table)
    for path in paths:
        console.print(f"[green]wrote[/] {path}")


@app.command("evaluate")
def evaluate_command(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    public: PublicOption = False,
    out: OutOption = Path("."),
) -> None:
    """Did it work? Evaluate Safer Streets interventions and perpetrator programmes.

    Places (interventions.csv): treated areas against matched comparison areas, before and
    after the start: difference-in-differences with an event study, a synthetic control,
    displacement into the surrounding ring, crimes and harm averted and the cost of each.
    Programmes (programme_participants.csv): participants against matched comparisons, time
    to the next VAWG offence (Kaplan-Meier, Cox hazard ratio), completers and non-completers
    apart, harm of reoffending. Says plainly when the data cannot support a conclusion.

    Example: vawg evaluate --db vawg.duckdb --format html --out reports
    """
    settings = settings_from(config, set_)
    formats = report_formats(out, format)
    if formats == ("csv",):
        raise InputError("--format csv: the evaluation is written as html or json")
    with console.status("evaluating interventions and programmes"):
        place, programme, paths = run_evaluate(db, out, settings, public=public, formats=formats)
    if place is not None:
        table = Table(title="Safer Streets interventions")
        for name in ("intervention", "rate ratio (95% CI)", "finding"):
            table.add_column(name)
        for e in place.interventions:
            r = e.rate_ratio
            shown = (
                f"{r.estimate:.2f} ({r.ci_low:.2f}-{r.ci_high:.2f})"
                if r and e.can_conclude
                else "–"
            )
            table.add_row(e.intervention.intervention_id, shown, e.conclusion)
        if place.pooled is not None:
            r = place.pooled.rate_ratio
            shown = (
                f"{r.estimate:.2f} ({r.ci_low:.2f}-{r.ci_high:.2f})"
                if r and place.pooled.can_conclude
                else "–"
            )
            table.add_row("all together", shown, place.pooled.conclusion)
        console.print(table)
    if programme is not None:
        for p in programme.programmes:
            console.print(f"[bold]{p.programme}[/]: {p.conclusion}")
    for path in paths:
        console.print(f"[green]wrote[/] {path}")
