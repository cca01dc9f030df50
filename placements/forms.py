from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, FixedParentMixin
from core.validators import not_in_the_future
from placements.models import (
    Absence,
    ExitDestination,
    ExitReason,
    Hotel,
    Incident,
    IncidentAction,
    Place,
    PlaceFeature,
    PlaceOutage,
    TransferReason,
)

RETURN_IN_ADVANCE = _("The return cannot be recorded in advance.")


class HotelForm(forms.ModelForm):
    class Meta:
        model = Hotel
        fields = [
            "name",
            "address",
            "arrondissement",
            "phone",
            "contact_name",
            "notes",
            "active",
            "joined_on",
            "left_on",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "joined_on": DateInput(),
            "left_on": DateInput(),
        }

    def clean(self):
        cleaned = super().clean()
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if not cleaned.get("active", True) and not left and "left_on" not in self.errors:
            # Made inactive without a date: it leaves the scheme today, so the reports of the
            # periods after today stop counting its places (and those before keep them).
            left = cleaned["left_on"] = timezone.localdate()
        if joined and left and left <= joined:
            self.add_error(
                "left_on",
                _("The date of leaving the scheme must be after the date of joining it."),
            )
        return cleaned


class PlaceForm(FixedParentMixin, forms.ModelForm):
    parent_field = "hotel"
    features = forms.MultipleChoiceField(
        label=_("features"),
        choices=PlaceFeature.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Place
        fields = ["hotel", "room", "bed", "floor", "kind", "features", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class PlaceOutageForm(FixedParentMixin, forms.ModelForm):
    parent_field = "place"

    class Meta:
        model = PlaceOutage
        fields = ["place", "start", "end", "kind", "reason"]
        widgets = {"start": DateInput(), "end": DateInput(), "kind": forms.RadioSelect}


# --- Stays ----------------------------------------------------------------------------------------


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place: Place) -> str:
        return f"{place.hotel.name} – {place.label}"


class AssignForm(forms.Form):
    """Confirm a stay whose person and place come from the URL: only the entry date is asked."""

    start = forms.DateField(label=_("Entry date"), widget=DateInput())

    def clean_start(self):
        return not_in_the_future(
            self.cleaned_data["start"], _("The entry date cannot be in the future.")
        )


class ResidentAssignForm(AssignForm):
    """Give a free place to a person chosen first (from the resident's page)."""

    place = PlaceChoiceField(label=_("Place"), queryset=Place.objects.none())

    field_order = ["place", "start"]

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places


class EndStayForm(forms.Form):
    end = forms.DateField(
        label=_("Exit date"),
        widget=DateInput(),
        help_text=_("The day the person left: the last night is the one before."),
    )
    exit_destination = forms.ChoiceField(
        label=_("Where the person went"),
        choices=[("", _("Choose a destination"))]
        + [choice for choice in ExitDestination.choices if choice[0] != ExitDestination.TRANSFER],
    )
    exit_reason = forms.ChoiceField(
        label=_("Why the stay ended"),
        choices=[("", _("Choose a reason"))] + ExitReason.choices,
        help_text=_("Apart from where the person went: an exclusion can end in a CHRS."),
    )
    exit_comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_end(self):
        return not_in_the_future(self.cleaned_data["end"], _("A stay cannot be ended in advance."))


class TransferForm(forms.Form):
    place = PlaceChoiceField(label=_("New place"), queryset=Place.objects.none())
    on = forms.DateField(
        label=_("Transfer date"),
        widget=DateInput(),
        help_text=_("The first night in the new place."),
    )
    reason = forms.ChoiceField(
        label=_("Why the person moves"),
        choices=[("", _("Choose a reason"))]
        + [choice for choice in TransferReason.choices if choice[0] != TransferReason.NOT_RECORDED],
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places

    def clean_on(self):
        return not_in_the_future(
            self.cleaned_data["on"], _("A transfer cannot be recorded in advance.")
        )


class AbsenceForm(FixedParentMixin, forms.ModelForm):
    parent_field = "placement"

    class Meta:
        model = Absence
        fields = ["placement", "reason", "start", "planned_return", "end", "released", "notes"]
        widgets = {
            "start": DateInput(),
            "planned_return": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, planned = cleaned.get("start"), cleaned.get("planned_return")
        if start and planned and planned < start:
            self.add_error("planned_return", _("The planned return cannot be before the start."))
        return cleaned

    def clean_end(self):
        return not_in_the_future(self.cleaned_data["end"], RETURN_IN_ADVANCE)


class AbsenceReturnForm(forms.Form):
    end = forms.DateField(label=_("Back on"), widget=DateInput())

    def clean_end(self):
        return not_in_the_future(self.cleaned_data["end"], RETURN_IN_ADVANCE)


# --- Statement ------------------------------------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class StatementForm(forms.Form):
    FIRST_YEAR, LAST_YEAR = 2000, 2100

    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], widget=MonthInput())

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not self.FIRST_YEAR <= month.year <= self.LAST_YEAR:
            raise ValidationError(_("Choose a month between 2000 and 2100."))
        return month


# --- Incidents ------------------------------------------------------------------------------------


class IncidentForm(forms.ModelForm):
    place = PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("If the incident concerns one room."),
    )

    class Meta:
        model = Incident
        fields = ["hotel", "place", "resident", "occurred_on", "kind", "description"]
        widgets = {
            "occurred_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"resident": _("People housed today.")}

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.active()
        self.fields["place"].queryset = Place.objects.filter(hotel__active=True).select_related(
            "hotel"
        )
        self.fields["resident"].queryset = residents


class IncidentActionForm(forms.ModelForm):
    class Meta:
        model = IncidentAction
        fields = ["done_on", "action"]
        widgets = {"done_on": DateInput(), "action": forms.Textarea(attrs={"rows": 2})}

    def clean_done_on(self):
        return not_in_the_future(
            self.cleaned_data["done_on"], _("An action cannot be dated in the future.")
        )
