"""Settings every test shares.

- No database key from the developer's environment or keyring: a key in ``VAWG_DB_KEY`` or the
  OS keyring would make every test database encrypted and every plain ``duckdb.connect`` in a
  test fail; tests that want encryption pass a key explicitly.
- The test process's ``__main__`` as it was: Streamlit's ``AppTest`` makes its generated script
  ``__main__`` and leaves it there, and a worker process started later (``vawg demo`` runs its
  analyses in two) imports ``__main__`` first, so it would run that script and die.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_database_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAWG_DB_KEY", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
