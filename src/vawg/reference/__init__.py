"""Any force's area reference, cut from the national reference shipped with the package.

``vawg reference build --force NAME`` (or ``--districts A,B``) writes the ``areas.csv`` that
``vawg ingest`` loads, with the district population and the full LSOA rows beside it, for any
of the 43 police force areas of England and Wales:

* :mod:`vawg.reference.forces`: the forces and districts, found by name, police.uk id or code;
* :mod:`vawg.reference.build`: the selection shaped as the contract's ``areas`` table;
* :mod:`vawg.reference.files`: a user's population and boundary files in, the folder out.
"""

from __future__ import annotations

from vawg.reference.build import AREAS_COLUMNS, ForceReference, force_reference
from vawg.reference.files import (
    BOUNDARY_DOWNLOAD,
    WrittenReference,
    cut_boundaries,
    read_lsoa_population,
    write_force_reference,
)
from vawg.reference.forces import (
    Force,
    district_table,
    find_districts,
    find_force,
    force_table,
    forces,
)

__all__ = [
    "AREAS_COLUMNS",
    "BOUNDARY_DOWNLOAD",
    "Force",
    "ForceReference",
    "WrittenReference",
    "cut_boundaries",
    "district_table",
    "find_districts",
    "find_force",
    "force_reference",
    "force_table",
    "forces",
    "read_lsoa_population",
    "write_force_reference",
]
