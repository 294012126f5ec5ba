"""Criminal justice outcomes: the Home Office framework, rates on both count bases, time to
outcome, attrition, agency stages, victims' satisfaction and the twice-yearly audit.

::

    framework    outcome types 0-22, bulletin and headline groups, police.uk categories
    cases        one row per in-scope crime with its outcome and breakdown dimensions
    rates        both count bases, Wilson intervals, changes between halves
    survival     Kaplan-Meier time to outcome, Brookmeyer-Crowley medians, log-rank
    attrition    recorded -> suspect identified -> charged (-> court) per half-year
    agencies     CPS and court stages from cjs_events
    satisfaction victims' satisfaction beside the outcomes
    audit        the half-year audit (one Benjamini-Hochberg family of comparisons)
    public       disclose_audit, disclose_summary: every count protected, figures rebuilt
    summary      every half of the period (``vawg outcomes``)
    police_uk    police.uk "Last outcome category" breakdowns
"""

from vawg.outcomes.audit import AuditResult, half_year_audit
from vawg.outcomes.framework import HEADLINE_GROUPS, OUTCOME_TYPES, headline_group
from vawg.outcomes.halves import Half, parse_half
from vawg.outcomes.police_uk import PoliceUkOutcomes, police_uk_outcomes
from vawg.outcomes.public import disclose_audit, disclose_summary
from vawg.outcomes.summary import OutcomeSummary, outcome_summary

__all__ = [
    "HEADLINE_GROUPS",
    "OUTCOME_TYPES",
    "AuditResult",
    "Half",
    "OutcomeSummary",
    "PoliceUkOutcomes",
    "disclose_audit",
    "disclose_summary",
    "half_year_audit",
    "headline_group",
    "outcome_summary",
    "parse_half",
    "police_uk_outcomes",
]
