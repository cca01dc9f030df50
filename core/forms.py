import uuid

from django import forms
from django.core.exceptions import ValidationError
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


def add_validation_error(form, error: ValidationError) -> None:
    """Put a ValidationError raised by a service on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def save_once(form, action):
    """Spend the form's one-time token and run `action()` in one transaction.

    Returns `(True, what action returned)`; or `(False, None)` after putting the reason on the
    form with a fresh token: the form was already sent (a double click, a reload), or the
    service refused it with a ValidationError. Either way nothing of it is saved.
    """
    try:
        with transaction.atomic():
            form.spend_token()
            return True, action()
    except TokenAlreadyUsed:
        form.add_error(None, ALREADY_SUBMITTED)
    except ValidationError as error:
        add_validation_error(form, error)
    form.renew_token()
    return False, None
