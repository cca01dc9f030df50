from django import forms


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
