"""Place every crime in an LSOA of the area table: by its code, else by its coordinates.

The data contract lets a crime give its LSOA code, its British National Grid coordinates, or
both; police.uk rows give a code and WGS84 longitude/latitude. Every spatial analysis needs one
LSOA per crime, so each crime is placed once, by one rule, and the count of each outcome is
reported beside the results (``Placement``):

* **by code**: the crime's LSOA code is in the area table. When it also has coordinates inside a
  different LSOA's boundary the *code wins* and the disagreement is counted: the force assigns
  codes from its full-resolution address gazetteer, while the boundaries here are generalised
  (about 20 m; the shipped ones simplified at a further 10 m), so a point near a boundary can
  fall on the wrong side. Measured on the real Kent police.uk files, the shipped boundaries put
  3.5% of police.uk snap points in a different LSOA from police.uk's own code, almost all of
  them snap points on a street that is itself the boundary.
* **by coordinates**: no code, or a code the area table does not hold (another force's LSOA, a
  2021 code against 2011 areas), and the coordinates fall inside the boundary of an LSOA that
  is in the area table. Found by one vectorised point-in-polygon query over all crimes
  (shapely's STRtree, :meth:`vawg.ingest.boundaries.Boundaries.locate`), never a loop over
  rows; only the coordinates reach Python, so it runs the same on DuckDB or Spark.
* **not placed**: neither. The reason is kept (no code and no coordinates; a code outside the
  area table and no coordinates; coordinates outside every boundary of the area table's
  LSOAs). These crimes stay in every count that is not by place, and every spatial output
  shows them as "not placed"; they are never dropped silently.

Codes outside Kent and Medway can only be placed when the area table and the boundaries cover
them: load the force's ``areas.csv`` and set ``boundaries`` to its ``areas.geojson``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from vawg.ingest.boundaries import SHIPPED_SOURCE, Boundaries, lonlat_to_bng
from vawg.query import in_memory
from vawg.results import Params, ResultMixin
from vawg.scope import Scope

__all__ = [
    "BY_CODE",
    "BY_COORDINATES",
    "NOT_PLACED",
    "PLACEMENT_METHOD",
    "REASONS",
    "Placement",
    "place_rows",
    "place_scope",
]

BY_CODE, BY_COORDINATES, NOT_PLACED = "code", "coordinates", "not placed"
PLACEMENT_METHOD = (
    "by its LSOA code when that is inside the area covered (the code wins over coordinates); "
    "else by the LSOA boundary that holds its coordinates; else not placed"
)
# (placed_by, reason): every outcome a row can have, in the order reports show them.
REASONS: tuple[tuple[str, str], ...] = (
    (BY_CODE, "LSOA code inside the area covered"),
    (BY_COORDINATES, "no LSOA code; coordinates inside an LSOA boundary"),
    (BY_COORDINATES, "LSOA code outside the area covered; coordinates inside an LSOA boundary"),
    (NOT_PLACED, "no LSOA code and no coordinates"),
    (NOT_PLACED, "LSOA code outside the area covered and no coordinates"),
    (NOT_PLACED, "coordinates outside the area covered"),
)


@dataclass(frozen=True)
class Placement(ResultMixin):
    """How the rows of one analysis were placed in LSOAs of the area table.

    ``table``: placed_by, reason, rows (one line per entry of ``REASONS``, zeros included).
    ``checked``: rows placed by code whose coordinates fall inside some boundary of the area
    table; ``disagree``: of those, how many fall inside a different LSOA (the code is kept).
    ``area_lsoas``: LSOAs in the area table; ``area_lsoas_with_boundary``: of those, how many
    have a polygon (the rest can be placed by code only, and are not drawn on maps).
    """

    params: Params
    table: pl.DataFrame
    rows: int | None
    by_code: int | None
    by_coordinates: int | None
    not_placed: int | None
    checked: int | None
    disagree: int | None
    area_lsoas: int
    area_lsoas_with_boundary: int
    boundaries: str
    noun: str = "crimes"
    unit: str = "crimes"
    withheld_below: int | None = None

    @property
    def disagree_share(self) -> float | None:
        """Share of checked rows whose coordinates lie in another LSOA (None if none checked)."""
        if not self.checked or self.disagree is None:
            return None
        return self.disagree / self.checked

    def _n(self, value: int | None, unit: str | None = None) -> str:
        """A count in words, with its unit when given: the number, or "fewer than N" where a
        public Result withholds it."""
        if value is None:
            text = f"fewer than {self.withheld_below}" if self.withheld_below else "not shown"
        else:
            text = f"{value:,}"
        if unit is None:
            return text
        return f"{text} {unit[:-1] if value == 1 and unit.endswith('s') else unit}"

    def sentence(self) -> str:
        """One plain-English sentence for the top of a report (every count followed by its
        noun, so a public version's text can be checked count by count)."""
        unit = self.unit
        text = (
            f"Of {self._n(self.rows)} {self.noun}, {self._n(self.by_code, unit)} were placed in "
            f"their LSOA by its code, {self._n(self.by_coordinates, unit)} by their coordinates "
            f"and {self._n(self.not_placed, unit)} could not be placed"
        )
        if self.not_placed != 0:
            text += " (counted in totals, shown as 'not placed', left out of maps and area tests)"
        return text + "."

    def notes(self) -> tuple[str, ...]:
        """The sentence, then what a reader should know about the rest."""
        out = [self.sentence()]
        if self.checked:
            share = self.disagree_share
            out.append(
                f"Where a code and coordinates are both given "
                f"({self._n(self.checked, self.unit)}), the coordinates fall in a different "
                f"LSOA for {self._n(self.disagree, self.unit)}"
                + ("" if share is None else f" ({share:.1%})")
                + "; the code is kept, as the boundaries are generalised and points near an "
                "edge can fall on the wrong side."
            )
        for placed_by, reason, rows in self.table.iter_rows():
            if placed_by == NOT_PLACED and rows != 0:
                out.append(f"Not placed ({reason}): {self._n(rows, self.unit)}.")
        outside = sum(
            r or 0
            for r in self.table.filter(
                (pl.col("placed_by") == NOT_PLACED)
                & pl.col("reason").is_in([REASONS[4][1], REASONS[5][1]])
            )["rows"].to_list()
        )
        if outside and self.boundaries == SHIPPED_SOURCE:
            out.append(
                "The neighbourhood list and boundaries supplied cover Kent and Medway only: "
                "crimes elsewhere can be placed only once the force's own are loaded."
            )
        missing = self.area_lsoas - self.area_lsoas_with_boundary
        if missing:
            out.append(
                f"{missing:,} of the {self.area_lsoas:,} neighbourhoods (LSOAs) covered have no "
                "boundary: crimes there are placed by code only and the maps cannot draw them "
                "until the force's boundaries are loaded."
            )
        return tuple(out)


def place_rows(
    frame: pl.DataFrame,
    area_codes: Sequence[str] | pl.Series,
    boundaries: Boundaries,
    *,
    x: str = "easting",
    y: str = "northing",
    lonlat: bool = False,
    noun: str = "crimes",
    unit: str = "crimes",
) -> tuple[pl.DataFrame, Placement]:
    """Place each row of ``frame`` (``lsoa_code`` and coordinates ``x``, ``y``).

    Returns the frame with ``placed_lsoa`` (None when not placed), ``placed_by`` and
    ``placement_reason`` added, and the :class:`Placement` summary. ``lonlat=True`` reads
    ``x``/``y`` as WGS84 longitude/latitude (police.uk) and moves them to the grid first.
    """
    area = pl.Series("lsoa_code", list(area_codes), dtype=pl.String).unique()
    n = frame.height
    code = frame["lsoa_code"].cast(pl.String)
    xs = frame[x].cast(pl.Float64).to_numpy() if n else np.empty(0)
    ys = frame[y].cast(pl.Float64).to_numpy() if n else np.empty(0)
    if lonlat and n:
        xs, ys = lonlat_to_bng(xs, ys)
    has_xy = np.isfinite(xs) & np.isfinite(ys)
    located = pl.Series("located", boundaries.locate(xs, ys).tolist(), dtype=pl.String)
    in_area_located = located.is_in(area.implode()).fill_null(False).to_numpy()
    code_given = code.is_not_null().to_numpy()
    code_known = code.is_in(area.implode()).fill_null(False).to_numpy()
    reason = np.select(
        [
            code_known,
            ~code_given & in_area_located,
            code_given & in_area_located,
            ~code_given & ~has_xy,
            code_given & ~has_xy,
        ],
        [0, 1, 2, 3, 4],
        default=5,
    ).astype(np.int64)
    codes = code.to_numpy().astype(object)
    located_codes = located.to_numpy().astype(object)
    nothing = np.full(n, None, dtype=object)
    placed = np.where(code_known, codes, np.where(in_area_located, located_codes, nothing))
    checked = code_known & in_area_located
    disagree = checked & (located_codes != codes)
    out = frame.with_columns(
        pl.Series("placed_lsoa", placed.tolist(), dtype=pl.String),
        pl.Series("placed_by", [REASONS[i][0] for i in reason.tolist()], dtype=pl.String),
        pl.Series("placement_reason", [REASONS[i][1] for i in reason.tolist()], dtype=pl.String),
    )
    counts = np.bincount(reason, minlength=len(REASONS))
    table = pl.DataFrame(
        {
            "placed_by": [r[0] for r in REASONS],
            "reason": [r[1] for r in REASONS],
            "rows": [int(c) for c in counts],
        }
    )
    with_boundary = int(area.is_in(pl.Series(list(boundaries.codes)).implode()).sum())
    placement = Placement(
        params=Params(method=PLACEMENT_METHOD),
        table=table,
        rows=n,
        by_code=int(counts[0]),
        by_coordinates=int(counts[1] + counts[2]),
        not_placed=int(counts[3:].sum()),
        checked=int(checked.sum()),
        disagree=int(disagree.sum()),
        area_lsoas=area.len(),
        area_lsoas_with_boundary=with_boundary,
        boundaries=boundaries.source,
        noun=noun,
        unit=unit,
    )
    return out, placement


def place_scope(
    scope: Scope, area_codes: Sequence[str] | pl.Series, boundaries: Boundaries
) -> tuple[Scope, Placement]:
    """The scope with each in-scope crime's ``lsoa_code`` replaced by its placed LSOA.

    Crimes that cannot be placed keep the code they had (possibly empty) and ``placed_by`` says
    ``not placed``; a new column ``placed_by`` says how each crime was placed. Only the crime
    reference, code and coordinates of the in-scope crimes are read into Python.
    """
    crimes = scope.crimes
    raw = pl.from_arrow(crimes.select("crime_ref", "lsoa_code", "easting", "northing").to_pyarrow())
    assert isinstance(raw, pl.DataFrame)
    placed, placement = place_rows(raw, area_codes, boundaries, noun="in-scope crimes")
    lookup = in_memory(
        placed.select(
            "crime_ref",
            pl.col("placed_lsoa").alias("_placed_lsoa"),
            pl.col("placed_by").alias("_placed_by"),
        )
    )
    joined = crimes.join(lookup, "crime_ref")
    columns = [c for c in crimes.columns if c != "lsoa_code"]
    relocated = joined.select(
        *columns,
        lsoa_code=joined._placed_lsoa.fill_null(joined.lsoa_code),
        placed_by=joined._placed_by,
    ).select(*crimes.columns, "placed_by")
    return dataclasses.replace(scope, crimes=relocated), placement
