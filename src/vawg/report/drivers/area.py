"""The drivers report's area section: deprivation, pubs and town centres (the area count
model)."""

from __future__ import annotations

import html

from vawg.models.drivers import DriversResult
from vawg.report.drivers._format import LABELS, _forest
from vawg.report.page import figure_html, table_html


def _area(result: DriversResult) -> str:
    area = result.area
    if area is None:
        return "<p>The area model could not be fitted (see the summary).</p>"
    rows = []
    names = {"home": "at home", "public": "public places", "all": "all places"}
    for outcome, fit in area.fits.items():
        for term, e in fit.rate_ratios.items():
            rows.append((names.get(outcome, outcome), LABELS.get(term, term), e))
    body = (
        f"<p>In-scope crimes per LSOA ({area.areas:,} LSOAs, {html.escape(result.area_source)}), "
        "modelled with a negative binomial GLM and the population as exposure, so each rate "
        "ratio compares crimes per resident.</p>"
    )
    body += figure_html(_forest(rows, "Area effects by place (NB2 rate ratios)"), height=420)
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
    labels = {"rate_ratio": "rate ratio", "ci_low": "95% CI low", "ci_high": "95% CI high"}
    body += table_html(
        area.table, caption="Rate ratios: negative binomial and Poisson fits", labels=labels
    )
    body += table_html(
        area.fit_table,
        caption=(
            "Model fit: NB2 dispersion alpha (with CI), AIC of NB2 vs Poisson (lower is better), "
            "Pearson chi-square/df of the Poisson, overdispersion tests, Moran's I of residuals"
        ),
    )
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
