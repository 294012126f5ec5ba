"""The package's public API is explicit and sorted."""

import vawg


def test_all_is_sorted_and_importable() -> None:
    assert vawg.__all__ == sorted(vawg.__all__)
    for name in vawg.__all__:
        assert hasattr(vawg, name), name
