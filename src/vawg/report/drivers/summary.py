"""The drivers report's summary section: the headline effects with their intervals."""

from __future__ import annotations

import html
import math

from vawg.models.drivers import EFFECT_KEYS, DriversResult
from vawg.report.drivers._format import LABELS, _ci, _kpi, _rr, effect_words


def _summary(result: DriversResult) -> str:
    e = result.effects
    cards = [_kpi(_rr(e[k]), LABELS[k], _ci(e[k])) for k in EFFECT_KEYS]
    # Only what the main points above do not say, each with its interval: the area effects
    # for crimes in public places (the main points give all in-scope crimes) and the victim's
    # birthday.
    lines = []
    if result.area is not None:
        public = result.area.fits.get("public")
        for key, words in (
            ("town_centre", "town-centre areas against other areas"),
            ("pubs", "each extra pub or bar in an area"),
            ("imd_decile_step", "each step of one deprivation decile towards less deprived"),
        ):
            if public is not None and key in public.rate_ratios:
                rr = public.rate_ratios[key]
                if math.isfinite(rr.estimate):
                    lines.append(
                        f"Crimes in public places only, {words}: "
                        f"{effect_words(rr.estimate, rr.ci_low, rr.ci_high)}."
                    )
    victim = e.get("victim_birthday")
    if victim is not None and math.isfinite(victim.estimate):
        lines.append(
            f"The victim's birthday, against the same person's other days: "
            f"{effect_words(victim.estimate, victim.ci_low, victim.ci_high)}."
        )
    body = f'<div class="kpis">{"".join(cards)}</div>'
    if lines:
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
            else "They are still in the models; they can be left out on request."
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
