"""Ancrage takes two uploaded files, and stores one:

- the spreadsheet a coordinator imports (imports.forms.ImportUploadForm), read in memory only,
  never past 5 MB (imports.uploads), by content and not by name (imports.reading), and not kept
  after its request;
- the organisation's logo the manager gives for the reports' cover
  (reports.forms.OrganisationForm): read in memory like any upload, at most 500 KB, accepted only
  when Pillow reads it as a PNG or JPEG image (reports.models.validate_logo), stored under a name
  of the application's choosing, and only ever printed inside a report, never served as a file
  (reports/tests/test_organisation_edit.py).

Any other file field or upload form would need the same care: this test fails the day one
appears, so that it comes with them."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import get_resolver

# Files the application writes itself, never from a user's upload, served by a view that checks
# roles, as attachments with `nosniff` (reports/tests/test_report_downloads.py).
GENERATED_FILES = {
    ("reports", "Report", "pdf"),
    ("reports", "ReportEvent", "pdf"),
}  # and its history
# The one uploaded file kept (see above).
LOGO = {
    ("reports", "Organisation", "logo"),
    ("reports", "OrganisationEvent", "logo"),
}  # and its history


def test_no_model_stores_an_uploaded_file():
    file_fields = {
        (model._meta.app_label, model.__name__, field.name)
        for model in apps.get_models()
        if model._meta.app_label in settings.PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert file_fields == GENERATED_FILES | LOGO


def _project_forms():
    seen, pending = set(), [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return [form for form in seen if form.__module__.split(".")[0] in settings.PROJECT_APPS]


# The only forms that take a file: the spreadsheet to import (imports/tests/test_upload.py) and the
# organisation's logo (reports/tests/test_organisation_edit.py).
UPLOAD_FORMS = ["imports.forms.ImportUploadForm", "reports.forms.OrganisationForm"]


def test_uploads_stay_in_memory_and_small():
    assert settings.FILE_UPLOAD_HANDLERS == ["imports.uploads.MemoryOnlyUploadHandler"]


def test_only_the_import_form_accepts_a_file():
    assert get_resolver().url_patterns  # imports every view module, hence every form
    with_files = [
        f"{form.__module__}.{form.__qualname__}"
        for form in _project_forms()
        if any(
            isinstance(field, forms.FileField)
            for field in getattr(form, "base_fields", {}).values()
        )
    ]
    assert _project_forms(), "the project's forms were not found"
    assert sorted(with_files) == sorted(UPLOAD_FORMS)
