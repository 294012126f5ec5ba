"""The drivers report's area section: deprivation, pubs and town centres (the area count
model)."""

from __future__ import annotations

import html

import polars as pl

from vawg.models.drivers import DriversResult
from vawg.report import fmt
from vawg.report.drivers._format import LABELS, SHORT_LABELS, _forest, effect_words
from vawg.report.maps import MapFigure, choropleth, map_html
from vawg.report.page import details_html, figure_html, is_public, table_html

# Crimes against the area model's expectation, in words; a diverging colour-blind-safe scale
# (ColorBrewer RdBu), blue for fewer than expected, red for more.
EXCESS_BANDS = (
    (0.0, 0.67, "under two thirds of expected"),
    (0.67, 0.9, "a little under expected"),
    (0.9, 1.1, "about as expected"),
    (1.1, 1.5, "a little over expected"),
    (1.5, float("inf"), "over 1.5 times expected"),
)
EXCESS_COLOURS = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")
NOT_SHOWN = "not shown (small count)"


def excess_figure(result: DriversResult) -> MapFigure | None:
    """Each LSOA's crimes against what deprivation, pubs, town-centre status and population
    predict, on the LSOA map (None without boundaries or an area model)."""
    area = result.area
    if area is None or result.boundaries is None or not area.lsoas.height:
        return None
    ratio = pl.col("excess_ratio")
    band = pl.lit(None, pl.String)
    for low, high, words in reversed(EXCESS_BANDS):
        band = pl.when((ratio >= low) & (ratio < high)).then(pl.lit(words)).otherwise(band)
    public = is_public(result.params.settings)
    values = area.lsoas.select(
        "lsoa_code",
        "district",
        band.alias("band"),
        (pl.col("crimes").is_null() & pl.lit(public)).alias("hidden"),
    )
    return choropleth(
        values,
        result.boundaries,
        value="band",
        legend_title="crimes against the model's expectation",
        title="Crimes against what the area model expects, by LSOA",
        categories=[words for _, _, words in EXCESS_BANDS],
        colours=list(EXCESS_COLOURS),
        withheld="hidden",
        withheld_label=NOT_SHOWN,
        legend=False,
    )


def _excess_map(result: DriversResult) -> str:
    figure = excess_figure(result)
    if figure is None or result.area is None or result.boundaries is None:
        return ""
    names = result.boundaries.frame().select("lsoa_code", "lsoa_name")
    data = (
        result.area.lsoas.filter(pl.col("excess_ratio").is_not_null())
        .join(names, on="lsoa_code", how="left")
        .sort("excess_ratio", descending=True)
        .select(
            pl.col("lsoa_name").fill_null(pl.col("lsoa_code")),
            "district",
            "crimes",
            pl.col("excess_ratio")
            .map_elements(fmt.change, return_dtype=pl.String)
            .alias("against expected"),
        )
    )
    return (
        "<h3>Where crime is higher or lower than the model expects</h3>"
        "<p>Each LSOA's in-scope crimes divided by the number the model expects from its "
        "deprivation, pubs, town-centre status and population. Red areas have more crime than "
        "those explain, blue areas less: places to look at for what the model leaves out "
        "(a venue, a transport hub, a recording practice). A figure from a few crimes is "
        "uncertain.</p>"
        + map_html(
            figure,
            data,
            caption="LSOAs by crimes against the model's expectation, highest first",
            labels={"against expected": "crimes against expected", "lsoa_name": "LSOA"},
            attribution=result.boundaries.attribution,
        )
    )


def _area(result: DriversResult) -> str:
    area = result.area
    if area is None:
        return "<p>The area model could not be fitted (see the summary).</p>"
    rows = []
    names = {"home": "at home", "public": "public places", "all": "all places"}
    for outcome, fit in area.fits.items():
        for term, e in fit.rate_ratios.items():
            rows.append((names.get(outcome, outcome), SHORT_LABELS.get(term, term), e))
    body = (
        f"<p>In-scope crimes in each of {area.areas:,} LSOAs, modelled together with the LSOA's "
        "residents, so each effect compares crimes per resident between areas that differ in "
        "that one respect and are alike in the others. Crimes are counted by the date they "
        "were recorded (the temperature model below counts by the date committed).</p>"
    )
    plain = [
        {
            "crimes": names.get(outcome, outcome),
            "area": LABELS.get(term, term),
            "change (95% CI)": effect_words(e.estimate, e.ci_low, e.ci_high),
        }
        for outcome, fit in area.fits.items()
        for term, e in fit.rate_ratios.items()
    ]
    body += figure_html(
        _forest(rows, "Area effects by place: % more or fewer crimes (0 = no difference)"),
        height=420,
        data=pl.DataFrame(plain) if plain else None,
    )
    if area.pubs_level == "district":
        body += (
            '<div class="warning"><b>Pubs are known only by district.</b> The pubs term is district '
            "pubs per 10,000 residents, shared by every LSOA of a district, so its estimate rests "
            "on the districts alone (standard errors clustered by district, t intervals with "
            "districts − 1 degrees of freedom). It is confounded with everything else that "
            "differs between districts: urban character, night-time economy, policing and "
            "recording practice. It can show whether districts with more pubs per head record "
            "more VAWG per head; it cannot show that pubs in a place raise crime there, nor "
            "which streets. LSOA pub counts (licensing registers) would be needed for that.</div>"
        )
    if plain:
        body += table_html(pl.DataFrame(plain), caption="Area effects, by place")
    labels = {"rate_ratio": "rate ratio", "ci_low": "95% CI low", "ci_high": "95% CI high"}
    fold = table_html(
        area.table.with_columns(pl.col("term").replace_strict(dict(LABELS), default=pl.col("term")))
        if "term" in area.table.columns
        else area.table,
        caption="Rate ratios: negative binomial and Poisson fits",
        labels=labels,
    )
    fold += table_html(
        area.fit_table,
        caption="Model fit, by place",
        labels={
            "lsoas": "LSOAs",
            "method_used": "model used",
            "alpha": "NB2 alpha",
            "alpha_ci_low": "alpha 95% CI low",
            "alpha_ci_high": "alpha 95% CI high",
            "aic_nb": "AIC, NB2",
            "aic_poisson": "AIC, Poisson",
            "pearson_chi2_df_poisson": "Pearson chi-square / df, Poisson",
            "cameron_trivedi_p": "overdispersion test p (Cameron-Trivedi)",
            "lr_alpha_p": "likelihood-ratio test of alpha, p",
            "morans_i": "Moran's I of residuals",
            "morans_i_p": "Moran's I p",
            "standard_errors": "standard errors",
        },
    )
    fold += (
        '<p class="note">AIC: lower is the better fit. A p-value shown as 0 is below the '
        "smallest number the computer holds (under 1e-300).</p>"
    )
    body += details_html("Model details", fold)
    body += _excess_map(result)
    units = "; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in area.units.items())
    body += f'<p class="note">Units: {html.escape(units)}.</p>'
    for note in area.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    strong = [m for m in area.moran.values() if m.p_value < 0.05 and m.morans_i > 0]
    if strong:
        body += (
            '<div class="warning">Residuals are spatially autocorrelated for '
            + ", ".join(m.outcome for m in strong)
            + ": neighbouring LSOAs share something the model leaves out, so its intervals are "
            "somewhat too narrow.</div>"
        )
    return body
