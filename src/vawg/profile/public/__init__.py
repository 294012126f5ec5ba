"""The public (open) profile: every count through the one disclosure rule, no people.

:func:`disclose` (``disclose(result, settings)``) turns the restricted :class:`~vawg.profile.profile.ProfileResult` into the
public one. Counts that are published together with their totals are suppressed together, as
one system of cells and the sums that link them (:func:`vawg.disclosure.protect`), so a count hidden in one
table cannot be worked out from another: the place cross-tabulations by district and by offence
group, the location types, the domestic abuse flag, financial years and months all share the
in-scope total; the victims' and perpetrators' breakdowns share their distinct totals. Every
figure computed from a suppressed count (rates, shares, ratios and their intervals, harm days)
is blanked with it. The RFGV list and every person identifier are removed. Harm concentration
is shown only for groups of at least ``threshold`` perpetrators, and the Lorenz curve only at
steps of at least ``threshold`` perpetrators. Every count shown is rounded to a multiple of the
threshold, and rates, shares and ratios are recomputed from the rounded counts.
:func:`disclose_overview` does the same for the overview (the open site's front page).

Modules:

  ``systems``: the linked systems of crime and people counts protected together
  ``tables``: the public version of each profile part: volume, place, people, harm, RFGV, timing, exclusions
  ``release``: disclose() and disclose_open_data(): the public results
  ``overview``: disclose_overview(): the public overview
"""

from __future__ import annotations

from vawg.profile.public.overview import disclose_overview
from vawg.profile.public.release import disclose, disclose_open_data
from vawg.profile.public.systems import NAN as NAN
from vawg.profile.public.systems import PLACES as PLACES

__all__ = [
    "disclose",
    "disclose_open_data",
    "disclose_overview",
]
