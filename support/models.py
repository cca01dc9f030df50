"""Social support: notes under shared professional secrecy, administrative steps, referrals.

Who reads what (Code de la santé publique, art. L.1110-4 and R.1110-1: each professional reads
what is strictly necessary to their mission), enforced by the querysets' `visible_to(user)`:

- social notes, and the shared summary of a medical note: the care team, and the manager, who
  runs the service and reads its case files (the case files' change history is the manager's too,
  `CASE_FILE_HISTORY`, so hiding the same text from its pages would protect nothing);
- the text of nursing and psychiatric notes, and the service and notes of a medical referral: the
  nurse and the psychiatrist only — never the social workers, the coordinator, the manager or the
  administrator. The rest of the team knows a medical appointment exists and when, to plan visits.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.policy import may
from accounts.roles import CASE_FILE_HISTORY, MEDICAL_TEAM
from core.audit import audited
from core.links import object_url

# Readers of what the whole team shares (social notes, shared summaries, steps, the fact of an
# appointment) and of what only the medical team reads: permissions of support/policy.py.
TEAM_READERS = "support.read"
MEDICAL_READERS = "support.read_medical"


# --- Notes ---------------------------------------------------------------------------------------


class NoteKind(models.TextChoices):
    SOCIAL = "social", _("Social note")
    NURSING = "nursing", _("Nursing note")
    PSYCHIATRIC = "psychiatric", _("Psychiatric note")


MEDICAL_KINDS = frozenset({NoteKind.NURSING, NoteKind.PSYCHIATRIC})
# Who may write each kind of note: permissions of support/policy.py.
NOTE_WRITERS = {
    NoteKind.SOCIAL: "support.edit",
    NoteKind.NURSING: "support.write_nursing_note",
    NoteKind.PSYCHIATRIC: "support.write_psychiatric_note",
}


def note_kinds_for(user) -> list[NoteKind]:
    """The kinds of note `user` may write, in the order of the choices."""
    return [kind for kind in NoteKind if may(user, NOTE_WRITERS[kind])]


class NoteQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each note (a correction supersedes the version it corrects)."""
        return self.filter(superseded_by__isnull=True)

    def visible_to(self, user):
        """The notes `user` may read, each annotated with `body` and `full_access`.

        The one way notes are read (pages, timeline, dashboard, exports). The medical team reads
        every note in full. The rest of the team, and the manager, read social notes and the
        medical notes that carry a shared summary — for those `body` is empty and `full_access`
        false: the confidential text lives in MedicalNoteText, which the query joins for the
        medical team only. Anyone else reads nothing.
        """
        if may(user, MEDICAL_READERS):
            return self.annotate(
                body=Case(
                    When(kind=NoteKind.SOCIAL, then=F("text")),
                    default=F("medical_text__text"),
                    output_field=models.TextField(),
                ),
                full_access=Value(True),
            )
        if may(user, TEAM_READERS):
            return self.filter(Q(kind=NoteKind.SOCIAL) | ~Q(shared_summary="")).annotate(
                body=Case(
                    When(kind=NoteKind.SOCIAL, then=F("text")),
                    default=Value(""),
                    output_field=models.TextField(),
                ),
                full_access=Case(
                    When(kind=NoteKind.SOCIAL, then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
            )
        return self.annotate(
            body=Value("", output_field=models.TextField()), full_access=Value(False)
        ).none()


@audited(readers=CASE_FILE_HISTORY)
class Note(models.Model):
    """A note on a resident: social, nursing or psychiatric (see the module for who reads it).

    A note is never changed nor deleted: a correction is a new version that supersedes the
    previous one (`supersedes`), which stays readable on the note's page. The text of a social
    note is `text`; the text of a medical note is in `MedicalNoteText`, a table whose change
    history only the medical team may read, so that no history page can show it to anyone
    else. This table's history (the manager's, like the rest of the case file) shows that a
    medical note exists, its author, date and shared summary — never its text.
    """

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NoteKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    written_at = models.DateTimeField(
        _("written at"),
        default=timezone.now,
        help_text=_("When the first version was written; a correction keeps this date."),
    )
    recorded_at = models.DateTimeField(
        _("version recorded at"), default=timezone.now, editable=False
    )
    text = models.TextField(_("text"), blank=True)
    shared_summary = models.TextField(
        _("summary shared with the team"),
        blank=True,
        help_text=_(
            "What the rest of the team needs to know to do their job. "
            "Leave empty to share nothing: the note itself stays with the medical team."
        ),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
        editable=False,
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["resident", "-written_at"], name="note_resident_written")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=NoteKind.SOCIAL, shared_summary="")
                | (~Q(kind=NoteKind.SOCIAL) & Q(text="")),
                name="note_text_where_its_kind_keeps_it",
                violation_error_message=_("Only a nursing or psychiatric note has a summary."),
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True)
                | Q(version__gt=1, supersedes__isnull=False),
                name="note_version_follows_what_it_corrects",
            ),
        ]

    def __str__(self) -> str:
        # Never the text: a note's name may appear where its text may not.
        return _("%(kind)s of %(date)s on %(resident)s") % {
            "kind": self.get_kind_display(),
            "date": date_format(timezone.localtime(self.written_at), "SHORT_DATE_FORMAT"),
            "resident": self.resident,
        }

    def get_absolute_url(self) -> str:
        return reverse("support:note_detail", args=[self.pk])

    @property
    def is_medical(self) -> bool:
        return self.kind in MEDICAL_KINDS

    def version_ids(self) -> list[int]:
        """The ids of this note's earlier versions, newest first (one query per version)."""
        ids, pk = [], self.supersedes_id
        while pk is not None:
            ids.append(pk)
            pk = Note.objects.filter(pk=pk).values_list("supersedes_id", flat=True).get()
        return ids


@audited(readers=MEDICAL_TEAM)
class MedicalNoteText(models.Model):
    """The confidential text of a nursing or psychiatric note. Read only through
    `Note.objects.visible_to(user)`, which joins it for the medical team alone."""

    note = models.OneToOneField(
        Note,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="medical_text",
        verbose_name=_("note"),
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("medical note text")
        verbose_name_plural = _("medical note texts")

    def __str__(self) -> str:
        return str(_("Text of note #%(pk)s")) % {"pk": self.note_id}


# --- Steps (démarches) ---------------------------------------------------------------------------


class StepDomain(models.TextChoices):
    RIGHTS = "rights", _("Rights and income")
    PAPERS = "papers", _("Papers")
    DOMICILIATION = "domiciliation", _("Domiciliation")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    JUSTICE = "justice", _("Justice")
    EMPLOYMENT = "employment", _("Employment and insertion")
    OTHER = "other", _("Other")


class StepKind(models.TextChoices):
    PUMA = "puma", _("PUMa health cover")
    C2S = "c2s", _("C2S complementary health cover")
    AME = "ame", _("AME (state medical aid)")
    RSA = "rsa", _("RSA")
    AAH = "aah", _("AAH")
    ID_CARD = "id_card", _("ID card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    DOMICILIATION = "domiciliation", _("Domiciliation")
    SIAO = "siao", _("SIAO request")
    SOCIAL_HOUSING = "social_housing", _("Social housing application")
    DALO = "dalo", _("DALO appeal")
    GP = "gp", _("Registering with a GP")
    JUSTICE = "justice", _("Justice")
    EMPLOYMENT = "employment", _("Employment or insertion")
    OTHER = "other", _("Other step")


DOMAIN_OF_KIND = {
    StepKind.PUMA: StepDomain.RIGHTS,
    StepKind.C2S: StepDomain.RIGHTS,
    StepKind.AME: StepDomain.RIGHTS,
    StepKind.RSA: StepDomain.RIGHTS,
    StepKind.AAH: StepDomain.RIGHTS,
    StepKind.ID_CARD: StepDomain.PAPERS,
    StepKind.RESIDENCE_PERMIT: StepDomain.PAPERS,
    StepKind.DOMICILIATION: StepDomain.DOMICILIATION,
    StepKind.SIAO: StepDomain.HOUSING,
    StepKind.SOCIAL_HOUSING: StepDomain.HOUSING,
    StepKind.DALO: StepDomain.HOUSING,
    StepKind.GP: StepDomain.HEALTH,
    StepKind.JUSTICE: StepDomain.JUSTICE,
    StepKind.EMPLOYMENT: StepDomain.EMPLOYMENT,
    StepKind.OTHER: StepDomain.OTHER,
}


def kinds_of(domain: str) -> list[str]:
    return [kind.value for kind, of in DOMAIN_OF_KIND.items() if of == domain]


def grouped_step_kinds() -> list[tuple]:
    """The kinds grouped by domain, for a <select> with <optgroup>s."""
    return [
        (
            domain.label,
            [(kind.value, kind.label) for kind in StepKind if DOMAIN_OF_KIND[kind] == domain],
        )
        for domain in StepDomain
    ]


class StepStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    OBTAINED = "obtained", _("Obtained")
    REFUSED = "refused", _("Rejected")
    ABANDONED = "abandoned", _("Abandoned")


OPEN_STEP = frozenset({StepStatus.TO_DO, StepStatus.IN_PROGRESS})
# A step due within this many days shows on its follower's dashboard with the overdue ones.
DUE_SOON_DAYS = 7


class StepQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STEP)

    def overdue(self, on: datetime.date | None = None):
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def due_soon(self, on: datetime.date | None = None):
        """Open steps overdue or due within DUE_SOON_DAYS of `on`."""
        on = on or timezone.localdate()
        return self.open().filter(due_on__lte=on + datetime.timedelta(days=DUE_SOON_DAYS))

    def visible_to(self, user):
        """Steps are shared with the whole team and the manager (social information)."""
        return self if may(user, TEAM_READERS) else self.none()


@audited(readers=CASE_FILE_HISTORY)
class Step(models.Model):
    """An administrative step for a resident (health cover, papers, housing…) and who follows it."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    details = models.CharField(
        _("details"),
        max_length=200,
        blank=True,
        help_text=_("Where it stands, the office, a file number…"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.TO_DO
    )
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("The next deadline: an appointment, a file to send, a renewal."),
    )
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="followed_steps",
        verbose_name=_("followed by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = [F("due_on").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["followed_by", "status", "due_on"], name="step_follower")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STEP, closed_on__isnull=True)
                | (~Q(status__in=OPEN_STEP) & Q(closed_on__isnull=False)),
                name="step_closed_on_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.resident}"

    @property
    def domain(self) -> StepDomain:
        return DOMAIN_OF_KIND[StepKind(self.kind)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STEP

    # The labels the lists write (get_FOO_display() rebuilds the field's choices on each call).
    @property
    def kind_label(self) -> str:
        return str(StepKind(self.kind).label)

    @property
    def status_label(self) -> str:
        return str(StepStatus(self.status).label)

    @property
    def status_badge(self) -> str:
        """The colour of the status's badge: open, obtained, else closed."""
        if self.is_open:
            return "text-bg-primary"
        return "text-bg-success" if self.status == StepStatus.OBTAINED else "text-bg-secondary"

    # The addresses the lists of steps write on each row (core.links: no reverse() per row).
    @property
    def resident_steps_url(self) -> str:
        return object_url("support:resident_steps", self.resident_id)

    @property
    def update_url(self) -> str:
        return object_url("support:step_update", self.pk)

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < (on or timezone.localdate()))

    def clean(self):
        if self.kind == StepKind.OTHER and not self.details.strip():
            raise ValidationError({"details": _("Describe the step.")})
        # The closing day follows the status: set when the step is closed, cleared if reopened.
        if self.status in OPEN_STEP:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()


@audited()
class StepDigest(models.Model):
    """The weekly e-mail of overdue steps sent to one worker: at most one per ISO week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    step_count = models.PositiveIntegerField(_("steps listed"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("step digest")
        verbose_name_plural = _("step digests")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="step_digest_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.iso_year}-W{self.iso_week:02d}"


# --- Referrals (orientations) ------------------------------------------------------------------


class ReferralService(models.TextChoices):
    CSAPA = "csapa", _("CSAPA (addiction care)")
    CMP = "cmp", _("CMP / psychiatry")
    HOSPITAL = "hospital", _("Hospital")
    ELSA = "elsa", _("ELSA (hospital addiction team)")
    HEPATOLOGY = "hepatology", _("Hepatology / HIV-HCV testing")
    DENTIST = "dentist", _("Dentist")
    OST = "ost", _("Opioid substitution treatment")
    GP = "gp", _("General practitioner")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HOUSING_SERVICES = "housing_services", _("Housing services")
    OTHER = "other", _("Other service")


# A referral to one of these is medical unless its author says otherwise.
MEDICAL_SERVICES = frozenset(
    {
        ReferralService.CSAPA,
        ReferralService.CMP,
        ReferralService.HOSPITAL,
        ReferralService.ELSA,
        ReferralService.HEPATOLOGY,
        ReferralService.DENTIST,
        ReferralService.OST,
        ReferralService.GP,
    }
)


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("To come")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REFERRAL = frozenset({ReferralOutcome.PENDING, ReferralOutcome.POSTPONED})
# Written for the worker who accompanies: where, when to meet, what to bring. Not medical
# content, so the accompanying worker reads them even for a medical referral (see visible_to).
ESCORT_FIELDS = ("escort_place", "escort_meet_at", "escort_bring")
HAPPENED = frozenset({ReferralOutcome.ATTENDED, ReferralOutcome.MISSED})


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The referrals `user` may see, annotated with `detail_visible`, `shown_service` and
        `shown_notes`: the one way referrals are read.

        The medical team sees everything. The rest of the team and the manager see every
        referral, but a medical one's service and notes come back blank from the database (and
        are not loaded): they know an appointment exists, when, and who goes. The practical
        details for the escort (`shown_escort_place`, `shown_escort_meet_at`,
        `shown_escort_bring`, `escort_visible`) likewise, except for the worker who accompanies:
        they are not medical, and that worker needs them. Anyone else: none.
        """
        if may(user, MEDICAL_READERS):
            return self.annotate(
                detail_visible=Value(True),
                shown_service=F("service"),
                shown_notes=F("notes"),
                escort_visible=Value(True),
                shown_escort_place=F("escort_place"),
                shown_escort_meet_at=F("escort_meet_at"),
                shown_escort_bring=F("escort_bring"),
            )
        if may(user, TEAM_READERS):
            hidden = Q(is_medical=True)
            # The practical details of a medical referral: for the one who accompanies.
            escort_hidden = hidden & ~Q(accompanied_by=user)
            return self.defer("service", "notes", *ESCORT_FIELDS).annotate(
                escort_visible=Case(
                    When(escort_hidden, then=Value(False)),
                    default=Value(True),
                    output_field=models.BooleanField(),
                ),
                shown_escort_place=Case(
                    When(escort_hidden, then=Value("")),
                    default=F("escort_place"),
                    output_field=models.CharField(),
                ),
                shown_escort_meet_at=Case(
                    When(escort_hidden, then=Value(None)),
                    default=F("escort_meet_at"),
                    output_field=models.TimeField(),
                ),
                shown_escort_bring=Case(
                    When(escort_hidden, then=Value("")),
                    default=F("escort_bring"),
                    output_field=models.CharField(),
                ),
                detail_visible=Case(
                    When(hidden, then=Value(False)),
                    default=Value(True),
                    output_field=models.BooleanField(),
                ),
                shown_service=Case(
                    When(hidden, then=Value("")),
                    default=F("service"),
                    output_field=models.CharField(),
                ),
                shown_notes=Case(
                    When(hidden, then=Value("")),
                    default=F("notes"),
                    output_field=models.TextField(),
                ),
            )
        return self.annotate(
            detail_visible=Value(False),
            shown_service=Value("", output_field=models.CharField()),
            shown_notes=Value("", output_field=models.TextField()),
            escort_visible=Value(False),
            shown_escort_place=Value("", output_field=models.CharField()),
            shown_escort_meet_at=Value(None, output_field=models.TimeField()),
            shown_escort_bring=Value("", output_field=models.CharField()),
        ).none()

    def open(self):
        return self.filter(outcome__in=OPEN_REFERRAL)

    def upcoming(self):
        """Open referrals with an appointment from today on, soonest first."""
        start_of_today = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time.min)
        )
        return (
            self.open().filter(appointment_at__gte=start_of_today).order_by("appointment_at", "pk")
        )

    def to_record(self):
        """Appointments past whose outcome nobody recorded yet, latest first."""
        return self.filter(outcome=ReferralOutcome.PENDING, appointment_at__lt=Now()).order_by(
            "-appointment_at", "-pk"
        )


@audited(readers=MEDICAL_TEAM)
class Referral(models.Model):
    """A referral to a service, with its appointment, who accompanies, and its outcome.

    A medical referral's service and notes are the medical team's (see the module). Its change
    history is the medical team's for the same reason, for every referral: a table's history has
    one set of readers, and the manager reads referrals in the case files' pages.
    """

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("resident"),
    )
    service = models.CharField(_("service"), max_length=20, choices=ReferralService.choices)
    is_medical = models.BooleanField(
        _("medical referral"),
        default=False,
        help_text=_("Its service and notes are visible to the nurse and the psychiatrist only."),
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    accompanied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_referrals",
        verbose_name=_("accompanied by"),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    notes = models.TextField(_("notes"), blank=True)
    escort_place = models.CharField(
        _("where to go"),
        max_length=200,
        blank=True,
        help_text=_("The address and the door or floor, for the person who accompanies."),
    )
    escort_meet_at = models.TimeField(_("meeting time"), null=True, blank=True)
    escort_bring = models.CharField(
        _("what to bring"),
        max_length=300,
        blank=True,
        help_text=_(
            "Papers, health card, prescriptions… No medical detail: write it in the notes."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = [F("appointment_at").desc(nulls_first=True), "-pk"]
        indexes = [
            models.Index(fields=["accompanied_by", "appointment_at"], name="referral_companion"),
            models.Index(fields=["appointment_at"], name="referral_appointment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=HAPPENED) | Q(appointment_at__isnull=False),
                name="referral_outcome_needs_an_appointment",
                violation_error_message=_("Give the appointment's date to record its outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} – {self.resident}"

    @property
    def title(self) -> str:
        """What the reader may know: the service, or only "medical appointment".

        Reads `shown_service` (from `visible_to`); an object loaded otherwise shows no service.
        """
        shown = getattr(self, "shown_service", "")
        if shown:
            return ReferralService(shown).label
        return _("Medical appointment")

    @property
    def outcome_label(self) -> str:
        """The outcome's label for the lists (get_outcome_display() rebuilds the choices)."""
        return str(ReferralOutcome(self.outcome).label)

    # The addresses the lists of referrals write on each row (core.links: no reverse() per row).
    @property
    def resident_referrals_url(self) -> str:
        return object_url("support:resident_referrals", self.resident_id)

    @property
    def update_url(self) -> str:
        return object_url("support:referral_update", self.pk)

    @property
    def attendance_url(self) -> str:
        return object_url("support:referral_attendance", self.pk)

    @property
    def attendance_open(self) -> bool:
        """The appointment is past and whether it took place is still to record."""
        return (
            self.outcome in OPEN_REFERRAL
            and self.appointment_at is not None
            and self.appointment_at <= timezone.now()
        )

    def clean(self):
        if self.outcome in HAPPENED:
            if self.appointment_at is None:
                raise ValidationError(
                    {"appointment_at": _("Give the appointment's date to record its outcome.")}
                )
            if self.appointment_at > timezone.now():
                raise ValidationError(
                    {
                        "outcome": _(
                            "An appointment still to come cannot be marked attended or missed."
                        )
                    }
                )
