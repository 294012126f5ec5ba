"""The profile report's closing sections: the scope rules applied and the methods used."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from vawg.profile.profile import ProfileResult
from vawg.report.fmt import period
from vawg.report.page import Section, details_html, disclosure_rule, table_html
from vawg.report.profile._format import LABELS, _esc, _n, _ul, paragraphs_html
from vawg.results import to_jsonable
from vawg.schema.labels import label


def _settings_table(settings: Mapping[str, Any]) -> str:
    """Every setting and its value, one a row ("not set" where the default applies); the
    disclosure rule, a paragraph rather than a setting, is in its own section above."""
    values = to_jsonable(settings)
    rows = (
        sorted((k, v) for k, v in values.items() if not isinstance(v, dict))
        if isinstance(values, dict)
        else []
    )
    shown = [
        "not set" if v is None else v if isinstance(v, str) else json.dumps(v) for _, v in rows
    ]
    frame = pl.DataFrame(
        {"setting": [k for k, _ in rows], "value": shown},
        schema={"setting": pl.String, "value": pl.String},
    )
    return table_html(frame, caption="Settings", max_rows=frame.height)


_RULE_WORDS = {
    "recorded_outside_period": "recorded outside the period",
    "no_victim_of_scope_sex": "no female victim",
    "no_perpetrator_of_scope_sex": "no male suspect or offender",
    "perpetrator_under_age_or_no_date_of_birth": "no suspect or offender of adult age (or no "
    "date of birth)",
    "not_vawg_offence": "not a VAWG offence and not flagged domestic abuse",
}
"""The scope rules in words (their names are the scope's own keys)."""

_WEIGHT_LABELS = {
    "key_type": "weighted by",
    "key": "offence",
    "weight_days": "weight (days)",
}


def _weight_words(frame: pl.DataFrame) -> pl.DataFrame:
    """A harm weight table with its keys in words: offence groups by name, weights to two
    decimals (a weight of 182.25 days is not shown as 182)."""
    out = frame
    if {"key_type", "key"} <= set(out.columns):
        out = out.with_columns(
            pl.when(pl.col("key_type") == "offence_group")
            .then(pl.col("key").replace(LABELS))
            .otherwise(pl.col("key"))
            .alias("key"),
            pl.col("key_type").replace({"offence_group": "offence group", "code": "offence code"}),
        )
    if "weight_days" in out.columns:
        out = out.with_columns(
            pl.col("weight_days").map_elements(
                lambda v: f"{v:,.2f}".rstrip("0").rstrip("."), return_dtype=pl.String
            )
        )
    return out


def _source_words(source: str | None) -> str:
    """Where a weight comes from, without repository paths or commits."""
    if not source:
        return "–"
    text = re.sub(r"\S+/\S+\.csv", "", source)
    text = re.sub(r"@\s*[0-9a-f]{6,40}", "", text)
    text = re.sub(r"\b[\w.-]+/[\w.-]+\b", "", text)
    return " ".join(text.split()) or "published derivation"


def _scope(r: ProfileResult) -> Section:
    ex = r.exclusions
    labels = {"crimes_excluded": "crimes excluded", "crimes_remaining": "crimes remaining"}
    s = r.params.settings
    rules = [
        f"Recorded in {period(*r.period)} (by the date recorded; unless another period is "
        "chosen, the last five complete financial years in the data).",
        f"At least one {label(str(s.get('victim_sex')), 'sex').lower()} victim.",
        f"At least one {label(str(s.get('offender_sex')), 'sex').lower()} "
        f"{' or '.join(s.get('offender_roles', ()))} aged {s.get('offender_min_age')} or over "
        "when the crime began; a person with no date of birth is not counted as an adult.",
        "Flagged domestic abuse, or in a VAWG offence group ("
        + ", ".join(LABELS.get(g, g) for g in s.get("vawg_offence_groups", ()))
        + ").",
    ]
    no_dob = (
        f" Of the crimes excluded by the age rule, {_n(r.no_date_of_birth_crimes)} had such a "
        "perpetrator with no date of birth."
        if r.no_date_of_birth_crimes is not None
        else ""
    )
    body = (
        _ul(_esc(x) for x in rules)
        + paragraphs_html(
            "Rules apply in order; each crime is charged to the first rule it fails." + no_dob
        )
        + table_html(
            ex.with_columns(pl.col("rule").replace(_RULE_WORDS)).drop("description", strict=False),
            caption="Crimes excluded by each rule",
            labels=labels,
        )
    )
    return Section("Scope", body, anchor="scope")


def _methods(r: ProfileResult) -> Section:
    h = r.harm
    rf = r.rfgv
    settings = r.params.settings
    assumed = h.assumed_weights.select(
        "key_type", "key", "label", "weight_days", "status", "source"
    )
    definitions = [
        "<b>In scope</b>: see Scope. Perpetrators are the male suspects or offenders aged 18+ "
        "in in-scope crimes; victims are the female victims (any age) in in-scope crimes. "
        "Counts of people are of distinct pseudonymised person ids.",
        "<b>Home</b> = location type <i>dwelling</i>. <b>Public</b> = every other known location "
        "type (street, licensed premises, transport, open space, commercial, education, other). "
        "<b>Unknown</b> location is counted apart and left out of the ratio.",
        "<b>Victims by relationship</b>: distinct victims with at least one in-scope crime "
        "recorded under that relationship (a victim recorded as partner in one crime and "
        "ex-partner in another counts under both); the victim-crime pairs are in the CSV "
        "(victims by crime).",
        f"<b>Repeat</b> victim or perpetrator: linked to {settings.get('repeat_min_crimes', 2)} "
        "or more in-scope crimes recorded in the period. Shares are of distinct people. Age is "
        "age at the person's first in-scope crime in the period.",
        "<b>District</b>: from the crime's LSOA via " + _esc(r.district_source) + "; "
        "<b>rates</b> use ONS mid-2019 female population (all ages) per district.",
        "<b>Harm</b>: each crime weighted in days of custody by the Cambridge Crime Harm Index "
        "(the sentencing-guideline starting point for a first offender; Sherman, Neyroud & "
        f"Neyroud 2016). Table used: {_esc(h.weights_table)}. The standard table gives each "
        "offence group the CCHI 2026 median of the Home Office offence subgroup it belongs to "
        "(e.g. rape offences 2,555 days, violence with injury 365, stalking and harassment 10); "
        "medians hide wide ranges within a subgroup, so the headline is repeated with the "
        "subgroup means and with equal weights (sensitivity). A crime takes the weight of its "
        "Home Office offence code where the table lists one, else of its "
        f"offence group ({_n(h.crimes_weighted_by_code)} crimes by code, "
        f"{_n(h.crimes_weighted_by_group)} by group). A perpetrator's harm is the sum over his "
        "in-scope crimes (a crime with two perpetrators counts in full for each).",
        "<b>Harm concentration</b>: share of all perpetrator harm caused by the most harmful "
        "1/5/10/20% of perpetrators, read off the Lorenz curve (straight between people, so a "
        "fraction of a person counts pro rata); Gini = 1 - 2 x area under the curve. 95% "
        f"intervals: percentile bootstrap over perpetrators ({settings.get('profile_bootstrap_replicates')} "
        f"replicates, seed {settings.get('seed')}; Efron & Tibshirani 1993).",
        "<b>Home/public ratio</b>: home crimes per public crime. The two counts are treated as "
        "independent Poisson counts; given their total, the home count is binomial, so the exact "
        "Clopper-Pearson interval for the home share maps to an exact conditional interval for "
        "the ratio (Ederer & Mantel 1974; Clopper & Pearson 1934); the p-value is the exact "
        "binomial test of a ratio of 1.",
        "<b>Shares</b> (repeats): exact binomial (Clopper-Pearson) intervals. <b>Rates</b>: exact "
        "Poisson (Garwood 1936) intervals.",
        "<b>Trend</b>: negative binomial (NB2) regression of monthly counts on time (years) with "
        "log(days in month) as offset; the Poisson model is used when the NB2 dispersion is not "
        "significantly above zero (likelihood-ratio test); reported as a rate ratio per year "
        "with a Wald 95% interval (Cameron & Trivedi 2013).",
        "<b>RFGV</b>: recency, frequency, gravity (harm) and victims scored 1-5 over the last "
        f"{settings.get('rfgv_window_days')} days of the period with the bands and weights "
        "shown in that section; ties broken by harm, recency, crimes, then id. In the spirit of "
        "the MATAC approach (Davies & Biddle 2018), but a matrix of our own, stated in full.",
        "<b>Timing</b>: the time the crime began (the earliest time it may have happened).",
    ]
    if r.public:
        definitions.append(
            "<b>Disclosure control</b>: "
            + _esc(" ".join(disclosure_rule(r.params.settings)["method"]))
            + " Counts that add up to a shown total are protected together, so a hidden count "
            "cannot be worked out from another table; harm concentration is shown only for "
            f"groups of at least {r.params.settings.get('disclosure_threshold', 5)} perpetrators, "
            "and harm days for the rounded counts. No person-level data."
        )
    citations = [
        "Cameron, A. C. & Trivedi, P. K. (2013) Regression Analysis of Count Data, 2nd ed. CUP.",
        "Clopper, C. J. & Pearson, E. S. (1934) The use of confidence or fiducial limits "
        "illustrated in the case of the binomial. Biometrika 26(4), 404-413.",
        "Davies, P. A. & Biddle, P. (2018) Implementing a perpetrator-focused partnership "
        "approach to tackling domestic abuse. Criminology & Criminal Justice 18(4), 468-487.",
        "Ederer, F. & Mantel, N. (1974) Confidence limits on the ratio of two Poisson "
        "variables. American Journal of Epidemiology 100(3), 165-167.",
        "Efron, B. & Tibshirani, R. J. (1993) An Introduction to the Bootstrap. Chapman & Hall.",
        "Garwood, F. (1936) Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.",
        "Lorenz, M. O. (1905) Methods of measuring the concentration of wealth. JASA 9, 209-219.",
        "Sherman, L., Neyroud, P. W. & Neyroud, E. (2016) The Cambridge Crime Harm Index. "
        "Policing 10(3), 171-183, doi:10.1093/police/paw003.",
        "Office for National Statistics (2021) Statistical Disclosure Control, GSS guidance.",
    ]
    body = (
        "<h3>Definitions and methods</h3>"
        + _ul(definitions)
        + "<h3>Harm weights and how sure they are</h3>"
        + '<div class="warning">The default weights are CCHI 2026 subgroup medians from a '
        "third-party derivation of the official spreadsheet (see the status and source of each); "
        "three offence groups are mapped to a subgroup by assumption. A force can load the "
        "official per-code sheet (the values sheet saved as CSV) so each crime takes its own "
        "code's score.</div>"
        + table_html(
            _weight_words(
                assumed.with_columns(
                    pl.col("source").map_elements(_source_words, return_dtype=pl.String)
                )
            ),
            caption=f"{assumed.height} weights applied to in-scope crimes that are not verified",
            labels=_WEIGHT_LABELS,
        )
        + table_html(
            _weight_words(h.weights.select([c for c in h.weights.columns if c != "source"])),
            caption="The full harm weight table used",
            labels=_WEIGHT_LABELS,
        )
        + "<h3>RFGV settings</h3>"
        + table_html(rf.bands, caption="Bands and weights")
        + "<h3>References</h3>"
        + _ul(_esc(c) for c in citations)
        + (
            ""
            if r.public
            else details_html("Settings used (to reproduce this report)", _settings_table(settings))
        )
    )
    return Section("Methods and definitions", body, anchor="methods")
