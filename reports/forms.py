from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OneTimeTokenMixin
from reports.models import Audience, Organisation
from reports.services import last_year

MAX_PERIOD_DAYS = 3 * 366


class ReportRequestForm(OneTimeTokenMixin, forms.Form):
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(
        label=_("To"), widget=DateInput(), help_text=_("Last day of the period, included.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            start, end = last_year()
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)
            self.initial.setdefault("audience", Audience.ARS)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The end date must be after the start date."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("period_end", _("A report covers three years at most."))
        return cleaned


COMMENTARY_MAX_LENGTH = 4000


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "address", "finess", "signatory", "signatory_title", "logo"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_finess(self):
        return self.cleaned_data["finess"].strip().upper()


class CommentaryForm(forms.Form):
    """One text per section of the report: the team's analysis, printed beside its tables."""

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        from reports.figures import SECTIONS

        self.sections = SECTIONS[report.audience]
        for section in self.sections:
            self.fields[section.key] = forms.CharField(
                label=section.title,
                required=False,
                max_length=COMMENTARY_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=report.commentary.get(section.key, ""),
                help_text=section.method,
            )


class FinaliseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked the figures and the commentary: "
            "freeze them and the PDF as this version."
        ),
        error_messages={"required": _("Tick the box to confirm that this version is final.")},
    )


class CsvFormatForm(forms.Form):
    FRENCH, ISO = "fr", "iso"
    format = forms.ChoiceField(
        choices=[
            (FRENCH, _("French (decimal comma, dd/mm/yyyy, separator ;)")),
            (ISO, _("International (decimal point, yyyy-mm-dd, separator ,)")),
        ],
        required=False,
    )
