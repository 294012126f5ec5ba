"""Words for the data contract's codes and fields: defined once, used by every report, the site
and the dashboard, so ``licensed_premises``, ``ex_partner`` or ``committed_from`` never reach a
reader as they are stored.

:func:`label` looks a code up (optionally in one family: ``offence_group``, ``location_type``,
``relationship``, ``cjs_stage``, ``field``) and falls back to the code in plain words
(underscores as spaces, first letter capital), so a new code still reads as words.
"""

from __future__ import annotations

from collections.abc import Mapping

from vawg.schema.contract import CJS_STAGES, LOCATION_TYPES, OFFENCE_GROUPS, RELATIONSHIPS, SEXES

__all__ = ["CONTRACT_CODES", "LABELS", "label"]

_OFFENCE_GROUP = {
    "violence_with_injury": "Violence with injury",
    "violence_without_injury": "Violence without injury",
    "stalking": "Stalking",
    "harassment": "Harassment",
    "coercive_control": "Coercive control",
    "rape": "Rape",
    "other_sexual": "Other sexual offences",
    "drink_spiking": "Drink spiking",
    "other": "Other (domestic abuse flagged)",
}
_LOCATION_TYPE = {
    "dwelling": "Home (dwelling)",
    "street": "Street",
    "licensed_premises": "Pub, bar or club",
    "transport": "Public transport",
    "open_space": "Park or open space",
    "commercial": "Shop or business",
    "education": "School, college or university",
    "other": "Other place",
    "unknown": "Place not recorded",
}
_RELATIONSHIP = {
    "partner": "Partner",
    "ex_partner": "Former partner",
    "family": "Family member",
    "acquaintance": "Acquaintance",
    "stranger": "Stranger",
    "unknown": "Relationship not recorded",
}
_CJS_STAGE = {
    "charge_decision": "Charging decision",
    "first_hearing": "First court hearing",
    "trial": "Trial",
    "verdict": "Verdict",
}
_FIELD = {
    "crime_ref": "crime reference",
    "recorded_date": "date recorded",
    "committed_from": "time the crime began",
    "committed_to": "time the crime ended",
    "outcome_date": "date of the outcome",
    "outcome_code": "outcome type",
    "lsoa_code": "neighbourhood (LSOA)",
    "days_since_last": "days since the last crime",
    "offence_group": "offence group",
    "location_type": "type of place",
    "domestic_abuse": "domestic abuse flag",
    "person_id": "person",
    "date_of_birth": "date of birth",
    "age_band": "age band",
    "sex": "sex",
    "district": "district",
}

_SEX = {
    "F": "Female",
    "M": "Male",
    "U": "Sex not stated",
}

_INTERVENTION_TYPE = {
    "lighting": "Street lighting",
    "cctv": "CCTV",
    "safe_space": "Safe spaces",
    "bystander_training": "Bystander training",
    "environmental": "Environmental improvements",
    "outreach": "Outreach workers",
    "safe_travel": "Safe travel home",
}

_OUTCOME_GROUP_SHORT = {
    "charged": "Charged or summonsed",
    "out_of_court": "Out-of-court disposal",
    "victim_does_not_support": "Victim does not support action",
    "evidential_difficulties_victim_supports": "Not enough evidence, victim supports action",
    "prevented_or_not_in_public_interest": "Prosecution prevented or not in public interest",
    "no_suspect_identified": "No suspect identified",
    "other": "Other outcomes",
    "open": "No outcome yet",
}
"""The Home Office headline outcome groups in a few words, for a chart's labels (the full
names are in ``vawg.outcomes.framework.HEADLINE_GROUPS``; the outcome type numbers of each
group are in the methods' outcome framework table)."""

_PLACE = {
    "home": "Home",
    "public": "Public place",
    "unknown": "Not recorded",
}
"""Where a crime happened, in the profile's three places (from its type of place)."""

LABELS: Mapping[str, Mapping[str, str]] = {
    "offence_group": _OFFENCE_GROUP,
    "location_type": _LOCATION_TYPE,
    "relationship": _RELATIONSHIP,
    "cjs_stage": _CJS_STAGE,
    "field": _FIELD,
    "intervention_type": _INTERVENTION_TYPE,
    "sex": _SEX,
    "outcome_group_short": _OUTCOME_GROUP_SHORT,
    "place": _PLACE,
}
"""Family → code → words. Every code the contract allows has its words (a test checks)."""

_ANY = {
    **_FIELD,
    **_CJS_STAGE,
    **_RELATIONSHIP,
    **_LOCATION_TYPE,
    **_OFFENCE_GROUP,
}

CONTRACT_CODES: Mapping[str, tuple[str, ...]] = {
    "offence_group": OFFENCE_GROUPS,
    "location_type": LOCATION_TYPES,
    "relationship": RELATIONSHIPS,
    "cjs_stage": CJS_STAGES,
    "sex": SEXES,
}
"""The contract's code lists each family labels (``tests/test_labels.py`` checks coverage)."""


def label(code: str | None, family: str = "") -> str:
    """The words for ``code`` (in ``family`` when given, else any family); unknown codes in
    plain words; ``None`` → ``Not recorded``."""
    if code is None:
        return "Not recorded"
    table = LABELS.get(family, _ANY) if family else _ANY
    if code in table:
        return table[code]
    if code.islower() or "_" in code:
        words = code.replace("_", " ")
        return words[:1].upper() + words[1:]
    return code
