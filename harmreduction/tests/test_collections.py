"""Used material collected per hotel: sharps boxes and items brought back."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import Collection
from harmreduction.tests.conftest import DAY, TODAY
from tests.factories import HotelFactory

LIST = reverse("harmreduction:collection_list")
CREATE = reverse("harmreduction:collection_create")


def _data(**overrides):
    data = {
        "hotel": "",
        "collected_on": TODAY.isoformat(),
        "sharps_boxes": 1,
        "returned_items": 12,
        "note": "",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_records_a_collection_at_a_hotel(client_for, alice):
    hotel = HotelFactory(name="Hôtel des Lilas")
    response = client_for(alice).post(CREATE, _data(hotel=hotel.pk), follow=True)
    collection = Collection.objects.get()
    assert (collection.hotel, collection.sharps_boxes, collection.returned_items) == (hotel, 1, 12)
    assert collection.recorded_by == alice
    assert "La collecte de matériel usagé est enregistrée." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sharps_boxes": 0, "returned_items": 0}, "Comptez au moins un collecteur ou un article."),
        ({"collected_on": (TODAY + DAY).isoformat()}, "Cette date ne peut pas être dans le futur."),
        ({"sharps_boxes": -1}, "supérieure ou égale à 0"),
    ],
)
def test_it_explains_a_bad_collection(client_for, alice, overrides, message):
    response = client_for(alice).post(CREATE, _data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Collection.objects.exists()


@pytest.mark.django_db
def test_it_totals_the_year_per_hotel(client_for, marc, alice):
    lilas, crimee = HotelFactory(name="Hôtel des Lilas"), HotelFactory(name="Hôtel Crimée")
    year = TODAY.year
    for hotel, boxes, items in [(lilas, 1, 10), (lilas, 2, 5), (crimee, 0, 7), (None, 1, 0)]:
        Collection.objects.create(
            hotel=hotel, collected_on=datetime.date(year, 1, 2), sharps_boxes=boxes,
            returned_items=items, recorded_by=alice,
        )  # fmt: skip
    Collection.objects.create(
        hotel=lilas, collected_on=datetime.date(year - 1, 12, 31), sharps_boxes=9, recorded_by=alice
    )
    response = client_for(marc).get(LIST)
    assert response.context["per_hotel"] == [
        ("Au local", 1, 0),
        ("Hôtel Crimée", 0, 7),
        ("Hôtel des Lilas", 3, 15),
    ]
    assert (
        response.context["activity"].sharps_boxes,
        response.context["activity"].returned_items,
    ) == (
        4,
        22,
    )


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            Collection.objects.create(hotel=HotelFactory(), sharps_boxes=1, recorded_by=alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)
    # session, user, groups; totals per hotel, kits, overdoses (two), advice, samples; hotel
    # names; count and page of collections with hotel and author.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_keeps_recording_to_the_care_team(client_for, marc, ada):
    assert client_for(marc).post(CREATE, _data()).status_code == 403
    assert client_for(ada).get(LIST).status_code == 403
    assert not Collection.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_absurd_year_and_405_to_other_methods(client_for, alice):
    assert client_for(alice).get(LIST, {"annee": 1500}).status_code == 404
    assert client_for(alice).post(LIST).status_code == 405
    assert client_for(alice).delete(CREATE).status_code == 405
