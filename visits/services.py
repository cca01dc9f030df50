"""Workflows on visits that touch several rows: stays starting and ending, moving a round."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from visits.conflicts import move_conflicts
from visits.models import Visit, VisitStatus
from visits.roster import roster_generate, week_start

# --- Receivers of placements.signals: called inside the transaction that starts or ends a stay ---


def plan_started_stay(placement, *, today: datetime.date | None = None, **_signal) -> None:
    """A stay starts: plan the person's visits for the rest of the week, and for next week when
    its roster already exists (the weekly generation ran before the entry)."""
    plan_started_stays([placement], today=today)


def plan_started_stays(placements, *, today: datetime.date | None = None, **_signal) -> None:
    """Stays that start, one or many recorded at once: the same planning as
    `plan_started_stay`, in one roster run per week for all their people. A stay already over
    has nothing to plan."""
    today = today or timezone.localdate()
    starting = [stay for stay in placements if stay.end is None or stay.end > today]
    if not starting:
        return
    this_week = week_start(today)
    weeks = [this_week]
    next_week = this_week + datetime.timedelta(days=7)
    if Visit.objects.in_week(next_week).filter(unplanned=False).exists():
        weeks.append(next_week)
    for monday in weeks:
        planned = [stay for stay in starting if week_start(max(stay.start, today)) <= monday]
        if planned:
            from_day = min(max(stay.start, today) for stay in planned)
            roster_generate(
                week=monday,
                from_day=max(from_day, monday),
                resident_ids={stay.resident_id for stay in planned},
            )


def cancel_after_stay(placement, **_signal) -> int:
    """A stay ends (an exit or a transfer): its visits still planned from the exit day on are
    cancelled, even those the coordinator had moved: the person no longer lives there."""
    return cancel_after_stays([placement])


def cancel_after_stays(placements, **_signal) -> int:
    """`cancel_after_stay` for stays ended together, in one update."""
    ended = [stay.pk for stay in placements if stay.end is not None]
    if not ended:
        return 0
    return Visit.objects.filter(
        placement_id__in=ended,
        status=VisitStatus.PLANNED,
        planned_on__gte=F("placement__end"),
    ).update(status=VisitStatus.CANCELLED)


# --- The coordinator's changes --------------------------------------------------------------------


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_move(visits: list[Visit], to_day: datetime.date) -> None:
    if to_day < timezone.localdate():
        raise ValidationError({"planned_on": _("A visit cannot be moved to a past day.")})
    for visit in visits:
        stay = visit.placement
        if to_day < stay.start or (stay.end is not None and to_day >= stay.end):
            raise ValidationError(
                {
                    "planned_on": _("%(resident)s is not housed at %(hotel)s on %(day)s.")
                    % {
                        "resident": visit.resident.nickname,
                        "hotel": visit.hotel,
                        "day": _day(to_day),
                    }
                }
            )


class RosterConflict(ValidationError):
    """A move the roster would not make: saved only once the coordinator confirms each reason."""

    def __init__(self, reasons: list[str]):
        super().__init__(reasons, code="roster_conflict")
        self.reasons = reasons


def _check_conflicts(visits, to_day, worker, partner, accepted) -> None:
    """Refuse the move while a reason it creates was not confirmed (`accepted`: the reasons the
    coordinator saw and confirmed; a new or different reason asks again)."""
    reasons = move_conflicts(visits=visits, to_day=to_day, worker=worker, partner=partner)
    if any(reason not in accepted for reason in reasons):
        raise RosterConflict(reasons)


def _save_moved(visits: list[Visit], to_day: datetime.date) -> None:
    try:
        with transaction.atomic():
            for visit in visits:
                visit.save(update_fields=["planned_on", "worker", "partner", "manually_edited"])
    except IntegrityError:
        taken = (
            Visit.objects.filter(
                resident_id__in=[visit.resident_id for visit in visits],
                planned_on=to_day,
                unplanned=False,
            )
            .exclude(pk__in=[visit.pk for visit in visits])
            .not_cancelled()
            .select_related("resident")
        )
        names = ", ".join(sorted(visit.resident.nickname for visit in taken))
        raise ValidationError(
            {
                "planned_on": _("Already planned on %(day)s: %(names)s.")
                % {"day": _day(to_day), "names": names or "?"}
            }
        ) from None


@transaction.atomic
def visit_move(*, visit: Visit, to_day: datetime.date, worker, partner=None, accepted=()) -> Visit:
    """Move one planned visit to another day or team; the roster will not undo it. A conflict
    (`visits.conflicts`) raises RosterConflict unless its reason is in `accepted`."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("resident", "hotel", "placement")
        .get(pk=visit.pk)
    )
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be moved."))
    _check_move([visit], to_day)
    _check_conflicts([visit], to_day, worker, partner, accepted)
    visit.planned_on, visit.worker, visit.partner = to_day, worker, partner
    visit.manually_edited = True
    visit.full_clean(exclude=["resident", "placement", "hotel"], validate_constraints=False)
    _save_moved([visit], to_day)
    return visit


@transaction.atomic
def round_move(
    *, hotel, day: datetime.date, to_day: datetime.date, worker, partner=None, accepted=()
) -> int:
    """Move every planned visit of a hotel on a day (a round) to another day or team, at once.
    A conflict (`visits.conflicts`) raises RosterConflict unless its reason is in `accepted`."""
    visits = list(
        Visit.objects.select_for_update(of=("self",))
        .filter(hotel=hotel, planned_on=day, status=VisitStatus.PLANNED)
        .select_related("resident", "hotel", "placement")
    )
    if not visits:
        raise ValidationError(_("This round has no planned visit left to move."))
    _check_move(visits, to_day)
    _check_conflicts(visits, to_day, worker, partner, accepted)
    for visit in visits:
        visit.planned_on, visit.worker, visit.partner = to_day, worker, partner
        visit.manually_edited = True
    _save_moved(visits, to_day)
    return len(visits)


class RecordedMeanwhile(ValidationError):
    """The visit was recorded by someone else after the form was shown."""

    def __init__(self, visit: Visit):
        if visit.corrected_at:
            who, moment = visit.corrected_by, visit.corrected_at
        else:
            who, moment = visit.logged_by, visit.logged_at
        super().__init__(
            _(
                "This visit was already recorded by %(who)s at %(time)s: nothing was replaced. "
                "What you typed is kept below, next to what was recorded: complete it and "
                "choose the outcome again to record a correction."
            )
            % {"who": who, "time": date_format(timezone.localtime(moment), "TIME_FORMAT")},
            code="recorded_meanwhile",
        )
        self.visit = visit


def visit_lock_for_recording(*, visit: Visit, seen: str | None) -> Visit:
    """Lock the visit's row until the transaction recording it ends, and return it as it is.

    Raises RecordedMeanwhile when it was recorded since the worker's form was shown (`seen`,
    the form's `recorded_version`): two workers logging the same visit at once, the second one
    is told instead of silently replacing the first one's observations. `seen` None (a form
    that did not carry it) checks nothing.
    """
    # Nothing joined: a row locked after waiting comes back new, but the joined rows do not.
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if seen is not None and seen != current.recorded_version:
        raise RecordedMeanwhile(current)
    return current


@transaction.atomic
def visit_cancel(*, visit: Visit) -> Visit:
    visit = Visit.objects.select_for_update(of=("self",)).get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    visit.status = VisitStatus.CANCELLED
    visit.manually_edited = True
    visit.save(update_fields=["status", "manually_edited"])
    return visit
