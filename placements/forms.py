from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, FixedParentMixin
from placements.models import Hotel, Place, PlaceFeature, PlaceOutage


class HotelForm(forms.ModelForm):
    class Meta:
        model = Hotel
        fields = ["name", "address", "arrondissement", "phone", "contact_name", "notes", "active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


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
        fields = ["place", "start", "end", "reason"]
        widgets = {"start": DateInput(), "end": DateInput()}
