"""The Home Office crime outcomes framework as data, and the police.uk outcome categories.

Outcome types 1–22 (and 0 = not yet assigned; an empty ``outcome_code`` means the same) carry
their usual Home Office Counting Rules names and the group the Home Office crime outcomes
bulletin puts them in. Every name and every group membership is marked ``verified`` or
``unverified`` exactly as ``shared/spec/harm-and-outcomes.md`` (section 3a) records it: only the
wording of types 21 and 22, and the memberships marked there with a tick, were confirmed in a
public source; the rest must be checked against the Home Office technical annex before anything
is published on them.

The audit reports seven *headline* groups (the issue's: charge/summons; out-of-court disposals;
evidential difficulties where the victim does not support, types 14 and 16; evidential
difficulties where the victim supports, type 15; prosecution prevented or not in the public
interest; no suspect identified, type 18; other) plus ``open``. Each is a union of bulletin
groups, so nothing is regrouped across the Home Office's lines.

police.uk publishes only a "Last outcome category" text. No official crosswalk to the outcome
types exists; :data:`POLICE_UK_CATEGORIES` maps each known string to the nearest headline group
and says where the mapping is coarse (one string covers types in several groups). Every police.uk
mapping is unverified.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

__all__ = [
    "BULLETIN_GROUPS",
    "HEADLINE_GROUPS",
    "NAMED_SUSPECT_TYPES",
    "OUTCOME_TYPES",
    "POLICE_UK_CATEGORIES",
    "POLICE_UK_ONLY_GROUPS",
    "SOURCE",
    "OutcomeType",
    "PoliceUkCategory",
    "framework_table",
    "headline_group",
    "police_uk_group",
    "police_uk_table",
]

SOURCE = (
    "Home Office crime outcomes framework (HOCR; outcomes bulletin Table 1.1; Gwent Police FOI "
    "202528532 for the group names)"
)

# Headline groups, in report order: key -> label.
HEADLINE_GROUPS: dict[str, str] = {
    "charged": "Charged/summonsed",
    "out_of_court": "Out-of-court disposal (formal or informal)",
    "victim_does_not_support": "Evidential difficulties: victim does not support action",
    "evidential_difficulties_victim_supports": "Evidential difficulties: victim supports action",
    "prevented_or_not_in_public_interest": "Prosecution prevented or not in the public interest",
    "no_suspect_identified": "Investigation complete: no suspect identified",
    "other": "Other (taken into consideration, transferred, diversionary, NFIB)",
    "open": "Not yet assigned an outcome (open)",
}

# Home Office bulletin groups: key -> (published name, headline group).
BULLETIN_GROUPS: dict[str, tuple[str, str]] = {
    "charged_summonsed": ("Charged/Summonsed", "charged"),
    "out_of_court_formal": ("Out-of-court (formal)", "out_of_court"),
    "out_of_court_informal": ("Out-of-court (informal)", "out_of_court"),
    "diversionary": ("Diversionary, educational or intervention activity", "other"),
    "taken_into_consideration": ("Taken into consideration", "other"),
    "prevented_or_not_in_public_interest": (
        "Prosecution prevented or not in the public interest",
        "prevented_or_not_in_public_interest",
    ),
    "evidential_victim_supports": (
        "Evidential difficulties (suspect identified; victim supports action)",
        "evidential_difficulties_victim_supports",
    ),
    "evidential_victim_does_not_support": (
        "Evidential difficulties (victim does not support action)",
        "victim_does_not_support",
    ),
    "no_suspect_identified": (
        "Investigation complete – no suspect identified",
        "no_suspect_identified",
    ),
    "transferred": (
        "Responsibility for further investigation transferred to another body",
        "other",
    ),
    "further_investigation_not_in_public_interest": (
        "Further investigation to support formal action not in the public interest – police decision",
        "prevented_or_not_in_public_interest",
    ),
    "nfib_filed": ("National Fraud Intelligence Bureau filed", "other"),
    "not_yet_assigned": ("Not yet assigned an outcome", "open"),
}


@dataclass(frozen=True)
class OutcomeType:
    """One Home Office outcome type: its name, bulletin group and how sure we are of each.

    ``named_suspect``: whether the type means a suspect was identified (True), was not (False),
    or cannot be told from its definition (None); the attrition funnel uses it.
    """

    code: int
    name: str
    bulletin_group: str
    name_verified: bool
    group_verified: bool
    named_suspect: bool | None

    @property
    def headline_group(self) -> str:
        """The headline group this type is reported under."""
        return BULLETIN_GROUPS[self.bulletin_group][1]


def _t(
    code: int, name: str, group: str, name_ok: bool, group_ok: bool, suspect: bool | None
) -> OutcomeType:
    return OutcomeType(code, name, group, name_ok, group_ok, suspect)


OUTCOME_TYPES: tuple[OutcomeType, ...] = (
    _t(0, "Not yet assigned an outcome", "not_yet_assigned", False, True, None),
    _t(1, "Charged/Summonsed", "charged_summonsed", False, True, True),
    _t(2, "Caution – youths", "out_of_court_formal", False, True, True),
    _t(3, "Caution – adults", "out_of_court_formal", False, True, True),
    _t(4, "Taken into consideration (TIC)", "taken_into_consideration", False, True, True),
    _t(5, "Offender died", "prevented_or_not_in_public_interest", False, False, True),
    _t(6, "Penalty Notice for Disorder", "out_of_court_formal", False, True, True),
    _t(7, "Cannabis/Khat warning", "out_of_court_informal", False, True, True),
    _t(8, "Community Resolution", "out_of_court_informal", False, True, True),
    _t(
        9,
        "Prosecution not in the public interest (CPS)",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        10,
        "Formal action against the offender is not in the public interest (police)",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        11,
        "Prosecution prevented – named suspect identified but below the age of criminal "
        "responsibility",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        12,
        "Prosecution prevented – named suspect identified but too ill (physical or mental "
        "health) to prosecute",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        13,
        "Prosecution prevented – named suspect identified but victim or key witness is dead or "
        "too ill to give evidence",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        14,
        "Evidential difficulties victim based – named suspect not identified; victim declines "
        "or is unable to support further police action to identify the offender",
        "evidential_victim_does_not_support",
        False,
        False,
        False,
    ),
    _t(
        15,
        "Evidential difficulties – named suspect identified; victim supports police action but "
        "evidential difficulties prevent further action",
        "evidential_victim_supports",
        False,
        True,
        True,
    ),
    _t(
        16,
        "Evidential difficulties victim based – named suspect identified; victim does not "
        "support (or has withdrawn support from) police action",
        "evidential_victim_does_not_support",
        False,
        True,
        True,
    ),
    _t(
        17,
        "Prosecution time limit expired – suspect identified but the time limit has expired",
        "prevented_or_not_in_public_interest",
        False,
        False,
        True,
    ),
    _t(
        18,
        "Investigation complete – no suspect identified",
        "no_suspect_identified",
        False,
        True,
        False,
    ),
    _t(
        19,
        "National Fraud Intelligence Bureau filed (Action Fraud only)",
        "nfib_filed",
        False,
        False,
        None,
    ),
    _t(
        20,
        "Further action resulting from the crime report will be undertaken by another body or "
        "agency, subject to the victim being made aware",
        "transferred",
        False,
        True,
        None,
    ),
    _t(
        21,
        "Further investigation, resulting from the crime report, which could provide evidence "
        "sufficient to support formal action being taken against the named suspect, is not in the "
        "public interest – police decision",
        "further_investigation_not_in_public_interest",
        True,
        True,
        True,
    ),
    _t(
        22,
        "Diversionary, educational or intervention activity, resulting from the crime report, "
        "has been undertaken and it is not in the public interest to take any further action",
        "diversionary",
        True,
        True,
        True,
    ),
)

_BY_CODE = {t.code: t for t in OUTCOME_TYPES}
NAMED_SUSPECT_TYPES: tuple[int, ...] = tuple(t.code for t in OUTCOME_TYPES if t.named_suspect)
"""Outcome types whose definition means a suspect was identified (attrition's middle stage)."""


def headline_group(code: int | None) -> str:
    """The headline group of an outcome type; ``None`` or 0 (not yet assigned) is ``open``."""
    if code is None:
        return "open"
    try:
        return _BY_CODE[int(code)].headline_group
    except KeyError:
        raise ValueError(f"outcome type {code!r} is not a Home Office outcome type 0-22") from None


def framework_table() -> pl.DataFrame:
    """The outcome types as a table: code, name, bulletin and headline groups, verification."""
    return pl.DataFrame(
        {
            "code": [t.code for t in OUTCOME_TYPES],
            "name": [t.name for t in OUTCOME_TYPES],
            "bulletin_group": [BULLETIN_GROUPS[t.bulletin_group][0] for t in OUTCOME_TYPES],
            "headline_group": [t.headline_group for t in OUTCOME_TYPES],
            "name_status": ["verified" if t.name_verified else "unverified" for t in OUTCOME_TYPES],
            "group_status": [
                "verified" if t.group_verified else "unverified" for t in OUTCOME_TYPES
            ],
            "named_suspect": [t.named_suspect for t in OUTCOME_TYPES],
        }
    )


@dataclass(frozen=True)
class PoliceUkCategory:
    """A police.uk "Last outcome category" string and the nearest headline group.

    ``precision``: ``close`` when the string corresponds to types of one headline group,
    ``coarse`` when it spans several (or its type is uncertain). ``likely_types`` is the
    spec's reasoning, not an official crosswalk: every mapping is unverified.
    """

    category: str
    group: str
    likely_types: str
    precision: str


# police.uk-only groups: a string that cannot be placed in one headline group.
POLICE_UK_ONLY_GROUPS: dict[str, str] = {
    "evidential_difficulties_unsplit": (
        "Evidential difficulties, victim support not known (police.uk cannot split 14/15/16)"
    ),
    "unknown": "No outcome information (status update unavailable or blank)",
    "unmapped": "Category not in the known police.uk list",
}

_COURT = (
    "Offender sent to prison",
    "Offender fined",
    "Defendant found not guilty",
    "Court case unable to proceed",
    "Offender given community sentence",
    "Offender given suspended prison sentence",
    "Offender given conditional discharge",
    "Offender given absolute discharge",
    "Offender otherwise dealt with",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Defendant sent to Crown Court",
    "Offender deported",
)

POLICE_UK_CATEGORIES: tuple[PoliceUkCategory, ...] = (
    PoliceUkCategory(
        "Investigation complete; no suspect identified", "no_suspect_identified", "18", "close"
    ),
    PoliceUkCategory(
        "Unable to prosecute suspect",
        "evidential_difficulties_unsplit",
        "14, 15, 16; possibly 11-13, 17",
        "coarse",
    ),
    PoliceUkCategory(
        "Formal action is not in the public interest",
        "prevented_or_not_in_public_interest",
        "10, probably 9",
        "close",
    ),
    PoliceUkCategory(
        "Further investigation is not in the public interest",
        "prevented_or_not_in_public_interest",
        "21",
        "close",
    ),
    PoliceUkCategory(
        "Further action is not in the public interest",
        "prevented_or_not_in_public_interest",
        "probably 22 (or 10 in some forces)",
        "coarse",
    ),
    PoliceUkCategory("Action to be taken by another organisation", "other", "20", "close"),
    PoliceUkCategory("Local resolution", "out_of_court", "8", "close"),
    PoliceUkCategory("Offender given a drugs possession warning", "out_of_court", "7", "close"),
    PoliceUkCategory("Offender given a caution", "out_of_court", "2, 3", "close"),
    PoliceUkCategory("Offender given penalty notice", "out_of_court", "6", "close"),
    PoliceUkCategory("Suspect charged", "charged", "1", "close"),
    PoliceUkCategory(
        "Suspect charged as part of another case", "charged", "4 (TIC) or 1", "coarse"
    ),
    PoliceUkCategory("Awaiting court outcome", "charged", "1 (court result pending)", "close"),
    PoliceUkCategory("Court result unavailable", "charged", "1 (no court result matched)", "close"),
    PoliceUkCategory("Under investigation", "open", "0", "close"),
    PoliceUkCategory("Status update unavailable", "unknown", "none supplied", "close"),
    *(PoliceUkCategory(c, "charged", "1, then a court result", "close") for c in _COURT),
)

_POLICE_UK = {c.category: c for c in POLICE_UK_CATEGORIES}


def police_uk_group(category: str | None) -> PoliceUkCategory:
    """The mapping for one police.uk category string (blank → ``unknown``; new → ``unmapped``)."""
    if category is None or not category.strip():
        return PoliceUkCategory("", "unknown", "none supplied", "close")
    found = _POLICE_UK.get(category.strip())
    return found or PoliceUkCategory(category, "unmapped", "not known", "coarse")


def police_uk_table() -> pl.DataFrame:
    """The police.uk mapping as a table (every row unverified)."""
    labels = {**HEADLINE_GROUPS, **POLICE_UK_ONLY_GROUPS}
    return pl.DataFrame(
        {
            "category": [c.category for c in POLICE_UK_CATEGORIES],
            "group": [c.group for c in POLICE_UK_CATEGORIES],
            "group_label": [labels[c.group] for c in POLICE_UK_CATEGORIES],
            "likely_types": [c.likely_types for c in POLICE_UK_CATEGORIES],
            "precision": [c.precision for c in POLICE_UK_CATEGORIES],
            "status": ["unverified"] * len(POLICE_UK_CATEGORIES),
        }
    )
