"""The VAWG perpetrator problem profile: volume, place, people, harm, RFGV and timing.

``profile(tables, settings)`` returns one frozen :class:`ProfileResult` (restricted: it holds
the person-level RFGV list); ``disclose(result, settings)`` makes the public version;
``open_data_profile(tables)`` profiles police.uk street-level files when no force extract is
loaded (``disclose_open_data`` for its public version); ``overview(tables, scope)`` counts the
volumes the open site and the dashboard open with (``disclose_overview`` for the public one).
"""

from vawg.profile.harm import load_harm_weights
from vawg.profile.opendata import OpenDataResult, open_data_profile
from vawg.profile.overview import Overview, overview
from vawg.profile.profile import ProfileResult, profile
from vawg.profile.public import disclose, disclose_open_data, disclose_overview

__all__ = [
    "OpenDataResult",
    "Overview",
    "ProfileResult",
    "disclose",
    "disclose_open_data",
    "disclose_overview",
    "load_harm_weights",
    "open_data_profile",
    "overview",
    "profile",
]
