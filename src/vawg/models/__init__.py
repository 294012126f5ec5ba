"""Why VAWG happens where and when it does: area, daily-weather, birthday and age models.

Start at :func:`vawg.models.drivers.drivers`, which runs them all on the store after the feed
check (:mod:`vawg.inputs.anomaly`) on frames built by :mod:`vawg.inputs.frames`.
"""
