"""The targeting report: :class:`~vawg.targeting.analysis.TargetingResult` → HTML, JSON, CSV.

A public report is drawn from the public Result (:func:`vawg.targeting.public.disclose_targeting`);
nothing here withholds a count or computes a statistic.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from vawg.evaluation.events import hours_text
from vawg.report.evaluation._format import SCANNED_LABELS, esc, kpi, number, pct
from vawg.report.evaluation.charts import coverage_chart, knox_heatmap
from vawg.report.fmt import change, span
from vawg.report.page import (
    Classification,
    Section,
    details_html,
    disclosure_rule,
    figure_html,
    paragraphs,
    render_page,
    table_html,
)
from vawg.report.targeting.map import rank_note, targeting_map_figure, targeting_map_html
from vawg.results import to_jsonable
from vawg.targeting.analysis import TargetingResult
from vawg.targeting.knox import KnoxResult
from vawg.targeting.ranking import RANKING_CITATION

__all__ = ["near_repeat_reading", "targeting_csv_rows", "targeting_html", "targeting_json"]


def _name(row: dict[str, Any]) -> str:
    return str(
        row.get("town_centre") or row.get("lsoa_name") or row.get("place") or row.get("lsoa_code")
    )


def _indexed(table: pl.DataFrame) -> pl.DataFrame:
    """The Knox table with its band positions (a public table leaves them out: they are
    recovered from the order of the band labels, which the table keeps)."""
    out = table
    for label, index in (("distance_band", "distance_index"), ("time_band", "time_index")):
        if index not in out.columns:
            order = {v: i for i, v in enumerate(out[label].unique(maintain_order=True))}
            out = out.with_columns(
                pl.col(label).replace_strict(order, return_dtype=pl.Int64).alias(index)
            )
    return out


def near_repeat_reading(knox: KnoxResult | None) -> str:
    """What the Knox table says, in one or two plain sentences."""
    if knox is None:
        return "Too few located public-place offences for a near-repeat test."
    last_d, last_t = len(knox.distance_edges) - 1, len(knox.time_edges) - 1
    near = (
        _indexed(knox.table)
        .filter(
            pl.col("distance_index") < last_d,
            pl.col("time_index") < last_t,
            pl.col("above_chance").fill_null(False),
        )
        .sort("distance_index", "time_index")
    )
    if near.is_empty():
        return (
            "No near-repeat pattern: in no band of distance and time close to an offence were "
            "there clearly more pairs of offences than chance gives."
        )
    first = near.row(0, named=True)
    far_d = near["distance_band"].to_list()[near["distance_index"].arg_max()]  # type: ignore[index]
    far_t = near["time_band"].to_list()[near["time_index"].arg_max()]  # type: ignore[index]
    bands = "one band" if near.height == 1 else f"{near.height} bands"
    return (
        f"Near repeats: within {first['distance_band']} and {first['time_band']} of a "
        f"public-place offence, there were {change(first['knox_ratio'])} pairs of offences "
        f"than chance gives. Raised risk reached as far as {far_d} and as long as {far_t} "
        f"({bands} clearly above chance; with {knox.table.height} bands tested, about one in "
        "twenty could be by chance)."
    )


def _summary(result: TargetingResult) -> str:
    n = result.top_rank
    cards = [
        kpi(
            number(result.crimes),
            "public-place evening and night VAWG crimes",
            hours_text(result.evening_night_hour),
        ),
        kpi(
            number(result.harm_days),
            "days of harm",
            "each crime weighted by the typical prison sentence for it",
        ),
    ]
    # Public: the share is of the first rows of the table (the places shown), as many as the
    # top N or every place shown when fewer are; restricted: of the top N.
    size = min(n, result.table["harm_share"].drop_nulls().len()) if result.public else n
    cov = result.coverage.filter(pl.col("up_to_rank") == size)
    if cov.height and size:
        c = cov.row(0, named=True)
        cards.append(
            kpi(
                pct(c["harm_share"]),
                f"of the harm is in the {size} LSOAs shown with the most harm"
                if result.public
                else f"of the harm is in the top {n} LSOAs",
                f"the first {size} rows of the ranking below (places with too few crimes to "
                "publish are not shown)"
                if result.public
                else f"95% interval {pct(c['ci_low'])} to {pct(c['ci_high'])}",
            )
        )
    if result.table.height:
        sure = result.table.filter(pl.col("top_n") == "surely").height
        might = result.table.filter(pl.col("top_n") == "might be").height
        could = sure + might
        cards.append(
            kpi(
                # a count of places, not of crimes: said with its unit, so no reader (or the
                # open-site scan) takes it for a small count of crimes
                f"{number(could)} LSOAs",
                f"could be in the top {n} by harm"
                + (" (of those with enough crimes to publish)" if result.public else ""),
                f"{sure} surely: their whole range of ranks is in the top {n}"
                if sure
                else f"none surely: the ranks are too uncertain to single out {n}",
            )
        )
    body = f'<div class="kpis">{"".join(cards)}</div>'
    if result.towns.height:
        top = result.towns.head(5).to_dicts()
        body += paragraphs(
            "Town centres with the most harm: "
            + "; ".join(
                f"{_name(r)} ({pct(r['harm_share'], 1)} of the harm in town centres)" for r in top
            )
            + "."
        )
    body += paragraphs(
        near_repeat_reading(result.knox),
        _repeat_sentence(result),
    )
    for note in result.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return body


def _repeat_sentence(result: TargetingResult) -> str:
    r = result.repeats
    share = r.share_at_repeat_locations
    if r.repeat_locations is None:
        return "Repeat locations: too few to report."
    where = "the same coordinates" if r.metres == 0 else f"the same {r.metres:g} m square"
    return (
        f"Repeat locations: {number(r.repeat_locations)} places ({where}) had two or more "
        f"public-place offences; {pct(share)} of located public-place offences happened at one."
    )


_COLUMNS = {
    # the figures a reader needs come first, so a phone shows them before it must scroll
    "rank": "rank",
    "place": "place",
    "lsoa_name": "neighbourhood",
    "town_centre": "town centre",
    "harm_days": "harm (days)",
    "harm_share": "share of harm",
    "top_n": "in the top N",
    "rank_range": "range of ranks (95%)",
    "crimes": "crimes",
    "district": "district",
    "lsoa_code": "LSOA",
    "best_rank": "best rank",
    "worst_rank": "worst rank",
    "top_n_share": "how often in the top N when resampled",
    "unsafe_at_night_share": "district: feel unsafe at night",
}


def _ranking(frame: pl.DataFrame, caption: str, rows: int, top_n: int, places: str) -> str:
    if frame.is_empty():
        return "<p>Nothing to rank.</p>"
    # A public table's withheld places (no rank) are counted in a line, not listed as dashes.
    withheld = frame["rank"].null_count() if "rank" in frame.columns else 0
    after = (
        paragraphs(f"{withheld:,} {places} not shown: too few crimes to publish their harm.")
        if withheld
        else ""
    )
    if withheld:
        frame = frame.filter(pl.col("rank").is_not_null())
        if frame.is_empty():
            return after
    if {"best_rank", "worst_rank"} <= set(frame.columns):
        frame = frame.with_columns(
            rank_range=pl.when(pl.col("best_rank").is_null())
            .then(None)
            .otherwise(pl.format("{} to {}", pl.col("best_rank"), pl.col("worst_rank")))
        )
    if {"lsoa_code", "lsoa_name"} <= set(frame.columns):
        # named, not coded: the code only where the reference has no name
        frame = frame.with_columns(pl.col("lsoa_name").fill_null(pl.col("lsoa_code"))).drop(
            "lsoa_code"
        )
    wanted = [c for c in _COLUMNS if c not in ("best_rank", "worst_rank", "top_n_share")]
    shown = frame.select([c for c in wanted if c in frame.columns])
    percent = [c for c in ("harm_share", "unsafe_at_night_share") if c in shown.columns]
    what = "LSOAs" if "lsoa_name" in shown.columns else "town centres"
    note = rank_note(shown.head(rows)["rank"].to_list(), what) if "rank" in shown.columns else ""
    return (
        table_html(
            shown.head(rows),
            caption=caption + (f". {note}" if note else ""),
            labels={**SCANNED_LABELS, **_COLUMNS, "top_n": f"in the top {top_n}"},
            max_rows=rows,
            percent=percent,
        )
        + after
    )


def _knox_section(result: TargetingResult) -> str:
    knox = result.knox
    if knox is None:
        return "<p>Too few located public-place offences for a near-repeat test.</p>"
    when = span(result.knox_window)
    body = paragraphs(
        near_repeat_reading(knox),
        f"{number(knox.events)} located public-place offences committed in {when}. "
        "Each cell says how many more (+) or fewer (−) pairs of offences there were, that "
        "far apart in distance and in time, than chance alone would give: +50% means half as "
        "many again as chance, 0% as many; * marks a cell clearly above chance.",
    )
    body += figure_html(
        knox_heatmap(
            knox.table, "Near repeats: pairs of offences close in space and time, against chance"
        ),
        height=460,
        data=pl.DataFrame(
            {
                "distance apart": knox.table["distance_band"].to_list(),
                "time apart": knox.table["time_band"].to_list(),
                "pairs against chance": [
                    "–" if r is None else change(r) for r in knox.table["knox_ratio"].to_list()
                ],
                "clearly above chance": [
                    "yes" if above else "" for above in knox.table["above_chance"].to_list()
                ],
            }
        ),
    )
    # A public report never shows the shuffle p-values (the true count narrows them), whatever
    # the table holds: whether it is public is the Result's to say, not the data's.
    shown = knox.table.drop(
        "distance_index",
        "time_index",
        "above_chance",
        *(["p_value"] if result.public else []),
        strict=False,
    ).with_columns(
        pl.col("knox_ratio").map_elements(change, return_dtype=pl.String, skip_nulls=False)
    )
    body += details_html(
        "Model details",
        paragraphs(
            f"Knox test: {knox.permutations:,} shuffles of the dates (seed {knox.params.seed}); "
            "pairs against chance compares the observed pairs with the mean of the shuffles "
            "(the Knox ratio)"
            + (
                "."
                if result.public
                else "; the share of shuffles with as many pairs is the p-value."
            )
        )
        + table_html(
            shown,
            caption="Knox table: observed pairs against those expected by chance",
            max_rows=200,
            labels={
                **SCANNED_LABELS,
                "expected": "expected mean",
                "observed": "observed pairs",
                "knox_ratio": "pairs against chance",
                "p_value": "share of shuffles as high (p)",
            },
        ),
    )
    return body


def _repeats_section(result: TargetingResult) -> str:
    body = paragraphs(_repeat_sentence(result))
    if not result.public and result.repeats.table.height:
        body += table_html(
            _repeat_rows(result, 50),
            caption="Repeat locations, most offences first (restricted: exact places)",
            max_rows=50,
        )
    elif result.public:
        body += paragraphs("Where they are is not published: they are the places of crimes.")
    return body


def _short_of_all(coverage: pl.DataFrame, places: int) -> pl.DataFrame:
    """The top-N rows with fewer than all ``places``: a row holding every place says only
    that all of them hold all the harm (100%)."""
    return coverage.filter(pl.col("up_to_rank") < places) if places else coverage


def _day(value: Any) -> str:
    """A date as a reader writes it: ``14 Jul 2021``."""
    return "–" if value is None else f"{value.day} {value:%b %Y}"


def _repeat_rows(result: TargetingResult, rows: int) -> pl.DataFrame:
    """The restricted repeat locations in words: the place as a grid reference, its
    neighbourhood by name, dates as ``14 Jul 2021``."""
    table = result.repeats.table.head(rows)
    names: dict[str, str] = {}
    if {"lsoa_code", "lsoa_name"} <= set(result.table.columns):
        names = dict(result.table.select("lsoa_code", "lsoa_name").drop_nulls().iter_rows())
    return pl.DataFrame(
        {
            "grid reference (metres east, north)": [
                f"{x:.0f}, {y:.0f}" for x, y in table.select("easting", "northing").iter_rows()
            ],
            "neighbourhood": [names.get(c, c) for c in table["lsoa_code"].to_list()],
            "offences": table["offences"].to_list(),
            "harm (days)": [None if h is None else round(h) for h in table["harm_days"]],
            "first offence": [_day(d) for d in table["first_day"].to_list()],
            "last offence": [_day(d) for d in table["last_day"].to_list()],
            "shortest gap (days)": table["shortest_gap_days"].to_list(),
        },
        schema={
            "grid reference (metres east, north)": pl.String,
            "neighbourhood": pl.String,
            "offences": pl.Int64,
            "harm (days)": pl.Int64,
            "first offence": pl.String,
            "last offence": pl.String,
            "shortest gap (days)": pl.Int64,
        },
    )


def sentence(text: str) -> str:
    """A source description (written to follow a colon mid-sentence) opening a sentence of its
    own: its first letter a capital ("Town centres. Named as in the area reference.")."""
    return text[:1].upper() + text[1:]


def _methods(result: TargetingResult) -> str:
    when = span(result.params.period)
    items = [
        f"<b>What is counted.</b> In-scope VAWG crimes recorded in {when} that "
        f"happened in a public place (any location type but a dwelling or unknown) between "
        f"{esc(hours_text(result.evening_night_hour))}, by the LSOA of the crime. Harm: the "
        f"days-of-custody weight of each crime (Cambridge Crime Harm Index style): "
        f"{esc(result.harm_source)}.",
        "<b>Ranking by harm, not rate.</b> Town centres have few residents and many visitors; "
        "the question is where the harm is, so places are ranked by the harm of their crimes.",
        f"<b>Rank intervals.</b> {result.params.settings.get('target_bootstrap_replicates')} "
        "Poisson bootstrap replicates: each crime is counted 0, 1, 2, ... times (Poisson, mean "
        "1) and every place re-ranked; the interval runs from the 2.5th to the 97.5th "
        "percentile of its ranks. Surely in the top N: the whole interval is. "
        + esc(RANKING_CITATION),
        f"<b>Town centres.</b> {esc(sentence(result.town_source))}.",
        f"<b>Feeling unsafe at night.</b> {esc(sentence(result.survey_source))}.",
        "<b>Near repeats.</b> "
        + esc(result.knox.params.citation if result.knox else "")
        + " Dates are shuffled among the offences, locations kept.",
        "<b>Repeat locations.</b> "
        + esc(result.repeats.params.method)
        + ". "
        + esc(result.repeats.params.citation),
    ]
    if result.public:
        items.append(
            "<b>Disclosure control.</b> "
            + esc(" ".join(disclosure_rule(result.params.settings)["method"]))
            + " Places are named (beside the national code of their area); where repeat "
            "locations are is not published."
        )
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def targeting_html(result: TargetingResult) -> str:
    """The targeting report as one self-contained HTML page."""
    n = result.top_rank
    when = span(result.params.period)
    body_map = "<p>No LSOA has a centroid to map.</p>"
    drawn = targeting_map_html(result, title=f"Which LSOAs could be in the top {n} for harm")
    if drawn is not None:
        body_map = drawn + paragraphs(
            f"Colour: whether the LSOA is surely, might be, or is not in the top {n} by harm "
            "(its 95% range of ranks lies inside, reaches into, or lies outside the top "
            f"{n})."
            + (" LSOAs marked 'not shown' have too few crimes to publish." if result.public else "")
        )
    elif result.table.height and "easting" in result.table.columns:
        fig = targeting_map_figure(
            result.table, top_n=n, title=f"Which LSOAs could be in the top {n} for harm"
        )
        body_map = figure_html(fig, height=640) + paragraphs(
            "No LSOA boundaries for these LSOAs, so the map falls back to symbols at LSOA "
            "population-weighted centroids, area proportional to harm; colour: whether the "
            f"LSOA is surely, might be, or is not in the top {n}."
        )
    coverage = "<p>No harm to cover.</p>"
    if result.coverage.height:
        coverage = figure_html(
            coverage_chart(
                result.coverage,
                "Share of all harm in the top N LSOAs shown"
                if result.public
                else "Share of all harm in the top N LSOAs",
            ),
            height=340,
            data=pl.DataFrame(
                {
                    "places": [f"top {n}" for n in result.coverage["up_to_rank"].to_list()],
                    "share of all harm": [pct(v, 1) for v in result.coverage["harm_share"]],
                    "95% CI": [
                        f"{pct(lo, 1)} to {pct(hi, 1)}"
                        for lo, hi in zip(
                            result.coverage["ci_low"], result.coverage["ci_high"], strict=True
                        )
                    ],
                }
            ).drop("95% CI" if result.public else []),
        )
        if result.public:
            coverage += paragraphs(
                "Each share is of the first places in the ranking shown (places with too few "
                "crimes to publish are not shown, so a place with more harm may be missing): "
                "the sum of their shares in the table, so it has no interval."
            )
        labels = {
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "up_to_rank": "places up to rank",
            "harm_share": "share of harm",
            "crime_share": "share of crimes",
        }
        shares = (
            ["harm_share", "crime_share"]
            if result.public
            else ["harm_share", "ci_low", "ci_high", "crime_share"]
        )
        shown = " shown" if result.public else ""
        no_ci = ["ci_low", "ci_high"] if result.public else []
        coverage += table_html(
            _short_of_all(result.coverage, result.table.height).drop(no_ci),
            caption=f"Top-N LSOAs{shown}: share of harm and of crimes",
            labels={**SCANNED_LABELS, **labels},
            percent=shares,
        )
        if result.town_coverage.height:
            coverage += table_html(
                _short_of_all(result.town_coverage, result.towns.height).drop(no_ci),
                caption=f"Top-N town centres{shown}: share of the harm and crimes in town centres",
                labels={**SCANNED_LABELS, **labels},
                percent=shares,
            )
    sections = [
        Section("Summary", _summary(result), anchor="summary"),
        Section("Map", body_map, anchor="map"),
        Section(
            "LSOAs ranked by harm",
            _ranking(result.table, "LSOAs by harm (the first 50)", 50, n, "LSOAs"),
            anchor="lsoas",
        ),
        Section(
            "Town centres ranked by harm",
            _ranking(
                result.towns,
                "Town centres by harm (shares are of the harm in town centres)",
                100,
                min(n, result.towns.height),
                "town centres",
            ),
            anchor="towns",
        ),
        Section("How much harm would N places cover?", coverage, anchor="coverage"),
        Section("Near repeats", _knox_section(result), anchor="near-repeats"),
        Section("Repeat locations", _repeats_section(result), anchor="repeats"),
        Section("Methods, definitions and assumptions", _methods(result), anchor="methods"),
    ]
    return render_page(
        "Where next: targeting public-place VAWG at night",
        sections,
        classification=Classification.public(disclosure_rule(result.params.settings))
        if result.public
        else Classification.restricted(),
        subtitle=f"Crimes recorded {when} · {hours_text(result.evening_night_hour)}",
        main_points=result.main_points,
    )


def targeting_json(result: TargetingResult) -> dict[str, Any]:
    """JSON-safe dict with stable keys: ``lsoas``, ``town_centres``, ``coverage``, ``knox``,
    ``repeat_locations``."""
    knox = result.knox
    return {
        "classification": "PUBLIC" if result.public else "OFFICIAL-SENSITIVE",
        "period": to_jsonable(result.params.period),
        "hours": list(result.evening_night_hour),
        "top_n": result.top_rank,
        "crimes": result.crimes,
        "harm_days": to_jsonable(result.harm_days),
        "lsoas": to_jsonable(
            result.table.drop([c for c in ("easting", "northing") if c in result.table.columns])
        ),
        "town_centres": to_jsonable(result.towns),
        "coverage": to_jsonable(result.coverage),
        "town_coverage": to_jsonable(result.town_coverage),
        "survey": to_jsonable(result.survey),
        "knox": None
        if knox is None
        else {
            "events": knox.events,
            "pairs": knox.pairs,
            "permutations": knox.permutations,
            "seed": knox.params.seed,
            "window": to_jsonable(result.knox_window),
            "reading": near_repeat_reading(knox),
            "table": to_jsonable(knox.table),
        },
        "repeat_locations": {
            "metres": result.repeats.metres,
            "offences": result.repeats.offences,
            "repeat_locations": result.repeats.repeat_locations,
            "offences_at_repeat_locations": result.repeats.offences_at_repeat_locations,
            "places": to_jsonable(result.repeats.table) if not result.public else [],
        },
        "settings": to_jsonable(result.params.settings),
        "notes": list(result.notes),
    }


def targeting_csv_rows(result: TargetingResult) -> tuple[list[str], list[list[Any]]]:
    """The LSOA ranking, one row per LSOA."""
    table = result.table
    return list(table.columns), [list(r) for r in table.iter_rows()]
