"""The drivers report's summary section: the headline effects with their intervals."""

from __future__ import annotations

import html
import math

from vawg.models.drivers import EFFECT_KEYS, DriversResult
from vawg.report import fmt
from vawg.report.drivers._format import LABELS, _change, _ci, _kpi, _rr


def _summary(result: DriversResult) -> str:
    e = result.effects
    cards = [_kpi(_rr(e[k]), LABELS[k], _ci(e[k])) for k in EFFECT_KEYS]
    lines = []
    if result.area is not None:
        public = result.area.fits.get("public")
        lines.append(
            f"Each IMD decile step towards less deprived: {_change(e['imd_decile_step'])} per "
            "resident (all in-scope crimes)."
        )
        if public is not None and "town_centre" in public.rate_ratios:
            tc = public.rate_ratios["town_centre"]
            lines.append(
                f"In public places, town-centre areas have {fmt.change(tc.estimate, 'crimes')} "
                f"per resident than other areas ({_ci(tc)})."
            )
        if public is not None and "pubs" in public.rate_ratios:
            lines.append(f"Public places, each extra pub: {_change(public.rate_ratios['pubs'])}.")
    if math.isfinite(e["tmax_per_degree"].estimate):
        lines.append(f"Each 1 °C warmer day: {_change(e['tmax_per_degree'])}.")
    for key, who in (("offender_birthday", "offender's"), ("victim_birthday", "victim's")):
        if math.isfinite(e[key].estimate):
            lines.append(
                f"On the {who} birthday: {fmt.change(e[key].estimate, 'crimes')} than on the "
                f"same people's other days ({_ci(e[key])})."
            )
    body = f'<div class="kpis">{"".join(cards)}</div>'
    body += (
        '<div class="callout"><ul>'
        + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        + "</ul></div>"
    )
    if result.anomalies.flagged:
        months = ", ".join(m.strftime("%B %Y") for m in result.anomalies.flagged)
        action = (
            "They are left out of every model."
            if result.excluded_months
            else "They are still in the models; run with --exclude-anomalies to leave them out."
        )
        body += f'<div class="warning">The feed check flagged {html.escape(months)}. {action}</div>'
    for note in result.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    for name, error in result.errors.items():
        body += (
            f'<div class="warning">{html.escape(name)} model not fitted: {html.escape(error)}</div>'
        )
    body += (
        '<p class="note">Each effect is the difference in the rate of recorded crimes '
        "(a rate ratio of 1.10 is written “10% more crimes”), with its 95% confidence "
        "interval. These are associations in recorded crime, not proof of cause.</p>"
    )
    return body
