"""Questions this app asks other apps, answered by functions they register from AppConfig.ready().

Residents must not import the placements app (which depends on it). When an admission is
decided, the person waits for a place: the waiting list keeps showing admitted requests as
"admitted, no place" until the placements app says the person got one.

The placements app registers, in its ready()::

    from residents import hooks

    hooks.register_without_place_filter(admitted_requests_without_place)

where the function takes a queryset of admitted requests and returns the part of it whose
resident has held no place since the decision — a filter, so that the list and its count stay
one query however many requests were ever admitted. Until then, no admitted request has a place.

It registers too, for the list of residents, `register_current_place_annotator(annotator)`: the
annotator adds each person's place today (hotel, room, bed) and entry date to a queryset of
residents, in the same query (no query per row); and `register_assign_place_url(finder)`: the
"assign a place" link shown once a request is admitted, for those who may give places.

The visits app registers `register_visit_dates(finder)`: the next planned visit and the last
day the team met the person, shown at the top of the resident's page.
"""

import datetime
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

from django.db.models import CharField, DateField, IntegerField, QuerySet, Value

F = TypeVar("F", bound=Callable)


class _Provided(Generic[F]):
    """One function the placements app provides: a default until it registers its own.
    `register` returns the previous function, so that a test can put it back."""

    def __init__(self, default: F):
        self.function = default

    def register(self, function: F) -> F:
        previous, self.function = self.function, function
        return previous


PlaceFilter = Callable[[QuerySet], QuerySet]


def _nobody_placed_yet(requests: QuerySet) -> QuerySet:
    return requests


_without_place: _Provided[PlaceFilter] = _Provided(_nobody_placed_yet)


def register_without_place_filter(place_filter: PlaceFilter) -> PlaceFilter:
    """Register the filter; returns the previous one (tests put it back)."""
    return _without_place.register(place_filter)


def without_place(requests: QuerySet) -> QuerySet:
    """The admitted `requests` whose resident got no place after the decision."""
    return _without_place.function(requests)


# --- The current place, for the list of residents -------------------------------------------------

PlaceAnnotator = Callable[[QuerySet], QuerySet]


def _no_place_known(residents: QuerySet) -> QuerySet:
    return residents.annotate(
        current_place_id=Value(None, output_field=IntegerField()),
        current_hotel=Value(None, output_field=CharField()),
        current_room=Value(None, output_field=CharField()),
        current_bed=Value(None, output_field=CharField()),
        entered_on=Value(None, output_field=DateField()),
    )


_place_annotator: _Provided[PlaceAnnotator] = _Provided(_no_place_known)


def register_current_place_annotator(annotator: PlaceAnnotator) -> PlaceAnnotator:
    """Register the annotator of the list of residents; returns the previous one (for tests)."""
    return _place_annotator.register(annotator)


def with_current_place(residents: QuerySet) -> QuerySet:
    """`residents` annotated, in the same query, with their place today: `current_place_id`,
    `current_hotel` (its name), `current_room`, `current_bed`, and `entered_on`, the day the
    person entered the programme for their current or last stay (a transfer continues it).
    All None for a person without a place (and until the placements app answers)."""
    return _place_annotator.function(residents)


# --- A direct link to give a place --------------------------------------------------------------

AssignUrl = Callable[..., str | None]


def _no_assignment(resident, user) -> str | None:
    return None


_assign_url: _Provided[AssignUrl] = _Provided(_no_assignment)


def register_assign_place_url(finder: AssignUrl) -> AssignUrl:
    """Register the finder of the "assign a place" link; returns the previous one (for tests)."""
    return _assign_url.register(finder)


def assign_place_url(resident, user) -> str | None:
    """The page where `user` gives `resident` a place, or None if `user` may not. No query: the
    caller knows the person has no place (an admitted request still waiting for one)."""
    return _assign_url.function(resident, user)


# --- The visits, at the top of the resident's page ---------------------------------------------


class VisitDates(NamedTuple):
    next_planned: datetime.date | None
    last_seen: datetime.date | None


VisitDatesFinder = Callable[..., VisitDates]


def _no_visits_known(resident) -> VisitDates:
    return VisitDates(None, None)


_visit_dates: _Provided[VisitDatesFinder] = _Provided(_no_visits_known)


def register_visit_dates(finder: VisitDatesFinder) -> VisitDatesFinder:
    """Register the finder of a person's visit dates; returns the previous one (for tests)."""
    return _visit_dates.register(finder)


def visit_dates(resident) -> VisitDates:
    """The person's next planned visit (from today on) and the last day the team met them
    (seen, or refused at the door); None when there is none (and until the visits app answers).
    One query."""
    return _visit_dates.function(resident)
