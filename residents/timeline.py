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
  twenty it shows. It gives each `LaterEntry` its `kind`, so that the page can filter by kind
  without writing every entry (an entry without one is written to learn it);
- a source whose rows are long to read may also fetch only their days and primary keys, and
  give each `LaterEntry` its `pk` and the `Rows` of the source (the queryset of the full rows):
  the page fetches the rows of the entries it shows in one query per source, then calls
  `describe(row)`.

The page filters the story by kind (`?type=`): `KIND_FILTERS` groups the sources' kinds under
the French labels the team uses.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class Rows:
    """The full rows of one source, read in one query for the entries shown only."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._rows: dict = {}

    def fetch(self, pks) -> None:
        missing = set(pks).difference(self._rows)
        if missing:
            self._rows.update(self.queryset.in_bulk(missing))

    def __getitem__(self, pk):
        if pk not in self._rows:
            self.fetch([pk])
        return self._rows[pk]


@dataclass(frozen=True)
class LaterEntry:
    """An entry known by its day or time, written by `describe()` only if it is shown; with
    `rows`, `describe` receives the row `pk` of `rows`."""

    at: datetime.datetime | datetime.date
    describe: Callable[..., TimelineEntry]
    kind: str = ""
    rows: Rows | None = None
    pk: int | None = None

    @property
    def sort_key(self) -> datetime.datetime:
        return _sort_key(self.at)

    def write(self) -> TimelineEntry:
        return self.describe() if self.rows is None else self.describe(self.rows[self.pk])


def _sort_key(at: datetime.datetime | datetime.date) -> datetime.datetime:
    """Entries known by their day sort after the timed entries of that day."""
    if isinstance(at, datetime.datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    end_of_day = datetime.datetime.combine(at, datetime.time.max)
    return timezone.make_aware(end_of_day)


Source = Callable[..., list[TimelineEntry | LaterEntry]]
sources: Registry[Source] = Registry("timeline sources")


@dataclass(frozen=True)
class KindFilter:
    """One choice of the timeline's filter: `slug` in the address, `kinds` of entries shown."""

    slug: str
    label: str
    kinds: frozenset[str]


KIND_FILTERS = (
    KindFilter("visites", _("Visits"), frozenset({"visit"})),
    KindFilter("notes", _("Notes"), frozenset({"note", "note-summary"})),
    KindFilter("demarches", _("Steps and referrals"), frozenset({"step", "referral"})),
    KindFilter("sejours", _("Stays"), frozenset({"stay", "absence", "incident"})),
    KindFilter(
        "rdr",
        _("Harm reduction"),
        frozenset({"advice", "sample", "overdose", "vouchers", "supplies"}),
    ),
    KindFilter(
        "dossier",
        _("File and assessments"),
        frozenset({"file", "consent", "admission", "situation", "consumption"}),
    ),
)


def kind_filter(slug: str | None) -> KindFilter | None:
    """The filter named `slug` in the address; None (everything) for an unknown one."""
    return next((choice for choice in KIND_FILTERS if choice.slug == slug), None)


def sorted_entries(
    resident, user, kinds: frozenset[str] | None = None
) -> list[TimelineEntry | LaterEntry]:
    """Every entry of every source (of `kinds` only, if given), newest first; `described()`
    writes those shown."""
    entries = [entry for source in sources for entry in source(resident, user)]
    if kinds is not None:
        entries = [
            entry
            for entry in (
                entry.write() if isinstance(entry, LaterEntry) and not entry.kind else entry
                for entry in entries
            )
            if entry.kind in kinds
        ]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


def described(entries) -> list[TimelineEntry]:
    """`entries` written out, with one query per source whose rows are fetched late."""
    wanted: dict[Rows, list[int]] = {}
    for entry in entries:
        if isinstance(entry, LaterEntry) and entry.rows is not None:
            wanted.setdefault(entry.rows, []).append(entry.pk)
    for rows, pks in wanted.items():
        rows.fetch(pks)
    return [entry.write() if isinstance(entry, LaterEntry) else entry for entry in entries]


def entries_for(resident, user) -> list[TimelineEntry]:
    """Every entry, newest first, written out."""
    return described(sorted_entries(resident, user))
