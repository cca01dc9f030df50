"""The story of one person: every app adds its own entries to the resident page.

A source is a function `(resident, user) -> list[TimelineEntry]`, registered from its app's
AppConfig.ready() with `sources.register(source)` (a core.registry.Registry). The resident page
merges the entries of all sources, newest first, and paginates them. Rules for a source:

- it reads its own app's tables only, in a fixed number of queries whatever the number of
  entries (the resident page asserts its query count does not grow);
- it returns only what `user` may see (medical notes: the medical team only);
- `detail` is short plain text: the page is not the place for the full content.
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
        """Entries known by their day sort after the timed entries of that day."""
        if isinstance(self.at, datetime.datetime):
            return self.at if timezone.is_aware(self.at) else timezone.make_aware(self.at)
        end_of_day = datetime.datetime.combine(self.at, datetime.time.max)
        return timezone.make_aware(end_of_day)


Source = Callable[..., list[TimelineEntry]]
sources: Registry[Source] = Registry("timeline sources")


def entries_for(resident, user) -> list[TimelineEntry]:
    entries = [entry for source in sources for entry in source(resident, user)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
