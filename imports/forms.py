from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OneTimeTokenMixin
from imports.reading import MAX_BYTES, UnreadableFile, read_upload, too_large_message


class ImportUploadForm(forms.Form):
    """The spreadsheet to import (the project's only upload: see imports.uploads)."""

    file = forms.FileField(
        label=_("Spreadsheet to import"),
        help_text=_("An XLSX workbook or a CSV file, 5 MB and 5,000 rows at most."),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument"}
        ),
    )

    def __init__(self, *args, refused_as_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_as_too_large = refused_as_too_large
        self.parsed = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        try:
            self.parsed = read_upload(upload.read(MAX_BYTES + 1))
        except UnreadableFile as error:
            raise forms.ValidationError(error.message) from None
        return upload

    def full_clean(self):
        super().full_clean()
        if self.refused_as_too_large and self.is_bound:
            self.errors["file"] = self.error_class([too_large_message()])
            self.cleaned_data.pop("file", None)


class ImportRunForm(OneTimeTokenMixin, forms.Form):
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing"),
        required=False,
        help_text=_("Import nothing at all if a single row cannot be imported."),
    )
    create_duplicates = forms.BooleanField(
        label=_("Create the files of the probable duplicates too"),
        required=False,
        help_text=_(
            "Each one resembles a file already in Ancrage: check them in the list above first."
        ),
    )

    def __init__(self, *args, has_duplicates: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_duplicates:
            del self.fields["create_duplicates"]
