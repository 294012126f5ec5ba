"""The daily rhythm of the synthetic force: how many crimes are expected on each day.

Each place class (home, public) has a daily intensity

    lambda(d) = trend(d) * month(d) * tmax_rr ** tmax(d) * dow(d) * bank_holiday(d) * lockdown(d)

and crime dates are drawn by mapping uniform "operational time" through the cumulative
intensity (an inhomogeneous Poisson process), so the expected number of crimes committed on a
day is exactly proportional to lambda(d) however careers are laid out in operational time.
The temperature effect and the month effect are the same in both classes; the day-of-week,
bank-holiday and lockdown effects differ (public places are busier at weekends and emptied by
lockdowns).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from vawg.synth.params import PlantedEffects

__all__ = [
    "BANK_HOLIDAYS",
    "LOCKDOWNS",
    "DailyIntensity",
    "daily_intensity",
    "days_from_optime",
]

# England & Wales bank holidays 2016-2023 (gov.uk), including substitute days and the 2020
# VE Day move, the 2022 Platinum Jubilee, the 2022 State Funeral and the 2023 Coronation.
BANK_HOLIDAYS: tuple[str, ...] = (
    "2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29",
    "2016-12-26", "2016-12-27",
    "2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01", "2017-05-29", "2017-08-28",
    "2017-12-25", "2017-12-26",
    "2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27",
    "2018-12-25", "2018-12-26",
    "2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26",
    "2019-12-25", "2019-12-26",
    "2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
    "2020-12-25", "2020-12-28",
    "2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30",
    "2021-12-27", "2021-12-28",
    "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
    "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27",
    "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
    "2023-08-28", "2023-12-25", "2023-12-26",
)  # fmt: skip

# England's national COVID-19 lockdowns (stay-at-home orders), inclusive; an approximation:
# easing was gradual and local tiers are ignored.
LOCKDOWNS: tuple[tuple[str, str], ...] = (
    ("2020-03-23", "2020-06-14"),
    ("2020-11-05", "2020-12-01"),
    ("2021-01-06", "2021-03-07"),
)


@dataclass(frozen=True)
class DailyIntensity:
    """Per-day expected-count multipliers for one period (arrays aligned with ``days``)."""

    days: npt.NDArray[np.datetime64]
    tmax_c: npt.NDArray[np.float64]
    bank_holiday: npt.NDArray[np.bool_]
    lockdown: npt.NDArray[np.bool_]
    home: npt.NDArray[np.float64]
    public: npt.NDArray[np.float64]

    def cumulative(self, place_class: str) -> npt.NDArray[np.float64]:
        """Cumulative intensity normalised to end at 1 (for ``days_from_optime``)."""
        lam = self.home if place_class == "home" else self.public
        cum = np.cumsum(lam)
        return np.asarray(cum / cum[-1], dtype=np.float64)


def _flags(days: npt.NDArray[np.datetime64]) -> tuple[npt.NDArray[np.bool_], ...]:
    bh = np.isin(days, np.array(BANK_HOLIDAYS, dtype="datetime64[D]"))
    lock = np.zeros(days.shape, dtype=bool)
    for lo, hi in LOCKDOWNS:
        lock |= (days >= np.datetime64(lo)) & (days <= np.datetime64(hi))
    return bh, lock


def daily_intensity(
    days: npt.NDArray[np.datetime64],
    tmax_c: npt.NDArray[np.float64],
    effects: PlantedEffects,
    trend_origin: date,
) -> DailyIntensity:
    """Expected-count multipliers for home and public crimes on each day in ``days``."""
    bh, lock = _flags(days)
    years = (days - np.datetime64(trend_origin, "D")).astype(np.float64) / 365.25
    # numpy: 1970-01-01 was a Thursday, so (days + 3) % 7 gives Monday = 0.
    dow = ((days.astype(np.int64) + 3) % 7).astype(np.int64)
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    common = (
        effects.trend_per_year**years
        * np.asarray(effects.month, dtype=np.float64)[month]
        * effects.tmax_per_degree**tmax_c
    )
    home = (
        common
        * np.asarray(effects.day_of_week_home, dtype=np.float64)[dow]
        * np.where(bh, effects.bank_holiday_home, 1.0)
        * np.where(lock, effects.lockdown_home, 1.0)
    )
    public = (
        common
        * np.asarray(effects.day_of_week_public, dtype=np.float64)[dow]
        * np.where(bh, effects.bank_holiday_public, 1.0)
        * np.where(lock, effects.lockdown_public, 1.0)
    )
    return DailyIntensity(
        days=days, tmax_c=tmax_c, bank_holiday=bh, lockdown=lock, home=home, public=public
    )


def days_from_optime(
    optime: npt.NDArray[np.float64], cumulative: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Map operational times in [0, 1) to day indices through a normalised cumulative intensity.

    A uniform operational time lands on day i with probability proportional to lambda(i).
    """
    idx = np.searchsorted(cumulative, optime, side="right")
    return np.minimum(idx, cumulative.size - 1).astype(np.int64)
