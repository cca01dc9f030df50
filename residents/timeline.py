"""The story of one person: every app adds its own entries to the resident page.

A source is a function `(resident, user) -> list[TimelineEntry]`, registered from its app's
AppConfig.ready() with `sources.register(source)` (a core.registry.Registry). The resident page
merges the entries of all sources, newest first, and paginates them. Rules for a source:

- it reads its own app's tables only, in a fixed number of queries whatever the number of
  entries (the resident page asserts its query count does not grow);
- it returns only what `user` may see (medical notes: the medical team only);
- `detail` is short plain text: the page is not the place for the full content;
- a source with many entries may return `LaterEntry`s: the day of each entry, and a function
  that writes it (translations, links, dates). The page sorts every entry but writes only the
  twenty it shows.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from core.registry import Registry


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime | datetime.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    icon: str = "circle"

    @property
    def is_dated_only(self) -> bool:
        return not isinstance(self.at, datetime.datetime)

    @property
    def sort_key(self) -> datetime.datetime:
        return _sort_key(self.at)


@dataclass(frozen=True)
class LaterEntry:
    """An entry known by its day or time, written by `describe()` only if it is shown."""

    at: datetime.datetime | datetime.date
    describe: Callable[[], TimelineEntry]

    @property
    def sort_key(self) -> datetime.datetime:
        return _sort_key(self.at)


def _sort_key(at: datetime.datetime | datetime.date) -> datetime.datetime:
    """Entries known by their day sort after the timed entries of that day."""
    if isinstance(at, datetime.datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    end_of_day = datetime.datetime.combine(at, datetime.time.max)
    return timezone.make_aware(end_of_day)


Source = Callable[..., list[TimelineEntry | LaterEntry]]
sources: Registry[Source] = Registry("timeline sources")


def sorted_entries(resident, user) -> list[TimelineEntry | LaterEntry]:
    """Every entry of every source, newest first; `described()` writes those shown."""
    entries = [entry for source in sources for entry in source(resident, user)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


def described(entries) -> list[TimelineEntry]:
    return [entry.describe() if isinstance(entry, LaterEntry) else entry for entry in entries]


def entries_for(resident, user) -> list[TimelineEntry]:
    """Every entry, newest first, written out."""
    return described(sorted_entries(resident, user))
