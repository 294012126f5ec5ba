"""vawg-insight: evidence on violence against women and girls from police-recorded crime.

The public API: load data (:func:`load_paths`), open it for analysis (:func:`connect`), apply the
VAWG scope (:func:`vawg_scope`), and the one disclosure rule (:func:`suppress`).
"""

from vawg.config import Settings, load_settings
from vawg.disclosure import suppress
from vawg.errors import (
    ContractError,
    DataQualityWarning,
    InputError,
    ModelError,
    ScopeError,
    VawgError,
    VawgWarning,
)
from vawg.query import Tables, connect
from vawg.results import Estimate, Params
from vawg.scope import Scope, vawg_scope
from vawg.store import FileLoad, LoadResult, load_paths

__all__ = [
    "ContractError",
    "DataQualityWarning",
    "Estimate",
    "FileLoad",
    "InputError",
    "LoadResult",
    "ModelError",
    "Params",
    "Scope",
    "ScopeError",
    "Settings",
    "Tables",
    "VawgError",
    "VawgWarning",
    "connect",
    "load_paths",
    "load_settings",
    "suppress",
    "vawg_scope",
]

__version__ = "0.1.0"
