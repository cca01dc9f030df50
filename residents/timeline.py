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
  `describe(row)`;
- better still, a source may return `Days`: a queryset of its rows and the field of their day
  or time, without running it. The page reads the days of every source's `Days` in one query
  (UNION ALL of their primary keys and days), then each shown entry's row as above.

A source says which models ("app_label.Model") its entries show with `@timeline.reads(...)`: the
page keeps each page of the timeline in the cache until a write to one of those tables (see
`cached`); while one source does not say, nothing is cached.

The page filters the story by kind (`?type=`): `KIND_FILTERS` groups the sources' kinds under
the French labels the team uses.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Expression, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.kept import DataVersion, kept_html
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
        self.queryset = queryset.order_by()
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


@dataclass(frozen=True, eq=False)
class Days:
    """Entries of `kind`, one for each row of `queryset`, at its field `at` (a name, or an
    expression of a date or a time) plus `shift`: their days are read with every other source's
    in one query; `describe(row)` writes one from its row of `rows` if it is shown."""

    queryset: QuerySet
    at: str | Expression
    kind: str
    describe: Callable[..., TimelineEntry]
    rows: Rows
    shift: datetime.timedelta | None = None

    def is_timed(self) -> bool:
        field = (
            self.queryset.model._meta.get_field(self.at)
            if isinstance(self.at, str)
            else self.at.output_field
        )
        return isinstance(field, models.DateTimeField)

    def days_query(self, number: int) -> QuerySet:
        """(number, pk, time, day) of each row: a time or a day, the other one empty."""
        at = F(self.at) if isinstance(self.at, str) else self.at
        timed = self.is_timed()
        nothing = Cast(Value(None), models.DateField() if timed else models.DateTimeField())
        return (
            self.queryset.order_by()
            .annotate(
                timeline_source=Value(number),
                timeline_pk=F("pk"),
                timeline_time=at if timed else nothing,
                timeline_day=nothing if timed else at,
            )
            .values_list("timeline_source", "timeline_pk", "timeline_time", "timeline_day")
        )

    def entry(self, pk, time, day) -> LaterEntry:
        at = time if time is not None else day
        if self.shift:
            at += self.shift
        return LaterEntry(at, self.describe, self.kind, self.rows, pk)


def read_days(days: list[Days]) -> dict[Days, list[LaterEntry]]:
    """The entries of each `Days`, all read in one query."""
    entries: dict[Days, list[LaterEntry]] = {one: [] for one in days}
    if days:
        queries = [one.days_query(number) for number, one in enumerate(days)]
        union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        for number, pk, time, day in union:
            entries[days[number]].append(days[number].entry(pk, time, day))
    return entries


def _read(found: list, wanted=lambda days: True) -> list[TimelineEntry | LaterEntry]:
    """`found` with its `Days` (those `wanted`) read, in their place."""
    read = read_days([item for item in found if isinstance(item, Days) and wanted(item)])
    entries = []
    for item in found:
        if not isinstance(item, Days):
            entries.append(item)
        elif item in read:
            entries.extend(read[item])
    return entries


def source_entries(source, resident, user) -> list[TimelineEntry | LaterEntry]:
    """The entries of one source, its `Days` read."""
    return _read(source(resident, user))


Source = Callable[..., list[TimelineEntry | LaterEntry | Days]]
sources: Registry[Source] = Registry("timeline sources")


def reads(*labels: str) -> Callable[[Source], Source]:
    """Decorator: the models ("app_label.Model") whose rows the source's entries show, all kept
    in the change history (core.audit). The page keeps its timeline in the cache until one of
    the tables of every source changes (see `cached`); while a source does not say (no `reads`),
    the timeline is never cached."""

    def declare(source: Source) -> Source:
        source.reads = labels
        return source

    return declare


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
    found = [item for source in sources for item in source(resident, user)]
    entries = _read(found, lambda days: kinds is None or days.kind in kinds)
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


# --- The timeline kept in the cache ---------------------------------------------------------------

# How long a page of the timeline stays in the cache at most. Its key changes with every write to a
# table a source reads (see `data_version`): this only bounds what a key cannot see, two
# transactions writing the same table that commit in the other order than their history rows were
# numbered, and a new version of the templates.
CACHE_SECONDS = 60
_sources_data = DataVersion(sources)


def data_version() -> tuple | None:
    """What changes whenever a row any source reads is inserted, updated or deleted (in the
    history of its table, which sees every write); None: a source does not say, no cache."""
    return _sources_data.current()


def cached(build: Callable[[], str], *, resident, user, shown: tuple) -> SafeString:
    """The timeline's HTML as `build()` writes it, for `user` on the page of `resident`, kept in
    the cache under all it depends on: the data every source reads (`data_version`), the user
    (a referral's escort details go to the worker who accompanies) and their roles (medical
    notes and referrals), the language, the day, the person and `shown` (the filter and the
    page asked for). One user's or role's timeline therefore never reaches another, and any
    write to a table a source reads shows at once. A hit costs one query and no source is read.

    The medical team's timeline is never kept: it holds the text of medical notes and referrals,
    which stays in the database (the cache is shared by every process and held in Redis's
    memory) and is read from it for each page.
    """
    version = None if user.is_medical else data_version()
    if version is None:
        return mark_safe(build())  # noqa: S308 - written by our own template (build)
    parts = (
        version,
        sources.version,
        user.pk,
        sorted(user.role_names),
        get_language(),
        timezone.localdate().isoformat(),
        resident.pk,
        shown,
    )
    return kept_html("timeline", parts, build, CACHE_SECONDS)
