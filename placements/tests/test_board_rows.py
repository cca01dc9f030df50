"""The board's rows, read by `selectors.hotel_boards` in one written SQL statement: the same
stays, absences and outages as the ORM's definitions, on the edges of a day included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from placements import occupancy, selectors
from placements.models import Absence, Placement, PlaceOutage
from tests.factories import (
    HotelFactory,
    IncidentFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_it_reads_the_columns_in_the_order_of_the_models_fields():
    """`Model.from_db` takes the values in the order of the model's fields."""
    read = [(model, names) for model, _alias, names in selectors._BOARD_COLUMNS]
    read += [(selectors.Incident, selectors._INCIDENT_COLUMNS)]
    read += [(selectors.Hotel, selectors._HOTEL_COLUMNS)]
    for model, names in read:
        fields = [field.attname for field in model._meta.concrete_fields]
        assert set(names) <= set(fields), model
        assert list(names) == sorted(names, key=fields.index), model
        assert names[0] == "id", model


@pytest.fixture
def edges():
    """One place for each edge of the day: what starts today covers it, what ends today
    does not."""
    hotel = HotelFactory(name="Hôtel des Bords")
    rooms = (
        "stay_ended_today stay_starts_tomorrow stay_starts_today absence_ended_today "
        "absence_starts_today outage_ended_today outage_starts_today outage_starts_tomorrow "
        "outage_under_a_stay"
    ).split()
    places = {room: PlaceFactory(hotel=hotel, room=str(n)) for n, room in enumerate(rooms, 1)}
    PlacementFactory(
        place=places["stay_ended_today"],
        start=TODAY - 9 * DAY,
        end=TODAY,
        exit_destination="street",
    )
    PlacementFactory(place=places["stay_starts_tomorrow"], start=TODAY + DAY)
    PlacementFactory(place=places["stay_starts_today"], start=TODAY)
    back = PlacementFactory(place=places["absence_ended_today"], start=TODAY - 9 * DAY)
    Absence.objects.create(placement=back, start=TODAY - 3 * DAY, end=TODAY, reason="travel")
    away = PlacementFactory(place=places["absence_starts_today"], start=TODAY - 9 * DAY)
    Absence.objects.create(placement=away, start=TODAY, reason="hospital")
    PlaceOutage.objects.create(
        place=places["outage_ended_today"], start=TODAY - 3 * DAY, end=TODAY, reason="Travaux"
    )
    PlaceOutage.objects.create(place=places["outage_starts_today"], start=TODAY, reason="Fuite")
    PlaceOutage.objects.create(
        place=places["outage_starts_tomorrow"], start=TODAY + DAY, reason="Peinture"
    )
    PlacementFactory(place=places["outage_under_a_stay"], start=TODAY - 9 * DAY)
    # Saved around the service's check, as older versions allowed.
    PlaceOutage.objects.create(
        place=places["outage_under_a_stay"], start=TODAY - DAY, reason="Dégât des eaux"
    )
    return hotel, places


@pytest.mark.django_db
def test_it_finds_what_covers_the_day_as_the_orm_defines_it(edges):
    hotel, places = edges
    (board,) = selectors.hotel_boards([hotel])
    states = {row.place.room: row.state for row in board.places}
    room = {place.pk: place.room for place in places.values()}
    assert {name: states[place.room] for name, place in places.items()} == {
        "stay_ended_today": "free",
        "stay_starts_tomorrow": "free",
        "stay_starts_today": "occupied",
        "absence_ended_today": "occupied",
        "absence_starts_today": "held",
        "outage_ended_today": "free",
        "outage_starts_today": "out",
        "outage_starts_tomorrow": "free",
        "outage_under_a_stay": "occupied",
    }
    # The same places as the ORM's definitions of each state.
    current = Placement.objects.current(TODAY)
    held = current.filter(
        pk__in=Absence.objects.filter(selectors._covering(TODAY)).values("placement_id")
    )
    assert {room[pk] for pk in held.values_list("place_id", flat=True)} == {
        room for room, state in states.items() if state == "held"
    }
    assert {room[pk] for pk in current.values_list("place_id", flat=True)} == {
        room for room, state in states.items() if state in ("held", "occupied")
    }
    assert {place.room for place in occupancy.out_of_service_places(TODAY)} == {
        room for room, state in states.items() if state == "out"
    }
    assert board.totals == {"occupied": 3, "free": 4, "held": 1, "out": 1, "total": 9}


@pytest.mark.django_db
def test_it_reads_another_day_as_well(edges):
    hotel, places = edges
    (board,) = selectors.hotel_boards([hotel], on=TODAY + DAY)
    states = {row.place.pk: row.state for row in board.places}
    assert states[places["stay_starts_tomorrow"].pk] == "occupied"
    assert states[places["outage_starts_tomorrow"].pk] == "out"
    assert states[places["stay_ended_today"].pk] == "free"


@pytest.mark.django_db
def test_it_gives_the_cards_their_stays_absences_outages_and_incidents(edges):
    hotel, places = edges
    incident = IncidentFactory(
        hotel=hotel, place=places["stay_starts_today"], resident=ResidentFactory(nickname="Zébulon")
    )
    IncidentFactory(hotel=hotel, place=places["stay_starts_today"], closed_on=TODAY)
    about_the_hotel = IncidentFactory(hotel=hotel, place=None, resident=None)
    with CaptureQueriesContext(connection) as queries:
        (board,) = selectors.hotel_boards([hotel], last_visits=False)
        rows = {row.place.pk: row for row in board.places}
        stay_row = rows[places["stay_starts_today"].pk]
        away_row = rows[places["absence_starts_today"].pk]
        out_row = rows[places["outage_starts_today"].pk]
        read = {
            "place": (stay_row.place.label, str(stay_row.place)),
            "stay": (stay_row.stay.start, stay_row.stay.resident.nickname, stay_row.days),
            "absence": (away_row.absence.reason, away_row.absence.get_reason_display()),
            "outage": (out_row.outage.end, out_row.outage.reason_label),
            "incidents": [(i.pk, i.kind_label, i.resident.nickname) for i in stay_row.incidents],
            "hotel incidents": [(i.pk, i.resident) for i in board.incidents],
        }
    assert len(queries) == 2, "the rows and the incidents; nothing deferred is read"
    stay = Placement.objects.get(place=places["stay_starts_today"])
    place = places["stay_starts_today"]
    assert read["place"] == (place.label, str(place))
    assert read["stay"] == (TODAY, stay.resident.nickname, 0)
    absence = Absence.objects.get(placement__place=places["absence_starts_today"])
    assert read["absence"] == ("hospital", absence.get_reason_display())
    outage = PlaceOutage.objects.get(place=places["outage_starts_today"])
    assert read["outage"] == (None, outage.reason_label)
    assert read["incidents"] == [(incident.pk, incident.kind_label, "Zébulon")]
    assert read["hotel incidents"] == [(about_the_hotel.pk, None)]
