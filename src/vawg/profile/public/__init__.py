"""The public (open) profile: every count through :func:`vawg.disclosure.suppress`, no people.

:func:`disclose` turns the restricted :class:`~vawg.profile.profile.ProfileResult` into the
public one. Counts that are published together with their totals are suppressed together, as
one system of cells and the sums that link them (:func:`protect`), so a count hidden in one
table cannot be worked out from another: the place cross-tabulations by district and by offence
group, the location types, the domestic abuse flag, financial years and months all share the
in-scope total; the victims' and perpetrators' breakdowns share their distinct totals. Every
figure computed from a suppressed count (rates, shares, ratios and their intervals, harm days)
is blanked with it. The RFGV list and every person identifier are removed. Harm concentration
is shown only for groups of at least ``threshold`` perpetrators, and the Lorenz curve only at
steps of at least ``threshold`` perpetrators.

Modules:

  ``systems``: protect() and the linked systems of crime and people counts suppressed together
  ``tables``: the public version of each profile part: volume, place, people, harm, RFGV, timing, exclusions
  ``release``: disclose() and disclose_open_data(): the public results
"""

from __future__ import annotations

from vawg.profile.public.release import disclose, disclose_open_data
from vawg.profile.public.systems import NAN as NAN
from vawg.profile.public.systems import PLACES as PLACES
from vawg.profile.public.systems import Relation as Relation
from vawg.profile.public.systems import protect

__all__ = [
    "disclose",
    "disclose_open_data",
    "protect",
]
