"""After an admission: the direct "assign a place" link, the admitted people by priority, and the
priority's abbreviations explained on the waiting list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory, PlacementFactory

LIST = reverse("residents:waiting_list")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _admitted(nickname: str, *, psychic: int = 2, decided: int = 1, **levels):
    return AdmissionRequestFactory(
        resident__nickname=nickname,
        psychic_situation=psychic,
        status=AdmissionStatus.ADMITTED,
        decided_on=TODAY - decided * DAY,
        **levels,
    )


def _detail(admission) -> str:
    return reverse("residents:admission_detail", args=[admission.pk])


def _assign(admission) -> str:
    return reverse("placements:resident_assign", args=[admission.resident_id])


@pytest.mark.django_db
def test_it_offers_to_assign_a_place_right_after_admitting(client_for, chloe):
    admission = AdmissionRequestFactory(resident__nickname="Bambou")
    response = client_for(chloe).post(
        reverse("residents:admission_admit", args=[admission.pk]), follow=True
    )
    page = response.content.decode()
    assert "Bambou » est admis·e" in page
    assert f'href="{_assign(admission)}"' in page
    assert "Attribuer une place" in page


@pytest.mark.django_db
def test_it_leads_to_the_assignment_of_the_admitted_request(client_for, chloe):
    admission = _admitted("Bambou")
    response = client_for(chloe).get(_assign(admission))
    assert response.status_code == 200
    assert response.context["admission"] == admission


@pytest.mark.django_db
def test_it_shows_no_link_once_the_person_has_a_place(client_for, chloe):
    admission = _admitted("Bambou", decided=5)
    PlacementFactory(resident=admission.resident, start=TODAY - DAY, admission=admission)
    assert _assign(admission) not in client_for(chloe).get(_detail(admission)).content.decode()


@pytest.mark.django_db
def test_it_shows_no_link_to_who_may_not_assign_places(client_for, alice, marc):
    admission = _admitted("Bambou")
    for user in (alice, marc):
        assert client_for(user).get(_detail(admission)).status_code == 200
        assert _assign(admission) not in client_for(user).get(_detail(admission)).content.decode()
        assert _assign(admission) not in client_for(user).get(LIST).content.decode()


@pytest.mark.django_db
def test_it_shows_no_link_for_a_waiting_or_refused_request(client_for, chloe):
    waiting = AdmissionRequestFactory()
    refused = AdmissionRequestFactory(
        status=AdmissionStatus.REFUSED, decided_on=TODAY, decision_reason="Pas de place adaptée"
    )
    for admission in (waiting, refused):
        assert _assign(admission) not in client_for(chloe).get(_detail(admission)).content.decode()


@pytest.mark.django_db
def test_it_ranks_the_admitted_people_by_priority_then_by_decision(client_for, chloe):
    _admitted("Low", psychic=1, decided=30)
    _admitted("High recent", psychic=4, decided=2)
    _admitted("High older", psychic=4, decided=9)
    response = client_for(chloe).get(LIST)
    admitted = response.context["admitted"]
    assert [request.resident.nickname for request in admitted] == [
        "High older",
        "High recent",
        "Low",
    ]
    assert [request.score.total for request in admitted] == [20, 20, 11]
    page = response.content.decode()
    assert page.count("Attribuer une place") == 3
    assert _assign(admitted[0]) in page


@pytest.mark.django_db
def test_it_explains_the_abbreviations_on_the_page(client_for, alice):
    _admitted("Bambou", psychic=4, isolation=2, vulnerability=4)
    AdmissionRequestFactory(resident__nickname="Caramel", received_on=TODAY - 60 * DAY)
    page = client_for(alice).get(LIST).content.decode()
    # In the page's text, not only in a tooltip.
    assert "S4 · I2 · V4" in page
    assert "Comment lire la priorité" in page
    for line in (
        "Situation psychique, de 1 (le moins grave) à 4 (le plus grave)",
        "Isolement, de 1 (le moins grave) à 4 (le plus grave)",
        "Vulnérabilité, de 1 (le moins grave) à 4 (le plus grave)",
        "Par exemple, « S4 · I2 · V4 » se lit : Situation psychique 4, Isolement 2, "
        "Vulnérabilité 4.",
        "Aucune nouvelle de la personne ni de la structure qui l’oriente depuis",
    ):
        assert line in page


@pytest.mark.django_db
def test_it_forbids_the_admin_the_waiting_list_and_the_request(client_for, ada):
    admission = _admitted("Bambou")
    assert client_for(ada).get(LIST).status_code == 403
    assert client_for(ada).get(_detail(admission)).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_a_request_that_does_not_exist(client_for, chloe):
    assert (
        client_for(chloe).get(reverse("residents:admission_detail", args=[999999])).status_code
        == 404
    )
