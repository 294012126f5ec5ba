"""What every page is given: the database, settings, the signed-in user and the filters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from vawg.config import Settings
from vawg.disclosure import describe
from vawg.web.filters import FILTERS, Filters

__all__ = ["Download", "PageContext"]


@dataclass(frozen=True)
class Download:
    """A CSV download's file name and the lines stamped at its top (what, period, filters)."""

    file_name: str
    header: tuple[str, ...]


@dataclass(frozen=True)
class PageContext:
    """A page's inputs. ``public`` (a viewer) means disclosure-controlled figures only.

    ``applies``: the filters that apply to the page (the others are neither drawn nor stated).
    ``client``: the browser's address (for the audit log's download lines). ``own_period``:
    the period a part of the page uses whatever the filter says (in words, and for a file
    name), set by :meth:`with_own_period`.
    """

    db: Path
    stamp: float
    settings: Settings
    user: str
    role: str
    filters: Filters
    applies: tuple[str, ...] = FILTERS
    client: str = ""
    own_period: tuple[str, str] | None = None

    @property
    def public(self) -> bool:
        """Whether figures must be disclosure-controlled (every role but analyst)."""
        return self.role != "analyst"

    @property
    def db_key(self) -> str:
        """The database path as the cache key."""
        return str(self.db.resolve())

    def describe(self) -> str:
        """The selection that applies to this page, in words (for captions)."""
        return self.filters.describe(self.applies)

    def without(self, *names: str) -> PageContext:
        """This context for a part of the page that the filters ``names`` do not apply to."""
        return replace(self, applies=tuple(a for a in self.applies if a not in names))

    def with_own_period(self, words: str, slug: str) -> PageContext:
        """This context for a part of the page that no filter applies to and that covers its
        own period (``words`` in a download's header, ``slug`` in its name): the Safer
        Streets and programme evaluations, which always use the whole extract."""
        return replace(self, applies=(), own_period=(words, slug))

    def download(self, slug: str, title: str, *, caption: str = "") -> Download:
        """Name and stamp a CSV of ``title``: the filters and period in the name and header."""
        selection = self.filters.slug(self.applies)
        if self.own_period is not None:
            selection = self.own_period[1]
        name = f"vawg-{slug}" + (f"_{selection}" if selection else "") + ".csv"
        if self.own_period is not None:
            period = self.own_period[0]
        elif "period" in self.applies:
            period = f"{self.filters.period()} (date recorded)"
        else:
            period = "not filtered (every month in the database)"
        rule = str(describe(self.settings.disclosure_threshold)["summary"]).replace(", ", "; ")
        figures = (
            f"disclosure-controlled. {rule}"
            if self.public
            else "OFFICIAL-SENSITIVE analyst view; every count exact and small ones included"
        )
        # No commas of our own, so the lines stay unquoted (values from the data may add some).
        selections = self.filters.selections(self.applies, joiner=" + ")
        data_time = datetime.fromtimestamp(self.stamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        header = [
            f"VAWG insight: {title}",
            f"Period: {period}",
            f"Filters: {selections or 'none apply to this table'}",
            f"Figures: {figures}",
            f"Database: {self.db.name} (loaded {data_time}); prepared {now} for {self.user}",
        ]
        if caption:
            header.append(f"Note: {caption}")
        return Download(name, tuple(header))
