import datetime

from accounts.roles import STAFF
from placements.models import Place


def place_totals(on: datetime.date | None = None) -> dict[str, int]:
    """Places of active hotels on a day: all of them, and those out of service."""
    on = on or datetime.date.today()
    places = Place.objects.filter(hotel__active=True)
    total = places.count()
    out = places.out_of_service_on(on).count()
    return {"total": total, "out_of_service": out, "in_service": total - out}


def places_card(request) -> dict | None:
    if not request.user.has_role(*STAFF):
        return None
    return place_totals()
