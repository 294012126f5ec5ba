"""Settings every test shares: no database key from the developer's environment or keyring.

A key in ``VAWG_DB_KEY`` or the OS keyring would make every test database encrypted and every
plain ``duckdb.connect`` in a test fail; tests that want encryption pass a key explicitly.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_database_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAWG_DB_KEY", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
