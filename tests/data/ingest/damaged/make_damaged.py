"""Write crimes.csv here: 1,000 valid crimes, then three records damaged as a supplier would.

Run from this folder: ``python make_damaged.py``. Row ``i`` (1-based) is crime ``R0i`` recorded
on a date that cycles through 2020; the header is line 1, so row ``i`` starts on line ``i + 1``.

- row 100 (line 101): a stray quote opens the recorded_date value and never closes;
- row 500 (line 501): its crime_ref ends in the Latin-1 byte 0xE9 (``é``), not UTF-8;
- row 800 (lines 801-802): a bare carriage return (CR) inside the unquoted crime_ref, which an
  editor shows as a line break, so every later row sits one line lower: row ``i > 800`` starts
  on line ``i + 2``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

HEADER = (
    "crime_ref,recorded_date,committed_from,committed_to,offence_code,offence_group,"
    "domestic_abuse,location_type,lsoa_code,easting,northing,outcome_code,outcome_date\n"
)


def row(i: int) -> bytes:
    day = date(2020, 1, 1) + timedelta(days=i % 366)
    before = day - timedelta(days=1)
    ref = f"R{i:04d}".encode()
    recorded = day.isoformat().encode()
    if i == 100:
        recorded = b'"' + recorded
    if i == 500:
        ref += b"\xe9"
    if i == 800:
        ref += b"\r"
    return (
        ref + b"," + recorded + f",{before} 22:00,,8N,stalking,Y,dwelling,E01024001,,,,\n".encode()
    )


def main() -> None:
    data = HEADER.encode() + b"".join(row(i) for i in range(1, 1001))
    (Path(__file__).parent / "crimes.csv").write_bytes(data)


if __name__ == "__main__":
    main()
