import uuid

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.models import UsedFormToken


class FixedParentMixin:
    """A ModelForm whose parent object (the hotel of a place…) is chosen by the URL, not the user.

    The parent stays a form field, disabled and hidden, so that Django validates the database
    constraints that involve it (unique beds per hotel, non-overlapping periods per place) and
    shows their message on the form instead of failing at save time.
    """

    parent_field: str

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.parent_field]
        field.disabled = True
        field.widget = forms.HiddenInput()
        self.initial[self.parent_field] = parent.pk
        setattr(self.instance, self.parent_field, parent)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


ALREADY_SUBMITTED = _(
    "This form has already been sent: nothing was saved a second time. "
    "Check the page before sending it again."
)


class TokenAlreadyUsed(Exception):
    pass


class OneTimeTokenMixin(forms.Form):
    """A hidden one-time token: the same form sent twice (double click, reload) saves once.

    The token is spent by `spend_token()` inside the transaction that saves the form; a replay
    finds it spent and gets a message, with a fresh token so that a deliberate new sending works.
    """

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("form_token")
        if token is None or UsedFormToken.objects.filter(token=token).exists():
            self.renew_token()
            raise forms.ValidationError(ALREADY_SUBMITTED, code="already_submitted")
        return cleaned

    def renew_token(self) -> None:
        self.data = self.data.copy()
        self.data[self.add_prefix("form_token")] = str(uuid.uuid4())

    def spend_token(self) -> None:
        try:
            with transaction.atomic():
                UsedFormToken.objects.create(token=self.cleaned_data["form_token"])
        except IntegrityError:
            raise TokenAlreadyUsed from None
