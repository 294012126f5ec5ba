"""The drivers report's main points, as numbers: each headline effect of the driver models as a
rate ratio (1.10 = 10% more crimes) with its interval, called clear when the 95% interval
leaves out 1. The area effects are the area model's headline outcome (every in-scope crime,
wherever it happened; ``AreaModelResult.headline_outcome``), and their topics say so. Effects the models could not estimate are left out here and named in the report's
warnings (``DriversResult.errors`` and ``notes``), never shown as a blank.

These are associations in recorded crime, not causes; the report says so beside them.
"""

from __future__ import annotations

import math

from vawg.models.drivers import EFFECT_KEYS, DriversResult
from vawg.results import MainPoint, excludes

__all__ = ["AREA_OUTCOME_WORDS", "EFFECT_TOPICS", "drivers_main_points"]

AREA_OUTCOME_WORDS = {
    "all": "all in-scope crimes, at home and in public",
    "home": "crimes at home",
    "public": "crimes in public places",
}
"""What the area model's headline outcome counts, added to the area effects' topics."""

EFFECT_TOPICS = {
    "imd_decile_step": "Each step of one deprivation decile towards less deprived areas",
    "pubs": "Each extra pub or bar in an area",
    "town_centre": "Town-centre areas against other areas",
    "tmax_per_degree": "Each 1 °C warmer day",
    "offender_birthday": "The perpetrator's birthday, against the same person's other days",
    "victim_birthday": "The victim's birthday, against the same person's other days",
}


def drivers_main_points(result: DriversResult) -> tuple[MainPoint, ...]:
    """Up to five effects: the statistically clear ones first, then the rest, in the
    models' order."""
    points = []
    for key in EFFECT_KEYS:
        effect = result.effects.get(key)
        if effect is None or effect.estimate is None or not math.isfinite(effect.estimate):
            continue
        topic = EFFECT_TOPICS[key]
        if result.area is not None and key in result.area.effects:
            topic += f" ({AREA_OUTCOME_WORDS[result.area.headline_outcome]})"
        points.append(
            MainPoint(
                topic=topic,
                measure="effect",
                value=None,
                period=result.params.period,
                change=effect,
                change_kind="ratio",
                clear=excludes(effect, 1.0),
                tested="the 95% interval of the rate ratio leaves out 1",
            )
        )
    points.sort(key=lambda p: not p.clear)
    return tuple(points[:5])
