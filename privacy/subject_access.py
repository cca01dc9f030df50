"""The right of access (GDPR art. 15): everything recorded about one person, in one document.

Each app that holds data about a person registers, from its AppConfig.ready(), a provider: a
function `(resident, user) -> list[Section]`. A provider

- reads its own app's tables only, through the querysets the app's pages use, so that the export
  shows `user` exactly what the app shows them (medical notes and the details of medical
  referrals: the medical team only);
- returns raw values (dates, datetimes, booleans, numbers, text, lists of text) with choices
  already displayed in words; this module formats them for the PDF and for the JSON.

The document is assembled when it is downloaded, for the user who asked for it, never stored.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.roles import MEDICAL_TEAM
from core import pdf
from core.registry import Registry

Value = str | int | float | bool | datetime.date | datetime.datetime | list | None


@dataclass
class Section:
    """One part of the export: a title, and rows of label → value (labels in the reader's
    language, values raw: see the module)."""

    key: str
    title: str
    rows: list[dict[str, Value]] = field(default_factory=list)
    order: int = 100
    # Shown under the title when it matters to the reader (what is left out, and why).
    note: str = ""


Provider = Callable[..., list[Section]]
# Each app registers its sections' function from its AppConfig.ready().
providers: Registry[Provider] = Registry("right-of-access sections")


def row(*pairs: tuple) -> dict[str, Value]:
    """A row from (label, value) pairs; labels may be lazy translations."""
    return {str(label): value for label, value in pairs}


def includes_medical(user) -> bool:
    return user.has_role(*MEDICAL_TEAM)


def sections_for(resident, user) -> list[Section]:
    """Every registered section about `resident`, as `user` may see it, in reading order."""
    sections = [section for provider in providers for section in provider(resident, user)]
    return sorted(sections, key=lambda section: section.order)


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


def display(value: Value) -> str:
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
    return str(value)


def _json_value(value: Value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
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
            section.key: [
                {label: _json_value(value) for label, value in entry.items()}
                for entry in section.rows
            ]
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


def _empty(value: Value) -> bool:
    return value is None or value == "" or value == []


def file_name(export, extension: str) -> str:
    day = timezone.localdate(export.requested_at)
    return f"droit-d-acces-{export.resident_id}-{day:%Y-%m-%d}.{extension}"
