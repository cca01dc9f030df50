"""The visit form's harm-reduction part (see visits.extensions): material taken from a bag,
the week's meal vouchers and advice given, saved in the visit's own transaction."""

import functools

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction import services
from harmreduction.forms import VisitMaterialForm
from harmreduction.models import (
    AdviceSession,
    AdviceTopic,
    Item,
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

# The three statements the form runs for a visit, built by the ORM once a process (~0.3-0.5 ms of
# CPU each to build, more than the database takes to run them), as the catalogue's
# (`harmreduction.selectors.supplies._catalogue_sql`). Only the statements are kept, never what
# they read: each form asks the database. `_ID` stands for the worker's or the visit's id.
_ID = -987_654_321
DATABASE = "default"


def _kept(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    if _ID not in params:
        raise ValueError("the statement does not take the id")
    return sql, params


def _run(statement: tuple[str, tuple], pk: int) -> list[tuple]:
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(pk if param == _ID else param for param in params))
        return cursor.fetchall()


@functools.cache
def _last_location_sql() -> tuple[str, tuple]:
    return _kept(
        SupplyDistribution.objects.filter(
            given_by_id=_ID, visit__isnull=False, location__active=True
        )
        .order_by("-given_at")
        .values_list("location_id", flat=True)[:1]
    )


@functools.cache
def _advice_sql() -> tuple[str, tuple]:
    sessions = AdviceSession.objects.filter(visit_id=_ID)
    return _kept((sessions if sessions.ordered else sessions.order_by("pk"))[:1])


@functools.cache
def _lines_sql() -> tuple[str, tuple]:
    return _kept(
        SupplyDistributionLine.objects.filter(distribution__visit_id=_ID).select_related("item")
    )


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _default_location(user, locations: list[Location]) -> Location | None:
    """Among the active `locations`, the one of the worker's last handout during a visit, else
    the first visit bag (they come in order of kind and name)."""
    rows = _run(_last_location_sql(), user.pk)
    last = rows[0][0] if rows else None
    if last is not None:
        return next((location for location in locations if location.pk == last), None)
    return next((loc for loc in locations if loc.kind == LocationKind.VISIT_BAG), None)


def _advice_given(visit) -> AdviceSession | None:
    """The visit's advice session (there is at most one). One query."""
    rows = _run(_advice_sql(), visit.pk)
    return AdviceSession.from_db(DATABASE, _columns(AdviceSession), rows[0]) if rows else None


def _given_before(visit) -> list[list[SupplyDistributionLine]]:
    """The lines of each handout already recorded with `visit`, latest handout first, with
    their items. One query."""
    line_columns, item_columns = _columns(SupplyDistributionLine), _columns(Item)
    split = len(line_columns)
    handouts: dict[int, list] = {}
    for row in _run(_lines_sql(), visit.pk):
        line = SupplyDistributionLine.from_db(DATABASE, line_columns, row[:split])
        line.item = Item.from_db(DATABASE, item_columns, row[split:])
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
        form.advice_given = _advice_given(visit) if visit.pk else None
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
