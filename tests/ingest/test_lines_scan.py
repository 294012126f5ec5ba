"""The streaming line count gives the same answer whatever the block size.

:func:`vawg.ingest.lines.scan` reads a file in blocks and counts CR LF pairs only in blocks
that hold a CR (or follow one), so a pair split across two blocks must still count once. Read
in blocks of a few bytes, every file must scan exactly as when read in one block, and its
counts must match Python's own view of the bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vawg.ingest import lines

_BYTES = st.lists(st.sampled_from([b"a", b",", b"\n", b"\r", b"\r\n", b'"']), max_size=60).map(
    b"".join
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_BYTES, block=st.integers(1, 7))
def test_small_blocks_scan_as_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, block: int
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    whole = lines.scan(path)
    monkeypatch.setattr(lines, "_BLOCK", block)
    assert lines.scan(path) == whole
    crlf = data.count(b"\r\n")
    ends_cr = data.endswith(b"\r")
    assert whole.bare_cr == data.count(b"\r") - crlf - ends_cr
    assert whole.mixed == (0 < crlf < data.count(b"\n"))
    assert whole.sha256 == hashlib.sha256(data).hexdigest()
    assert whole.size == len(data)
