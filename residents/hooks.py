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
"""

from collections.abc import Callable

from django.db.models import CharField, DateField, IntegerField, QuerySet, Value

PlaceFilter = Callable[[QuerySet], QuerySet]


def _nobody_placed_yet(requests: QuerySet) -> QuerySet:
    return requests


_without_place: PlaceFilter = _nobody_placed_yet


def register_without_place_filter(place_filter: PlaceFilter) -> PlaceFilter:
    """Register the filter; returns the previous one (tests put it back)."""
    global _without_place
    previous, _without_place = _without_place, place_filter
    return previous


def without_place(requests: QuerySet) -> QuerySet:
    """The admitted `requests` whose resident got no place after the decision."""
    return _without_place(requests)


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


_place_annotator: PlaceAnnotator = _no_place_known


def register_current_place_annotator(annotator: PlaceAnnotator) -> PlaceAnnotator:
    """Register the annotator of the list of residents; returns the previous one (for tests)."""
    global _place_annotator
    previous, _place_annotator = _place_annotator, annotator
    return previous


def with_current_place(residents: QuerySet) -> QuerySet:
    """`residents` annotated, in the same query, with their place today: `current_place_id`,
    `current_hotel` (its name), `current_room`, `current_bed`, and `entered_on`, the day the
    person entered the programme for their current or last stay (a transfer continues it).
    All None for a person without a place (and until the placements app answers)."""
    return _place_annotator(residents)


# --- A direct link to give a place --------------------------------------------------------------

AssignUrl = Callable[..., str | None]


def _no_assignment(resident, user) -> str | None:
    return None


_assign_url: AssignUrl = _no_assignment


def register_assign_place_url(finder: AssignUrl) -> AssignUrl:
    """Register the finder of the "assign a place" link; returns the previous one (for tests)."""
    global _assign_url
    previous, _assign_url = _assign_url, finder
    return previous


def assign_place_url(resident, user) -> str | None:
    """The page where `user` gives `resident` a place, or None if `user` may not. No query: the
    caller knows the person has no place (an admitted request still waiting for one)."""
    return _assign_url(resident, user)
