"""The hot-spot report's methods: plain English first, the diagnostics after."""

from __future__ import annotations

import html

import polars as pl

from vawg.report.fmt import span
from vawg.report.hotspots._format import RATE_WORDS, neighbours_words
from vawg.report.page import disclosure_rule, is_public, table_html
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.concentration import CONCENTRATION_CITATION
from vawg.spatial.hotspots import GI_CITATION
from vawg.spatial.placement import PLACEMENT_METHOD

FEW_CRIMES = (
    "<b>Few crimes per LSOA.</b> With fewer than about 20 crimes per LSOA (homes or public "
    "places in a small force, single years) the test finds false hot spots a little too "
    "often: in simulation with nothing planted, 6% of datasets with 20 crimes per LSOA, 12% "
    "with 5 and 17% with 2 showed a false hot spot, against 5% intended."
)
"""How few crimes per LSOA weaken the test, with the measured false-alarm rates (HTML): the
body's note says only that it applies."""


def methods_section(result: HotspotAnalysis) -> str:
    """How the hot spots were found, why this test, and its checks."""
    when = span(result.params.period)
    rate = result.measure == "rate"
    items = [
        f"<b>Data.</b> In-scope VAWG crimes recorded in {when}, each placed in an "
        f"LSOA ({html.escape(PLACEMENT_METHOD)}); residents are the ONS estimate for each LSOA. "
        f"<b>Rates</b> are in-scope crimes {RATE_WORDS}, the one rate of every report, with "
        "exact 95% Poisson intervals. There is no official count of women and girls for each "
        "LSOA, so each LSOA's is estimated as its share of its district's residents times the "
        "district's ONS mid-2019 female population (the profile's denominator): the LSOA rates "
        "add up to the profile's district rates, and an LSOA whose residents are unusually "
        "male or female gets a slightly wrong rate. The neighbourhood rate is the crimes of the "
        "LSOA and its neighbours over their women and girls.",
        "<b>What is tested.</b> "
        + (
            "Each LSOA's in-scope crimes per 1,000 residents (rates, not counts, so a cluster of "
            "populous LSOAs is not mistaken for a cluster of risk; per resident rather than per "
            "woman and girl because the test needs a count for each LSOA, not an estimate, and "
            "the two differ by little within a district)."
            if rate
            else "Each LSOA's count of in-scope crimes (counts, as this run was set to; rates "
            "allow for the number of residents)."
        ),
        f"<b>Neighbours.</b> An LSOA's neighbourhood is itself and "
        f"{html.escape(neighbours_words(result))} ({html.escape(result.weights)}). A fixed "
        "number of nearest neighbours gives every LSOA the same number whatever its size "
        "(LSOAs are small in towns and large in the countryside); the LSOAs sharing a border "
        "are the alternative.",
        "<b>Getis-Ord G*.</b> For each LSOA, the sum of its own value and its neighbours' as a "
        "share of the total, turned into a z-score with its exact mean and variance when values "
        "are shuffled between LSOAs. The numbers are checked against the reference "
        "implementation cited below.",
        "<b>The decision, and why.</b> "
        + (
            "Each z-score gives a two-sided p-value from the normal distribution; the "
            "Benjamini-Hochberg procedure then keeps the expected share of false alarms among "
            f"the hot spots declared to {result.by_place['all'].fdr_level:.0%}"
            if "all" in result.by_place and result.decision == "normal"
            else "Benjamini-Hochberg false discovery rate control on the chosen p-values"
        )
        + ". Permutation p-values cannot be the decision with this many LSOAs: the smallest a "
        "permutation test can give is 1 / (permutations + 1), while the strongest of "
        f"{result.table.height:,} LSOAs needs about 0.05 / {result.table.height:,} to pass, so "
        "no hot spot could ever be declared (9,999 permutations gave none even with strongly "
        "planted town-centre effects). Checked by simulation on synthetic Kent: with nothing "
        "planted, far fewer than 5% of LSOAs are declared; planted town-centre neighbourhoods "
        "whose true rate is twice the force's or more are found.",
        "<b>The check beside it.</b> Conditional permutation p-values (the LSOA's own value "
        "held fixed, its neighbours drawn at random from the other LSOAs; seeded) are shown "
        "beside each hot spot. They ask a narrower question (are the neighbours high?), so a "
        "single very busy LSOA among ordinary neighbours can be a confirmed hot spot without a "
        "small permutation p.",
        "<b>Exploratory clusters.</b> LSOAs with p below 0.05 before the correction. About 5% "
        "of all LSOAs would reach that by chance alone: leads, not findings.",
        FEW_CRIMES + " The notes say when this applies; then weigh the permutation check.",
        "<b>Concentration.</b> Share of crimes in the busiest 5% of LSOAs, against the share the "
        "same number of crimes would give if spread at random in proportion to population.",
        "<b>Sources.</b> " + html.escape(GI_CITATION) + " " + html.escape(CONCENTRATION_CITATION),
    ]
    if is_public(result.params.settings):
        items.append(
            "<b>Disclosure control.</b> "
            + html.escape(" ".join(disclosure_rule(result.params.settings)["method"]))
            + " An LSOA whose count is not shown has no rate, z-score, q-value or class either "
            "(drawn hatched, 'not shown', on the maps); the LSOAs of a district are protected "
            "together (district totals are published). G* z-scores are rounded to one decimal, "
            "q-values (p-values adjusted for testing every LSOA) to two significant figures, "
            "and the unadjusted p-values are not shown; the placement counts are rounded, and the concentration "
            "curve is shown at every 5% of LSOAs."
        )
    body = "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"
    rows = [
        {
            "place": place,
            "LSOAs": r.table.height,
            "LSOAs: confirmed hot spots": r.hot_spots,
            "LSOAs: also p < 0.05 by permutation": r.confirmed_by_permutation,
            "LSOAs: exploratory hot": r.hot_unadjusted - r.hot_spots,
            "LSOAs: confirmed cold spots": r.cold_spots,
            "permutations": r.permutations,
            "seed": r.params.seed,
        }
        for place, r in result.by_place.items()
    ]
    if rows:
        body += "<h3>Diagnostics</h3>" + table_html(
            pl.DataFrame(rows), caption="Decision against the permutation check, by place"
        )
    return body
