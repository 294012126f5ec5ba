"""The half-year audit report: :class:`~vawg.outcomes.audit.AuditResult` → HTML, JSON and CSV.

Built for a Police and Crime Commissioner with two minutes: the four headline figures and what
improved or got worse (only statistically meaningful changes) come first; the detail by agency,
time to outcome, victims' voice and attrition next; methods, definitions and assumptions last.
A public result (``disclose_audit``) is rendered with its withheld cells shown as dashes.
Nothing here computes a statistic.

Modules:

  ``_format``: colours, style, labels and value/interval formatting shared by the sections (and report.outcomes)
  ``summary``: the summary: headline figures and what improved or got worse
  ``police``: the police outcomes section: outcome mix, figures and breakdown tables
  ``survival``: the time-to-outcome section
  ``agencies``: the criminal justice agencies section
  ``victims``: the victims' voice section
  ``attrition``: the attrition section and all comparisons
  ``methods``: the methods, definitions and assumptions section
  ``writers``: the HTML page, the JSON document and the CSV rows
"""

from __future__ import annotations

from vawg.report.audit._format import GROUP_COLOURS, STYLE, fmt_ci, fmt_value, pretty
from vawg.report.audit._format import ROLE_COLOURS as ROLE_COLOURS
from vawg.report.audit._format import ROLE_TITLES as ROLE_TITLES
from vawg.report.audit._format import SHORT_GROUPS as SHORT_GROUPS
from vawg.report.audit._format import STAGE_LABELS as STAGE_LABELS
from vawg.report.audit.writers import audit_csv_rows, audit_html, audit_json

__all__ = [
    "GROUP_COLOURS",
    "STYLE",
    "audit_csv_rows",
    "audit_html",
    "audit_json",
    "fmt_ci",
    "fmt_value",
    "pretty",
]
