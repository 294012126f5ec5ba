"""Daily weather for the synthetic force: real mean temperature, synthetic maximum and rain.

``tmean_c`` is the real Met Office HadCET daily mean (central England; a regional proxy for
Kent). No real daily maximum or rainfall series ships with the package, so both are
SYNTHETIC and say so in the README: the maximum is the mean plus half a seasonal diurnal range
(about 5.5 °C in midwinter to 10 °C in midsummer, typical of south-east England), reduced on wet
days, plus Gaussian noise (sd 0.8 °C); rain falls on about half of days (more in winter) with
gamma-distributed amounts (mean about 4 mm on a wet day). The crime model's temperature effect
is planted on this synthetic maximum, which is what an analysis of ``weather.csv`` will use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.errors import InputError

__all__ = ["Weather", "synthesise_weather"]


@dataclass(frozen=True)
class Weather:
    """Aligned daily arrays for the generation window."""

    days: npt.NDArray[np.datetime64]
    tmean_c: npt.NDArray[np.float64]
    tmax_c: npt.NDArray[np.float64]
    rain_mm: npt.NDArray[np.float64]

    def to_frame(self) -> pl.DataFrame:
        """The ``weather.csv`` table (date, tmax_c, tmean_c, rain_mm)."""
        return pl.DataFrame(
            {
                "date": self.days.astype("datetime64[D]"),
                "tmax_c": self.tmax_c,
                "tmean_c": self.tmean_c,
                "rain_mm": self.rain_mm,
            }
        ).with_columns(pl.col("date").cast(pl.Date))


def synthesise_weather(
    hadcet: pl.DataFrame, first: date, last: date, rng: np.random.Generator
) -> Weather:
    """Weather for every day in [first, last] from the HadCET frame (``date``, ``tmean_c``)."""
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    real = hadcet.select(pl.col("date").cast(pl.Date), pl.col("tmean_c").cast(pl.Float64))
    window = real.filter(pl.col("date").is_between(first, last)).sort("date")
    if window.height != days.size:
        lo, hi = str(real["date"].min()), str(real["date"].max())
        raise InputError(
            f"the generation window {first}..{last} (period plus margins) is not fully covered "
            f"by the shipped HadCET series ({lo}..{hi}); choose --from/--to so the window fits."
        )
    tmean = window["tmean_c"].to_numpy().astype(np.float64)
    doy = (days - days.astype("datetime64[Y]")).astype(np.float64)
    season = np.cos(2 * np.pi * (doy - 172.0) / 365.25)  # +1 near the summer solstice
    wet_prob = 0.50 - 0.08 * season
    wet = rng.random(days.size) < wet_prob
    rain = np.where(wet, rng.gamma(0.8, 5.0, days.size) + 0.2, 0.0)
    half_range = 3.9 + 1.1 * season  # half the diurnal range, 2.8 .. 5.0 C
    half_range = np.where(wet, 0.7 * half_range, half_range)
    tmax = tmean + half_range + rng.normal(0.0, 0.8, days.size)
    tmax = np.maximum(tmax, tmean + 0.3)
    return Weather(
        days=days,
        tmean_c=np.round(tmean, 1),
        tmax_c=np.round(tmax, 1),
        rain_mm=np.asarray(np.round(rain, 1), dtype=np.float64),
    )
