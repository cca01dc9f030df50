from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import CARE_TEAM
from core.forms import DateInput, FixedParentMixin, OneTimeTokenMixin
from support.models import (
    MEDICAL_KINDS,
    MEDICAL_SERVICES,
    Note,
    NoteKind,
    Referral,
    ReferralOutcome,
    Step,
    grouped_step_kinds,
    note_kinds_for,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def care_team_users(*current_pks):
    """Active members of the care team, and whoever is already recorded (they may have left)."""
    return (
        User.objects.filter(
            Q(is_active=True, groups__name__in=list(CARE_TEAM)) | Q(pk__in=current_pks)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class NoteForm(OneTimeTokenMixin, forms.Form):
    """A new note, or the correction of `note` (its kind then stays)."""

    kind = forms.ChoiceField(
        label=_("Kind of note"),
        error_messages={"invalid_choice": _("You may not write this kind of note.")},
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 8}))
    shared_summary = forms.CharField(
        label=Note._meta.get_field("shared_summary").verbose_name.capitalize(),
        help_text=Note._meta.get_field("shared_summary").help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, user, note: Note | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = note_kinds_for(user)
        if note is not None:
            del self.fields["kind"]
            if not note.is_medical:
                del self.fields["shared_summary"]
            return
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        # The medical team mostly writes its own kind of note: offer it first.
        medical = [kind for kind in kinds if kind in MEDICAL_KINDS]
        self.initial.setdefault("kind", (medical or kinds)[0].value)
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
        if not MEDICAL_KINDS & set(kinds):
            del self.fields["shared_summary"]
        self.order_fields(["kind", "text", "shared_summary"])

    def clean(self):
        cleaned = super().clean()
        if "kind" in self._errors and self.fields["kind"].widget.is_hidden:
            self.add_error(None, forms.ValidationError(self._errors.pop("kind").as_data()))
        if cleaned.get("kind") == NoteKind.SOCIAL and cleaned.get("shared_summary", "").strip():
            self.add_error(
                "shared_summary",
                _("A social note is already shared with the team: leave the summary empty."),
            )
        return cleaned


class StepForm(OneTimeTokenMixin, FixedParentMixin, forms.ModelForm):
    parent_field = "resident"

    class Meta:
        model = Step
        fields = ["resident", "kind", "details", "status", "due_on", "followed_by"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "---------"), *grouped_step_kinds()]
        self.fields["followed_by"].queryset = care_team_users(self.instance.followed_by_id)


class Confidentiality:
    BY_SERVICE = ""
    MEDICAL = "medical"
    SHARED = "shared"
    CHOICES = [
        (BY_SERVICE, _("According to the service")),
        (MEDICAL, _("Medical: nurse and psychiatrist only")),
        (SHARED, _("Shared with the team")),
    ]


class ReferralForm(OneTimeTokenMixin, FixedParentMixin, forms.ModelForm):
    parent_field = "resident"
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.CHOICES,
        required=False,
        help_text=_(
            "By default a referral to a care service (CSAPA, CMP, hospital, GP…) is medical: the "
            "rest of the team sees “medical appointment”, its date and who goes; only the nurse "
            "and the psychiatrist see its service and notes."
        ),
    )

    class Meta:
        model = Referral
        fields = [
            "resident",
            "service",
            "appointment_at",
            "accompanied_by",
            "outcome",
            "notes",
            "escort_place",
            "escort_meet_at",
            "escort_bring",
        ]
        widgets = {
            "appointment_at": DateTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "escort_meet_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompanied_by"].queryset = care_team_users(self.instance.accompanied_by_id)
        self.fields["accompanied_by"].empty_label = _("Nobody: the person goes alone")
        if self.instance.pk:
            self.initial["confidentiality"] = (
                Confidentiality.MEDICAL if self.instance.is_medical else Confidentiality.SHARED
            )
        self.order_fields(["resident", "service", "confidentiality"])

    def clean(self):
        cleaned = super().clean()
        # The practical details are read by the worker who accompanies: the notes must not
        # find their way there (a copy and paste of the confidential notes).
        notes = " ".join(cleaned.get("notes", "").split()).casefold()
        for name in ("escort_place", "escort_bring"):
            text = " ".join(cleaned.get(name, "").split()).casefold()
            if notes and text and (notes in text or (len(text) >= 20 and text in notes)):
                self.add_error(
                    name,
                    _(
                        "This repeats the confidential notes: the person who accompanies reads "
                        "these details. Write only the practical ones."
                    ),
                )
        choice = cleaned.get("confidentiality", Confidentiality.BY_SERVICE)
        if choice == Confidentiality.BY_SERVICE:
            self.instance.is_medical = cleaned.get("service") in MEDICAL_SERVICES
        else:
            self.instance.is_medical = choice == Confidentiality.MEDICAL
        return cleaned


class ReferralAttendanceForm(forms.Form):
    """The worker who accompanied says whether the appointment took place."""

    outcome = forms.ChoiceField(
        label=_("Did the appointment take place?"),
        choices=[
            (ReferralOutcome.ATTENDED.value, _("Yes, it took place")),
            (ReferralOutcome.MISSED.value, _("No, missed")),
        ],
        error_messages={
            "required": _("Say whether the appointment took place."),
            "invalid_choice": _("Say whether the appointment took place."),
        },
    )
