import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OneTimeTokenMixin
from core.validators import not_in_the_future
from harmreduction.models import (
    AdviceSession,
    AdviceTopic,
    Category,
    Collection,
    Item,
    Location,
    MissedReason,
    NaloxoneTraining,
    Overdose,
    Sample,
    Setting,
    VoucherLedgerKind,
)
from harmreduction.selectors import by_category, catalogue
from placements.models import Hotel, Placement
from residents.models import Resident

# The people offered in the forms: housed now or lately. Anyone else is recorded anonymously (or
# from their file, which preselects them): at the scale of the whole scheme, a list of every file
# ever opened would weigh more than the rest of the page.
RECENTLY_HOUSED = datetime.timedelta(days=90)


def _residents(include: int | None = None):
    since = timezone.localdate() - RECENTLY_HOUSED
    recent = Placement.objects.filter(Q(end__isnull=True) | Q(end__gt=since)).values("resident_id")
    return (
        Resident.objects.active()
        .filter(Q(pk__in=recent) | Q(pk=include or 0))
        .order_by("nickname", "pk")
    )


class ResidentChoiceMixin:
    """A `resident` field offering the people housed lately, plus `resident_id` if given."""

    def __init__(self, *args, resident_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(include=resident_id)


class ItemQuantitiesMixin:
    """One whole-number field per item of the catalogue (`item_<pk>`); empty means none.

    The quantity grid is laid out by `harmreduction/includes/quantity_fields.html`, category by
    category, two or more inputs to a row on a phone.
    """

    def add_item_fields(self, items: list[Item], *, initial: dict[int, int] | None = None):
        self.items = list(items)
        initial = initial or {}
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=item.name,
                min_value=0,
                max_value=100000,
                required=False,
                initial=initial.get(item.pk),
                help_text=item.get_unit_display(),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )

    def item_groups(self) -> list[tuple[str, list]]:
        return [
            (label, [self[f"item_{item.pk}"] for item in items])
            for label, items in by_category(self.items)
        ]

    def entered(self) -> dict[Item, int]:
        """The items given a number (zero included), for counts and thresholds."""
        return {
            item: self.cleaned_data[f"item_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}") is not None
        }

    def quantities(self) -> dict[Item, int]:
        """The items given a number above zero."""
        return {item: number for item, number in self.entered().items() if number}

    @property
    def item_fields(self) -> list:
        return [self[f"item_{item.pk}"] for item in self.items]

    @property
    def other_fields(self) -> list:
        return [
            field for field in self if not field.name.startswith("item_") and not field.is_hidden
        ]


def _require_one(form) -> None:
    if not form.quantities():
        raise forms.ValidationError(
            _("Give the quantity of at least one item."), code="no_quantity"
        )


def _location_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=kwargs.pop("label", _("Location")),
        queryset=Location.objects.active().order_by("kind", "name"),
        **kwargs,
    )


# --- Meal vouchers ----------------------------------------------------------------------------


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


# --- Catalogue and locations ---------------------------------------------------------------------


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "category", "unit", "position", "description", "active"]


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "active"]


# --- Stock ------------------------------------------------------------------------------------


class ReceiptForm(ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    location = _location_field(label=_("Received at"))
    note = forms.CharField(
        label=_("Comment"), max_length=200, required=False, help_text=_("Supplier, delivery note…")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(catalogue())

    def clean(self):
        cleaned = super().clean()
        _require_one(self)
        return cleaned


class TransferForm(ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    source = _location_field(label=_("From location"))
    destination = _location_field(label=_("To location"))
    note = forms.CharField(label=_("Comment"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(catalogue())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("destination"):
            self.add_error("destination", _("Choose two different locations."))
        _require_one(self)
        return cleaned


class AdjustmentForm(OneTimeTokenMixin, forms.Form):
    location = _location_field()
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=-100000,
        max_value=100000,
        help_text=_("Negative to remove units (broken, expired), positive to add (found)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.active().in_catalogue_order()

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Give a quantity other than zero."))
        return quantity


class CountForm(ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    """What is on the shelf, item by item; an item left empty is not counted."""

    note = forms.CharField(label=_("Comment"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(catalogue())

    def clean(self):
        cleaned = super().clean()
        if not self.entered():
            raise forms.ValidationError(_("Count at least one item."))
        return cleaned


class ThresholdForm(ItemQuantitiesMixin, forms.Form):
    def __init__(self, *args, thresholds: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(catalogue(), initial=thresholds)


# --- Handing out --------------------------------------------------------------------------------


class DistributionForm(ResidentChoiceMixin, ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    resident = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=_("Someone who is not a resident (anonymous)"),
    )
    location = _location_field(label=_("Taken from"))
    setting = forms.ChoiceField(
        label=_("Where"), choices=Setting.choices, initial=Setting.OFFICE, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = [item for item in catalogue() if item.category != Category.NALOXONE]
        self.add_item_fields(items)

    def clean(self):
        cleaned = super().clean()
        _require_one(self)
        return cleaned


class NaloxoneKitForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.Form):
    resident = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=_("Someone who is not a resident (anonymous)"),
    )
    item = forms.ModelChoiceField(label=_("Kit"), queryset=Item.objects.none(), empty_label=None)
    location = _location_field(label=_("Taken from"))
    setting = forms.ChoiceField(
        label=_("Where"), choices=Setting.choices, initial=Setting.OFFICE, widget=forms.RadioSelect
    )
    training = forms.ChoiceField(
        label=_("Training given"), choices=NaloxoneTraining.choices, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    batch = forms.CharField(label=_("Batch number"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            Item.objects.active().filter(category=Category.NALOXONE).order_by("position", "name")
        )


class OverdoseForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Overdose
        fields = [
            "occurred_on",
            "hotel",
            "resident",
            "naloxone_used",
            "emergency_called",
            "outcome",
            "note",
        ]
        widgets = {"occurred_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.active().order_by("name")


class CollectionForm(OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["hotel", "collected_on", "sharps_boxes", "returned_items", "note"]
        widgets = {"collected_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.active().order_by("name")
        self.fields["hotel"].empty_label = _("At the office")


class AdviceSessionForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = AdviceSession
        fields = ["resident", "held_on", "topic", "setting", "note"]
        widgets = {"held_on": DateInput(), "setting": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].empty_label = _("Someone who is not a resident (anonymous)")


class SampleForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Sample
        fields = [
            "resident",
            "collected_on",
            "presumed_product",
            "description",
            "network",
            "reference",
            "sent_on",
        ]
        widgets = {"collected_on": DateInput(), "sent_on": DateInput()}


class SampleUpdateForm(forms.ModelForm):
    """What happens to a sample after it was collected: sent, result, result given back."""

    class Meta:
        model = Sample
        fields = [
            "network",
            "reference",
            "sent_on",
            "result_on",
            "result",
            "result_unexpected",
            "returned_on",
        ]
        widgets = {
            "sent_on": DateInput(),
            "result_on": DateInput(),
            "returned_on": DateInput(),
            "result": forms.Textarea(attrs={"rows": 3}),
        }


# --- The visit form's extension -----------------------------------------------------------------


class VisitMaterialForm(ItemQuantitiesMixin, forms.Form):
    """Material, vouchers and advice during a home visit; empty is valid (one tap: "seen")."""

    location = _location_field(label=_("Material taken from"), required=False)
    vouchers = forms.BooleanField(label=_("Weekly meal vouchers given"), required=False)
    advice_topic = forms.ChoiceField(
        label=_("Harm-reduction advice given"),
        choices=[("", _("No advice this time")), *AdviceTopic.choices],
        required=False,
    )

    def __init__(self, *args, vouchers_due: bool, default_location=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = [
            item
            for item in catalogue()
            if item.category not in (Category.NALOXONE, Category.ANALYSIS)
        ]
        self.add_item_fields(items)
        if default_location is not None:
            self.fields["location"].initial = default_location.pk
        if not vouchers_due:
            del self.fields["vouchers"]

    def clean(self):
        cleaned = super().clean()
        if self.quantities() and not cleaned.get("location"):
            self.add_error("location", _("Say which bag the material was taken from."))
        return cleaned

    def visit_groups(self) -> tuple[list, list]:
        """Inhalation first (what a crack user asks for in the corridor), the rest after."""
        groups = self.item_groups()
        first = [group for group in groups if group[0] == Category.INHALATION.label]
        return first, [group for group in groups if group not in first]

    @property
    def is_empty(self) -> bool:
        return not (
            self.quantities()
            or self.cleaned_data.get("vouchers")
            or self.cleaned_data.get("advice_topic")
        )
