import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


# Bootstrap's classes of each widget, as crispy-forms gives them.
WIDGET_CLASSES = {
    "text": "textinput form-control",
    "textarea": "textarea form-control",
    "select": "select form-select",
    "checkbox": "checkboxinput form-check-input",
    "number": "numberinput form-control",
    "email": "emailinput form-control",
    "date": "dateinput form-control",
}


class BootstrapBoundField(BoundField):
    """A field whose widget carries Bootstrap's classes (`is-invalid` after an error), for forms
    drawn field by field with `includes/field.html` instead of crispy-forms: the visit form,
    drawn on every visit, where crispy's and the widgets' nested templates cost more than the
    rest of the page. The plain widgets (inputs, text areas, selects) are written out in Python,
    to the same HTML as Django's widget templates; any other widget renders as usual."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = widget.attrs.get("class") or WIDGET_CLASSES.get(self.widget_type, "")
        if self.errors:
            css = f"{css} is-invalid"
        if css:
            attrs["class"] = css.strip()
        return attrs

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if only_initial or widget.template_name not in _PLAIN_WIDGETS:
            return super().as_widget(widget, attrs, only_initial)
        if self.field.localize:
            widget.is_localized = True
        attrs = self.build_widget_attrs(attrs or {}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        context = widget.get_context(self.html_name, self.value(), attrs)["widget"]
        return _PLAIN_WIDGETS[widget.template_name](context)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    name = conditional_escape(widget["name"])
    attrs = _attrs(widget["attrs"])
    return mark_safe(f'<input type="{widget["type"]}" name="{name}"{value}{attrs}>')


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return mark_safe(f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>')


def _select(widget: dict) -> str:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise ValueError(f"No plain rendering of {option['template_name']}")
            html.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return mark_safe("".join(html))


_PLAIN_WIDGETS = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


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
