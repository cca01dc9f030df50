from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OneTimeTokenMixin
from privacy.models import ExportFormat


class SubjectAccessExportForm(OneTimeTokenMixin, forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ExportFormat.choices,
        initial=ExportFormat.PDF,
        widget=forms.RadioSelect,
    )
    identity_checked = forms.BooleanField(
        label=_(
            "I have checked that the request comes from the person, or from someone they chose."
        ),
        error_messages={
            "required": _("Confirm that the request comes from the person before exporting.")
        },
    )
