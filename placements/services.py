"""Workflows on stays: assigning, ending and transferring, each in one transaction.

Coordinators assigning the same place, or the same person, at the same moment queue up: each
assignment first locks the place's row, then the person's (always in that order, so that two
assignments never hold one lock each), and only then checks and inserts. The next one in line
sees the stay that won and gets the French message naming it (without them, the losers met in
the exclusion constraints, where waits on each other can end in a deadlock error, or on the
admission request, and were told it was already decided). The constraints stay as the last
guard: a violation, or a deadlock all the same, gets the message too.

Once a stay has started or ended, `placements.signals` are sent in the same transaction (the
visits app plans or cancels visits), without this app importing their receivers.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.validators import not_in_the_future
from placements import signals
from placements.models import (
    ExitDestination,
    ExitReason,
    Place,
    Placement,
    PlaceOutage,
    TransferReason,
    implied_exit_reason,
)
from residents.models import AdmissionStatus, Resident
from residents.services import admission_admit


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _describe(placement: Placement) -> dict[str, str]:
    until = _("until %(end)s") % {"end": _day(placement.end)} if placement.end else _("ongoing")
    return {
        "resident": placement.resident.nickname,
        "place": str(placement.place),
        "start": _day(placement.start),
        "until": until,
    }


def stay_conflicts(
    *,
    resident,
    place: Place,
    start: datetime.date,
    end: datetime.date | None = None,
    ignore: tuple[int, ...] = (),
) -> dict[str, str]:
    """French messages for what stops this stay: a taken place, a housed person, an outage."""
    errors: dict[str, str] = {}
    overlapping = (
        Placement.objects.overlapping(start, end)
        .exclude(pk__in=ignore)
        .select_related("resident", "place__hotel")
    )
    taken = overlapping.filter(place=place).first()
    if taken:
        errors["place"] = _(
            "This place is already occupied by %(resident)s from %(start)s (%(until)s)."
        ) % _describe(taken)
    housed = overlapping.filter(resident=resident).first()
    if housed:
        errors["resident"] = _(
            "%(resident)s already has a place from %(start)s (%(until)s): %(place)s."
        ) % _describe(housed)
    outage_end = end or start + datetime.timedelta(days=1)
    outage = (
        PlaceOutage.objects.filter(place=place, start__lt=outage_end)
        .exclude(end__lte=start)
        .first()
    )
    if outage and "place" not in errors:
        errors["place"] = _("This place is out of service from %(start)s: %(reason)s.") % {
            "start": _day(outage.start),
            "reason": outage.reason_label,
        }
    if not place.hotel.active and "place" not in errors:
        errors["place"] = _("This hotel is no longer active.")
    return errors


def _lock_for_assignment(*, place: Place, resident) -> None:
    """Lock the place's row, then the person's, until the end of the transaction (NO KEY
    UPDATE: the rows that only point at them are not held up)."""
    for model, pk in ((Place, place.pk), (Resident, resident.pk)):
        list(model.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk"))


@transaction.atomic
def outage_save(outage: PlaceOutage) -> PlaceOutage:
    """Record (or change) a period out of service, unless someone lives in the place then.

    The place's row is locked first, as an assignment locks it: an outage and a stay of the same
    place recorded at the same moment queue up, and the second sees the first.
    """
    list(Place.objects.select_for_update(no_key=True).filter(pk=outage.place_id).values_list("pk"))
    housed = (
        Placement.objects.overlapping(outage.start, outage.end)
        .filter(place_id=outage.place_id)
        .select_related("resident", "place__hotel")
        .first()
    )
    if housed is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(resident)s lives in this place from %(start)s (%(until)s): transfer them "
                    "to another place or end the stay before putting it out of service."
                )
                % _describe(housed)
            }
        )
    outage.save()
    return outage


def _deadlocked(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def _save_or_explain(placement: Placement, *, ignore: tuple[int, ...] = ()) -> None:
    try:
        with transaction.atomic():
            placement.save()
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and not _deadlocked(error):
            raise
        conflicts = stay_conflicts(
            resident=placement.resident,
            place=placement.place,
            start=placement.start,
            end=placement.end,
            ignore=ignore,
        )
        raise ValidationError(
            conflicts or _("Another stay was recorded at the same moment: reload the page.")
        ) from None


@transaction.atomic
def placement_assign(
    *,
    resident,
    place: Place,
    start: datetime.date,
    by,
    admission=None,
    previous: Placement | None = None,
) -> Placement:
    """Give `place` to `resident` from `start`, open-ended."""
    _lock_for_assignment(place=place, resident=resident)
    errors = stay_conflicts(
        resident=resident, place=place, start=start, ignore=(previous.pk,) if previous else ()
    )
    if getattr(resident, "anonymised_at", None) is not None:
        errors["resident"] = _("This file was anonymised: open a new file for this person.")
    elif getattr(resident, "archived_at", None) is not None:
        errors["resident"] = _("This file is archived: reopen it before assigning a place.")
    if errors:
        raise ValidationError(errors)
    placement = Placement(
        resident=resident,
        place=place,
        start=start,
        admission=admission,
        previous=previous,
        created_by=by,
    )
    placement.full_clean(validate_constraints=False)
    _save_or_explain(placement)
    signals.stay_started.send(sender=Placement, placement=placement)
    return placement


@transaction.atomic
def placement_record_ended(
    *,
    resident,
    place: Place,
    start: datetime.date,
    end: datetime.date,
    destination: str,
    reason: str = "",
    comment: str = "",
    by,
    admission=None,
    previous: Placement | None = None,
) -> Placement:
    """Record, after the fact, a stay that has already ended (past records brought into Ancrage).

    Checked like an assignment, over the stay's own nights [start, end); saved with its exit,
    then `stay_started` and `stay_ended` are sent, as an assignment followed by an exit sends
    them. A transfer's first stay ends with the destination "transfer": its next stay names it
    as `previous`. `reason` is the exit's (or the transfer's) reason; without one, an exit gets
    the reason its destination implies and a transfer "not recorded".
    """
    if destination not in ExitDestination.values:
        raise ValidationError({"exit_destination": _("Choose where the person went.")})
    exit_reason, transfer_reason = _reasons(destination, reason)
    if end <= start:
        raise ValidationError({"end": _("The exit date must be after the entry date.")})
    not_in_the_future(end, _("A stay cannot be ended in advance."), field="end")
    _lock_for_assignment(place=place, resident=resident)
    errors = stay_conflicts(
        resident=resident,
        place=place,
        start=start,
        end=end,
        ignore=(previous.pk,) if previous else (),
    )
    if getattr(resident, "anonymised_at", None) is not None:
        errors["resident"] = _("This file was anonymised: open a new file for this person.")
    if errors:
        raise ValidationError(errors)
    placement = Placement(
        resident=resident,
        place=place,
        start=start,
        end=end,
        exit_destination=destination,
        exit_reason=exit_reason,
        transfer_reason=transfer_reason,
        exit_comment=comment,
        admission=admission,
        previous=previous,
        created_by=by,
        ended_by=by,
    )
    placement.full_clean(validate_constraints=False)
    _save_or_explain(placement, ignore=(previous.pk,) if previous else ())
    signals.stay_started.send(sender=Placement, placement=placement)
    signals.stay_ended.send(sender=Placement, placement=placement)
    return placement


def _reasons(destination: str, reason: str) -> tuple[str, str]:
    """(exit reason, transfer reason) of a stay recorded after the fact."""
    if destination == ExitDestination.TRANSFER:
        if reason and reason not in TransferReason.values:
            raise ValidationError({"transfer_reason": _("Choose why the person moves.")})
        return "", reason or TransferReason.NOT_RECORDED
    if reason and reason not in ExitReason.values:
        raise ValidationError({"exit_reason": _("Choose why the stay ended.")})
    return reason or implied_exit_reason(destination), ""


def _record_errors(stays: list[Placement]) -> list[str]:
    """What stops stays saved together, each checked as an assignment over its own nights:
    against the stays recorded, each other and the outages (a few queries for them all)."""
    today = timezone.localdate()
    errors = []
    for stay in stays:
        who = stay.resident.nickname
        if stay.resident.anonymised_at is not None:
            errors.append(_("%(resident)s: this file was anonymised.") % {"resident": who})
        elif stay.resident.archived_at is not None and stay.end is None:
            errors.append(_("%(resident)s: this file is archived.") % {"resident": who})
        if stay.end is not None:
            if stay.end <= stay.start:
                errors.append(_("The exit date must be after the entry date."))
            if stay.end > today:
                errors.append(_("A stay cannot be ended in advance."))
            if stay.exit_destination not in ExitDestination.values:
                errors.append(_("Choose where the person went."))
            elif stay.exit_destination == ExitDestination.TRANSFER:
                if stay.transfer_reason not in TransferReason.values:
                    errors.append(_("Choose why the person moves."))
            elif stay.exit_reason not in ExitReason.values:
                errors.append(_("Choose why the stay ended."))
        if not stay.place.hotel.active:
            errors.append(_("This hotel is no longer active."))
    if errors:
        return errors
    place_ids = {stay.place_id for stay in stays}
    resident_ids = {stay.resident_id for stay in stays}
    recorded = list(
        Placement.objects.filter(Q(place_id__in=place_ids) | Q(resident_id__in=resident_ids))
        .select_related("resident", "place__hotel")
        .order_by("start")
    )
    outages = list(PlaceOutage.objects.filter(place_id__in=place_ids))
    checked: list[Placement] = []
    for stay in sorted(stays, key=lambda stay: stay.start):
        stay_end = stay.end or datetime.date.max
        for other in [*recorded, *checked]:
            if other.start >= stay_end or (other.end or datetime.date.max) <= stay.start:
                continue
            if other.place_id == stay.place_id:
                errors.append(
                    _("This place is already occupied by %(resident)s from %(start)s (%(until)s).")
                    % _describe(other)
                )
            elif other.resident_id == stay.resident_id:
                errors.append(
                    _("%(resident)s already has a place from %(start)s (%(until)s): %(place)s.")
                    % _describe(other)
                )
        outage_end = stay.end or stay.start + datetime.timedelta(days=1)
        for outage in outages:
            if outage.place_id == stay.place_id and outage.start < outage_end:
                if outage.end is None or outage.end > stay.start:
                    errors.append(
                        _("This place is out of service from %(start)s: %(reason)s.")
                        % {"start": _day(outage.start), "reason": outage.reason_label}
                    )
        checked.append(stay)
    return errors


@transaction.atomic
def placements_record(stays: list[Placement], *, by) -> list[Placement]:
    """Record many stays at once, current or already ended: past records brought into Ancrage.

    Each stay is an unsaved Placement with its resident, place (with its hotel) and start, and
    for an ended one its end and exit destination; a transfer's first stay ends with "transfer"
    and the next one names it as `previous` (saved already, or in the same list). The places and
    the people are locked (as an assignment locks them), every stay is checked as an assignment
    is, over its own nights, then all are saved, or none (ValidationError with the reasons).
    `stays_started` is sent once with them all and `stays_ended` with those that have ended: the
    visits app plans, in one go, the visits of the people housed today.
    """
    if not stays:
        return []
    for model, pks in (
        (Place, {stay.place_id for stay in stays}),
        (Resident, {stay.resident_id for stay in stays}),
    ):
        list(
            model.objects.select_for_update(no_key=True)
            .filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk")
        )
    errors = _record_errors(stays)
    if errors:
        raise ValidationError(errors[:20])
    for stay in stays:
        stay.created_by = by
        stay.ended_by = by if stay.end else None
        stay.full_clean(
            exclude=["resident", "place", "admission", "previous", "created_by", "ended_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    pending = list(stays)
    try:
        with transaction.atomic():
            # A transfer's next stay is saved after the stay it continues.
            while pending:
                ready = [stay for stay in pending if stay.previous is None or stay.previous.pk]
                if not ready:
                    raise ValidationError(_("These transfers continue each other in a loop."))
                Placement.objects.bulk_create(ready)
                pending = [stay for stay in pending if stay.pk is None]
    except IntegrityError:
        raise ValidationError(
            _("Another stay was recorded at the same moment: reload the page.")
        ) from None
    signals.stays_started.send(sender=Placement, placements=stays)
    signals.stays_ended.send(
        sender=Placement, placements=[stay for stay in stays if stay.end is not None]
    )
    return stays


@transaction.atomic
def placement_assign_from_request(
    *, admission, place: Place, start: datetime.date, by
) -> Placement:
    """Give `place` to the person of an admission request, admitting a waiting request first:
    if the place cannot be given, the admission is rolled back with it."""
    _lock_for_assignment(place=place, resident=admission.resident)
    # Another coordinator may have admitted the request and housed the person meanwhile: the
    # stay checks below then name that stay.
    admission.refresh_from_db(fields=["status"])
    if admission.status == AdmissionStatus.WAITING:
        admission = admission_admit(request=admission, by=by)
    elif admission.status != AdmissionStatus.ADMITTED:
        raise ValidationError(_("This request was not admitted."))
    return placement_assign(
        resident=admission.resident, place=place, start=start, by=by, admission=admission
    )


def _locked(placement: Placement) -> Placement:
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("resident", "place__hotel")
        .get(pk=placement.pk)
    )
    if locked.end is not None:
        raise ValidationError(_("This stay has already ended."))
    return locked


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    on: datetime.date,
    destination: str,
    reason: str,
    comment: str = "",
    by,
) -> Placement:
    """End a stay on `on` (the check-out day: the last night is the one before), with where the
    person went and, apart, why the stay ended."""
    placement = _locked(placement)
    if destination not in ExitDestination.values or destination == ExitDestination.TRANSFER:
        raise ValidationError({"exit_destination": _("Choose where the person went.")})
    if reason not in ExitReason.values:
        raise ValidationError({"exit_reason": _("Choose why the stay ended.")})
    if on <= placement.start:
        raise ValidationError({"end": _("The exit date must be after the entry date.")})
    not_in_the_future(on, _("A stay cannot be ended in advance."), field="end")
    _close_absences(placement, on)
    placement.end = on
    placement.exit_destination = destination
    placement.exit_reason = reason
    placement.exit_comment = comment
    placement.ended_by = by
    placement.save(
        update_fields=["end", "exit_destination", "exit_reason", "exit_comment", "ended_by"]
    )
    signals.stay_ended.send(sender=Placement, placement=placement)
    return placement


@transaction.atomic
def placement_transfer(
    *,
    placement: Placement,
    to_place: Place,
    on: datetime.date,
    reason: str,
    comment: str = "",
    by,
) -> Placement:
    """Move a resident, for `reason`: the stay ends on `on` and the next one starts the same day,
    atomically."""
    placement = _locked(placement)
    if reason not in TransferReason.values or reason == TransferReason.NOT_RECORDED:
        raise ValidationError({"reason": _("Choose why the person moves.")})
    if to_place.pk == placement.place_id:
        raise ValidationError({"place": _("Choose another place than the current one.")})
    if on <= placement.start:
        raise ValidationError({"start": _("A transfer must happen after the entry date.")})
    errors = stay_conflicts(
        resident=placement.resident, place=to_place, start=on, ignore=(placement.pk,)
    )
    if errors:
        raise ValidationError(errors)
    _close_absences(placement, on)
    placement.end = on
    placement.exit_destination = ExitDestination.TRANSFER
    placement.transfer_reason = reason
    placement.exit_comment = comment
    placement.ended_by = by
    placement.save(
        update_fields=["end", "exit_destination", "transfer_reason", "exit_comment", "ended_by"]
    )
    signals.stay_ended.send(sender=Placement, placement=placement)
    return placement_assign(
        resident=placement.resident, place=to_place, start=on, by=by, previous=placement
    )


def _close_absences(placement: Placement, on: datetime.date) -> None:
    for absence in placement.absences.filter(end__isnull=True):
        absence.end = on if on > absence.start else absence.start + datetime.timedelta(days=1)
        absence.save(update_fields=["end"])


def admitted_requests_without_place(requests):
    """For residents.hooks: the admitted `requests` whose person held no place since the
    decision (a stay still open, or ended after the decision day, counts as a place)."""
    placed = Placement.objects.filter(resident=OuterRef("resident_id")).filter(
        Q(end__isnull=True) | Q(end__gt=OuterRef("decided_on"))
    )
    return requests.exclude(Exists(placed))
