"""The access log of case files (GDPR art. 9): who viewed which person's data, and when.

Every page that shows one person's data goes through this module, in one of three ways:

- `get_for_person_view(request, queryset, **lookup)`: fetch the page's object (404 if absent),
  find the person it is about and record the access;
- `PersonPageMixin` for class-based views: a GET records the access to `get_resident()`;
- `person_data_viewed(request, resident)` when the view already holds the person.

An access is recorded once per request and person, however many of their rows the page shows,
and only for a page read (GET): a POST changes the file, and the change history keeps that. The
log line names the page (its path), never the data shown. Exports go through
`person_data_exported`, with their own kind.

The log is about a person too: its declaration (`HELD`, privacy.persondata) and its right of
access section (`SECTION`) are declared from PrivacyConfig.ready().
"""

import functools

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from privacy.models import AccessKind, AccessLog
from privacy.persondata import ExportSection, Held, person_model

_RECORDED = "_person_data_viewed"


@functools.cache  # the models do not change while the process runs
def resident_lookup(model: type[models.Model]) -> str | None:
    """The lookup from `model` to the person its rows are about: "" for the person's own table,
    "resident", "placement__resident"…, or None when the table is not about one person. Forward
    foreign keys only, shortest path first (a row about a hotel is about nobody in it)."""
    person = person_model()
    paths = [(model, "")]
    seen = {model}
    while paths:
        current, path = paths.pop(0)
        if current is person:
            return path
        for field in current._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is None or target in seen or not field.many_to_one:
                continue
            seen.add(target)
            paths.append((target, f"{path}__{field.name}" if path else field.name))
    return None


def resident_of(obj: models.Model) -> models.Model | None:
    """The person `obj` is about (None if its table is not about one person, or no one is named
    on this row, e.g. an incident involving no resident)."""
    lookup = resident_lookup(type(obj))
    if lookup is None:
        return None
    for name in filter(None, lookup.split("__")):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


def person_data_viewed(request, resident: models.Model | None) -> None:
    """Record that `request.user` viewed `resident`'s data on this page (a GET), once a request."""
    if resident is None or request.method not in ("GET", "HEAD"):
        return
    recorded = request.__dict__.setdefault(_RECORDED, set())
    if resident.pk in recorded:
        return
    recorded.add(resident.pk)
    AccessLog.record(user=request.user, resident=resident, page=request.path)


def get_for_person_view(request, queryset, **lookup):
    """The object of a page about a person (404 if `lookup` finds none), its access recorded."""
    obj = get_object_or_404(queryset, **lookup)
    person_data_viewed(request, resident_of(obj))
    return obj


def person_data_exported(*, user, resident: models.Model, page: str) -> None:
    """Record a right of access export of `resident`'s file by `user` (`page` names it)."""
    AccessLog.record(user=user, resident=resident, page=page, kind=AccessKind.EXPORT)


class PersonPageMixin:
    """A class-based view of a page about one person: its GET records the access to the person
    `get_resident()` names (by default the person of `self.object`)."""

    def get_resident(self) -> models.Model | None:
        return resident_of(self.object)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        person_data_viewed(request, self.get_resident())
        return response


# --- The log as data about the person ----------------------------------------------------------

HELD = Held(
    AccessLog,
    resident="resident_id",
    kept={
        "page": "the title of the page opened, never its content; the access log has its "
        "own delay (ACCESS_LOG_RETENTION_DAYS) and its own purge"
    },
    section="access_log",
    delete_history=False,
)

# The right of access's last section: the person has a right to know who opened their file.
SECTION = ExportSection(
    "access_log",
    _("Who opened the file"),
    order=900,
    note=_("Each time a member of the team opened or exported the file."),
)
