"""A synthetic Kent force extract whose truth is known: the generator and its planted effects.

Real force extracts are confidential, so the analyses are developed and tested on a generative
model of people (perpetrators with careers, victims, relationships, homes) that writes the same
files a force would, plus area, weather and survey files, ``truth.json`` (every planted
parameter and the true headline values) and a ``README.md``. See :func:`generate`.
"""

from vawg.synth.generate import SynthResult, generate
from vawg.synth.params import (
    AreaEffects,
    PlantedEffects,
    PublicSurveyEffects,
    VictimSurveyEffects,
)

__all__ = [
    "AreaEffects",
    "PlantedEffects",
    "PublicSurveyEffects",
    "SynthResult",
    "VictimSurveyEffects",
    "generate",
]
