"""“Mes visites du jour”: a worker's rounds of the day, hotel by hotel in route order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import HotelFactory, UserFactory, VisitFactory
from visits.models import Visit, VisitStatus
from visits.tests.conftest import DAY, TODAY

URL = reverse("visits:today")


def _visit(hotel, room, floor, **kwargs):
    return VisitFactory(
        placement__place__hotel=hotel,
        placement__place__room=room,
        placement__place__floor=floor,
        **kwargs,
    )


@pytest.mark.django_db
def test_it_lists_the_days_visits_by_hotel_in_route_order(client_for, alice):
    north = HotelFactory(name="Hôtel Nord", arrondissement=20)
    canal = HotelFactory(name="Hôtel Canal", arrondissement=10)
    top = _visit(canal, "301", 3, worker=UserFactory(), partner=alice)
    bottom = _visit(canal, "102", 1, worker=alice)
    done = _visit(north, "101", 1, worker=alice, status=VisitStatus.MISSED)
    _visit(north, "102", 1, worker=UserFactory())  # someone else's round
    _visit(north, "103", 1, worker=alice, planned_on=TODAY + DAY)
    _visit(north, "104", 1, worker=alice, status=VisitStatus.CANCELLED)

    response = client_for(alice).get(URL)

    assert response.status_code == 200
    rounds = [(r.hotel.name, [v.pk for v in r.visits]) for r in response.context["rounds"]]
    assert rounds == [("Hôtel Canal", [bottom.pk, top.pk]), ("Hôtel Nord", [done.pk])]
    assert (response.context["to_do"], response.context["logged"]) == (2, 1)
    page = response.content.decode()
    assert bottom.resident.nickname in page and "Chambre 102" in page
    assert 'data-status="missed"' in page


@pytest.mark.django_db
def test_it_shows_another_day(client_for, alice):
    tomorrow = VisitFactory(worker=alice, planned_on=TODAY + DAY)
    response = client_for(alice).get(URL, {"jour": (TODAY + DAY).isoformat()})
    assert [v.pk for r in response.context["rounds"] for v in r.visits] == [tomorrow.pk]
    bad_date = client_for(alice).get(URL, {"jour": "demain"})
    assert bad_date.context["day"] == TODAY


@pytest.mark.django_db
def test_it_says_when_there_is_nothing_to_do(client_for, nina):
    response = client_for(nina).get(URL)
    assert "Aucune visite prévue ce jour-là." in response.content.decode()


@pytest.mark.django_db
def test_it_lets_the_coordinator_look_at_a_workers_day(client_for, chloe, alice, nina):
    visit = VisitFactory(worker=alice)
    response = client_for(chloe).get(URL, {"intervenant": alice.pk})
    assert response.context["worker"] == alice
    assert [v.pk for r in response.context["rounds"] for v in r.visits] == [visit.pk]
    assert client_for(nina).get(URL, {"intervenant": alice.pk}).status_code == 403
    assert client_for(chloe).get(URL, {"intervenant": 999999}).status_code == 404


@pytest.mark.django_db
def test_it_is_for_the_care_team(client_for, marc, ada):
    assert client_for(marc).get(URL).status_code == 403
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    hotel = HotelFactory()
    for n in range(2):
        _visit(hotel, f"{n}", 0, worker=alice)
    with_two = count_queries()
    for n in range(48):
        _visit(HotelFactory() if n % 5 == 0 else hotel, f"x{n}", n % 4, partner=alice)
    missed = list(Visit.objects.values_list("pk", flat=True)[:5])
    Visit.objects.filter(pk__in=missed).update(status=VisitStatus.MISSED)
    # session, user, groups (the role check); the visits with their residents, hotels and
    # places in one query, only the columns shown: nothing per visit or per hotel.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_draws_each_visit_with_its_badge(client_for, alice):
    """The lines are written by the view (visits.views._day_visit_html): the same markup as the
    template's loop had, names escaped, one badge a status."""
    hotel = HotelFactory(name="Hôtel Nord")
    planned = _visit(hotel, "101", 1, worker=alice, placement__resident__nickname="Bob <b> & 'Jo'")
    seen = _visit(
        hotel,
        "102",
        1,
        worker=alice,
        status=VisitStatus.DONE,
        outcome="seen",
        logged_at=timezone.now(),
        unplanned=True,
    )
    _visit(hotel, "103", 1, worker=alice, status=VisitStatus.MISSED)

    page = client_for(alice).get(URL).content.decode()

    url = reverse("visits:visit_detail", args=[planned.pk])
    assert (
        '\n            <a class="list-group-item list-group-item-action d-flex'
        ' justify-content-between align-items-center gap-2 py-3"'
        f'\n               href="{url}"'
        '\n               data-testid="visit"'
        '\n               data-status="planned">'
        "\n              <span>"
        '\n                <span class="fs-5 fw-semibold d-block">'
        "Bob &lt;b&gt; &amp; &#x27;Jo&#x27;</span>"
        '\n                <span class="small text-body-secondary">Chambre 101</span>'
        "\n              </span>"
        '\n              \n                <span class="badge text-bg-primary">À faire</span>'
        "\n              \n            </a>\n          "
    ) in page
    assert f'href="{reverse("visits:visit_detail", args=[seen.pk])}"' in page
    assert "Chambre 102 · imprévue</span>" in page
    assert "</svg> Vu·e</span>" in page
    assert '<span class="badge text-bg-secondary">Non faite</span>' in page
    assert page.count("list-group-item-light") == 2
