"""Harm-reduction advice sessions, logged with their topics."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import AdviceSession
from harmreduction.tests.conftest import DAY, TODAY
from tests.factories import PlacementFactory, ResidentFactory

LIST = reverse("harmreduction:advice_list")
CREATE = reverse("harmreduction:advice_create")


def _data(**overrides):
    data = {
        "resident": "",
        "held_on": TODAY.isoformat(),
        "topics": ["overdose"],
        "setting": "office",
        "note": "",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_records_advice_to_a_resident(client_for, nina):
    person = PlacementFactory(resident__nickname="Kiki").resident
    response = client_for(nina).post(
        CREATE, _data(resident=person.pk, note="Mélange alcool-benzo"), follow=True
    )
    session = AdviceSession.objects.get()
    assert (session.resident, session.topics, session.held_by, session.note) == (
        person,
        ["overdose"],
        nina,
        "Mélange alcool-benzo",
    )
    assert "Le conseil donné est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_records_advice_to_someone_anonymous(client_for, alice):
    client_for(alice).post(CREATE, _data(topics=["safer_smoking"]))
    assert AdviceSession.objects.get().resident is None


@pytest.mark.django_db
def test_it_preselects_the_person(client_for, alice):
    person = ResidentFactory()
    response = client_for(alice).get(CREATE, {"resident": person.pk})
    assert response.context["form"].initial["resident"] == person.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"topics": []}, "Cochez au moins un sujet."),
        ({"topics": ["overdose", "astrology"]}, "astrology n’en fait pas partie"),
        ({"held_on": (TODAY + DAY).isoformat()}, "Cette date ne peut pas être dans le futur."),
    ],
)
def test_it_explains_bad_input(client_for, alice, overrides, message):
    response = client_for(alice).post(CREATE, _data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AdviceSession.objects.exists()


@pytest.mark.django_db
def test_it_records_several_topics_at_once(client_for, alice):
    client_for(alice).post(CREATE, _data(topics=["overdose", "mixing"]))
    assert AdviceSession.objects.get().topics == ["overdose", "mixing"]


@pytest.mark.django_db
def test_it_lists_the_sessions_and_counts_the_topics(client_for, marc, alice):
    for topic in ["overdose", "overdose", "mixing"]:
        AdviceSession.objects.create(topics=[topic], held_by=alice)
    response = client_for(marc).get(LIST)
    assert len(response.context["page_obj"]) == 3
    assert response.context["by_topic"][0] == ("Prévention des surdoses", 2)


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            AdviceSession.objects.create(
                topics=["mixing"], held_by=alice, resident=ResidentFactory()
            )

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)
    # session, user, groups; count and page of sessions with person and author; topics.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_keeps_recording_to_the_care_team(client_for, marc, ada):
    assert client_for(marc).post(CREATE, _data()).status_code == 403
    assert client_for(ada).get(LIST).status_code == 403
    assert not AdviceSession.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).post(LIST).status_code == 405
    assert client_for(alice).delete(CREATE).status_code == 405
