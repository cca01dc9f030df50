"""The visit form's harm-reduction part (see visits.extensions): material taken from a bag,
the week's meal vouchers and advice given, saved in the visit's own transaction."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction import services
from harmreduction.forms import VisitMaterialForm
from harmreduction.models import (
    AdviceSession,
    AdviceTopic,
    Location,
    LocationKind,
    Setting,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
    week_start,
)
from visits.extensions import VisitExtension
from visits.models import MET


def _default_location(user, locations: list[Location]) -> Location | None:
    """Among the active `locations`, the one of the worker's last handout during a visit, else
    the first visit bag (they come in order of kind and name)."""
    last = (
        SupplyDistribution.objects.filter(given_by=user, visit__isnull=False, location__active=True)
        .order_by("-given_at")
        .values_list("location_id", flat=True)
        .first()
    )
    if last is not None:
        return next((location for location in locations if location.pk == last), None)
    return next((loc for loc in locations if loc.kind == LocationKind.VISIT_BAG), None)


def _given_before(visit) -> list[list[SupplyDistributionLine]]:
    """The lines of each handout already recorded with `visit`, latest handout first. One query."""
    handouts: dict[int, list] = {}
    for line in SupplyDistributionLine.objects.filter(distribution__visit=visit).select_related(
        "item"
    ):
        handouts.setdefault(line.distribution_id, []).append(line)
    return list(handouts.values())


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
            data, prefix=prefix, vouchers_due=services.week_is_open(week) and not vouchers_given
        )
        if data is None:
            # The bags read once, for the default and the choices (the field would read them again).
            field = form.fields["location"]
            locations = list(field.queryset)
            default = _default_location(user, locations)
            field.initial = default.pk if default is not None else None
            field.choices = [("", field.empty_label), *((loc.pk, str(loc)) for loc in locations)]
        form.vouchers_given = vouchers_given
        form.advice_given = AdviceSession.objects.filter(visit=visit).first() if visit.pk else None
        if form.advice_given is not None:
            form.fields["advice_topics"].initial = form.advice_given.topics
        form.given_before = _given_before(visit) if visit.pk else []
        return form

    def save(self, form, *, visit, user) -> None:
        if form.is_empty and form.advice_given is None:
            return
        if not form.is_empty and visit.outcome not in MET:
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
        _record_advice(form.advice_given, form.cleaned_data.get("advice_topics") or [], visit, user)

    def summary(self, form, *, visit) -> list[str]:
        """What this submission recorded, for the confirmation message."""
        if visit.outcome not in MET:
            return []
        recorded = []
        if form.cleaned_data.get("vouchers"):
            recorded.append(_("meal vouchers"))
        quantities = form.quantities()
        if quantities:
            recorded.append(
                ", ".join(f"{item.name} × {quantity}" for item, quantity in quantities.items())
            )
        topics = form.cleaned_data.get("advice_topics")
        if topics:
            recorded.append(
                _("advice: %(topics)s")
                % {"topics": ", ".join(str(AdviceTopic(topic).label) for topic in topics)}
            )
        return recorded


def _record_advice(session, topics: list[str], visit, user) -> None:
    """The visit's one advice session: created, its topics changed by a correction, or removed
    when a correction unticks them all (the change history keeps it)."""
    if session is None:
        if topics:
            AdviceSession.objects.create(
                resident=visit.resident,
                visit=visit,
                held_on=visit.planned_on,
                topics=topics,
                setting=Setting.VISIT,
                held_by=user,
            )
    elif not topics:
        session.delete()
    elif sorted(topics) != sorted(session.topics):
        session.topics = topics
        session.save(update_fields=["topics"])
