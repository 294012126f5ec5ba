"""The hot-spot report: :class:`~vawg.spatial.analysis.HotspotAnalysis` → HTML, JSON and CSV.

JSON lists the hot spots as LSOA codes with ``gi_z``, ``p_sim`` and ``q_value``. A public
report is the rendering of the public Result (:func:`vawg.spatial.public.disclose_hotspots`:
small LSOA counts and every statistic of their LSOAs withheld, G* z-scores to one decimal, no
permutation p-values). Nothing here changes a number or computes a statistic.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.report.maps import CLASS_COLOURS, hotspot_map_figure, lsoa_polygons
from vawg.report.page import (
    Classification,
    Section,
    disclosure_rule,
    figure_html,
    is_public,
    render_page,
    table_html,
)
from vawg.results import to_jsonable
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.concentration import CONCENTRATION_CITATION
from vawg.spatial.hotspots import CLASSES, GI_CITATION, HOT, PATTERNS

__all__ = ["hotspot_view", "hotspots_csv_rows", "hotspots_html", "hotspots_json"]

_PLACES = {"all": "all places", "public": "public places", "home": "homes"}
_PREFIX = {"all": "", "public": "public_", "home": "home_"}


def hotspot_view(result: HotspotAnalysis) -> pl.DataFrame:
    """The per-LSOA table as shown (the public Result's own when ``result`` is public)."""
    return result.table


def _kpi(value: str, label: str, note: str) -> str:
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="ci">{html.escape(note)}</div></div>'
    )


def _summary(result: HotspotAnalysis) -> str:
    cards = []
    for place in ("all", "public"):
        r = result.by_place.get(place)
        if r is None:
            continue
        cards.append(
            _kpi(
                f"{r.hot_spots}",
                f"hot-spot LSOAs, {_PLACES[place]} (FDR {r.fdr_level:.0%})",
                f"{r.hot_unadjusted} at p < 0.05 before FDR correction",
            )
        )
    conc = result.concentration.get("all")
    if conc is not None:
        cards.append(
            _kpi(
                f"{conc.top_share:.0%}",
                f"of in-scope crimes in the busiest {conc.top_fraction:.0%} of LSOAs ({conc.top_lsoas})",
                f"chance alone: {conc.chance_share:.0%} ({conc.chance_low:.0%}-{conc.chance_high:.0%})",
            )
        )
    public = result.concentration.get("public")
    if public is not None:
        cards.append(
            _kpi(
                f"{public.top_share:.0%}",
                f"of public-place crimes in the busiest {public.top_fraction:.0%} of LSOAs",
                f"chance alone: {public.chance_share:.0%}",
            )
        )
    if result.trends is not None:
        p = result.trends.patterns
        u = result.trends.patterns_unadjusted
        cards.append(
            _kpi(
                f"{p['persistent']} / {p['emerging']}",
                f"persistent / emerging hot spots over {len(result.trends.years)} years",
                f"at p < 0.05 before FDR: {u['persistent']} / {u['emerging']}",
            )
        )
    body = f'<div class="kpis">{"".join(cards)}</div>'
    body += (
        '<div class="callout">A <b>hot spot</b> is an LSOA whose neighbourhood (itself and its '
        f"{html.escape(result.weights)}) holds more in-scope crime than chance would put "
        "there, after allowing for testing every LSOA at once (false discovery rate). LSOAs "
        "significant only before that correction are shown paler: about 5% of all LSOAs "
        "would reach that level by chance, so treat them as leads to check, not findings.</div>"
    )
    for note in result.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    return body


def _map_section(result: HotspotAnalysis, table: pl.DataFrame, place: str) -> str:
    polygons = lsoa_polygons(Path(result.geojson)) if result.geojson else None
    prefix = _PREFIX[place]
    fig = hotspot_map_figure(
        table,
        prefix=prefix,
        title=f"G* hot and cold spots of in-scope crime, {_PLACES[place]}",
        polygons=polygons,
    )
    kind = (
        "LSOA polygons" if polygons else "symbols at population-weighted centroids, area ∝ crimes"
    )
    r = result.by_place[place]
    counts = table.group_by(prefix + "hotspot_class").len()
    lookup = dict(
        zip(counts[prefix + "hotspot_class"].to_list(), counts["len"].to_list(), strict=True)
    )
    legend = " · ".join(
        f'<span style="color:{CLASS_COLOURS[c]}">●</span> {html.escape(c)}: {lookup.get(c, 0)}'
        for c in CLASSES
    )
    if lookup.get(None):  # a public result: LSOAs whose count (and so class) is not shown
        limit = int(disclosure_rule(result.params.settings)["threshold"]) - 1
        legend += f" · not shown (a count of 1 to {limit}, or hidden with one): {lookup[None]}"
    body = figure_html(fig, height=640)
    body += f'<p class="note">{html.escape(kind)}. {legend}. {r.permutations:,} permutations, seed {r.params.seed}.</p>'
    return body


def _hot_table(table: pl.DataFrame, place: str, public: bool) -> str:
    prefix = _PREFIX[place]
    cols = ["lsoa_code", "district", prefix + "crimes", prefix + "gi_z"]
    if prefix + "p_sim" in table.columns:
        cols.append(prefix + "p_sim")
    cols += [prefix + "q_value", prefix + "hotspot_class"]
    shown = table.filter(pl.col(prefix + "hotspot_class").is_in([CLASSES[0], CLASSES[1]])).sort(
        prefix + "gi_z", descending=True
    )
    if shown.is_empty():
        return f"<p>No LSOA is a hot spot for {_PLACES[place]}, even before FDR correction.</p>"
    labels = {c: c.removeprefix(prefix).replace("_", " ") for c in cols}
    return table_html(
        shown.select(cols),
        caption=f"Hot spots and exploratory hot LSOAs, {_PLACES[place]} (strongest first)",
        labels=labels,
        max_rows=25,
    )


def _trends(result: HotspotAnalysis, table: pl.DataFrame) -> str:
    trends = result.trends
    if trends is None:
        return "<p>Fewer than two financial years of data: no persistence analysis.</p>"
    counts = pl.DataFrame(
        {
            "pattern": list(PATTERNS),
            "after FDR": [trends.patterns[p] for p in PATTERNS],
            "before FDR (p < 0.05)": [trends.patterns_unadjusted[p] for p in PATTERNS],
        }
    )
    body = (
        f"<p>G* was run separately for each financial year ({', '.join(trends.years)}), with the "
        "same weights and seed. Persistent: a hot spot every year. Emerging: a hot spot in the "
        "latest year, not the first, and in fewer than half of the earlier years. Diminishing: "
        "hot in the first year but not the latest. Intermittent: anything else.</p>"
    )
    body += table_html(counts, caption="LSOAs by pattern across the years")
    top = (
        trends.table.filter(pl.col("years_hot_unadjusted") > 0)
        .sort(["years_hot", "years_hot_unadjusted"], descending=True)
        .head(25)
    )
    if top.height:
        yearly = trends.yearly.filter(pl.col("lsoa_code").is_in(top["lsoa_code"].implode()))
        z = yearly.pivot(on="year", index="lsoa_code", values="gi_z").sort("lsoa_code")
        order = top["lsoa_code"].to_list()
        z = z.with_columns(
            pl.col("lsoa_code").replace_strict(order, list(range(len(order)))).alias("_o")
        ).sort("_o")
        fig = go.Figure(
            go.Heatmap(
                z=z.select(list(trends.years)).to_numpy(),
                x=list(trends.years),
                y=z["lsoa_code"].to_list(),
                colorscale="RdBu_r",
                zmid=0,
                colorbar={"title": "G* z"},
            )
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_layout(title="Yearly G* z-scores of the LSOAs most often hot")
        body += figure_html(fig, height=max(320, 22 * top.height + 120))
        body += table_html(
            top.join(table.select("lsoa_code", "district"), on="lsoa_code", how="left").select(
                c
                for c in (
                    "lsoa_code",
                    "district",
                    "years_hot",
                    "pattern",
                    "years_hot_unadjusted",
                    "pattern_unadjusted",
                    "trend_tau",
                )
                if c in top.columns or c == "district"
            ),
            caption="LSOAs hot in at least one year (trend tau: Kendall's tau of the yearly z-scores)",
        )
    return body


def _concentration(result: HotspotAnalysis) -> str:
    if not result.concentration:
        return "<p>No crimes to measure.</p>"
    fig = go.Figure()
    for place, colour in (("all", "#5b2a86"), ("public", "#d08a1e")):
        c = result.concentration.get(place)
        if c is None:
            continue
        fig.add_trace(
            go.Scatter(
                x=[100 * v for v in c.table["share_of_lsoas"].to_list()],
                y=[100 * v for v in c.table["share_of_crimes"].to_list()],
                mode="lines",
                name=f"{_PLACES[place]} (Gini {c.gini:.2f})",
                line={"color": colour, "width": 3},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0, 100],
            y=[0, 100],
            mode="lines",
            name="equal spread",
            line={"dash": "dot", "color": "#9aa1ad"},
        )
    )
    fig.add_vline(x=5, line_dash="dash", line_color="#9aa1ad")
    fig.update_layout(
        title="Share of crimes held by the busiest LSOAs (Lorenz curve)",
        xaxis_title="% of LSOAs, busiest first",
        yaxis_title="% of in-scope crimes",
    )
    rows = [
        {
            "place": _PLACES[p],
            "crimes": c.crimes,
            "top LSOAs": c.top_lsoas,
            "share of crimes": c.top_share,
            "share of residents": c.top_population_share,
            "chance share": c.chance_share,
            "chance 95% range": f"{c.chance_low:.1%} to {c.chance_high:.1%}",
            "Gini": c.gini,
        }
        for p, c in result.concentration.items()
    ]
    body = figure_html(fig, height=380)
    body += table_html(
        pl.DataFrame(rows), caption="Share of crimes in the top 5% of LSOAs, against chance"
    )
    if result.concentration_by_year.height:
        body += table_html(result.concentration_by_year, caption="By financial year (all places)")
    return body


def _methods(result: HotspotAnalysis) -> str:
    start, end = result.params.period or (None, None)
    items = [
        f"<b>Data.</b> In-scope VAWG crimes recorded from {start} to {end}, by the LSOA of the "
        f"crime; areas from {html.escape(result.area_source)}.",
        f"<b>Spatial weights.</b> {html.escape(result.weights)}. k nearest neighbours gives every "
        "LSOA the same number of neighbours whatever its size (LSOAs are small in towns and large "
        "in the countryside) and needs only the centroids; polygons, when supplied, allow queen "
        "contiguity instead (--weights queen).",
        "<b>Getis-Ord G*.</b> Binary weights with each LSOA its own neighbour; z-score from the "
        "analytical moments; pseudo p-value from conditional permutation (the LSOA's own count "
        "held fixed, its neighbours drawn at random from the other LSOAs), reproducing "
        "esda.G_Local(star=True) exactly; q-values by the Benjamini-Hochberg procedure on the "
        "two-sided p-values. " + html.escape(GI_CITATION),
        "<b>Reading the permutation test.</b> Because the LSOA's own count is held fixed, a single "
        "very busy LSOA among ordinary neighbours has a large z but need not be significant; the "
        "test finds clusters. With 1,065 LSOAs the strongest needs p below about 0.00005 to pass "
        "the FDR correction, hence 9,999 permutations by default.",
        "<b>Concentration.</b> Share of crimes in the busiest 5% of LSOAs, against the share the "
        "same number of crimes would give if spread at random in proportion to population. "
        + html.escape(CONCENTRATION_CITATION),
    ]
    if is_public(result.params.settings):
        items.append(
            "<b>Disclosure control.</b> "
            + html.escape(" ".join(disclosure_rule(result.params.settings)["method"]))
            + " An LSOA whose count is not shown has no z-score, q-value or class either; the "
            "LSOAs of a district are protected together (district totals are published). G* "
            "z-scores are rounded to one decimal, permutation p-values are not shown, and the "
            "concentration curve is shown at every 5% of LSOAs."
        )
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def hotspots_html(result: HotspotAnalysis) -> str:
    """The hot-spot report as one self-contained HTML page."""
    public = is_public(result.params.settings)
    table = hotspot_view(result)
    start, end = result.params.period or (None, None)
    maps = []
    for place in ("all", "public", "home"):
        if place in result.by_place:
            maps.append(
                Section(
                    f"Map: {_PLACES[place]}",
                    _map_section(result, table, place) + _hot_table(table, place, public),
                    anchor=f"map-{place}",
                )
            )
    sections = [
        Section("Summary", _summary(result), anchor="summary"),
        *maps,
        Section("Persistent and emerging hot spots", _trends(result, table), anchor="trends"),
        Section("Concentration", _concentration(result), anchor="concentration"),
        Section(
            "Methods, definitions and assumptions",
            _methods(result),
            anchor="methods",
        ),
    ]
    return render_page(
        "Where: hot spots of violence against women and girls",
        sections,
        classification=(
            Classification.public(disclosure_rule(result.params.settings))
            if public
            else Classification.restricted()
        ),
        subtitle=f"Getis-Ord G* over LSOAs · {start} to {end}",
    )


def _listing(table: pl.DataFrame, place: str, klass: str) -> list[dict[str, Any]]:
    prefix = _PREFIX[place]
    part = table.filter(pl.col(prefix + "hotspot_class") == klass).sort(
        prefix + "gi_z", descending=klass == HOT
    )
    cols = {
        "lsoa_code": pl.col("lsoa_code"),
        "district": pl.col("district"),
        "crimes": pl.col(prefix + "crimes"),
        "gi_z": pl.col(prefix + "gi_z"),
        "q_value": pl.col(prefix + "q_value"),
    }
    if prefix + "p_sim" in table.columns:
        cols["p_sim"] = pl.col(prefix + "p_sim")
    return list(to_jsonable(part.select(**cols)))


def hotspots_json(result: HotspotAnalysis) -> dict[str, Any]:
    """JSON-safe dict: ``hotspots`` (all places) as LSOA codes with gi_z, p_sim, q_value."""
    public = is_public(result.params.settings)
    table = hotspot_view(result)
    out: dict[str, Any] = {
        "period": to_jsonable(result.params.period),
        "classification": "PUBLIC" if public else "OFFICIAL-SENSITIVE",
        "weights": {"kind": result.weights_kind, "description": result.weights},
        "settings": to_jsonable(result.params.settings),
        "seed": result.params.seed,
        "hotspots": _listing(table, "all", CLASSES[0]) if "all" in result.by_place else [],
        "coldspots": _listing(table, "all", CLASSES[4]) if "all" in result.by_place else [],
        "by_place": {
            place: {
                "hotspots": _listing(table, place, CLASSES[0]),
                "coldspots": _listing(table, place, CLASSES[4]),
                "hot_before_fdr": r.hot_unadjusted,
                "cold_before_fdr": r.cold_unadjusted,
                "permutations": r.permutations,
                "fdr_level": r.fdr_level,
            }
            for place, r in result.by_place.items()
        },
        "trends": None,
        "concentration": {place: to_jsonable(c) for place, c in result.concentration.items()},
        "concentration_by_year": to_jsonable(result.concentration_by_year),
        "feed_check": {
            "flagged_months": to_jsonable(list(result.flagged_months)),
            "excluded_months": to_jsonable(list(result.excluded_months)),
        },
        "lsoas": to_jsonable(table),
        "notes": list(result.notes),
    }
    for c in out["concentration"].values():
        c.pop("table", None)
        c.pop("params", None)
    if result.trends is not None:
        t = result.trends.table
        out["trends"] = {
            "years": list(result.trends.years),
            "patterns": result.trends.patterns,
            "patterns_before_fdr": result.trends.patterns_unadjusted,
            **{
                p: t.filter(pl.col("pattern") == p)["lsoa_code"].to_list()
                for p in ("persistent", "emerging", "diminishing")
            },
            "before_fdr": {
                p: t.filter(pl.col("pattern_unadjusted") == p)["lsoa_code"].to_list()
                for p in ("persistent", "emerging", "diminishing")
            },
        }
    return out


def hotspots_csv_rows(result: HotspotAnalysis) -> tuple[list[str], list[list[Any]]]:
    """One row per LSOA, every column of the table (the public Result's when public)."""
    table = hotspot_view(result)
    return list(table.columns), [list(r) for r in table.iter_rows()]
