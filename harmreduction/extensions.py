"""The visit form's harm-reduction part (see visits.extensions): material taken from a bag,
the week's meal vouchers and advice given, saved in the visit's own transaction."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction import services
from harmreduction.forms import VisitMaterialForm
from harmreduction.models import (
    AdviceSession,
    Location,
    LocationKind,
    Setting,
    SupplyDistribution,
    VoucherDistribution,
    week_start,
)
from visits.extensions import VisitExtension
from visits.models import MET


def _default_location(user):
    """The location of the worker's last handout during a visit, else the first visit bag."""
    last = (
        SupplyDistribution.objects.filter(given_by=user, visit__isnull=False, location__active=True)
        .order_by("-given_at")
        .values_list("location_id", flat=True)
        .first()
    )
    locations = Location.objects.active()
    if last is not None:
        return locations.filter(pk=last).first()
    return locations.filter(kind=LocationKind.VISIT_BAG).order_by("name").first()


class MaterialGivenOut(VisitExtension):
    name = "rdr"
    template = "harmreduction/includes/visit_extension.html"

    def is_available(self, user) -> bool:
        return may(user, "harmreduction.give")

    def get_form(self, *, visit, user, data, prefix):
        week = week_start(visit.planned_on)
        vouchers_given = (
            VoucherDistribution.objects.given()
            .filter(resident_id=visit.resident_id, week=week)
            .exists()
        )
        form = VisitMaterialForm(
            data,
            prefix=prefix,
            vouchers_due=services.week_is_open(week) and not vouchers_given,
            default_location=_default_location(user) if data is None else None,
        )
        form.vouchers_given = vouchers_given
        form.given_before = (
            list(SupplyDistribution.objects.filter(visit=visit).prefetch_related("lines__item"))
            if visit.pk
            else []
        )
        return form

    def save(self, form, *, visit, user) -> None:
        if form.is_empty:
            return
        if visit.outcome not in MET:
            raise ValidationError(
                _("Material, vouchers and advice can only be recorded for a person met.")
            )
        if form.cleaned_data.get("vouchers"):
            services.voucher_give(
                resident=visit.resident,
                week=week_start(visit.planned_on),
                by=user,
                where=Setting.VISIT,
                visit=visit,
            )
        quantities = form.quantities()
        if quantities:
            services.supply_give(
                location=form.cleaned_data["location"],
                quantities=quantities,
                by=user,
                resident=visit.resident,
                visit=visit,
            )
        topic = form.cleaned_data.get("advice_topic")
        if topic:
            AdviceSession.objects.create(
                resident=visit.resident,
                held_on=visit.planned_on,
                topic=topic,
                setting=Setting.VISIT,
                held_by=user,
            )
