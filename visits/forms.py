import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.roles import CARE_TEAM
from core.forms import BootstrapBoundField, DateInput, FixedParentMixin, OneTimeTokenMixin
from core.validators import not_in_the_future
from visits import tasks
from visits.models import (
    LOGGED_BEFORE_ITS_DAY,
    MEDICAL_FOLLOW_UPS,
    NOT_MADE,
    Leave,
    Outcome,
    StaffAvailability,
    Visit,
    VisitMedicalNote,
    Weekday,
)

User = get_user_model()


def care_workers():
    """The people who can be sent on a visit: active members of the care team."""
    return (
        User.objects.filter(is_active=True, groups__name__in=CARE_TEAM)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class VisitLogForm(OneTimeTokenMixin, forms.ModelForm):
    """The outcome comes from the button pressed; the observations are optional."""

    bound_field_class = BootstrapBoundField  # drawn with includes/field.html

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[*Outcome.choices, (NOT_MADE, _("Visit not made"))],
        error_messages={"required": _("Choose the outcome of the visit.")},
        widget=forms.HiddenInput,
    )
    recorded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Not the model's field: the note of a medical follow-up is saved in VisitMedicalNote.
    follow_up_note = forms.CharField(
        label=capfirst(Visit._meta.get_field("follow_up_note").verbose_name),
        max_length=Visit._meta.get_field("follow_up_note").max_length,
        required=False,
    )

    class Meta:
        model = Visit
        fields = ["health", "room", "consumption", "needs", "follow_up_reason"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "maxlength": 500})
            for name in ("health", "room", "consumption", "needs")
        }
        labels = {"follow_up_reason": _("Follow-up needed?")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The note of a medical follow-up is kept apart (VisitMedicalNote): the form shows it to
        # whoever may read it, and never lets anyone else overwrite it unseen.
        self.medical_note, self.medical_note_hidden = self._medical_note(user)
        if self.instance.has_medical_follow_up:
            self.initial["follow_up_note"] = self.medical_note or ""
        else:
            self.initial["follow_up_note"] = self.instance.follow_up_note
        if self.medical_note_hidden:
            self.fields["follow_up_note"].help_text = _(
                "A medical note was written for this follow-up: only the medical team reads it. "
                "Leave this field empty to keep it."
            )
        self.fields["follow_up_reason"].choices = [
            ("", _("No follow-up needed")),
            *self.fields["follow_up_reason"].choices[1:],
        ]
        if self.instance.unplanned or self.instance.pk is None:
            self.fields["outcome"].choices = Outcome.choices
        if not self.is_bound:
            self.initial["recorded_version"] = self.instance.recorded_version

    def _medical_note(self, user) -> tuple[str | None, bool]:
        """The text of the visit's medical note if `user` may read it, and whether a note exists
        that they may not read. A visit read by `Visit.objects.with_medical_note_for(user)` (the
        visit page, for the same user) has both already."""
        visit = self.instance
        if visit.pk is None:
            return None, False
        if hasattr(visit, "medical_note_hidden"):
            return visit.medical_note, visit.medical_note_hidden
        notes = VisitMedicalNote.objects.filter(visit_id=visit.pk).exclude(text="")
        readable = notes.readable_by(user).values_list("text", flat=True).first()
        return readable, readable is None and notes.exists()

    def seen_version(self) -> str | None:
        """The recording the worker saw when the form was shown (None: a form without it)."""
        if self.add_prefix("recorded_version") not in self.data:
            return None
        return self.cleaned_data.get("recorded_version", "")

    def show_version(self, version: str) -> None:
        """Send `version` with the form shown again: sending it then corrects that recording."""
        self.data = self.data.copy()
        self.data[self.add_prefix("recorded_version")] = version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("follow_up_note") and not cleaned.get("follow_up_reason"):
            self.add_error("follow_up_reason", _("Choose the reason for the follow-up."))
        if (
            cleaned.get("follow_up_note")
            and cleaned.get("follow_up_reason") in MEDICAL_FOLLOW_UPS
            and self.medical_note_hidden
        ):
            self.add_error(
                "follow_up_note",
                _(
                    "A medical note already exists for this follow-up: only the medical team "
                    "may change it."
                ),
            )
        not_in_the_future(self.instance.planned_on, LOGGED_BEFORE_ITS_DAY)
        return cleaned

    def _post_clean(self):
        # The note goes where its reason keeps it before the model's constraints are checked.
        reason = self.cleaned_data.get("follow_up_reason", self.instance.follow_up_reason)
        note = self.cleaned_data.get("follow_up_note", "")
        self.instance.follow_up_note = "" if reason in MEDICAL_FOLLOW_UPS else note
        super()._post_clean()

    def save_for(self, user) -> Visit:
        """Record the outcome and the observations; reopen a follow-up whose reason changed."""
        visit = super().save(commit=False)
        flagged = "follow_up_reason" in self.changed_data
        if flagged:
            visit.follow_up_closed_at = None
            visit.follow_up_closed_by = None
            visit.follow_up_handled_note = ""
            visit.follow_up_alert_sent_at = None
        medical_note = self.cleaned_data["follow_up_note"] if visit.has_medical_follow_up else None
        visit.record(self.cleaned_data["outcome"], by=user)
        visit.save()
        if medical_note is not None and not self.medical_note_hidden:
            self._save_medical_note(visit, medical_note, by=user)
        if flagged and visit.has_medical_follow_up:
            transaction.on_commit(lambda: tasks.send_medical_follow_up_alert.delay(visit.pk))
        return visit

    def _save_medical_note(self, visit: Visit, text: str, *, by) -> None:
        """Write the note of a medical follow-up when it changed; its writer becomes its author."""
        if text == (self.medical_note or ""):
            return
        VisitMedicalNote.objects.update_or_create(
            visit=visit, defaults={"text": text, "author": by, "written_at": timezone.now()}
        )


class FollowUpCloseForm(forms.Form):
    what_was_done = forms.CharField(
        label=_("What was done"),
        max_length=300,
        error_messages={
            "required": _("Say what was done before marking the follow-up as handled.")
        },
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )

    def clean_what_was_done(self) -> str:
        text = self.cleaned_data["what_was_done"].strip()
        if not text:
            raise forms.ValidationError(self.fields["what_was_done"].error_messages["required"])
        return text


class WorkerChoiceMixin(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=User.objects.none(), required=False)
    partner = forms.ModelChoiceField(
        label=_("Second worker"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = care_workers()
        self.fields["partner"].queryset = care_workers()

    def clean(self):
        cleaned = super().clean()
        worker, partner = cleaned.get("worker"), cleaned.get("partner")
        if partner and not worker:
            self.add_error("worker", _("Choose the first worker before the second."))
        elif partner and partner == worker:
            self.add_error("partner", _("Choose someone else than the first worker."))
        return cleaned


class ConfirmConflictsMixin(forms.Form):
    """A move the roster would not make is shown again with its reasons and a box to tick:
    sent ticked, the reasons it carries are confirmed (a different conflict asks again)."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirmed_reasons = forms.CharField(required=False, widget=forms.HiddenInput)

    def accepted(self) -> list[str]:
        if not self.cleaned_data.get("confirm"):
            return []
        return [line for line in self.cleaned_data["confirmed_reasons"].splitlines() if line]

    def ask_confirmation(self, reasons: list[str]) -> None:
        """Show the reasons and the box, unticked, carrying these reasons."""
        self.data = self.data.copy()
        self.data[self.add_prefix("confirm")] = ""
        self.data[self.add_prefix("confirmed_reasons")] = "\n".join(reasons)
        field = self.fields["confirm"]
        field.widget = forms.CheckboxInput()
        field.label = _("Confirm despite: %(reasons)s") % {"reasons": " ".join(reasons)}
        self._bound_fields_cache.pop("confirm", None)  # validation cached it with the old label
        self.add_error(
            None,
            _("This change goes against the roster: %(reasons)s") % {"reasons": " ".join(reasons)},
        )


class VisitMoveForm(ConfirmConflictsMixin, WorkerChoiceMixin):
    planned_on = forms.DateField(label=_("Day"), widget=DateInput())

    field_order = ["planned_on", "worker", "partner", "confirm"]


class RoundMoveForm(ConfirmConflictsMixin, WorkerChoiceMixin):
    planned_on = forms.DateField(label=_("Move the round to"), widget=DateInput())

    field_order = ["planned_on", "worker", "partner", "confirm"]


class StaffAvailabilityForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days worked"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StaffAvailability
        fields = ["weekdays", "on_roster", "notes"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("on_roster") and not cleaned.get("weekdays"):
            self.add_error("weekdays", _("Tick the days this person works."))
        return cleaned


class LeaveForm(FixedParentMixin, forms.ModelForm):
    parent_field = "user"

    class Meta:
        model = Leave
        fields = ["user", "start", "end", "reason"]
        widgets = {"start": DateInput(), "end": DateInput()}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(attrs={"class": "form-control"}))
    end = forms.DateField(label=_("To"), widget=DateInput(attrs={"class": "form-control"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be after the start date."))
        if start and end and (end - start) > datetime.timedelta(days=366):
            self.add_error("end", _("Choose a period of one year at most."))
        return cleaned
