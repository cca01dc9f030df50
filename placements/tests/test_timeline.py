"""The stays, absences and incidents of a person on their page (residents.timeline source)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence, ExitDestination
from placements.selectors import stay_entries
from residents.timeline import described, entries_for, source_entries
from tests.factories import (
    HotelFactory,
    IncidentFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _titles(resident, user) -> list[str]:
    return [entry.title for entry in entries_for(resident, user) if entry.kind != "file"]


@pytest.mark.django_db
def test_it_tells_the_story_of_the_stays(alice):
    resident = ResidentFactory()
    canal = PlaceFactory(hotel=HotelFactory(name="Hôtel du Canal"), room="1")
    crimee = PlaceFactory(hotel=HotelFactory(name="Hôtel Crimée"), room="2")
    first = PlacementFactory(
        resident=resident,
        place=canal,
        start=TODAY - 90 * DAY,
        end=TODAY - 60 * DAY,
        exit_destination=ExitDestination.TRANSFER,
    )
    second = PlacementFactory(
        resident=resident,
        place=crimee,
        start=TODAY - 60 * DAY,
        end=TODAY - 5 * DAY,
        exit_destination=ExitDestination.CHRS,
        exit_comment="Orientation SIAO",
        previous=first,
    )
    Absence.objects.create(
        placement=second,
        start=TODAY - 30 * DAY,
        end=TODAY - 20 * DAY,
        reason="hospital",
        released=True,
    )
    IncidentFactory(
        hotel=crimee.hotel, resident=resident, kind="noise", occurred_on=TODAY - 40 * DAY
    )

    assert _titles(resident, alice) == [
        "Sortie : CHRS",
        "Absence : Hospitalisation",
        "Incident à l’Hôtel Crimée : Bruit",
        "Transfert vers Hôtel Crimée – Chambre 2",
        "Entrée : Hôtel du Canal – Chambre 1",
    ]
    entries = {entry.title: entry for entry in entries_for(resident, alice)}
    assert entries["Sortie : CHRS"].detail == (
        "Orientation vers une solution (logement, hébergement, soins) · Orientation SIAO"
    )
    assert "place libérée" in entries["Absence : Hospitalisation"].detail
    assert entries["Sortie : CHRS"].url == reverse("placements:placement_detail", args=[second.pk])


@pytest.mark.django_db
def test_it_appears_on_the_resident_page(client_for, marc):
    stay = PlacementFactory(place__hotel__name="Hôtel du Canal", place__room="5")
    response = client_for(marc).get(reverse("residents:resident_detail", args=[stay.resident_id]))
    assert "Entrée : Hôtel du Canal – Chambre 5" in response.content.decode()


@pytest.mark.django_db
def test_it_reads_in_a_fixed_number_of_queries(alice):
    resident = ResidentFactory()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            described(source_entries(stay_entries, resident, alice))
        return len(queries)

    PlacementFactory(
        resident=resident, start=TODAY - 500 * DAY, end=TODAY - 490 * DAY, exit_destination="street"
    )
    with_one = count_queries()
    for n in range(8):
        start = TODAY - (480 - 50 * n) * DAY
        stay = PlacementFactory(
            resident=resident, start=start, end=start + 40 * DAY, exit_destination="street"
        )
        Absence.objects.create(
            placement=stay, start=start + DAY, end=start + 3 * DAY, reason="travel"
        )
        IncidentFactory(hotel=stay.place.hotel, resident=resident)
    # the days of stays, exits, absences and incidents in one query; then the stays with their
    # places and hotels, the absences, the incidents: nothing per entry.
    assert with_one == 2
    assert count_queries() == 4
