"""The list of residents: hotel, room and status columns, the status filter and the sorting."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionStatus
from tests.factories import (
    AdmissionRequestFactory,
    HotelFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
)

URL = reverse("residents:resident_list")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _names(response) -> list[str]:
    return [resident.nickname for resident in response.context["page_obj"]]


def _rows(response) -> dict[str, tuple]:
    return {
        resident.nickname: (
            resident.status,
            resident.current_hotel,
            resident.current_room,
            resident.entered_on,
        )
        for resident in response.context["page_obj"]
    }


@pytest.fixture
def people(chloe):
    """Abdel housed at the Alizés since a transfer, Bambou housed at the Bleuets, Caramel admitted
    without a place, Dede on the waiting list, Elie whose stay ended, Fanny archived."""
    alizes = HotelFactory(name="Hôtel des Alizés")
    bleuets = HotelFactory(name="Hôtel des Bleuets")
    abdel = ResidentFactory(nickname="Abdel")
    first = PlacementFactory(
        resident=abdel,
        place=PlaceFactory(hotel=bleuets, room="12"),
        start=TODAY - 40 * DAY,
        end=TODAY - 5 * DAY,
        exit_destination="transfer",
        transfer_reason="other",
    )
    PlacementFactory(
        resident=abdel,
        place=PlaceFactory(hotel=alizes, room="3", bed="B"),
        start=TODAY - 5 * DAY,
        previous=first,
    )
    PlacementFactory(
        resident__nickname="Bambou",
        place=PlaceFactory(hotel=bleuets, room="7"),
        start=TODAY - 10 * DAY,
    )
    AdmissionRequestFactory(
        resident__nickname="Caramel", status=AdmissionStatus.ADMITTED, decided_on=TODAY - DAY
    )
    AdmissionRequestFactory(resident__nickname="Dede")
    PlacementFactory(
        resident__nickname="Elie",
        start=TODAY - 90 * DAY,
        end=TODAY - 30 * DAY,
        exit_destination="chrs",
        exit_reason="move_on",
    )
    ResidentFactory(nickname="Fanny").archive(by=chloe)


@pytest.mark.django_db
def test_it_shows_each_persons_hotel_room_entry_and_status(client_for, chloe, people):
    response = client_for(chloe).get(URL, {"archived": "1"})
    assert response.status_code == 200
    assert _rows(response) == {
        # Entered 40 days ago: the transfer continues the stay.
        "Abdel": ("housed", "Hôtel des Alizés", "3", TODAY - 40 * DAY),
        "Bambou": ("housed", "Hôtel des Bleuets", "7", TODAY - 10 * DAY),
        "Caramel": ("admitted", None, None, None),
        "Dede": ("waiting", None, None, None),
        "Elie": ("none", None, None, TODAY - 90 * DAY),
        "Fanny": ("archived", None, None, None),
    }
    page = response.content.decode()
    for label in ("hébergé·e", "admis·e sans place", "en attente", "archivé·e"):
        assert label in page
    assert "3 B" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "names"),
    [
        ("housed", ["Abdel", "Bambou"]),
        ("admitted", ["Caramel"]),
        ("waiting", ["Dede"]),
        ("archived", ["Fanny"]),
    ],
)
def test_it_filters_by_status(client_for, alice, people, status, names):
    response = client_for(alice).get(URL, {"status": status})
    assert _names(response) == names
    assert f"status={status}" in response.context["extra_query"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("nickname", ["Abdel", "Bambou", "Caramel", "Dede", "Elie"]),
        ("-nickname", ["Elie", "Dede", "Caramel", "Bambou", "Abdel"]),
        # Alizés before Bleuets; people without a place last, by name.
        ("hotel", ["Abdel", "Bambou", "Caramel", "Dede", "Elie"]),
        ("-hotel", ["Bambou", "Abdel", "Caramel", "Dede", "Elie"]),
        ("entry", ["Elie", "Abdel", "Bambou", "Caramel", "Dede"]),
        ("-entry", ["Bambou", "Abdel", "Elie", "Caramel", "Dede"]),
    ],
)
def test_it_sorts(client_for, alice, people, sort, names):
    assert _names(client_for(alice).get(URL, {"sort": sort})) == names


@pytest.mark.django_db
def test_it_combines_the_sort_with_the_search_the_filter_and_the_pages(client_for, alice):
    hotel = HotelFactory(name="Hôtel Zéphyr")
    for n in range(30):
        PlacementFactory(
            resident__nickname=f"Abdel {n:02d}",
            place=PlaceFactory(hotel=hotel, room=f"{n:02d}"),
            start=TODAY - (n + 1) * DAY,
        )
    ResidentFactory(nickname="Abdel sans place")
    params = {"q": "abdel", "status": "housed", "sort": "-entry"}
    client = client_for(alice)
    response = client.get(URL, params)
    assert _names(response) == [f"Abdel {n:02d}" for n in range(25)]
    assert response.context["extra_query"] == "q=abdel&status=housed&sort=-entry"
    assert "?q=abdel&amp;status=housed&amp;sort=-entry&page=2" in response.content.decode()
    assert _names(client.get(URL, {**params, "page": 2})) == [
        f"Abdel {n:02d}" for n in range(25, 30)
    ]
    # The column headers keep the search and the filter; sorting again reverses the order.
    assert response.context["sort_links"]["entry"] == "?q=abdel&status=housed&sort=entry"
    assert response.context["sort_links"]["hotel"] == "?q=abdel&status=housed&sort=hotel"


@pytest.mark.django_db
def test_it_ignores_an_unknown_status_or_sort(client_for, alice, people):
    response = client_for(alice).get(URL, {"status": "expelled", "sort": "pk; DROP TABLE"})
    assert response.status_code == 200
    assert _names(response) == ["Abdel", "Bambou", "Caramel", "Dede", "Elie"]
    assert response.context["extra_query"] == ""


@pytest.mark.django_db
def test_it_forbids_the_admin_the_filtered_list(client_for, ada):
    assert client_for(ada).get(URL, {"status": "housed", "sort": "hotel"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"sort": "hotel", "status": "housed"}, {"q": "surnom"}])
def test_it_reads_the_places_and_statuses_without_a_query_per_row(client_for, alice, params):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        return len(queries)

    def add(count: int) -> None:
        for _n in range(count):
            PlacementFactory()
            AdmissionRequestFactory()

    add(1)
    with_two = count_queries()
    add(14)
    # session, user, user's groups (role check), the savepoint pair around the session save,
    # the paginator's count (a search: the ids of its results, after the settings of
    # `search_threshold()` in a savepoint rolled back after), the page of residents with their
    # place and status: nothing per row.
    assert count_queries() == with_two
    assert with_two <= (12 if "q" in params else 8)
