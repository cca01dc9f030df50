"""The forms of the meal vouchers: a week not given, vouchers received or taken out of the
stock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.validators import not_in_the_future
from harmreduction.models.vouchers import MissedReason, VoucherLedgerKind


class VoucherMissedForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why were the vouchers not given?"), choices=MissedReason.choices
    )
    note = forms.CharField(label=_("Comment"), max_length=200, required=False)


class VoucherReceiptForm(forms.Form):
    quantity = forms.IntegerField(label=_("Vouchers received"), min_value=1, max_value=100000)
    on = forms.DateField(label=_("Date received"), widget=DateInput())
    series = forms.CharField(
        label=_("Series numbers"),
        max_length=200,
        required=False,
        help_text=_("Optional: the numbers printed on the booklets, e.g. 120401–120450."),
    )
    note = forms.CharField(label=_("Comment"), max_length=200, required=False)

    def clean_on(self):
        return not_in_the_future(self.cleaned_data["on"])


class VoucherRemovalForm(VoucherReceiptForm):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (VoucherLedgerKind.LOST, VoucherLedgerKind.LOST.label),
            (VoucherLedgerKind.RETURNED, VoucherLedgerKind.RETURNED.label),
        ],
    )
    note = forms.CharField(label=_("Explanation"), max_length=200)

    field_order = ["kind", "quantity", "on", "series", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].label = _("Vouchers")
        self.fields["on"].label = _("Date")
