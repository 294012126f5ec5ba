"""What the driver models and the hot spots both start from, so it sits below both of them.

``frames``: the small aggregated frames built from the store with ibis (crimes per month, per
LSOA and year, per day; areas, weather, birthdays, ages). ``anomaly``: the feed check that flags
months whose counts fall far outside the rest of the series, so that the analyses can leave
them out. :mod:`vawg.models` (which also uses :mod:`vawg.spatial`'s weights) and
:mod:`vawg.spatial` both import these, and ``spatial`` imports nothing from ``models``.
"""
