"""What every page is given: the database, settings, the signed-in user and the filters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vawg.config import Settings
from vawg.web.filters import Filters

__all__ = ["PageContext"]


@dataclass(frozen=True)
class PageContext:
    """A page's inputs. ``public`` (a viewer) means disclosure-controlled figures only."""

    db: Path
    stamp: float
    settings: Settings
    user: str
    role: str
    filters: Filters

    @property
    def public(self) -> bool:
        """Whether figures must be disclosure-controlled (every role but analyst)."""
        return self.role != "analyst"

    @property
    def db_key(self) -> str:
        """The database path as the cache key."""
        return str(self.db.resolve())
