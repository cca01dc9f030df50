from django import forms
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import CARE_TEAM
from core.forms import DateInput, FixedParentMixin, OneTimeTokenMixin
from privacy.models import AccessKind
from residents.models import (
    AdmissionRequest,
    ConsumptionAssessment,
    ConsumptionLine,
    Frequency,
    Income,
    Isolation,
    Product,
    PsychicSituation,
    Resident,
    SituationAssessment,
    Vulnerability,
)


class IdentityChecksMixin(forms.Form):
    """Warnings a person must confirm before a file is saved: a possible minor, a duplicate.

    Each confirmation box stays hidden until its warning applies; then it appears, unticked,
    with the warning as its error.
    """

    confirm_minor = forms.BooleanField(
        label=_("I confirm: this person may be under 18 and the file is to be kept"),
        required=False,
        widget=forms.HiddenInput,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("None of these files is this person: create a new file"),
        required=False,
        widget=forms.HiddenInput,
    )
    possible_duplicates: list[Resident] = []

    def check_identity(self, person: Resident, *, is_new: bool, birth_changed: bool) -> None:
        cleaned = self.cleaned_data
        if (is_new or birth_changed) and self._birth_is_valid(person) and person.may_be_minor():
            self._require(
                "confirm_minor",
                _(
                    "This person may be under 18, and the programme is for adults. "
                    "Check the date or year of birth, or tick the box to keep it."
                ),
            )
        if is_new and person.nickname:
            self.possible_duplicates = list(
                Resident.objects.possible_duplicates(
                    nickname=person.nickname,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    birth_year=person.birth_year,
                )[:5]
            )
            if self.possible_duplicates:
                self._require(
                    "confirm_duplicate",
                    _(
                        "This person resembles existing files (listed above). Open them to "
                        "check, or tick the box to create a new file anyway."
                    ),
                )
        return cleaned

    @staticmethod
    def _birth_is_valid(person: Resident) -> bool:
        try:
            person.clean()
        except forms.ValidationError as error:
            return not ({"birth_date", "birth_year"} & set(error.message_dict))
        return True

    def _require(self, name: str, message) -> None:
        field = self.fields[name]
        field.widget = forms.CheckboxInput()
        if not self.cleaned_data.get(name):
            self.add_error(name, message)


def _care_team_users(current_pk=None):
    """Active members of the care team, and whoever is already recorded (they may have left)."""
    return (
        User.objects.filter(Q(is_active=True, groups__name__in=list(CARE_TEAM)) | Q(pk=current_pk))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ResidentForm(OneTimeTokenMixin, IdentityChecksMixin, forms.ModelForm):
    class Meta:
        model = Resident
        fields = [
            "nickname",
            "first_name",
            "last_name",
            "birth_year",
            "birth_date",
            "gender",
            "nationality",
            "languages",
            "phone",
            "emergency_contact",
            "informed_on",
            "informed_by",
            "objects_to_sharing",
            "consent_notes",
        ]
        widgets = {
            "birth_date": DateInput(),
            "informed_on": DateInput(),
            "consent_notes": forms.Textarea(attrs={"rows": 2}),
        }

    # Each confirmation box, when it appears, sits next to the fields it is about.
    field_order = [
        "nickname",
        "first_name",
        "last_name",
        "confirm_duplicate",
        "birth_year",
        "birth_date",
        "confirm_minor",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informed_by"].queryset = _care_team_users(self.instance.informed_by_id)

    def _post_clean(self):
        super()._post_clean()
        if not self.errors.keys() & {"birth_date", "birth_year", "nickname"}:
            self.check_identity(
                self.instance,
                is_new=self.instance._state.adding,
                birth_changed=bool({"birth_date", "birth_year"} & set(self.changed_data)),
            )


class SituationAssessmentForm(OneTimeTokenMixin, FixedParentMixin, forms.ModelForm):
    parent_field = "resident"
    income = forms.MultipleChoiceField(
        label=_("income"),
        choices=Income.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SituationAssessment
        fields = [
            "resident",
            "assessed_on",
            "housing_before",
            "income",
            "health_cover",
            "id_papers",
            "residence_permit",
            "domiciliation",
            "referring_structure",
        ]
        widgets = {"assessed_on": DateInput()}


class ConsumptionAssessmentForm(OneTimeTokenMixin, FixedParentMixin, forms.ModelForm):
    parent_field = "resident"

    class Meta:
        model = ConsumptionAssessment
        fields = ["resident", "assessed_on", "context", "notes"]
        widgets = {"assessed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class ConsumptionLineForm(forms.ModelForm):
    """One product's row: a row left without frequency records nothing (or removes the line)."""

    class Meta:
        model = ConsumptionLine
        fields = ["product", "frequency", "route", "ost_prescribed"]
        widgets = {"product": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        frequency = self.fields["frequency"]
        frequency.required = False
        frequency.empty_value = None
        frequency.choices = [("", _("Not asked")), *Frequency.choices]
        self.fields["route"].choices = [("", _("Route: —")), *self.fields["route"].choices[1:]]

    @property
    def product_label(self) -> str:
        value = self["product"].value()
        return Product(value).label if value in Product.values else ""

    @property
    def is_ost(self) -> bool:
        return self["product"].value() == Product.OST

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency is None and "frequency" not in self.errors:
            if not self.instance.pk and (cleaned.get("route") or cleaned.get("ost_prescribed")):
                self.add_error("frequency", _("Give the frequency, or leave the row empty."))
            else:
                cleaned["DELETE"] = True  # nothing to record, or a line to remove
        elif frequency == Frequency.NOT_USED and cleaned.get("route"):
            self.add_error("route", _("No route for a product not used."))
        return cleaned

    def _post_clean(self):
        if not self.cleaned_data.get("DELETE"):
            super()._post_clean()


class BaseConsumptionLineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("frequency") is not None
            and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise forms.ValidationError(
                _("Give a frequency for at least one product (“not in the last 30 days” counts).")
            )

    @property
    def rows(self) -> list[ConsumptionLineForm]:
        """The forms in the order of the product list, whatever their order in the formset."""
        order = {value: index for index, value in enumerate(Product.values)}
        return sorted(self.forms, key=lambda form: order.get(form["product"].value(), 99))


def consumption_line_formset(*, instance: ConsumptionAssessment, data=None):
    """One row per product: the assessment's lines, then an empty row for each other product."""
    recorded = {line.product for line in instance.lines.all()} if instance.pk else set()
    missing = [product for product in Product.values if product not in recorded]
    formset_class = inlineformset_factory(
        ConsumptionAssessment,
        ConsumptionLine,
        form=ConsumptionLineForm,
        formset=BaseConsumptionLineFormSet,
        extra=len(missing),
        can_delete=True,
        max_num=len(Product.values),
        validate_max=True,
    )
    return formset_class(
        data, instance=instance, prefix="lines", initial=[{"product": p} for p in missing]
    )


SCALE_FIELDS = {
    "psychic_situation": PsychicSituation,
    "isolation": Isolation,
    "vulnerability": Vulnerability,
}
NEW_PERSON_FIELDS = ["nickname", "first_name", "last_name", "birth_year", "gender"]


class AdmissionRequestForm(OneTimeTokenMixin, IdentityChecksMixin, forms.ModelForm):
    """A request for an existing file (`resident`) or for a new person, whose file it creates."""

    class Meta:
        model = AdmissionRequest
        fields = [
            "resident",
            "received_on",
            "referring_structure",
            "referrer_name",
            "referrer_contact",
            "psychic_situation",
            "isolation",
            "vulnerability",
            "observations",
            "last_news_on",
        ]
        widgets = {
            "received_on": DateInput(),
            "last_news_on": DateInput(),
            "observations": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.RadioSelect for name in SCALE_FIELDS},
        }

    def __init__(self, *args, resident: Resident | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, scale in SCALE_FIELDS.items():
            self.fields[name].choices = scale.choices
        if not self.instance.pk:
            del self.fields["last_news_on"]
        if resident is not None or self.instance.pk:
            resident = resident or self.instance.resident
            field = self.fields["resident"]
            field.disabled = True
            field.widget = forms.HiddenInput()
            self.initial["resident"] = resident.pk
            self.instance.resident = resident
            del self.fields["confirm_minor"], self.fields["confirm_duplicate"]
            self.new_person = None
        else:
            del self.fields["resident"]
            person_fields = forms.fields_for_model(Resident, fields=NEW_PERSON_FIELDS)
            person_fields["birth_year"].help_text = _("Approximate if need be.")
            self.fields = {**person_fields, **self.fields}
            self.new_person = Resident()
        self.order_fields(
            [
                "nickname",
                "first_name",
                "last_name",
                "confirm_duplicate",
                "birth_year",
                "confirm_minor",
                *self.Meta.fields,
            ]
        )

    def _post_clean(self):
        super()._post_clean()
        if self.new_person is None:
            # The form leaves out `status`, so Django skips the "one waiting request per person"
            # constraint that depends on it: check every constraint on the whole request.
            if not self.errors:
                try:
                    self.instance.validate_constraints()
                except forms.ValidationError as error:
                    self._update_errors(error)
            return
        for name in NEW_PERSON_FIELDS:
            if name in self.cleaned_data:
                setattr(self.new_person, name, self.cleaned_data[name])
        if not self.errors.keys() & set(NEW_PERSON_FIELDS):
            try:
                self.new_person.full_clean(exclude=["search_text"])
            except forms.ValidationError as error:
                self._update_errors(error)
                return
            self.check_identity(self.new_person, is_new=True, birth_changed=True)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RefusalForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason for the refusal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AccessJournalFilter(forms.Form):
    """The manager's search of the access log: by person, by user, by kind of access."""

    personne = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        help_text=_("Nickname, name or year of birth; typos are tolerated."),
    )
    utilisateur = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.order_by("last_name", "first_name", "username"),
        required=False,
        empty_label=_("Every user"),
    )
    acces = forms.ChoiceField(
        label=_("Access"),
        required=False,
        choices=[("", _("Every access"))] + list(AccessKind.choices),
    )

    def filter(self, accesses):
        data = self.cleaned_data
        if data["personne"].strip():
            accesses = accesses.filter(
                resident__in=Resident.objects.search(data["personne"]).values("pk")
            )
        if data["utilisateur"]:
            accesses = accesses.filter(user=data["utilisateur"])
        if data["acces"]:
            accesses = accesses.filter(kind=data["acces"])
        return accesses
