"""The search for the person of a handout: the people the form accepts whose name holds the
text typed, as the form's radio buttons (htmx)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harmreduction.forms.common import SEARCH_LIMIT
from tests.factories import PlacementFactory, ResidentFactory

URL = reverse("harmreduction:resident_search")
DAY = datetime.timedelta(days=1)


def _offered(response) -> list[str]:
    return [person.nickname for person in response.context["people"]]


@pytest.mark.django_db
def test_it_finds_the_people_housed_lately_whatever_the_accents_and_case(client_for, alice):
    today = timezone.localdate()
    PlacementFactory(resident__nickname="Dédé")
    PlacementFactory(
        resident__nickname="Dédé parti hier",
        start=today - 200 * DAY,
        end=today - DAY,
        exit_destination="chrs",
    )
    PlacementFactory(
        resident__nickname="Dédé parti il y a un an",
        start=today - 400 * DAY,
        end=today - 365 * DAY,
        exit_destination="chrs",
    )
    ResidentFactory(nickname="Dédé jamais hébergé")
    PlacementFactory(resident__nickname="Zaza")

    response = client_for(alice).get(URL, {"q": "DEDE"})

    assert response.status_code == 200
    assert sorted(_offered(response)) == ["Dédé", "Dédé parti hier"]
    body = response.content.decode()
    assert 'type="radio"' in body and 'name="resident"' in body
    assert "Une personne non hébergée (anonyme)" in body


@pytest.mark.django_db
def test_it_keeps_the_person_chosen_first_and_checked(client_for, alice):
    chosen = PlacementFactory(resident__nickname="Caramel").resident
    PlacementFactory(resident__nickname="Tonton")
    response = client_for(alice).get(URL, {"q": "ton", "resident": chosen.pk})
    assert _offered(response) == ["Caramel", "Tonton"]
    assert f'value="{chosen.pk}"\n           id="resident-{chosen.pk}"\n           checked' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_it_says_when_nobody_matches_and_offers_only_anonymity(client_for, alice):
    PlacementFactory(resident__nickname="Zaza")
    response = client_for(alice).get(URL, {"q": "inconnu"})
    assert _offered(response) == []
    assert "Personne d’hébergé ces derniers temps ne porte ce nom." in response.content.decode()
    assert _offered(client_for(alice).get(URL)) == []


@pytest.mark.django_db
def test_it_shows_a_limited_number_and_a_fixed_number_of_queries(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"q": "bam"})
        assert len(response.context["people"]) <= SEARCH_LIMIT
        return len(queries)

    PlacementFactory.create_batch(2, resident__nickname="Bambou")
    with_two = count_queries()
    PlacementFactory.create_batch(SEARCH_LIMIT + 5, resident__nickname="Bambou")
    # session, user, groups; the person chosen (none); the people matching; session saved.
    assert count_queries() == with_two
    response = client.get(URL, {"q": "bam"})
    assert len(response.context["people"]) == SEARCH_LIMIT
    assert "D’autres personnes correspondent : tapez plus de lettres." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_it_forbids_the_manager_and_the_admin(client_for, marc, ada):
    assert client_for(marc).get(URL, {"q": "a"}).status_code == 403
    assert client_for(ada).get(URL, {"q": "a"}).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL, {"q": "a"}).status_code == 405
