"""The forms of the material: the catalogue and locations, the stock (receipts, transfers,
adjustments, counts, thresholds), handing out, and the visit form's extension."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapBoundField, DateInput, OneTimeTokenMixin
from harmreduction.forms.activities import advice_topics_field
from harmreduction.forms.common import ResidentChoiceMixin, ResidentSearchWidget
from harmreduction.models.common import Setting
from harmreduction.models.supplies import Category, Item, Location, NaloxoneTraining, Unit
from harmreduction.selectors.supplies import by_category, catalogue
from harmreduction.services.supplies import Lot, check_lots
from residents.models import Resident


class ItemQuantitiesMixin:
    """One whole-number field per item of the catalogue (`item_<pk>`); empty means none.

    The quantity grid is laid out by `harmreduction/includes/quantity_fields.html`, category by
    category, two or more inputs to a row on a phone.
    """

    def add_item_fields(self, items: list[Item], *, initial: dict[int, int] | None = None):
        self.items = list(items)
        initial = initial or {}
        # The units' labels once (get_unit_display rebuilds the choices' dictionary every call).
        units = {value: str(label) for value, label in Unit.choices}
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=item.name,
                min_value=0,
                max_value=100000,
                required=False,
                initial=initial.get(item.pk),
                help_text=units.get(item.unit, item.unit),
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
            field
            for field in self
            if not field.name.startswith(("item_", "batch_", "expires_")) and not field.is_hidden
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


# --- Catalogue and locations ---------------------------------------------------------------------


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "category", "unit", "position", "description", "dated", "active"]


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "active"]


# --- Stock ------------------------------------------------------------------------------------


class ReceiptForm(ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    """A delivery: each item's quantity, with its batch number and expiry date (required for a
    dated item such as naloxone; the grid shows them beside the quantity)."""

    location = _location_field(label=_("Received at"))
    note = forms.CharField(
        label=_("Comment"), max_length=200, required=False, help_text=_("Supplier, delivery note…")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(catalogue())
        for item in self.items:
            self.fields[f"batch_{item.pk}"] = forms.CharField(
                label=_("Batch"), max_length=40, required=False
            )
            self.fields[f"expires_{item.pk}"] = forms.DateField(
                label=_("Expires on"), required=False, widget=DateInput()
            )
            quantity = self[f"item_{item.pk}"]
            quantity.batch = self[f"batch_{item.pk}"]
            quantity.expires = self[f"expires_{item.pk}"]
            quantity.dated = item.dated

    def lots(self) -> dict[Item, Lot]:
        return {
            item: Lot(
                self.cleaned_data.get(f"batch_{item.pk}") or "",
                self.cleaned_data.get(f"expires_{item.pk}"),
            )
            for item in self.items
        }

    def clean(self):
        cleaned = super().clean()
        _require_one(self)
        lots = self.lots()
        for item in self.items:
            lot = lots[item]
            if (lot.batch or lot.expires_on) and not cleaned.get(f"item_{item.pk}"):
                self.add_error(f"item_{item.pk}", _("Give the quantity received of this batch."))
        errors = check_lots(self.quantities(), lots, timezone.localdate())
        for item, message in errors.items():
            self.add_error(f"expires_{item.pk}", message)
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


ANONYMOUS = _("Someone who is not a resident (anonymous)")


class DistributionForm(ResidentChoiceMixin, ItemQuantitiesMixin, OneTimeTokenMixin, forms.Form):
    resident = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=ANONYMOUS,
        widget=ResidentSearchWidget(empty_label=ANONYMOUS),
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


# --- The visit form's extension -----------------------------------------------------------------


class VisitMaterialForm(ItemQuantitiesMixin, forms.Form):
    """Material, vouchers and advice during a home visit; empty is valid (one tap: "seen")."""

    bound_field_class = BootstrapBoundField  # drawn with includes/field.html

    location = _location_field(label=_("Material taken from"), required=False)
    vouchers = forms.BooleanField(label=_("Weekly meal vouchers given"), required=False)
    advice_topics = advice_topics_field(
        required=False, label=_("Harm-reduction advice given (none: leave unticked)")
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
            or self.cleaned_data.get("advice_topics")
        )
