"""Why VAWG happens where and when it does: area, daily-weather, birthday and age models, and
the feed anomaly check that runs before any of them.

Start at :func:`vawg.models.drivers.drivers`, which runs them all on the store.
"""
