import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from core.periods import Period, no_overlap, period_constraints
from core.validators import not_in_the_future

PARIS_ARRONDISSEMENTS = [(n, f"Paris {n}e") for n in range(1, 21)]


class HotelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    # Place counts per hotel: placements.occupancy.hotels_with_place_counts.


@audited()
class Hotel(models.Model):
    # The change history shows a hotel by its name (core.audit).
    history_names = True

    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=255)
    arrondissement = models.PositiveSmallIntegerField(
        _("arrondissement"),
        choices=PARIS_ARRONDISSEMENTS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_name = models.CharField(_("hotel contact person"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive hotel no longer receives residents.")
    )
    # The place-nights a report counts as available are those between these dates (see
    # placements.occupancy), never `active`: deactivating a hotel does not change past reports.
    joined_on = models.DateField(
        _("joined the scheme on"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the hotel has always been part of the scheme."),
    )
    left_on = models.DateField(
        _("left the scheme on"),
        null=True,
        blank=True,
        help_text=_(
            "First night its places are no longer offered. Leave empty while the hotel is "
            "part of the scheme."
        ),
    )

    objects = HotelQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(joined_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gt=F("joined_on")),
                name="hotel_left_after_joined",
                violation_error_message=_(
                    "The date of leaving the scheme must be after the date of joining it."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlaceKind(models.TextChoices):
    SINGLE = "single", _("Single room")
    DOUBLE = "double", _("Double room")


class PlaceFeature(models.TextChoices):
    ACCESSIBLE = "accessible", _("Accessible (reduced mobility)")
    FRIDGE = "fridge", _("Fridge")
    KITCHENETTE = "kitchenette", _("Kitchenette")
    PRIVATE_BATHROOM = "private_bathroom", _("Private bathroom")
    GROUND_FLOOR = "ground_floor", _("Ground floor or lift")
    PETS = "pets", _("Pets allowed")


@audited()
class Place(models.Model):
    """One bed: a single room holds one place, a double room two (beds A and B)."""

    history_names = True
    history_names_related = ("hotel",)

    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, related_name="places", verbose_name=_("hotel")
    )
    room = models.CharField(_("room"), max_length=20)
    bed = models.CharField(
        _("bed"), max_length=5, blank=True, help_text=_("For a double room: A or B.")
    )
    floor = models.SmallIntegerField(
        _("floor"), null=True, blank=True, validators=[MinValueValidator(-2), MaxValueValidator(30)]
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=PlaceKind.choices, default=PlaceKind.SINGLE
    )
    features = ArrayField(
        models.CharField(max_length=20, choices=PlaceFeature.choices),
        verbose_name=_("features"),
        default=list,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["hotel__name", "room", "bed"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotel", "room", "bed"],
                name="place_unique_bed_per_room",
                violation_error_message=_("This hotel already has a place with this room and bed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hotel} – {self.label}"

    @property
    def label(self) -> str:
        # gettext, not the lazy _: a board page writes a hundred labels.
        return self.label_in(gettext("Room %(room)s%(bed)s"))

    def label_in(self, pattern: str) -> str:
        """The label written with `pattern`, "Room %(room)s%(bed)s" already translated: the
        board's cards translate it once for their hundred places."""
        return pattern % {"room": self.room, "bed": f" {self.bed}" if self.bed else ""}

    def feature_labels(self) -> list[str]:
        return [str(PlaceFeature(value).label) for value in self.features if value in PlaceFeature]

    def outage_on(self, on: datetime.date) -> "PlaceOutage | None":
        """The outage covering `on`; uses prefetched outages when the caller loaded them."""
        for outage in self.outages.all():
            if outage.covers(on):
                return outage
        return None


# The migrations written before core.periods existed import the range function from here.
from core.periods import DateRange as DateRange  # noqa: E402


class OutageReason(models.TextChoices):
    WORKS = "works", _("Works")
    DAMAGE = "damage", pgettext_lazy("outage reason", "Damage")
    HOTEL_DECISION = "hotel_decision", _("Hotel decision")
    OTHER = "other", _("Other")


@audited()
class PlaceOutage(Period):
    """A period when a place cannot be used (works, damage, closure): [start, end).

    Its reason is chosen from a list; `reason` adds details, required for “other”. What is
    written is about the room, not about a person.
    """

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="outages", verbose_name=_("place")
    )
    start = models.DateField(_("out of service from"))
    end = models.DateField(
        _("back in service on"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the return date is not known."),
    )
    kind = models.CharField(
        _("reason"), max_length=16, choices=OutageReason.choices, default=OutageReason.OTHER
    )
    reason = models.CharField(
        _("details"),
        max_length=200,
        blank=True,
        help_text=_("Required when the reason is “other”. About the room, not about a person."),
    )

    class Meta:
        verbose_name = _("out-of-service period")
        verbose_name_plural = _("out-of-service periods")
        ordering = ["-start"]
        constraints = period_constraints(
            check_name="outage_end_after_start",
            check_message=_("The return date must be after the start date."),
            overlap_name="outage_no_overlap_per_place",
            per="place",
            overlap_message=_("This place is already out of service during part of this period."),
        )

    def __str__(self) -> str:
        return f"{self.place}: {self.reason_label}"

    @property
    def reason_label(self) -> str:
        """“Works”, “Damage: water leak”, or the details of an “other” reason alone."""
        if self.kind == OutageReason.OTHER and self.reason:
            return self.reason
        label = str(self.get_kind_display())
        if not self.reason:
            return label
        return _("%(reason)s: %(details)s") % {"reason": label, "details": self.reason}

    def clean(self):
        super().clean()
        if self.kind == OutageReason.OTHER and not self.reason.strip():
            raise ValidationError({"reason": _("Say why the place is out of service.")})


# --- Stays ------------------------------------------------------------------------------------


class ExitDestination(models.TextChoices):
    """Where a person went at the end of a stay (aligned with SI-SIAO categories)."""

    SOCIAL_HOUSING = "social_housing", _("Social housing")
    PRIVATE_HOUSING = "private_housing", _("Private housing")
    INTERMEDIATE_HOUSING = (
        "intermediate",
        _("Intermediate housing (pension de famille, résidence sociale)"),
    )
    CHRS = "chrs", _("CHRS")
    CHU = "chu", _("Emergency or stabilisation shelter (CHU)")
    OTHER_HOTEL = "other_hotel", _("Another hotel")
    MEDICO_SOCIAL = "medico_social", _("LHSS / LAM / ACT / Un chez-soi d'abord")
    HOSPITAL = "hospital", _("Hospital (somatic)")
    PSYCHIATRIC_HOSPITAL = "psychiatric_hospital", _("Hospital (psychiatric)")
    RESIDENTIAL_ADDICTION_CARE = "addiction_care", _("Residential addiction care")
    PRISON = "prison", _("Prison")
    FAMILY_FRIENDS = "family_friends", _("Housed by family or friends")
    STREET = "street", _("Back to the street")
    DEATH = "death", _("Death")
    UNKNOWN = "unknown", _("Unknown")
    TRANSFER = "transfer", _("Transfer to another place")


class ExitReason(models.TextChoices):
    """Why a stay ended, apart from where the person went: an exclusion can end in a CHRS, a
    voluntary departure at a friend's."""

    MOVE_ON = "move_on", _("Move-on to a solution (housing, shelter, care)")
    VOLUNTARY = "voluntary", _("Voluntary departure")
    EXCLUSION = "exclusion", _("Exclusion")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other reason")
    UNKNOWN = "unknown", _("Reason not known")


class TransferReason(models.TextChoices):
    """Why a person moved to another place."""

    REQUEST = "request", _("At the person's request")
    SUITED = "suited", _("A place better suited (health, mobility, couple)")
    INCIDENT = "incident", _("Incident or conflict at the hotel")
    HOTEL = "hotel", _("The hotel's decision")
    WORKS = "works", _("Works or damage in the room")
    OTHER = "other", _("Other reason")
    NOT_RECORDED = "not_recorded", _("Not recorded (transfer made before the reason was asked)")


# The exits recorded before destination and reason were separate (0004): their old destination ->
# (destination, reason). Imports of old spreadsheets, whose destination column still says
# "exclusion" or "départ volontaire", read them the same way.
OLD_EXIT_DESTINATIONS = {
    "exclusion": (ExitDestination.UNKNOWN, ExitReason.EXCLUSION),
    "voluntary": (ExitDestination.UNKNOWN, ExitReason.VOLUNTARY),
}


def implied_exit_reason(destination: str) -> str:
    """The reason an exit recorded with its destination alone implies (see 0004's docstring):
    a death; a move-on when the person went to housing, a shelter, care or relatives; else not
    known (back to the street, hospital, prison, unknown: the reason was never recorded)."""
    if destination == ExitDestination.DEATH:
        return ExitReason.DEATH
    if destination in MOVE_ON_DESTINATIONS:
        return ExitReason.MOVE_ON
    return ExitReason.UNKNOWN


# Exits the operator counts as "towards mainstream housing" (logement de droit commun).
MAINSTREAM_HOUSING = frozenset(
    {
        ExitDestination.SOCIAL_HOUSING,
        ExitDestination.PRIVATE_HOUSING,
        ExitDestination.INTERMEDIATE_HOUSING,
    }
)

MOVE_ON_DESTINATIONS = MAINSTREAM_HOUSING | {
    ExitDestination.CHRS,
    ExitDestination.CHU,
    ExitDestination.OTHER_HOTEL,
    ExitDestination.MEDICO_SOCIAL,
    ExitDestination.RESIDENTIAL_ADDICTION_CARE,
    ExitDestination.FAMILY_FRIENDS,
}


class PlacementQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on)))

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        overlapping = Q(end__isnull=True) | Q(end__gt=start)
        if end is not None:
            overlapping &= Q(start__lt=end)
        return self.filter(overlapping)

    def exits(self):
        """Stays that ended with a departure from the programme (transfers excluded)."""
        return self.filter(end__isnull=False).exclude(exit_destination=ExitDestination.TRANSFER)

    def entries(self):
        """Stays that began an entry into the programme (a transfer continues a stay)."""
        return self.filter(previous__isnull=True)


@audited()
class Placement(Period):
    """A person in a place for the nights [start, end): the check-out day is not a night."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("resident"),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="placements", verbose_name=_("place")
    )
    start = models.DateField(_("entry date"))
    end = models.DateField(_("exit date"), null=True, blank=True)
    exit_destination = models.CharField(
        _("exit destination"), max_length=24, choices=ExitDestination.choices, blank=True
    )
    exit_reason = models.CharField(
        _("exit reason"), max_length=12, choices=ExitReason.choices, blank=True
    )
    transfer_reason = models.CharField(
        _("transfer reason"), max_length=12, choices=TransferReason.choices, blank=True
    )
    exit_comment = models.TextField(_("exit comment"), blank=True)
    admission = models.ForeignKey(
        "residents.AdmissionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("admission request"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_placement",
        verbose_name=_("transferred from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="placement_end_after_start",
                violation_error_message=_("The exit date must be after the entry date."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, exit_destination="")
                | (Q(end__isnull=False) & ~Q(exit_destination="")),
                name="placement_exit_has_destination",
                violation_error_message=_("An ended stay needs its exit destination."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, exit_reason="", transfer_reason="")
                | (
                    Q(end__isnull=False, exit_destination="transfer", exit_reason="")
                    & ~Q(transfer_reason="")
                )
                | (
                    Q(end__isnull=False, transfer_reason="")
                    & ~Q(exit_destination="transfer")
                    & ~Q(exit_reason="")
                ),
                name="placement_exit_has_reason",
                violation_error_message=_(
                    "An exit needs its reason, a transfer its own reason, an ongoing stay neither."
                ),
            ),
            no_overlap(
                name="placement_one_person_per_place",
                per="place",
                message=_("This place is already occupied on these dates."),
            ),
            no_overlap(
                name="placement_one_place_per_person",
                per="resident",
                message=_("This person already has a place on these dates."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.place}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start <= today and (self.end is None or self.end > today)

    def nights(self, until: datetime.date | None = None) -> int:
        """Nights spent so far (or until `until`): the length of stay, derived, never stored."""
        last = self.end or (until or timezone.localdate())
        return max((last - self.start).days, 0)


class AbsenceReason(models.TextChoices):
    HOSPITAL = "hospital", _("Hospitalisation")
    PRISON = "prison", _("Incarceration")
    TRAVEL = "travel", _("Travel or family")
    OTHER = "other", _("Other")


@audited(readers=CASE_FILE_HISTORY)
class Absence(Period):
    """A resident away during a stay. The place is held and its nights still billed, unless the
    absence is marked as released (the operator may then use the place)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="absences", verbose_name=_("stay")
    )
    start = models.DateField(_("away from"))
    end = models.DateField(
        _("back on"), null=True, blank=True, help_text=_("Leave empty while the person is away.")
    )
    planned_return = models.DateField(_("planned return"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=AbsenceReason.choices)
    released = models.BooleanField(
        _("place released"),
        default=False,
        help_text=_("The nights of a released absence are not billed to the operator."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-start"]
        constraints = period_constraints(
            check_name="absence_end_after_start",
            check_message=_("The return date must be after the start date."),
            overlap_name="absence_no_overlap_per_stay",
            per="placement",
            overlap_message=_("An absence is already recorded on these dates."),
        )

    def __str__(self) -> str:
        return f"{self.placement.resident}: {self.get_reason_display()}"

    def clean(self):
        super().clean()
        placement = self.placement if self.placement_id else None
        if placement and self.start and self.start < placement.start:
            raise ValidationError({"start": _("An absence cannot start before the stay.")})
        if placement and placement.end and self.start and self.start >= placement.end:
            raise ValidationError({"start": _("An absence cannot start after the stay ended.")})


# --- Hotel incidents --------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint from the hotel")
    DAMAGE = "damage", _("Damage")
    NOISE = "noise", _("Noise")
    HYGIENE = "hygiene", _("Hygiene")
    VIOLENCE = "violence", _("Violence")
    WARNING = "warning", _("Warning given")
    EXCLUSION_RISK = "exclusion_risk", _("Risk of exclusion")
    OTHER = "other", _("Other")


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


@audited(readers=CASE_FILE_HISTORY)
class Incident(models.Model):
    """An event at a hotel ("savoir habiter"), optionally about one resident and one place."""

    hotel = models.ForeignKey(
        Hotel, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("hotel")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("place"),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("resident"),
    )
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    description = models.TextField(_("what happened"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.hotel} – {self.get_kind_display()} ({self.occurred_on})"

    @property
    def kind_label(self) -> str:
        """`get_kind_display()` for lists: that one hashes (and so translates) every kind's
        label on each call."""
        try:
            return str(IncidentKind(self.kind).label)
        except ValueError:
            return self.kind

    def clean(self):
        if self.place_id and self.hotel_id and self.place.hotel_id != self.hotel_id:
            raise ValidationError({"place": _("This place is not in this hotel.")})
        not_in_the_future(
            self.occurred_on, _("An incident cannot be dated in the future."), field="occurred_on"
        )


@audited(readers=CASE_FILE_HISTORY)
class IncidentAction(models.Model):
    """A follow-up action on an incident and who handled it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="actions", verbose_name=_("incident")
    )
    done_on = models.DateField(_("date"), default=timezone.localdate)
    action = models.TextField(_("action taken"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["done_on", "pk"]

    def __str__(self) -> str:
        return self.action[:60]
