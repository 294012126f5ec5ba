"""The drivers report's methods section."""

from __future__ import annotations

import html

from vawg.inputs.anomaly import ANOMALY_CITATION
from vawg.models.area import MORAN_CITATION
from vawg.models.birthday import BIRTHDAY_CITATION
from vawg.models.daily import DAILY_CITATION
from vawg.models.drivers import DriversResult
from vawg.models.glm import NB_CITATION
from vawg.report.fmt import span
from vawg.report.page import disclosure_rule, is_public


def _methods(result: DriversResult) -> str:
    when = span(result.params.period)
    items = [
        f"<b>Scope and period.</b> In-scope VAWG crimes recorded in {when}. "
        "The daily and birthday models count crimes by the date they were committed, for every "
        "crime of the scope whenever it was recorded.",
        f"<b>Area model.</b> Negative binomial (NB2) GLM, log link, offset log(population): "
        f"{html.escape(NB_CITATION)} Residual spatial autocorrelation: {html.escape(MORAN_CITATION)}",
        f"<b>Daily model.</b> NB2 GLM of daily counts on temperature, day of week, month, England & "
        "Wales bank holidays, England's national lockdowns and a linear trend; natural cubic "
        "spline (4 df) for the shape. The count-model references are those of the area model; "
        f"besides: {html.escape(DAILY_CITATION.removeprefix(NB_CITATION).strip())}",
        "<b>When a model cannot be fitted as planned.</b> Every count model steps down a fixed "
        "ladder and names the step it used: the negative binomial; else, when the counts vary no "
        "more than a Poisson allows (the dispersion is not distinguishable from zero, common for "
        "daily counts), the Poisson with quasi-likelihood standard errors (widened by the "
        "Pearson dispersion); else, when the negative binomial cannot be fitted, the Poisson with "
        "robust (sandwich) standard errors. Each daily series is fitted on its own, so one "
        "failing series never removes another or the headline (all in-scope crimes). The "
        "birthday model falls back to observed/expected with an exact Poisson interval.",
        "<b>Birthday model.</b> Self-controlled conditional Poisson (case-crossover family): each "
        "person's crimes on their birthday and the window either side against their own other "
        "days, weighted by the calendar's expected volume; robust standard errors by person. "
        + html.escape(BIRTHDAY_CITATION),
        f"<b>Feed anomaly check.</b> Sequential leave-one-out median test on log monthly counts. {html.escape(ANOMALY_CITATION)}",
        "<b>Assumptions.</b> The area model's population is each LSOA's "
        f"{html.escape(result.population_source)}. That is not the profile's and the hot "
        "spots' base: their rates per 1,000 women and girls use ONS mid-2019 female "
        "populations, which the shipped reference has only by district (the hot spots share "
        "each district's among its LSOAs in proportion to these LSOA populations); there is no "
        "later or female figure for each LSOA, so the area model counts all residents. The age "
        "table uses the mid-2019 district figures; "
        "male age-band populations are assumed (female × a fixed ratio); recorded crime "
        "measures what is reported and recorded, so every effect is an effect on recorded VAWG.",
        "<b>Rates and bases.</b> The area effects compare crimes per resident between areas: "
        "they are ratios, so they need no rate per 1,000, and counting women and girls instead "
        "of all residents would change them only where an LSOA's female share differs from "
        "its neighbours'. The product's rate (in the profile and the hot spots) is crimes per "
        "1,000 women and girls a year. The age table is different: it counts people, each "
        "once, over the whole period, per 1,000 of the same sex and age.",
    ]
    if is_public(result.params.settings):
        rule = disclosure_rule(result.params.settings)
        items.append(
            "<b>Disclosure control.</b> "
            + html.escape(" ".join(rule["method"]))
            + " The birthday rate ratios of this public version are the rounded count over the "
            "expected count, with exact Poisson intervals (Garwood 1936); the model's own "
            "estimates are in the restricted report."
        )
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"
