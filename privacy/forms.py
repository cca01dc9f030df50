from django import forms
from django.contrib.auth import get_user_model
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


class HistoryFilter(forms.Form):
    """Narrow a table's change history to one user's changes, or to one person's file."""

    utilisateur = forms.ModelChoiceField(
        label=_("Changed by"),
        queryset=None,
        required=False,
        empty_label=_("Every user"),
    )
    personne = forms.IntegerField(
        label=_("File number"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "The number of the person's file: the number at the end of the address of their "
            "page (for example 42 in /residents/42/)."
        ),
    )

    def __init__(self, *args, about_people: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"].queryset = get_user_model().objects.order_by(
            "last_name", "first_name", "username"
        )
        if not about_people:
            del self.fields["personne"]
