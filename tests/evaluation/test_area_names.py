"""Interventions' areas are named (``Thanet 001A``), not given as LSOA codes; the public report
says how many areas without a list."""

from __future__ import annotations

from tests.evaluation.conftest import Evaluated

from vawg.datasets import kent_lsoas
from vawg.report.evaluation.place import intervention_section


def test_treated_and_comparison_areas_are_named(planted: Evaluated) -> None:
    names = dict(kent_lsoas().select("lsoa_code", "lsoa_name").iter_rows())
    e = next(e for e in planted.place.interventions if e.intervention.lsoas and e.comparisons)
    assert e.area_names == {
        c: names[c] for c in (*e.intervention.lsoas, *e.comparisons) if c in names
    }
    assert e.area_names  # the synthetic force's LSOAs are in the shipped reference
    body = intervention_section(e, public=False).body
    for code in (*e.intervention.lsoas, *e.comparisons):
        if code in names:
            assert names[code] in body
            assert code not in body
    public = intervention_section(e, public=True).body
    assert f"Area: {len(e.intervention.lsoas)} neighbourhoods (LSOAs)" in public
    assert not any(names.get(c, c) in public for c in e.intervention.lsoas)
