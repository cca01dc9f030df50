"""The change history of domain tables, recorded by database triggers (django-pghistory).

Triggers see every insert, update and delete, including `queryset.update()` and raw SQL, so
application code cannot write without leaving a trace. The request's user and URL are attached as
context by pghistory's middleware.
"""

from collections.abc import Callable

import pghistory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import Event, MiddlewareEvents

from accounts.roles import Role
from core.registry import Registry

# Who may read a model's change history, unless the model says otherwise (see
# `audited(readers=...)`): the manager. The administrator manages accounts and reads their
# history only (`ACCOUNT_HISTORY`); a model holding medical data narrows it further.
DEFAULT_READERS = frozenset({Role.MANAGER})
# The table of the people followed: the history can be searched by person.
PERSON_MODEL = "residents.resident"


# Functions `(model, user, row) -> fields`: the fields of a row (its stored values, a dict) that
# `user` may not read in the change history. privacy registers the person-data declarations'
# medical fields there, so the history hides what the pages hide.
hidden_fields: Registry[Callable[..., set[str]]] = Registry("fields hidden from the history")
HIDDEN = _("(medical team only)")

# field -> function from a set of the field's stored values to {value: what the page shows}.
ValueLabels = dict[str, Callable[[set], dict]]


def audited(
    *,
    readers: frozenset[str] = DEFAULT_READERS,
    value_labels: ValueLabels | None = None,
    field_labels: dict[str, str] | None = None,
    **kwargs,
):
    """Class decorator for a domain model: keep an event for each insert, update and delete.

    `readers` are the roles that may read this model's history in the UI. `value_labels` shows
    some fields' stored values (ids) as words on the history page (see `describe_events`), and
    `field_labels` names the fields whose label is not the page's (a third-party model's).
    """
    track = pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )

    def decorate(model):
        model.history_readers = frozenset(readers)
        model.history_value_labels = dict(value_labels or {})
        model.history_field_labels = dict(field_labels or {})
        return track(model)

    return decorate


def may_read_history(user, model) -> bool:
    return user.has_role(*getattr(model, "history_readers", DEFAULT_READERS))


def event_models() -> dict[type[models.Model], type[Event]]:
    found = {}
    for model in apps.get_models():
        if issubclass(model, Event) and getattr(model, "pgh_tracked_model", None):
            found[model.pgh_tracked_model] = model
    return found


def history_version_query(labels) -> str:
    """One statement whose answer changes whenever a row of the models `labels`
    ("app_label.Model") is inserted, updated or deleted: the database's identity (a database
    restored or created again, as in the tests, has another) and the newest history row of each
    of their tables. The history triggers see every write, `queryset.update()` and raw SQL
    included; a change to a column the history leaves out changes nothing."""
    events = event_models()
    newest = []
    for label in sorted(set(labels)):
        event = events.get(apps.get_model(label))
        if event is None:
            raise ImproperlyConfigured(f"{label} keeps no history: no version can follow it.")
        table = connection.ops.quote_name(event._meta.db_table)
        newest.append(f"(SELECT max(pgh_id) FROM {table})")
    return "SELECT (SELECT oid FROM pg_database WHERE datname = current_database())" + "".join(
        f", {one}" for one in newest
    )


def tracked_models(user=None) -> list[dict]:
    """The audited models, or those whose history `user` may read."""
    return sorted(
        (
            {"label": model._meta.label_lower, "name": model._meta.verbose_name_plural}
            for model in event_models()
            if user is None or may_read_history(user, model)
        ),
        key=lambda entry: str(entry["name"]),
    )


def tracked_model(label: str, user) -> type[models.Model] | None:
    """The audited model named `label`, if `user` may read its history (else None: a 404)."""
    for model in event_models():
        if model._meta.label_lower == label and may_read_history(user, model):
            return model
    return None


def person_field(model: type[models.Model]) -> str | None:
    """The field of `model` naming the person a row is about: "pk" for the person's own table,
    the attribute of a foreign key to it, or None when the table is not about one person."""
    if model._meta.label_lower == PERSON_MODEL:
        return "pk"
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model._meta.label_lower == PERSON_MODEL:
            return field.attname
    return None


def person_of_row(model: type[models.Model], pk):
    """The person the row `pk` of `model` is about, from its history (the row may be gone):
    None when the table is not about one person, or the person's file is gone."""
    field = person_field(model)
    if field is None:
        return None
    if field == "pk":
        person_id = pk if str(pk).isdigit() else None
    else:
        latest = events_for(model, pk).first()
        person_id = (latest.pgh_data or {}).get(field) if latest is not None else None
    if person_id is None:
        return None
    return apps.get_model(PERSON_MODEL).objects.filter(pk=person_id).first()


def events_for(model: type[models.Model], pk=None, *, user_id=None, person_id=None):
    """The events of `model`, newest first: of one row (`pk`), by one user (`user_id`), or about
    one person (`person_id`, for the tables that are about a person)."""
    events = MiddlewareEvents.objects.across(event_models()[model]).order_by(
        "-pgh_created_at", "-pgh_id"
    )
    if pk is not None:
        events = events.filter(pgh_obj_id=str(pk))
    if user_id is not None:
        events = events.filter(pgh_context__user=user_id)
    field = person_field(model)
    if person_id is not None and field == "pk":
        events = events.filter(pgh_obj_id=str(person_id))
    elif person_id is not None and field:
        events = events.filter(**{f"pgh_data__{field}": person_id})
    return events


def describe_events(events, model: type[models.Model] | None = None, *, user=None) -> list[dict]:
    """One row per event with its author resolved in one query, and its changed fields as the
    pages name them (the field's label, a choice's label, yes/no, dates in Paris time and French
    format, a person's, an account's or a place's name instead of its number: one query per such
    field for the whole page). The values of the fields `user` may not read (see
    `hidden_fields`) are replaced by HIDDEN."""
    events = list(events)
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = get_user_model().objects.in_bulk(user_ids)
    changes = [_hidden(_changes(event), model, user, event.pgh_data or {}) for event in events]
    fields = _fields_by_name(model)
    resolvers = {**_name_resolvers(fields), **getattr(model, "history_value_labels", {})}
    labels = _value_labels(resolvers, changes)
    rows = []
    for event, event_changes in zip(events, changes, strict=True):
        context = event.pgh_context or {}
        rows.append(
            {
                "at": event.pgh_created_at,
                "label": event.pgh_label,
                "object_id": event.pgh_obj_id,
                "user": users.get(context.get("user")),
                "url": context.get("url", ""),
                "changes": [
                    (
                        _field_label(model, fields, field),
                        _shown(fields, labels, field, old),
                        _shown(fields, labels, field, new),
                    )
                    for field, old, new in event_changes
                ],
            }
        )
    return rows


def _fields_by_name(model: type[models.Model] | None) -> dict[str, models.Field]:
    """The model's concrete fields by the names the history stores (`ended_by_id`, `is_active`)."""
    if model is None:
        return {}
    return {field.attname: field for field in model._meta.concrete_fields}


def _field_label(model, fields: dict[str, models.Field], name: str) -> str:
    if name in getattr(model, "history_field_labels", {}):
        return capfirst(str(model.history_field_labels[name]))
    field = fields.get(name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _names_of(target: type[models.Model]) -> Callable[[set], dict]:
    """The rows of `target` by their name (what the pages show for them), in one query."""

    def names(ids: set) -> dict:
        found = target._default_manager.filter(pk__in=ids)
        if getattr(target, "history_names_related", None):
            found = found.select_related(*target.history_names_related)
        return {row.pk: str(row) for row in found}

    return names


def _numbered(target: type[models.Model]) -> Callable[[set], dict]:
    """A row shown by its kind and number ("séjour n° 12"), never by its text: the row may be
    one the reader may not open, or name what only the medical team reads."""

    def numbers(ids: set) -> dict:
        kind = target._meta.verbose_name
        return {pk: gettext("%(kind)s no. %(pk)s") % {"kind": kind, "pk": pk} for pk in ids}

    return numbers


def _name_resolvers(fields: dict[str, models.Field]) -> ValueLabels:
    """For each foreign key: the names of people, accounts and of the models that say their name
    is safe to show (`history_names = True`, e.g. hotels and places); a number for the others."""
    resolvers = {}
    for name, field in fields.items():
        if not field.is_relation or not (field.many_to_one or field.one_to_one):
            continue
        target = field.related_model
        named = (
            target is get_user_model()
            or target._meta.label_lower == PERSON_MODEL
            or getattr(target, "history_names", False)
        )
        resolvers[name] = _names_of(target) if named else _numbered(target)
    return resolvers


def _shown(fields: dict[str, models.Field], labels: dict[str, dict], name: str, value):
    """A stored value as the pages show it."""
    if value is None or value is HIDDEN:
        return value
    if name in labels:
        return labels[name].get(value, value)
    field = fields.get(name)
    if field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    return value


def _hidden(changes, model, user, row: dict) -> list[tuple[str, object, object]]:
    if user is None or model is None:
        return changes
    hidden = set().union(*(rule(model, user, row) for rule in hidden_fields))
    return [
        (field, HIDDEN, HIDDEN) if field in hidden else (field, old, new)
        for field, old, new in changes
    ]


def _changes(event) -> list[tuple[str, object, object]]:
    if event.pgh_diff:
        return [(field, old, new) for field, (old, new) in sorted(event.pgh_diff.items())]
    return [(field, None, value) for field, value in sorted((event.pgh_data or {}).items())]


def _value_labels(resolvers: ValueLabels, changes) -> dict[str, dict]:
    values: dict[str, set] = {field: set() for field in resolvers}
    for event_changes in changes:
        for field, old, new in event_changes:
            if field in values:
                values[field].update(v for v in (old, new) if v is not None and v is not HIDDEN)
    return {field: resolvers[field](found) for field, found in values.items() if found}
