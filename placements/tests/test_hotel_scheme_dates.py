"""Migration 0007 gives the inactive hotels a date of leaving the scheme (see its docstring)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from placements.models import Hotel
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory

migration = importlib.import_module("placements.migrations.0007_hotel_joined_and_left_the_scheme")
HotelEvent = apps.get_model("placements", "HotelEvent")


@pytest.mark.django_db
def test_it_dates_the_inactive_hotels_from_their_history_or_their_last_stay():
    HotelFactory(name="Active")
    # Deactivated today (its history says so), after its last stay ended on 1 April 2025.
    deactivated = HotelFactory(name="Deactivated")
    PlacementFactory(
        place=PlaceFactory(hotel=deactivated),
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 4, 1),
        exit_destination="street",
    )
    deactivated.active = False
    deactivated.save()
    # Inactive without history (imported): the end of its last stay.
    imported = HotelFactory(name="Imported", active=False)
    PlacementFactory(
        place=PlaceFactory(hotel=imported),
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 9, 15),
        exit_destination="street",
    )
    HotelEvent.objects.filter(pgh_obj_id=imported.pk).delete()

    migration.date_the_inactive_hotels(apps, None)

    dates = {hotel.name: (hotel.joined_on, hotel.left_on) for hotel in Hotel.objects.all()}
    assert dates == {
        "Active": (None, None),
        "Deactivated": (None, timezone.localdate()),
        "Imported": (None, datetime.date(2024, 9, 15)),
    }
