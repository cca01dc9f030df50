"""The right of access (GDPR art. 15): everything recorded about one person, in one document.

The document is derived from the person-data declarations (privacy.persondata): each app
declares its tables (`Held`) and the sections that show them (`ExportSection`), and this module
reads, for each section, the rows of its tables about the person with every field but the
technical ones (see `exported_fields`), labelled by the field's name, choices in words, related
rows by their name, values raw (dates, datetimes, booleans, numbers, text); `display` and the
JSON format them. A field declared `medical` is not even read for a user outside the medical
team (only on the rows `medical_when` marks), nor are the rows `medical_rows` selects, and the
section's note says what is left out. A new field of a declared table is in the export without
further work; a field that should stay out is declared in `Held.not_exported`, with the reason.

The document is assembled when it is downloaded, for the user who asked for it, never stored.
"""

import dataclasses
import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from accounts.roles import MEDICAL_TEAM
from core import pdf
from privacy import persondata
from privacy.persondata import Held

FieldValue = str | int | float | bool | datetime.date | datetime.datetime | list | dict | None

# How far the export follows the non-null foreign keys of a related row to print its name
# without a query per row (a stay is named by its person and its place, a place by its hotel).
NAME_DEPTH = 3
# The annotation that carries a field's value on the rows where it is not medical.
_SHOWN = "shown_when_not_medical__"


@dataclass
class Section:
    """One part of the export: a title, and rows of label → value (labels in the reader's
    language, values raw: see the module)."""

    key: str
    title: str
    rows: list[dict[str, FieldValue]] = dataclasses.field(default_factory=list)
    order: int = 100
    # Shown under the title when it matters to the reader (what is left out, and why).
    note: str = ""


def includes_medical(user) -> bool:
    return user.has_role(*MEDICAL_TEAM)


def sections_for(resident, user) -> list[Section]:
    """Every declared section about `resident`, as `user` may see it, in reading order: one
    query per declared table (none for a table all medical, for a user outside the medical
    team), whatever the number of rows."""
    tables: dict[str, list[Held]] = defaultdict(list)
    for held in persondata.declarations():
        if held.section:
            tables[held.section].append(held)
    medical = includes_medical(user)
    sections = []
    for declared in persondata.export_sections():
        held = tables[declared.key]
        if declared.rows is not None:
            rows = declared.rows(resident)
        else:
            rows = declared_rows(held, resident, user, columns=declared.columns)
        notes = [str(declared.note), "" if medical else left_out(held)]
        sections.append(
            Section(
                declared.key,
                declared.title,
                rows,
                order=declared.order,
                note=" ".join(note for note in notes if note),
            )
        )
    return sections


# --- Rows derived from the declarations ----------------------------------------------------------


def link(held: Held) -> models.Field | None:
    """The first field of the lookup from `held`'s rows to their person (None for the person's
    own table)."""
    name = held.resident.split("__")[0]
    return None if name == "pk" else held.model._meta.get_field(name)


def container(held: Held) -> Held | None:
    """The table of the same section whose rows hold `held`'s rows (a visit for its medical
    note, an incident for its actions), or None for the section's main table."""
    step = link(held)
    if step is None or not held.section:
        return None
    return next(
        (
            other
            for other in persondata.declarations()
            if other.section == held.section and other.model is step.related_model
        ),
        None,
    )


def exported_fields(held: Held) -> list[models.Field]:
    """The fields of `held`'s table in the export: every concrete field but the primary key,
    the foreign key to the person or to the row that holds this one, and `not_exported`."""
    left_out = set(held.not_exported)
    step = link(held)
    if step is not None and (
        step.related_model is persondata.person_model() or container(held) is not None
    ):
        left_out.add(step.name)
    return [
        field
        for field in held.model._meta.concrete_fields
        if not field.primary_key and field.name not in left_out
    ]


def label(field: models.Field) -> str:
    return str(capfirst(field.verbose_name))


def nested_label(held: Held) -> str:
    """The label of `held`'s rows inside the row that holds them: one, or a list."""
    meta = held.model._meta
    return str(capfirst(meta.verbose_name if link(held).one_to_one else meta.verbose_name_plural))


def declared_rows(tables: list[Held], resident, user, *, columns=None) -> list[dict]:
    """The rows of one section: those of its main table, each holding the rows of the tables
    that belong to it, then the `columns` hook's computed values."""
    read = [(held, _read(held, resident, user)) for held in tables]
    # The rows of each table read, by primary key, for the tables whose rows they hold.
    by_pk = {
        held.model: {obj.pk: row for obj, row in found} for held, found in read if found is not None
    }
    top = []
    for held, found in read:
        if found is None:
            continue
        parent = container(held)
        if parent is None:
            top.extend(found)
            continue
        holders = by_pk.get(parent.model)
        if holders is None:
            continue  # the reader sees no field of the rows that hold these
        step, key = link(held), nested_label(held)
        for row in holders.values():
            row[key] = None if step.one_to_one else []
        for obj, row in found:
            holder = holders.get(getattr(obj, step.attname))
            if holder is None:
                continue  # held by a row the reader does not see
            if step.one_to_one:
                holder[key] = row
            else:
                holder[key].append(row)
    if columns is not None:
        for obj, row in top:
            row.update((str(name), value) for name, value in columns(obj))
    return [row for _obj, row in top]


def _read(held: Held, resident, user) -> list[tuple[models.Model, dict]] | None:
    """`held`'s rows about `resident` as (object, row), with what `user` may read; None when
    `user` may read none of its fields (the table is then not queried)."""
    fields = exported_fields(held)
    medical = includes_medical(user)
    hidden = frozenset() if medical else held.medical & {field.name for field in fields}
    if hidden and not held.medical_when:
        fields = [field for field in fields if field.name not in hidden]
    if not fields:
        return None
    rows = held.rows([resident.pk]).select_related(*related_paths(fields))
    if not medical and held.medical_rows is not None:
        rows = rows.exclude(held.medical_rows)
    if hidden:
        rows = rows.defer(*hidden)
        if held.medical_when:
            not_medical = Q(**{held.medical_when: False})
            rows = rows.annotate(
                **{
                    _SHOWN + name: Case(When(not_medical, then=F(name)), default=Value(None))
                    for name in hidden
                }
            )
    found = []
    for obj in rows:
        row = {}
        for field in fields:
            if field.name not in hidden:
                row[label(field)] = _value(obj, field, getattr(obj, field.attname))
            elif not getattr(obj, held.medical_when):
                row[label(field)] = _value(obj, field, getattr(obj, _SHOWN + field.name))
        found.append((obj, row))
    return found


def _value(obj: models.Model, field: models.Field, raw) -> FieldValue:
    """A field's value as the export gives it: choices in words, a related row by its name."""
    if raw is None:
        return None
    if field.is_relation:
        return str(getattr(obj, field.name))
    if field.choices:
        return _choice(field, raw)
    base = getattr(field, "base_field", None)
    if base is not None and base.choices:
        return [_choice(base, item) for item in raw]
    return raw


def _choice(field: models.Field, value) -> str:
    return force_str(dict(field.flatchoices).get(value, value))


def related_paths(fields: Iterable[models.Field], depth: int = NAME_DEPTH) -> list[str]:
    """The joins that name the related rows of `fields` without a query per row: each foreign
    key, and through it the non-null foreign keys of the row it names, which its name is made
    of."""
    paths = []
    for field in fields:
        if field.is_relation:
            paths.append(field.name)
            if depth > 1:
                required = [
                    other
                    for other in field.related_model._meta.concrete_fields
                    if other.is_relation and not other.null
                ]
                paths += [f"{field.name}__{path}" for path in related_paths(required, depth - 1)]
    return paths


def left_out(tables: list[Held]) -> str:
    """What a section leaves out for a reader outside the medical team, in their words."""
    parts = []
    for held in tables:
        if held.medical_rows is not None:
            parts.append(str(held.medical_rows_named))
        names = [str(f.verbose_name) for f in exported_fields(held) if f.name in held.medical]
        if not names:
            continue
        what = {
            "fields": ", ".join(names),
            "table": held.model._meta.verbose_name_plural,
        }
        if held.medical_when:
            what["flag"] = held.model._meta.get_field(held.medical_when).verbose_name
            parts.append(gettext("%(fields)s (%(table)s, when “%(flag)s”)") % what)
        else:
            parts.append(gettext("%(fields)s (%(table)s)") % what)
    if not parts:
        return ""
    return gettext(
        "What only the medical team reads is not in this export: only the nurse or the "
        "psychiatrist can hand it over. Left out: %(parts)s."
    ) % {"parts": "; ".join(parts)}


# --- Creating an export ----------------------------------------------------------------------


def export_create(*, resident, by, format: str):
    """Record that `by` exports `resident`'s file, in the export list and the access log."""
    from privacy.access import person_data_exported
    from privacy.models import SubjectAccessExport

    with transaction.atomic():
        export = SubjectAccessExport.objects.create(
            resident=resident, requested_by=by, format=format, includes_medical=includes_medical(by)
        )
        person_data_exported(
            user=by,
            resident=resident,
            page=f"{gettext('Right of access export')} ({export.get_format_display()})",
        )
    return export


# --- Rendering -------------------------------------------------------------------------------


def display(value: FieldValue) -> str:
    """A value as the person reads it in the PDF."""
    if _empty(value):
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return "\n".join(display(item) for item in value)
    if isinstance(value, dict):
        # A row held in this one (a visit's medical note, an item handed out): on one line.
        return "; ".join(
            gettext("%(label)s: %(value)s")
            % {
                "label": name,
                "value": f"({display(item)})" if isinstance(item, dict) else display(item),
            }
            for name, item in value.items()
            if not _empty(item)
        )
    return str(value)


def _json_value(value: FieldValue):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {name: _json_value(item) for name, item in value.items()}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _person(resident) -> dict:
    return {
        "nickname": resident.nickname,
        "first_name": resident.first_name,
        "last_name": resident.last_name,
        "birth_year": resident.birth_year,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
    }


@dataclass
class Document:
    export: object
    sections: list[Section]
    exported_at: datetime.datetime

    @property
    def resident(self):
        return self.export.resident


def document_for(export) -> Document:
    """The export's content, assembled now for the user who asked for it, in French."""
    with translation.override(settings.LANGUAGE_CODE):
        sections = sections_for(export.resident, export.requested_by)
    return Document(export=export, sections=sections, exported_at=timezone.now())


def render_json(document: Document) -> bytes:
    export = document.export
    content = {
        "person": _person(document.resident),
        "exported_at": timezone.localtime(document.exported_at).isoformat(),
        "requested_at": timezone.localtime(export.requested_at).isoformat(),
        "exported_by": str(export.requested_by),
        "includes_medical": export.includes_medical,
        "sections": {
            section.key: [_json_value(entry) for entry in section.rows]
            for section in document.sections
        },
        "section_titles": {section.key: str(section.title) for section in document.sections},
    }
    return json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")


def render_pdf(document: Document) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf(
            "privacy/subject_access_pdf.html",
            {
                "document": document,
                "export": document.export,
                "resident": document.resident,
                "sections": [_printed(section) for section in document.sections],
                "exported_at": timezone.localtime(document.exported_at),
            },
        )


def _printed(section: Section) -> dict:
    """The section as the PDF prints it: a field left empty is left out, to keep it readable."""
    return {
        "key": section.key,
        "title": section.title,
        "note": section.note,
        "rows": [
            [(label, display(value)) for label, value in entry.items() if not _empty(value)]
            for entry in section.rows
        ],
    }


def _empty(value: FieldValue) -> bool:
    if isinstance(value, dict):
        return all(_empty(item) for item in value.values())
    return value is None or value == "" or value == []


def file_name(export, extension: str) -> str:
    day = timezone.localdate(export.requested_at)
    return f"droit-d-acces-{export.resident_id}-{day:%Y-%m-%d}.{extension}"
