"""The harm each synthetic crime does, in the generator's own terms.

The synthetic world assigns every crime a harm in days of custody from its offence group: the
Cambridge Crime Harm Index 2026 median of the Home Office offence subgroup the group belongs to
(the values of ``harm-and-outcomes.md`` section 1a, copied here by hand). This is the generator's
*planted* harm, deliberately a separate copy from the product's weight table
(``vawg/datasets/harm_weights.csv``): the true harm shares in ``truth.json`` are computed from these
draws, so a change or a bug in the product's weighting code shows up as a difference from the
truth instead of moving the truth with it.

The careers (``people.py``) and offence mix (``crimes.py``) are calibrated so that, under these
weights, about 10% of perpetrators cause about 63% of harm, the figure of the inquiry that this
project supports (tested in ``tests/synth/test_targets.py``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["HARM_DAYS", "HARM_SOURCE", "harm_parameters"]

HARM_DAYS: dict[str, float] = {
    "rape": 2555.0,  # Rape offences
    "other_sexual": 182.25,  # Other sexual offences
    "violence_with_injury": 365.0,  # Violence with injury
    "violence_without_injury": 10.0,  # Violence without injury
    "stalking": 10.0,  # Stalking and harassment
    "harassment": 10.0,  # Stalking and harassment
    "coercive_control": 10.0,  # Stalking and harassment (as the Home Office tables count it)
    "drink_spiking": 365.0,  # Violence with injury (administering poison, s.23 OAPA)
    "other": 2.0,  # Criminal damage
}
HARM_SOURCE = (
    "Cambridge Crime Harm Index 2026: median score (days) of the Home Office PRC offence subgroup "
    "of each offence group (harm-and-outcomes.md section 1a), the generator's own copy"
)


def harm_parameters() -> dict[str, Any]:
    """The planted harm per crime, for truth.json."""
    return {"days_by_offence_group": dict(HARM_DAYS), "source": HARM_SOURCE}
