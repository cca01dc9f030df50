import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CARE_TEAM, CASE_FILE_HISTORY, MEDICAL_TEAM, Role
from core.audit import audited
from core.periods import Period, period_constraints
from core.validators import not_in_the_future

LOGGED_BEFORE_ITS_DAY = _("A visit cannot be logged before its day.")

# --- Who is on the roster, and when ---------------------------------------------------------------


class Weekday(models.IntegerChoices):
    """Python's `date.weekday()` numbers."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


@audited()
class StaffAvailability(models.Model):
    """The days a member of the team works and whether they take part in home visits.

    The roster only plans visits for people with such a row: the coordinator decides who is on it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_availability",
        verbose_name=_("worker"),
    )
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        verbose_name=_("days worked"),
        default=list,
        blank=True,
    )
    on_roster = models.BooleanField(
        _("takes part in home visits"),
        default=True,
        help_text=_("Untick to leave this person out of the rosters generated from now on."),
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return str(self.user)

    def weekday_labels(self) -> list[str]:
        return [str(Weekday(day).label) for day in sorted(self.weekdays)]


class LeaveReason(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other absence")


class LeaveQuerySet(models.QuerySet):
    def overlapping(self, start: datetime.date, end: datetime.date):
        """Leave periods sharing at least one day with [start, end)."""
        return self.filter(Q(start__lt=end) & (Q(end__isnull=True) | Q(end__gt=start)))


@audited()
class Leave(Period):
    """A period a worker is away, [start, end): the roster plans nothing for them then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_leaves",
        verbose_name=_("worker"),
    )
    start = models.DateField(_("away from"))
    end = models.DateField(
        _("back on"),
        null=True,
        blank=True,
        help_text=_("The first working day back. Leave empty if it is not known."),
    )
    reason = models.CharField(
        _("reason"), max_length=10, choices=LeaveReason.choices, default=LeaveReason.HOLIDAY
    )

    objects = LeaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave periods")
        ordering = ["-start"]
        constraints = period_constraints(
            check_name="leave_end_after_start",
            check_message=_("The end date must be after the start date."),
            overlap_name="leave_no_overlap_per_user",
            per="user",
            overlap_message=_("This person is already away during part of this period."),
        )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_reason_display()}"


# --- Visits ---------------------------------------------------------------------------------------


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Not made")
    CANCELLED = "cancelled", _("Called off")


class Outcome(models.TextChoices):
    SEEN = "seen", _("Seen")
    ABSENT = "absent", _("Absent")
    REFUSED = "refused", _("Refused the visit")
    EMPTY_ROOM = "empty_room", _("Empty room")
    HOSPITALISED = "hospitalised", _("In hospital")
    OTHER = "other", _("Other")


# Outcomes where the team met the person: the "not seen for N days" alert counts from the last one.
MET = frozenset({Outcome.SEEN, Outcome.REFUSED})


class FollowUpReason(models.TextChoices):
    MEDICAL = "medical", _("Medical concern")
    PSYCHIATRIC = "psychiatric", _("Psychiatric concern")
    SOCIAL = "social", _("Social need")
    HOUSING = "housing", _("Room or hotel problem")
    OTHER = "other", _("Other")


# Whose dashboard an open follow-up alert appears on.
FOLLOW_UP_ROLES = {
    FollowUpReason.MEDICAL: MEDICAL_TEAM,
    FollowUpReason.PSYCHIATRIC: MEDICAL_TEAM,
    FollowUpReason.SOCIAL: frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}),
    FollowUpReason.HOUSING: frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}),
    FollowUpReason.OTHER: CARE_TEAM,
}


def follow_up_reasons_for(user) -> list[str]:
    return [reason for reason, roles in FOLLOW_UP_ROLES.items() if user.has_role(*roles)]


# The note of these follow-ups is the medical team's (see VisitMedicalNote).
MEDICAL_FOLLOW_UPS = frozenset({FollowUpReason.MEDICAL.value, FollowUpReason.PSYCHIATRIC.value})


class VisitQuerySet(models.QuerySet):
    def of_worker(self, user):
        return self.filter(Q(worker=user) | Q(partner=user))

    def in_week(self, monday: datetime.date):
        return self.filter(planned_on__gte=monday, planned_on__lt=monday + datetime.timedelta(7))

    def not_cancelled(self):
        return self.exclude(status=VisitStatus.CANCELLED)

    def in_route_order(self):
        """Hotel by hotel through the arrondissements, floor by floor within a hotel."""
        return self.order_by(
            "hotel__arrondissement",
            "hotel__name",
            "hotel_id",
            "placement__place__floor",
            "placement__place__room",
            "placement__place__bed",
            "resident__nickname",
            "pk",
        )

    def open_follow_ups(self):
        return self.exclude(follow_up_reason="").filter(follow_up_closed_at__isnull=True)

    def with_medical_note_for(self, user):
        """Annotate `medical_note`: the note of a medical follow-up if `user` may read it (the
        medical team, its author), else None; `medical_note_hidden`: a note exists that
        `user` may not read (the page says so, never what it says); `medical_handled_note`: what
        was done about it, for the medical team only."""
        notes = VisitMedicalNote.objects.filter(visit=OuterRef("pk")).exclude(text="")
        readable = notes.readable_by(user)
        # What the medical team did about it: the medical team's only, not the flag's author.
        handled = VisitMedicalNote.objects.filter(visit=OuterRef("pk")).exclude(handled_text="")
        if user.has_role(*MEDICAL_TEAM):
            handled_note = Subquery(handled.values("handled_text")[:1])
        else:
            handled_note = Value("", output_field=models.CharField())
        return self.annotate(
            medical_note=Subquery(readable.values("text")[:1]),
            medical_handled_note=handled_note,
            medical_note_hidden=Exists(notes) & ~Exists(readable),
        )


@audited(readers=CASE_FILE_HISTORY)
class Visit(models.Model):
    """A home visit to a resident in their hotel room: planned by the roster, or unplanned.

    The roster generator only ever adds planned visits; a visit the coordinator moved or cancelled
    is `manually_edited` and counts as decided. Logging a visit sets its outcome; changing it later
    records who corrected it (the change history keeps every previous value).
    """

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("resident"),
    )
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("stay"),
    )
    hotel = models.ForeignKey(
        "placements.Hotel",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("hotel"),
    )
    planned_on = models.DateField(_("date"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker"),
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second worker"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    outcome = models.CharField(
        _("outcome of the visit"), max_length=14, choices=Outcome.choices, blank=True
    )
    unplanned = models.BooleanField(_("unplanned"), default=False)
    manually_edited = models.BooleanField(
        _("changed by hand"),
        default=False,
        help_text=_("The roster generator leaves a visit changed by the coordinator as it is."),
    )
    health = models.CharField(_("health"), max_length=500, blank=True)
    room = models.CharField(_("room and “savoir habiter”"), max_length=500, blank=True)
    consumption = models.CharField(_("consumption"), max_length=500, blank=True)
    needs = models.CharField(_("needs and requests"), max_length=500, blank=True)
    follow_up_reason = models.CharField(
        _("follow-up needed"), max_length=12, choices=FollowUpReason.choices, blank=True
    )
    follow_up_note = models.CharField(_("about the follow-up"), max_length=300, blank=True)
    follow_up_closed_at = models.DateTimeField(_("follow-up handled at"), null=True, blank=True)
    # When the medical team was e-mailed about a medical or psychiatric concern (once a flag).
    follow_up_alert_sent_at = models.DateTimeField(
        _("medical team e-mailed at"), null=True, blank=True
    )
    # What was done, for a follow-up that is not medical (a medical one's: VisitMedicalNote).
    follow_up_handled_note = models.CharField(_("what was done"), max_length=300, blank=True)
    follow_up_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up handled by"),
    )
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-planned_on", "-pk"]
        indexes = [
            models.Index(fields=["planned_on", "hotel"], name="visit_day_hotel"),
            models.Index(fields=["worker", "planned_on"], name="visit_worker_day"),
            models.Index(fields=["partner", "planned_on"], name="visit_partner_day"),
            models.Index(fields=["resident", "-planned_on"], name="visit_resident_day"),
            # The alerts (home card, alerts page): the few open follow-ups among all visits.
            models.Index(
                fields=["-planned_on", "-id"],
                name="visit_open_follow_up",
                condition=~Q(follow_up_reason="") & Q(follow_up_closed_at__isnull=True),
            ),
        ]
        constraints = [
            # The roster plans at most one visit a day per person: two generators running at
            # once, or a generator after a coordinator's move, cannot double a visit.
            models.UniqueConstraint(
                fields=["resident", "planned_on"],
                condition=Q(unplanned=False) & ~Q(status="cancelled"),
                name="visit_one_roster_visit_per_resident_per_day",
                violation_error_message=_("This person already has a visit planned on this day."),
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & ~Q(outcome="") & Q(logged_at__isnull=False))
                | (~Q(status="done") & Q(outcome="")),
                name="visit_outcome_when_done",
                violation_error_message=_("A visit made has an outcome, and only then."),
            ),
            models.CheckConstraint(
                condition=Q(partner__isnull=True)
                | (Q(worker__isnull=False) & ~Q(partner=F("worker"))),
                name="visit_partner_is_a_second_worker",
                violation_error_message=_("The second worker must be someone else than the first."),
            ),
            models.CheckConstraint(
                condition=~Q(follow_up_reason="") | Q(follow_up_closed_at__isnull=True),
                name="visit_follow_up_closed_only_if_flagged",
            ),
            # The note of a medical follow-up lives in VisitMedicalNote, never in this table,
            # whose change history the manager reads.
            models.CheckConstraint(
                condition=~Q(follow_up_reason__in=sorted(MEDICAL_FOLLOW_UPS))
                | Q(follow_up_note=""),
                name="visit_medical_follow_up_note_kept_apart",
            ),
            models.CheckConstraint(
                condition=~Q(follow_up_reason__in=sorted(MEDICAL_FOLLOW_UPS))
                | Q(follow_up_handled_note=""),
                name="visit_medical_follow_up_handling_kept_apart",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.planned_on}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit_detail", args=[self.pk])

    @property
    def is_logged(self) -> bool:
        return self.status in (VisitStatus.DONE, VisitStatus.MISSED)

    @property
    def recorded_version(self) -> str:
        """When the outcome was last recorded or corrected ("" before): the visit form carries
        it, so that a recording made after the form was shown is not silently replaced."""
        moment = self.corrected_at or self.logged_at
        return moment.isoformat() if moment else ""

    @property
    def needs_follow_up(self) -> bool:
        return bool(self.follow_up_reason) and self.follow_up_closed_at is None

    @property
    def team(self) -> list:
        return [user for user in (self.worker, self.partner) if user is not None]

    def observations(self) -> list[tuple[str, str]]:
        """The observations written, as (label, text) pairs."""
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in ("health", "room", "consumption", "needs")
            if getattr(self, name)
        ]

    def clean(self):
        if self.planned_on and self.status == VisitStatus.DONE:
            not_in_the_future(self.planned_on, LOGGED_BEFORE_ITS_DAY)

    def record(self, outcome: str, *, by, now: datetime.datetime | None = None) -> None:
        """Set the outcome (or "not made" with `NOT_MADE`); a second recording is a correction."""
        now = now or timezone.now()
        if self.is_logged:
            self.corrected_at, self.corrected_by = now, by
        else:
            self.logged_at, self.logged_by = now, by
        if outcome == NOT_MADE:
            self.status, self.outcome = VisitStatus.MISSED, ""
        else:
            self.status, self.outcome = VisitStatus.DONE, outcome

    @property
    def has_medical_follow_up(self) -> bool:
        return self.follow_up_reason in MEDICAL_FOLLOW_UPS

    def close_follow_up(self, *, by, what_was_done: str) -> None:
        """Mark the follow-up handled with what was done: kept with the medical note for a
        medical or psychiatric concern (the medical team reads it), on the visit otherwise."""
        self.follow_up_closed_at = timezone.now()
        self.follow_up_closed_by = by
        if self.has_medical_follow_up:
            note, _created = VisitMedicalNote.objects.get_or_create(
                visit=self, defaults={"author": by}
            )
            note.handled_text = what_was_done
            note.save(update_fields=["handled_text"])
        else:
            self.follow_up_handled_note = what_was_done
        self.save(
            update_fields=["follow_up_closed_at", "follow_up_closed_by", "follow_up_handled_note"]
        )


# Not an outcome: the button for a planned visit the team could not make.
NOT_MADE = "not_made"


class VisitMedicalNoteQuerySet(models.QuerySet):
    def readable_by(self, user):
        """The notes `user` may read: all for the medical team, their own for their author."""
        if user.has_role(*MEDICAL_TEAM):
            return self
        return self.filter(author=user)


@audited(readers=MEDICAL_TEAM)
class VisitMedicalNote(models.Model):
    """The note of a medical or psychiatric follow-up raised during a visit.

    Kept apart from `Visit` like the text of a medical note (support.MedicalNoteText): the
    medical team and the note's author read it, and no history page shows it to anyone else. The
    rest of the team sees on the visit that a concern was flagged, and by whom. Read it through
    `VisitMedicalNote.objects.readable_by(user)` (see `visits.selectors.medical_note_for`).
    """

    visit = models.OneToOneField(
        Visit,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        verbose_name=_("home visit"),
    )
    text = models.CharField(_("about the follow-up"), max_length=300, blank=True)
    handled_text = models.CharField(_("what was done"), max_length=300, blank=True)
    # Empty only for a note written before notes were kept apart, whose author is not known.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = VisitMedicalNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("medical follow-up note")
        verbose_name_plural = _("medical follow-up notes")

    def __str__(self) -> str:
        return str(_("Medical follow-up note of visit #%(pk)s")) % {"pk": self.visit_id}
