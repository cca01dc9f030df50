from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OneTimeTokenMixin
from reports.models import Audience
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
