"""An incident's page, its follow-up actions and its closing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import IncidentAction
from tests.factories import IncidentFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(incident, name="incident_detail"):
    return reverse(f"placements:{name}", args=[incident.pk])


@pytest.fixture
def incident(db):
    return IncidentFactory(kind="hygiene", description="Chambre encombrée.")


@pytest.mark.django_db
def test_it_shows_the_incident_and_its_actions(client_for, marc, chloe, incident):
    IncidentAction.objects.create(incident=incident, action="Visite en binôme", handled_by=chloe)
    response = client_for(marc).get(_url(incident))
    page = response.content.decode()
    assert "Chambre encombrée." in page and "Visite en binôme" in page
    assert response.context["can_record"] is False
    assert _url(incident, "incident_close") not in page


@pytest.mark.django_db
def test_it_adds_a_follow_up_action(client_for, alice, incident):
    response = client_for(alice).post(
        _url(incident, "incident_action_create"),
        {"done_on": TODAY.isoformat(), "action": "Appel au gérant"},
        follow=True,
    )
    action = IncidentAction.objects.get()
    assert (action.incident, action.action, action.handled_by, action.done_on) == (
        incident,
        "Appel au gérant",
        alice,
        TODAY,
    )
    assert "L’action a été enregistrée." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done_on": TODAY.isoformat(), "action": ""}, "Ce champ est obligatoire."),
        (
            {"done_on": (TODAY + DAY).isoformat(), "action": "Plus tard"},
            "Une action ne peut pas être datée dans le futur.",
        ),
    ],
)
def test_it_explains_a_bad_action(client_for, nina, incident, data, message):
    response = client_for(nina).post(_url(incident, "incident_action_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IncidentAction.objects.exists()


@pytest.mark.django_db
def test_it_closes_the_incident(client_for, paul, incident):
    response = client_for(paul).post(_url(incident, "incident_close"), follow=True)
    incident.refresh_from_db()
    assert incident.closed_on == TODAY
    assert "L’incident est clos." in response.content.decode()
    board = client_for(paul).get(reverse("placements:board"))
    assert all(not b.incidents for b in board.context["boards"])


@pytest.mark.django_db
def test_it_keeps_the_first_closing_date(client_for, chloe, incident):
    incident.closed_on = TODAY - 3 * DAY
    incident.save()
    client_for(chloe).post(_url(incident, "incident_close"))
    incident.refresh_from_db()
    assert incident.closed_on == TODAY - 3 * DAY


@pytest.mark.django_db
def test_it_lets_the_manager_read_only(client_for, marc, incident):
    client = client_for(marc)
    assert client.post(_url(incident, "incident_close")).status_code == 403
    data = {"done_on": TODAY.isoformat(), "action": "Rien"}
    assert client.post(_url(incident, "incident_action_create"), data).status_code == 403
    incident.refresh_from_db()
    assert incident.closed_on is None and not IncidentAction.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_incident(client_for, chloe):
    client = client_for(chloe)
    for name in ("incident_detail", "incident_action_create", "incident_close"):
        method = client.get if name == "incident_detail" else client.post
        assert method(reverse(f"placements:{name}", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_it_answers_405_to_wrong_methods(client_for, chloe, incident):
    client = client_for(chloe)
    assert client.post(_url(incident)).status_code == 405
    assert client.get(_url(incident, "incident_action_create")).status_code == 405
    assert client.get(_url(incident, "incident_close")).status_code == 405
