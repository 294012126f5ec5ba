"""The profile report's summary section: key figures with their intervals and the
plain-English findings a PCC can read in two minutes.
"""

from __future__ import annotations

from typing import Any

from vawg.profile.harm_weights import describe_plainly
from vawg.profile.profile import ProfileResult
from vawg.report.fmt import period
from vawg.report.page import Section, disclosure_rule
from vawg.report.profile._format import _ci, _esc, _kpi, _missing, _n, _pct, _ratio, _ul
from vawg.results import excludes
from vawg.wording import with_estimate

# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------


def _sensitivity_line(h: Any) -> str:
    """The same headline under the subgroup means and under equal weights."""
    sens = h.sensitivity
    if sens is None or not sens.height:
        return ""
    parts = []
    for label, say in (
        ("CCHI 2026 subgroup means", "with each kind of offence's average score instead"),
        ("equal weights (every crime 1)", "counting every crime equally"),
    ):
        row = sens.filter((sens["weighting"] == label) & (sens["top_pct"] == 10))
        if row.height and not _missing(row["harm_share"][0]):
            parts.append(f"{_pct(row['harm_share'][0])} {say}")
    return (" It is " + ", and ".join(parts) + ".") if parts else ""


def _findings(r: ProfileResult) -> list[str]:
    p, pe, h, v = r.place, r.people, r.harm, r.volume
    out = []
    start, end = r.period
    if r.crimes_in_scope is not None:
        out.append(
            f"<b>{_n(r.crimes_in_scope)}</b> VAWG crimes were recorded in "
            f"{period(start, end)}, involving <b>{_n(r.distinct_offenders)}</b> "
            f"male perpetrators aged 18+ and <b>{_n(r.distinct_victims)}</b> women and girls."
        )
    ratio = p.home_public_ratio
    if not _missing(ratio.estimate):
        out.append(
            f"For every crime in a public place there were <b>{_ratio(ratio.estimate)}</b> at "
            f"home ({_ci(ratio, _ratio)}); {_n(p.unknown_location_crimes)} crimes with "
            "no recorded location are left out of this comparison."
        )
    top = h.harm_share_top_10pct
    if not _missing(top.estimate):
        out.append(
            f"Harm is concentrated: the most harmful 10% of perpetrators account for "
            f"<b>{_pct(top.estimate)}</b> of all recorded harm ({_ci(top, _pct)}), weighting "
            f"each crime by harm ({_esc(describe_plainly(h.weights_table))})."
            + _sensitivity_line(h)
        )
    if not _missing(pe.repeat_victim_share.estimate):
        out.append(
            f"<b>{_pct(pe.repeat_victim_share.estimate)}</b> of victims "
            f"({_n(pe.repeat_victims)}) and <b>{_pct(pe.repeat_offender_share.estimate)}</b> "
            f"of perpetrators ({_n(pe.repeat_offenders)}) appear in two or more crimes in the "
            "period."
        )
    trend = v.trend.rate_ratio_per_year
    if not _missing(trend.estimate):
        change = (trend.estimate - 1) * 100
        direction = "rose" if change > 0 else "fell"
        interval = _ci(trend, lambda x: f"{(x - 1) * 100:+.1f}%")
        # Never stronger than the interval: when it includes no change, that comes first.
        out.append(
            (
                f"Recorded crimes {direction} by about <b>{abs(change):.1f}% a year</b> "
                f"({interval}; a change unlikely to be chance)."
                if excludes(trend, 1.0) is not False
                else f"<b>No clear change</b> in recorded crimes a year "
                f"({with_estimate(f'{change:+.1f}% a year', interval)})."
            )
            + " Recorded crime reflects reporting and recording as well as offending."
        )
    return out


def _summary(r: ProfileResult) -> Section:
    p, pe, h, v = r.place, r.people, r.harm, r.volume
    ratio, top, trend = p.home_public_ratio, h.harm_share_top_10pct, v.trend.rate_ratio_per_year
    kpis = "".join(
        [
            _kpi(_n(r.crimes_in_scope), "VAWG crimes in scope"),
            _kpi(_n(r.distinct_offenders), "male perpetrators aged 18+"),
            _kpi(_n(r.distinct_victims), "women and girls harmed"),
            _kpi(
                "–" if _missing(ratio.estimate) else f"{_ratio(ratio.estimate)} times",
                "as many crimes at home as in public places",
                _ci(ratio, _ratio),
            ),
            _kpi(_pct(top.estimate), "of harm caused by the most harmful 10%", _ci(top, _pct)),
            _kpi(
                _pct(pe.repeat_victim_share.estimate),
                "of victims harmed more than once",
                _ci(pe.repeat_victim_share, _pct),
            ),
            _kpi(
                _pct(pe.repeat_offender_share.estimate),
                "of perpetrators with 2+ crimes",
                _ci(pe.repeat_offender_share, _pct),
            ),
            _kpi(
                "–"
                if _missing(trend.estimate)
                else f"{(trend.estimate - 1) * 100:+.1f}%"
                if excludes(trend, 1.0) is not False
                else "no clear change",
                "change in recorded crimes per year",
                (
                    ""
                    if _missing(trend.estimate) or excludes(trend, 1.0) is not False
                    else f"estimate {(trend.estimate - 1) * 100:+.1f}%, "
                )
                + _ci(trend, lambda x: f"{(x - 1) * 100:+.1f}%"),
            ),
        ]
    )
    start, end = r.period
    findings = _findings(r)
    body = (
        f'<div class="kpis">{kpis}</div>'
        f'<div class="callout"><b>Key findings</b>{_ul(findings)}</div>'
        '<p class="note">These are crimes reported to and recorded by the police from '
        f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y} (by recorded date). Most violence against women "
        "and girls is never reported, so the true numbers are higher. Intervals are 95% "
        "confidence intervals; methods and definitions are at the end of this report.</p>"
    )
    if r.public:
        body += (
            f'<p class="note">Public version: {_esc(disclosure_rule(r.params.settings)["summary"])}'
            " A dash (–) is a figure not shown.</p>"
        )
    return Section("Summary", body, anchor="summary")
