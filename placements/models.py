import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from core.audit import audited
from core.validators import validate_period

PARIS_ARRONDISSEMENTS = [(n, f"Paris {n}e") for n in range(1, 21)]


class HotelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_place_counts(self, on: datetime.date | None = None):
        on = on or datetime.date.today()
        out = Q(places__outages__start__lte=on) & (
            Q(places__outages__end__isnull=True) | Q(places__outages__end__gt=on)
        )
        return self.annotate(
            place_count=models.Count("places", distinct=True),
            out_of_service_count=models.Count("places", filter=out, distinct=True),
        )


@audited()
class Hotel(models.Model):
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

    objects = HotelQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        ordering = ["name"]

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


class PlaceQuerySet(models.QuerySet):
    def out_of_service_on(self, on: datetime.date):
        return self.filter(
            Q(outages__start__lte=on) & (Q(outages__end__isnull=True) | Q(outages__end__gt=on))
        ).distinct()

    def in_service_on(self, on: datetime.date):
        return self.exclude(pk__in=self.model.objects.out_of_service_on(on).values("pk"))


@audited()
class Place(models.Model):
    """One bed: a single room holds one place, a double room two (beds A and B)."""

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

    objects = PlaceQuerySet.as_manager()

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
        return _("Room %(room)s%(bed)s") % {
            "room": self.room,
            "bed": f" {self.bed}" if self.bed else "",
        }

    def feature_labels(self) -> list[str]:
        return [str(PlaceFeature(value).label) for value in self.features if value in PlaceFeature]

    def outage_on(self, on: datetime.date) -> "PlaceOutage | None":
        """The outage covering `on`; uses prefetched outages when the caller loaded them."""
        for outage in self.outages.all():
            if outage.covers(on):
                return outage
        return None


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


@audited()
class PlaceOutage(models.Model):
    """A period when a place cannot be used (works, damage, closure): [start, end)."""

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
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("out-of-service period")
        verbose_name_plural = _("out-of-service periods")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="outage_end_after_start",
                violation_error_message=_("The return date must be after the start date."),
            ),
            ExclusionConstraint(
                name="outage_no_overlap_per_place",
                expressions=[
                    (F("place"), RangeOperators.EQUAL),
                    (DateRange("start", "end", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "This place is already out of service during part of this period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"

    def clean(self):
        validate_period(self.start, self.end)

    def covers(self, on: datetime.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)
