"""Where the synthetic force lives: Kent and Medway, all of England, or any one English force.

``generate(geography=...)`` takes one of :data:`GEOGRAPHIES`:

* ``kent`` (the default): Kent and Medway's 1,065 LSOAs (``vawg.datasets.kent_lsoas``), town
  centres placed by hand at Kent's high streets (:data:`vawg.synth.areas.TOWN_CENTRES`).
* ``england``: the 32,844 English LSOAs of the national reference, in 317 districts (local
  authorities) inside 39 police force areas: force -> district -> LSOA, with IMD 2019 deciles
  and population-weighted centroids from the national IoD2019 and ONS files. **Wales is left
  out**: the shipped reference has no Welsh LSOA population or deprivation (IoD2019 is England's
  index), and the area model needs both, so the national synthetic force is England's.
* ``england`` with ``force=NAME``: the LSOAs of one English force, e.g. a synthetic Greater
  Manchester. Its town centres are the ones the national run flags there.

``scale`` multiplies the geography's own volume: 1.0 is Kent-sized for ``kent``, national-sized
for ``england`` (about 30.5 times Kent: the ratio of the IoD2019 mid-2015 populations,
54,728,204 to 1,795,251) and force-sized for a force. The per-head rates, and so every planted
effect, are Kent's.

Town centres outside Kent (a PROXY, not a published boundary)
-------------------------------------------------------------
No open source in the data used flags town centres (or employment, or pubs by LSOA), so
:func:`town_centre_proxy` picks them from population density alone, computed from the
population-weighted centroids: an LSOA's density is its population over the area of the circle
reaching its 8th nearest neighbouring centroid. A *peak* is an LSOA at least as dense as its 8
nearest neighbours. Each district gets ``max(1, round(LSOAs / 55))`` towns (Kent's 1,065 LSOAs
and 20 hand-placed towns give the 55), its densest peaks, and each town flags its peak and the
2 LSOAs of the same district nearest it: 3 LSOAs a town, as for Kent's larger towns. Dense
residential estates can be picked where a real high street would not be; the analyses only need
a flag whose effect is planted, and README and truth.json say the flags are a proxy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.spatial import cKDTree

from vawg.errors import InputError

__all__ = [
    "GEOGRAPHIES",
    "KENT_POPULATION",
    "MAX_KENT_MULTIPLE",
    "Geography",
    "load_geography",
    "town_centre_proxy",
]

GEOGRAPHIES = ("kent", "england")
KENT_POPULATION = 1_795_251  # Kent + Medway, IoD2019 mid-2015 (kent_lsoa.csv)
MAX_KENT_MULTIPLE = 61.0  # about twice England: the generator's memory grows with volume
TOWN_RULE = (
    "PROXY: per district max(1, round(LSOAs / 55)) towns at the densest local peaks of "
    "population density (population over the circle reaching the 8th nearest centroid); "
    "each town flags its peak and the 2 nearest LSOAs of the same district"
)
_NEIGHBOURS = 8
_LSOAS_PER_TOWN = 55
_LSOAS_PER_CENTRE = 3


@dataclass(frozen=True)
class Geography:
    """The LSOAs a synthetic force covers, its volume and its labels.

    ``lsoas`` has the columns ``build_area_model`` needs (plus ``force``, and ``town_centre``
    when the flags are the density proxy); ``district_population`` feeds the public survey;
    ``volume`` is the geography's size in Kents at scale 1; ``crime_ref_prefix`` starts every
    crime reference.
    """

    name: str
    label: str
    lsoas: pl.DataFrame
    district_population: pl.DataFrame
    volume: float
    crime_ref_prefix: str
    town_centres: str

    def to_dict(self) -> dict[str, object]:
        """What truth.json records about the geography."""
        return {
            "name": self.name,
            "label": self.label,
            "lsoas": self.lsoas.height,
            "districts": self.lsoas["district"].n_unique(),
            "forces": self.lsoas["force"].n_unique(),
            "population": int(self.lsoas["population"].sum()),
            "volume_in_kents_at_scale_1": round(self.volume, 6),
            "town_centres": self.town_centres,
        }


def town_centre_proxy(
    district: npt.NDArray[np.str_] | list[str],
    population: npt.NDArray[np.float64],
    easting: npt.NDArray[np.float64],
    northing: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    """Town-centre flags by the density rule in the module docstring (deterministic)."""
    xy = np.column_stack([easting, northing]).astype(np.float64)
    tree = cKDTree(xy)
    dist, idx = tree.query(xy, k=_NEIGHBOURS + 1)  # the first is the LSOA itself
    radius = np.maximum(dist[:, -1], 1.0)
    density = np.asarray(population, dtype=np.float64) / (math.pi * radius**2)
    peak = density >= density[idx[:, 1:]].max(axis=1)
    codes, district_index = np.unique(np.asarray(district), return_inverse=True)
    flag = np.zeros(xy.shape[0], dtype=bool)
    order = np.lexsort((-density, district_index))  # by district, densest first
    starts = np.searchsorted(district_index[order], np.arange(codes.size))
    ends = np.append(starts[1:], order.size)
    for d in range(codes.size):
        members = order[starts[d] : ends[d]]
        towns = max(1, round(members.size / _LSOAS_PER_TOWN))
        chosen = members[peak[members]][:towns]
        if chosen.size == 0:
            chosen = members[:1]
        for centre in chosen:
            near = np.argsort(np.hypot(*(xy[members] - xy[centre]).T), kind="stable")
            flag[members[near[:_LSOAS_PER_CENTRE]]] = True
    return flag


@cache
def _england() -> pl.DataFrame:
    """English LSOAs with the columns the generator needs and the proxy town-centre flags."""
    from vawg.datasets import england_wales_lsoas

    eng = england_wales_lsoas().filter(pl.col("country") == "England")
    flags = town_centre_proxy(
        eng["district"].to_numpy(),
        eng["population"].to_numpy().astype(np.float64),
        eng["easting"].to_numpy().astype(np.float64),
        eng["northing"].to_numpy().astype(np.float64),
    )
    return eng.select(
        "lsoa_code",
        "district",
        "population",
        "imd_decile",
        "easting",
        "northing",
        "district_pubs",
        "force",
        pl.Series("town_centre", flags, dtype=pl.Boolean),
    )


def _kent() -> Geography:
    from vawg.datasets import district_population, kent_lsoas

    return Geography(
        name="kent",
        label="Kent and Medway",
        lsoas=kent_lsoas().with_columns(force=pl.lit("Kent")),
        district_population=district_population(),
        volume=1.0,
        crime_ref_prefix="KT",
        town_centres="LSOAs nearest the high streets of 20 Kent towns (hand-placed, approximate)",
    )


def load_geography(name: str = "kent", force: str | None = None) -> Geography:
    """The geography ``name`` (one of :data:`GEOGRAPHIES`), optionally one force of England."""
    if name not in GEOGRAPHIES:
        raise InputError(
            f"geography {name!r} is not one of {', '.join(GEOGRAPHIES)}; e.g. --geography england "
            "for all 39 English police force areas"
        )
    if name == "kent":
        if force is not None:
            raise InputError(
                "a force is chosen from the national reference: give --geography england with "
                f"--force {force!r} (or leave --geography out)"
            )
        return _kent()
    from vawg.datasets import england_wales_district_population
    from vawg.reference import find_force

    lsoas = _england()
    if force is None:
        label, prefix = f"England ({lsoas['force'].n_unique()} police force areas)", "EN"
    else:
        found = find_force(force)
        if found.country != "England":
            raise InputError(
                f"{found.name} is in Wales, and the shipped reference has no Welsh LSOA "
                "population or deprivation to build a synthetic force on; choose an English "
                "force"
            )
        lsoas = lsoas.filter(pl.col("force") == found.name)
        label, prefix = found.name, "F" + found.code[-2:]
    codes = lsoas["district"].unique().implode()
    pop = england_wales_district_population().filter(pl.col("district").is_in(codes))
    return Geography(
        name=name if force is None else f"{name}:{label}",
        label=label,
        lsoas=lsoas,
        district_population=pop,
        volume=float(lsoas["population"].sum()) / KENT_POPULATION,
        crime_ref_prefix=prefix,
        town_centres=TOWN_RULE,
    )
