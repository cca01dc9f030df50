"""One count of places out of service everywhere it is shown, and no rate above 100 %.

Legacy data can hold an outage over a stay (recorded before outages were checked against stays):
the person sleeping there wins, the place counts as occupied and not as out of service
(see placements.occupancy).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import occupancy
from placements.models import PlaceOutage
from placements.selectors import monthly_statement
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def legacy_hotel(db):
    """Hôtel Crimée: 1 free, 2 out of service, 3 occupied, 4 occupied under a legacy outage."""
    hotel = HotelFactory(name="Hôtel Crimée")
    free, out, occupied, both = (PlaceFactory(hotel=hotel, room=r) for r in "1 2 3 4".split())
    PlaceOutage.objects.create(place=out, start=TODAY - DAY, reason="Travaux")
    PlacementFactory(place=occupied)
    PlacementFactory(place=both, resident__nickname="Abdel")
    # Saved around the service's check, as older versions allowed.
    PlaceOutage.objects.create(place=both, start=TODAY - 2 * DAY, reason="Dégât des eaux")
    return hotel


def _cards(client):
    return dict(client.get(reverse("home")).context["cards"])


@pytest.mark.django_db
def test_it_counts_the_same_places_out_of_service_everywhere(client_for, chloe, marc, legacy_hotel):
    coordinator, manager = client_for(chloe), client_for(marc)
    board = coordinator.get(reverse("placements:board")).context["totals"]
    hotels = {h.pk: h for h in manager.get(reverse("placements:hotel_list")).context["page_obj"]}
    detail = manager.get(reverse("placements:hotel_detail", args=[legacy_hotel.pk])).context
    coordinator_card = _cards(coordinator)["placements/card_occupancy.html"]["totals"]
    manager_card = _cards(manager)["placements/card_places.html"]
    counts = {
        "board": board["out"],
        "hotel list": hotels[legacy_hotel.pk].out_of_service_count,
        "hotel page": detail["out_of_service"],
        "coordinator's card": coordinator_card["out"],
        "manager's card": manager_card["out_of_service"],
        "function": occupancy.out_of_service_places(TODAY).count(),
    }
    assert counts == dict.fromkeys(counts, 1)
    assert (board["occupied"], manager_card["in_service"]) == (2, 3)


@pytest.mark.django_db
def test_an_occupied_night_is_never_also_out_of_service(legacy_hotel):
    start, end = TODAY - 5 * DAY, TODAY + 5 * DAY
    by_day = sum(
        occupancy.out_of_service_places(start + n * DAY).count() for n in range((end - start).days)
    )
    assert by_day == sum(occupancy.out_of_service_nights_by_place(start, end).values())


@pytest.mark.django_db
def test_an_occupancy_rate_never_exceeds_100_percent():
    """A place occupied the whole month under a legacy outage for half of it: 100 %, not 200 %."""
    month = datetime.date(2025, 4, 1)
    place = PlaceFactory()
    PlacementFactory(place=place, start=month - 10 * DAY)
    PlaceOutage.objects.create(
        place=place, start=month + 15 * DAY, end=month + 30 * DAY, reason="Travaux"
    )
    end = month + 30 * DAY
    assert occupancy.occupancy_rate(month, end, place.hotel_id) == 1
    assert occupancy.available_place_nights_by_place(month, end) == {place.pk: 30}
    assert monthly_statement(month).total.rate_shown == "100,0 %"
