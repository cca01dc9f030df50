"""core.forms.BootstrapBoundField: the plain widgets written out in Python are the HTML that
Django's widget templates give, with Bootstrap's classes."""

import pytest
from django import forms
from django.forms.boundfield import BoundField
from django.test.html import parse_html

from core.forms import BootstrapBoundField

CHOICES = [("", "None"), ("a", "A & co"), ("b", 'B "quoted"')]


class PlainForm(forms.Form):
    text = forms.CharField(max_length=30, required=False)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    number = forms.IntegerField(min_value=0, required=False)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False
    )
    tick = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    many = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )


class BootstrapForm(PlainForm):
    bound_field_class = BootstrapBoundField


def _django_html(form, name):
    """What Django's own templates draw, given the attributes BootstrapBoundField adds."""
    field = BoundField(form, form.fields[name], name)
    bootstrap = BootstrapBoundField(form, form.fields[name], name)
    return field.as_widget(attrs=bootstrap.build_widget_attrs({}))


DATA = {
    "text": "<b>Tom & Jerry</b>",
    "area": 'line "one"\nline two',
    "number": "-3",
    "choice": "a",
    "grouped": "y",
    "tick": "on",
    "hidden": "h&",
    "many": ["a", "b"],
}


@pytest.mark.parametrize("data", [None, DATA], ids=["unbound", "bound with errors"])
@pytest.mark.parametrize("name", list(PlainForm.base_fields))
def test_it_draws_the_same_html_as_djangos_templates(name, data):
    form = BootstrapForm(data)
    if data is not None:
        form.is_valid()
    assert parse_html(str(form[name])) == parse_html(_django_html(form, name))


def test_it_adds_bootstraps_classes_and_marks_the_errors():
    form = BootstrapForm({"number": "-3"})
    assert not form.is_valid()
    assert 'class="numberinput form-control is-invalid"' in str(form["number"])
    assert 'class="textarea form-control"' in str(form["area"])
    assert 'class="select form-select"' in str(form["choice"])
    assert 'class="checkboxinput form-check-input"' in str(form["tick"])
    assert "class=" not in str(form["hidden"])
