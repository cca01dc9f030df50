"""What each app holds about a person: one declaration per table, the one place to read it.

Each app that holds rows about a person lists them in its own `<app>/persondata.py` and
declares them from its AppConfig.ready()::

    from privacy import persondata
    from visits import persondata as held

    persondata.declare("visits", *held.HELD, sections=held.SECTIONS)

Each table is one `Held`:

- ``resident``: the lookup from a row to its person's id ("resident_id", "note__resident_id",
  "pk" for the person's own table);
- ``erased``: what anonymisation puts in place of each field (see `Erased`): identity and every
  free text about the person;
- ``kept``: every other free text the table holds, each with the reason it stays;
- ``medical``: the fields only the medical team reads (on pages, in exports and in the change
  history); with ``medical_when``, only on the rows where that boolean field is true;
- ``medical_rows``: the rows the rest of the team does not see at all on pages and in exports (a
  nursing note that shares no summary), named in the reader's words by ``medical_rows_named``;
- ``contacts``: the date fields that count as a contact with the person, on the rows
  ``contact_rows`` selects (all by default); ``ongoing`` selects the rows that keep the file open
  (a current stay, a request on the waiting list): such a file never expires;
- ``section``: the key of the right-of-access section (an `ExportSection` the app declares with
  its tables) that shows these rows: every field but the primary key, the foreign key to the
  person (or to the row it belongs to, when both tables share the section) and those left out
  with their reason in ``not_exported``. A table whose rows belong to the rows of another table
  of the same section is shown inside them (a visit's medical note, an incident's actions);
- ``delete_history``: whether anonymisation deletes the change history of these rows, which
  keeps the erased values (not for a stock ledger, which must stay whole).

`privacy.retention` erases and finds the last contacts from these declarations alone, and
`privacy.subject_access` assembles the right-of-access export from them; the test
privacy/tests/test_persondata.py fails when a free text reachable from a person is declared
neither erased nor kept.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Case, Max, Q, Value, When
from django.utils import timezone

from accounts.roles import MEDICAL_TEAM
from core.audit import PERSON_MODEL

# Put in place of a free text that a database constraint or a required field needs non-empty.
REDACTED = "—"
# The last contact of a file with something still open: it never expires.
ONGOING = datetime.date.max

# What anonymisation puts in a field: a value (including a database expression), or a callable
# taking the field's name and returning one, called at the time of the anonymisation.
Erased = object | Callable[[str], object]


def redacted_if_written(name: str) -> Case:
    """Erased value of a text kept non-empty when written (a refusal's reason, a sample's
    result): the text becomes REDACTED, an empty one stays empty, so the fact still counts."""
    return Case(When(**{name: ""}, then=Value("")), default=Value(REDACTED))


@dataclass(frozen=True)
class Held:
    """What one table holds about a person (see the module)."""

    model: type[models.Model]
    resident: str
    erased: Mapping[str, Erased] = field(default_factory=dict)
    kept: Mapping[str, str] = field(default_factory=dict)
    medical: frozenset[str] = frozenset()
    medical_when: str = ""
    medical_rows: Q | None = None
    medical_rows_named: str = ""
    contacts: tuple[str, ...] = ()
    contact_rows: Q | None = None
    ongoing: Q | None = None
    section: str = ""
    not_exported: Mapping[str, str] = field(default_factory=dict)
    delete_history: bool = True

    def rows(self, resident_ids: Iterable[int]) -> models.QuerySet:
        """The rows about these people."""
        return self.model._default_manager.filter(**{f"{self.resident}__in": list(resident_ids)})

    def erase(self, resident_ids: list[int]) -> models.QuerySet:
        """Put the erased values in place (one UPDATE); returns the rows about these people."""
        rows = self.rows(resident_ids)
        if self.erased:
            rows.update(
                **{
                    name: value(name) if callable(value) else value
                    for name, value in self.erased.items()
                }
            )
        return rows

    def medical_in(self, row: Mapping) -> frozenset[str]:
        """The medical fields of one row, given as {field: stored value}."""
        if self.medical_when and not row.get(self.medical_when):
            return frozenset()
        return self.medical

    def last_contacts(self, resident_ids: list[int]) -> dict[int, datetime.date]:
        """{resident_id: the latest contact date these rows hold}, ONGOING for an open one."""
        rows = self.rows(resident_ids)
        found = latest(
            rows.filter(self.contact_rows or Q()), *self.contacts, resident=self.resident
        )
        if self.ongoing is not None:
            found = merge(found, ongoing(rows.filter(self.ongoing), resident=self.resident))
        return found


def person_model() -> type[models.Model]:
    """The table of the people followed (residents.Resident): one row per case file.

    This app sits below the residents app (the layers in pyproject.toml): it names that table by
    its label, as its foreign keys do, and never imports it. Retention reads the file's
    `created_at` and sets its `anonymised_at`; the right of access prints the person's names."""
    return apps.get_model(PERSON_MODEL)


@dataclass(frozen=True)
class ExportSection:
    """A section of the right-of-access export (privacy.subject_access): its title and place,
    filled with the rows of the tables declared with its key (`Held.section`).

    Two hooks, for what the tables' fields do not say: ``columns`` returns computed
    (label, value) pairs added to each row of the section's main table (the nights of a stay),
    and ``rows(resident)`` fills a section that no table holds (a figure computed from others).
    ``note`` is shown under the title to every reader; the export adds what it leaves out.
    """

    key: str
    title: str
    order: int = 100
    note: str = ""
    columns: Callable[[models.Model], Iterable[tuple]] | None = None
    rows: Callable[[models.Model], list[dict]] | None = None


@dataclass(frozen=True)
class _App:
    held: tuple[Held, ...]
    sections: tuple[ExportSection, ...]


_declared: dict[str, _App] = {}


def declare(label: str, *held: Held, sections: Iterable[ExportSection] = ()) -> None:
    """Declare (or replace) what app `label` holds about people, and the sections of the
    right-of-access export that show it."""
    _declared[label] = _App(held=held, sections=tuple(sections))


def declarations() -> list[Held]:
    """Every table declared, app by app in the order the apps declared them."""
    return [held for app in _declared.values() for held in app.held]


def export_sections() -> list[ExportSection]:
    """Every section of the right-of-access export, in reading order."""
    sections = [section for app in _declared.values() for section in app.sections]
    return sorted(sections, key=lambda section: section.order)


def declared_for(model: type[models.Model]) -> Held | None:
    return next((held for held in declarations() if held.model is model), None)


def medical_fields(model: type[models.Model], user, row: Mapping) -> frozenset[str]:
    """The fields of `row` (a row of `model` as {field: stored value}) that `user` may not read
    because only the medical team reads them."""
    held = declared_for(model)
    if held is None or user.has_role(*MEDICAL_TEAM):
        return frozenset()
    return held.medical_in(row)


# --- Dates -------------------------------------------------------------------------------------


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def latest(queryset: models.QuerySet, *fields: str, resident: str = "resident_id") -> dict:
    """{resident_id: the latest date found in `fields`} over `queryset` (one query per field)."""
    found: dict[int, datetime.date] = {}
    for name in fields:
        rows = (
            queryset.exclude(**{f"{name}__isnull": True})
            .values_list(resident)
            .annotate(last=Max(name))
            .order_by()
        )
        for resident_id, last in rows:
            if resident_id is not None:
                found[resident_id] = max(found.get(resident_id, datetime.date.min), _as_date(last))
    return found


def ongoing(queryset: models.QuerySet, resident: str = "resident_id") -> dict:
    """{resident_id: ONGOING} for the people with a row in `queryset` (something still open)."""
    return dict.fromkeys(
        (pk for pk in queryset.values_list(resident, flat=True).distinct() if pk is not None),
        ONGOING,
    )


def merge(*found: dict) -> dict[int, datetime.date]:
    """The latest date per person across several `latest()` results."""
    merged: dict[int, datetime.date] = {}
    for dates in found:
        for resident_id, day in dates.items():
            merged[resident_id] = max(merged.get(resident_id, day), day)
    return merged
