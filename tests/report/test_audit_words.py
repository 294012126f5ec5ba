"""How the audit says when outcomes were read (equal follow-up)."""

from __future__ import annotations

from vawg.report.audit._format import followed


def test_no_follow_up_reads_as_the_end_of_each_half_not_zero_days() -> None:
    assert followed(0) == "at the end of each half"
    assert followed(365) == "365 days after each half ended"
    assert followed(1096) == "1,096 days after each half ended"
