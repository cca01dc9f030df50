"""An unplanned visit: the hotel, the person, then the same visit form."""

import pytest
from django.urls import reverse

from placements.models import Placement
from tests.factories import PlacementFactory, ResidentFactory, VisitFactory
from visits.models import Outcome, Visit, VisitStatus
from visits.tests.conftest import DAY, TODAY

START = reverse("visits:unplanned_start")


def _url(resident) -> str:
    return reverse("visits:unplanned_log", args=[resident.pk])


def _token(client, resident) -> str:
    return str(client.get(_url(resident)).context["form"].initial["form_token"])


@pytest.mark.django_db
def test_it_offers_the_hotels_then_the_people_housed_there(client_for, alice):
    stay = PlacementFactory(resident__nickname="Caramel")
    PlacementFactory(place__hotel=stay.place.hotel, start=TODAY + DAY)  # not there yet
    client = client_for(alice)
    hotels = client.get(START)
    assert list(hotels.context["hotels"]) == [stay.place.hotel]
    people = client.get(START, {"hotel": stay.place.hotel.pk})
    assert [s.resident for s in people.context["stays"]] == [stay.resident]
    assert _url(stay.resident) in people.content.decode()
    assert client.get(START, {"hotel": 999999}).status_code == 404


@pytest.mark.django_db
def test_it_logs_an_unplanned_visit(client_for, alice):
    stay = PlacementFactory()
    client = client_for(alice)
    response = client.post(
        _url(stay.resident),
        {"form_token": _token(client, stay.resident), "outcome": "seen", "needs": "Couverture"},
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.unplanned, visit.status, visit.outcome) == (True, VisitStatus.DONE, Outcome.SEEN)
    assert (visit.placement, visit.hotel, visit.planned_on) == (stay, stay.place.hotel, TODAY)
    assert (visit.worker, visit.logged_by, visit.needs) == (alice, alice, "Couverture")
    listed = client.get(reverse("visits:today")).context["rounds"][0].visits
    assert [v.pk for v in listed] == [visit.pk]


@pytest.mark.django_db
def test_a_double_tap_creates_one_visit(client_for, alice):
    stay = PlacementFactory()
    client = client_for(alice)
    data = {"form_token": _token(client, stay.resident), "outcome": "seen"}
    assert client.post(_url(stay.resident), data).status_code == 302
    again = client.post(_url(stay.resident), data, follow=True)
    assert "Cette visite était déjà enregistrée" in again.content.decode()
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_it_asks_for_the_outcome(client_for, alice):
    stay = PlacementFactory()
    client = client_for(alice)
    response = client.post(_url(stay.resident), {"form_token": _token(client, stay.resident)})
    assert response.status_code == 400
    assert "Choisissez le résultat de la visite." in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_it_sends_to_the_planned_visit_of_the_day(client_for, alice):
    planned = VisitFactory()
    response = client_for(alice).get(_url(planned.resident))
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit_detail", args=[planned.pk])


@pytest.mark.django_db
def test_it_refuses_someone_not_housed_today(client_for, alice):
    resident = ResidentFactory(nickname="Parti")
    PlacementFactory(
        resident=resident,
        start=TODAY - 30 * DAY,
        end=TODAY - 2 * DAY,
        exit_destination="street",
    )
    response = client_for(alice).post(_url(resident), {"outcome": "seen"}, follow=True)
    assert "Parti n’est pas hébergé·e aujourd’hui" in response.content.decode()
    assert not Visit.objects.exists()
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_archived_file(client_for, alice, chloe):
    stay = PlacementFactory()
    stay.resident.archive(by=chloe)
    assert client_for(alice).get(_url(stay.resident)).status_code == 404
    assert client_for(alice).get(reverse("visits:unplanned_log", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_it_is_for_the_care_team_and_answers_get_and_post_only(client_for, marc, alice):
    stay = PlacementFactory()
    assert client_for(marc).get(_url(stay.resident)).status_code == 403
    assert client_for(marc).get(START).status_code == 403
    assert client_for(alice).put(_url(stay.resident)).status_code == 405
    assert client_for(alice).post(START).status_code == 405


@pytest.mark.django_db
def test_the_coordinator_logs_one_too(client_for, chloe):
    stay = PlacementFactory()
    client = client_for(chloe)
    page = client.get(_url(stay.resident))
    assert page.status_code == 200
    client.post(
        _url(stay.resident), {"form_token": _token(client, stay.resident), "outcome": "refused"}
    )
    assert Visit.objects.get().logged_by == chloe
