"""The hot-spot report's main points: the named places first, confirmed apart from exploratory.

The analysis chooses what they say (:mod:`vawg.spatial.mainpoints`); this words it."""

from __future__ import annotations

import html

import polars as pl

from vawg.report.hotspots._format import (
    PLACES,
    PREFIX,
    RATE_WORDS,
    kpi,
    neighbours_words,
    old_district_names,
    place_name,
    rate_interval,
    towns_phrase,
)
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import HOT_UNADJUSTED
from vawg.spatial.mainpoints import NamedLsoa, hotspot_main_points


def _rate_ci(lsoa: NamedLsoa) -> str:
    """'31.0 (95% CI 26.4 to 36.2)', or the rate alone when it has no interval."""
    if lsoa.rate is None:
        return ""
    return rate_interval(lsoa.rate, lsoa.rate_ci_low, lsoa.rate_ci_high)


def main_points(result: HotspotAnalysis, *, site: bool = False) -> list[str]:
    """The hot-spot main points as HTML sentences (names escaped, the lead in ``<b>``): the
    confirmed hot spots named with their rates, the exploratory clusters in words, the second
    check, and how crimes were placed. The places, their order and their figures are the
    analysis' (:func:`~vawg.spatial.mainpoints.hotspot_main_points`, from the public Result
    when ``result`` is public); this only words them. ``site``: the open site's wording (no
    second check)."""
    facts = hotspot_main_points(result)
    points: list[str] = []
    for p in facts.places:
        where = PLACES[p.place]
        low, high = p.force_rate_ci
        benchmark = (
            ""
            if p.force_rate is None
            else "; force-wide, " + rate_interval(p.force_rate, low, high)
        )
        spots = f"{p.confirmed} confirmed hot spot{'s' if p.confirmed != 1 else ''}"
        if p.shown:
            named = "; ".join(
                html.escape(place_name(x)) + ("" if x.rate is None else f": {_rate_ci(x)}")
                for x in p.highest
            )
            hidden = (
                f" ({p.unshown} of them in LSOAs whose figures are not shown: too few crimes "
                "there to publish)"
                if p.unshown
                else ""
            )
            points.append(
                f"<b>{spots} at {where}</b>, in "
                f"{html.escape(towns_phrase(p.towns, p.other_towns))}{hidden}. The highest "
                f"rates among them, in-scope crimes {RATE_WORDS}: {named}"
                f"{html.escape(benchmark)}."
            )
        elif p.confirmed:
            points.append(
                f"<b>{spots} at {where}</b>, all in LSOAs whose figures are not shown (too few "
                "crimes there to publish)."
            )
        else:
            points.append(
                f"<b>No confirmed hot spot at {where}</b>: no neighbourhood's rate is "
                "high enough to stand out once every LSOA is tested together."
            )
        if p.exploratory:
            many = p.exploratory != 1
            points.append(
                f"{p.exploratory} further LSOA{'s are' if many else ' is'} "
                f"{'' if many else 'a '}possible hot spot{'s' if many else ''} at "
                f"{where} (exploratory cluster{'s' if many else ''}): unusually high, "
                f"but with {facts.lsoas:,} LSOAs tested, up to about {facts.chance} could look "
                "this high by chance alone. Leads to check, not findings."
            )
        if p.confirmed_by_permutation is not None and not site:
            points.append(
                f"Check: {p.confirmed_by_permutation} of the {p.confirmed} confirmed hot spots "
                "also pass a second test, which asks only whether the LSOAs around them are high "
                "(see the methods)."
            )
    renamed = old_district_names(facts.renamed)
    if renamed:
        points.append(html.escape(renamed))
    points.append(html.escape(result.placement.sentence()))
    return points


def summary_section(result: HotspotAnalysis, table: pl.DataFrame, *, site: bool = False) -> str:
    """Main points, key figures, what a hot spot is, and every note. ``site``: for the open
    site's page, which shows the rates and the hot spots of all and public places only (no
    persistence over the years, no second check, no homes)."""
    points = main_points(result, site=site)
    body = '<div class="callout"><ul>' + "".join(f"<li>{p}</li>" for p in points) + "</ul></div>"
    cards = []
    for place in ("all", "public"):
        r = result.by_place.get(place)
        if r is not None:
            klass = PREFIX[place] + "hotspot_class"
            exploratory = r.hot_unadjusted - r.hot_spots
            drawn = table.filter(pl.col(klass) == HOT_UNADJUSTED).height
            unseen = (
                f" ({exploratory - drawn} of them in LSOAs whose figures are not shown)"
                if exploratory > drawn
                else ""
            )
            cards.append(
                kpi(
                    f"{r.hot_spots} LSOAs",
                    f"confirmed hot spots, {PLACES[place]} (of {table.height:,} LSOAs)",
                    f"plus {exploratory} exploratory clusters{unseen}",
                )
            )
    conc = result.concentration.get("all")
    if conc is not None:
        cards.append(
            kpi(
                f"{conc.top_share:.0%}",
                f"of in-scope crimes in the busiest {conc.top_fraction:.0%} of LSOAs "
                f"({conc.top_lsoas})",
                f"by chance alone: {conc.chance_share:.1%} (95% range {conc.chance_low:.1%} "
                f"to {conc.chance_high:.1%})",
            )
        )
    if result.trends is not None and not site:
        p = result.trends.patterns
        n = len(result.trends.years)
        cards.append(
            kpi(
                f"{result.trends.hot_all_but_one} LSOAs",
                f"a confirmed hot spot in {n - 1} or more of the {n} years",
                f"in all {n} years: {p['persistent']}; newly hot in the latest year: "
                f"{p['emerging']}",
            )
        )
    body += f'<div class="kpis">{"".join(cards)}</div>'
    body += (
        "<p>A <b>confirmed hot spot</b> is an LSOA whose neighbourhood (itself and "
        f"{html.escape(neighbours_words(result))}) has a markedly higher rate of in-scope crime "
        "than the force as a whole, after allowing for testing every LSOA at once "
        "(on average no more than 1 in 20 of the hot spots declared this way is a false alarm). An "
        "<b>exploratory cluster</b> passes the test only before that allowance: worth a look, "
        "not a finding.</p>"
    )
    if result.flagged_months:
        months = ", ".join(m.strftime("%B %Y") for m in result.flagged_months)
        action = (
            "They are left out."
            if result.excluded_months
            else "They are included; they can be left out on request."
        )
        body += f'<div class="warning">The feed check flagged {html.escape(months)}. {action}</div>'
    placement = set(result.placement.notes())
    for note in result.notes:
        if site and "at homes" in note:  # the site has no map of homes
            continue
        if site:  # nor the second check, and its methods are under the maps
            note = note.replace(
                "; give most weight to hot spots the second check also confirms", ""
            ).replace("(see the methods)", "(see About these maps)")
        if not note.startswith("The feed check") and note not in placement:
            body += f'<p class="note">{html.escape(note)}</p>'
    return body
