"""The audit report's closing section: methods, definitions and assumptions."""

from __future__ import annotations

import html

from vawg.outcomes.audit import AuditResult
from vawg.outcomes.survival import MEDIAN_REPLICATES
from vawg.report.audit._format import (
    exclusions_html,
    followed,
    framework_html,
    half_months,
    placement_sentence,
)
from vawg.report.page import Section, disclosure_rule


def _methods(result: AuditResult) -> Section:
    parts = [
        "<h3>Count bases</h3><ul>"
        f"<li><b>Crimes recorded</b>: crimes recorded in the half and the outcome each had reached "
        f"{followed(result.follow_up_days)} (for {half_months(result.half.label)} that is the "
        f"data date, {result.as_of:%d %B %Y}; the comparison halves are read the same number of days "
        "after their own end). Open cases stay in the denominator as open.</li>"
        "<li><b>Outcomes assigned</b>: outcomes dated in the half, whenever the crime was recorded; "
        "all closed, so no open share.</li></ul>",
        "<h3>Statistics</h3><ul>"
        "<li>Rates: Wilson score intervals (Wilson 1927; Brown, Cai &amp; DasGupta 2001).</li>"
        "<li>Changes in rates: Newcombe's hybrid score interval for the difference (Newcombe 1998, "
        "method 10); two-sided pooled two-proportion z-test, Fisher's exact test when an expected "
        "count is below 5.</li>"
        "<li>Time to outcome: Kaplan–Meier (1958) with the same equal follow-up as the counts: "
        "each half's crimes are followed up to "
        f"{followed(result.follow_up_days).removeprefix('at ')}, an outcome reached later "
        "counts as open, and open cases are censored then; "
        "Greenwood's variance; median = first day the share still open falls below one half; its 95% CI by Brookmeyer &amp; Crowley (1982) on the log-log scale "
        "(Klein &amp; Moeschberger 2003 §4.5); curves compared with the log-rank test (Mantel 1966); "
        "the change in the median has a percentile bootstrap interval, the crimes of each half "
        f"resampled {MEDIAN_REPLICATES} times from a fixed seed, so a rerun gives the same interval "
        "(Efron 1981; "
        "Efron &amp; Tibshirani 1993, ch. 13).</li>"
        "<li>Agency medians: distribution-free interval from binomial order statistics (Conover 1999).</li>"
        f"<li>Many comparisons: Benjamini &amp; Hochberg (1995) false discovery rate of "
        f"{100 * result.fdr:.0f}% across every comparison in the audit (q-values shown).</li></ul>",
        "<h3>Definitions and assumptions</h3><ul>"
        "<li>Scope: crimes with a female victim and a male suspect or offender aged 18 or over "
        "that are flagged domestic abuse or fall in a VAWG offence group, recorded up to the "
        "data date.</li>"
        f"<li>District: {placement_sentence(result.placement)}</li>"
        "<li>Relationship: the closest recorded relationship of any victim (partner, "
        "ex-partner, family, acquaintance, stranger, unknown).</li>"
        "<li>Charge/summons rate: Home Office outcome type 1; victim does not support action: "
        "types 14 and 16; still under investigation: no outcome yet.</li>"
        "<li>Suspect identified (attrition): outcome types whose definition names a suspect; 14 and "
        "18 do not; 19 and 20 cannot be told and are not counted.</li>"
        "<li>Victims' satisfaction: answers 5–7 on the 1–7 scale, counted by survey date, linked to "
        "in-scope crimes by crime reference; unweighted.</li>"
        "<li>An outcome dated before the crime was recorded is set aside as an error when the "
        "data are loaded, and not counted.</li></ul>",
        "<h3>Outcome framework</h3>" + framework_html(public=result.public),
        "<h3>Scope exclusions</h3>"
        + exclusions_html(
            result.exclusions,
            "Crimes remaining counts every in-scope crime recorded up to the data date; the "
            "tables above count only the crimes of the halves they compare.",
        ),
    ]
    if result.public:
        parts.insert(
            0,
            f"<div class='callout'><b>Disclosure control.</b> "
            f"{html.escape(' '.join(disclosure_rule(result.params.settings)['method']))}</div>",
        )
    return Section("Methods, definitions and assumptions", "".join(parts), anchor="methods")
