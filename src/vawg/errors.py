"""One exception tree and one warning tree for vawg-insight.

Errors are for files or arguments that cannot be used at all. A bad *row* is never an
exception: it becomes a quarantine record (see :mod:`vawg.ingest`). The command line and the
dashboard translate a :class:`VawgError` into one clear line; nowhere else catches them.

::

    VawgError                  anything vawg-insight refuses to do, with a message that says the fix
    ├── InputError             a file or argument cannot be used (missing, wrong type, bad value)
    ├── ContractError          a file breaks the data contract as a whole (required column absent)
    ├── ScopeError             the scope settings select nothing usable or contradict each other
    └── ModelError             a model cannot be fitted honestly on the data given

    VawgWarning                something the user should know, that does not stop the work
    └── DataQualityWarning     data loaded, but an analysis has reason to doubt part of it
"""

from __future__ import annotations

__all__ = [
    "ContractError",
    "DataQualityWarning",
    "InputError",
    "ModelError",
    "ScopeError",
    "VawgError",
    "VawgWarning",
]


class VawgError(Exception):
    """Base of every error vawg-insight raises on purpose; its message is one line with the fix."""


class InputError(VawgError):
    """A file or argument cannot be used: missing, unreadable, or an invalid value."""


class ContractError(VawgError):
    """A file breaks the data contract as a whole, e.g. a required column is absent."""


class ScopeError(VawgError):
    """The scope settings select nothing usable, or contradict each other."""


class ModelError(VawgError):
    """A model cannot be fitted honestly on the data given (too few rows, no variation)."""


class VawgWarning(UserWarning):
    """Something the user should know that does not stop the work."""


class DataQualityWarning(VawgWarning):
    """Data loaded, but an analysis has reason to doubt part of it (e.g. a feed anomaly)."""
