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
"""

from collections.abc import Callable

from django.db.models import QuerySet

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
