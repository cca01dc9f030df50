"""Three coordinators giving places at the same instant, through the pages, as under gunicorn.

Each round sends three requests from three threads (one database connection each) that meet
right before inserting their stay. Exactly one stay is created; the two others get the page
back with the French message naming the stay that won, never a crash page.
"""

from functools import partial

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from psycopg.errors import DeadlockDetected

from accounts.roles import Role
from placements.models import Placement
from residents.models import AdmissionStatus
from tests.concurrency import Rendezvous, run_at_once
from tests.factories import AdmissionRequestFactory, PlaceFactory, ResidentFactory, UserFactory

TODAY = timezone.localdate()
ROUNDS = 15
RACERS = 3


@pytest.fixture
def coordinators(client_for, chloe):
    others = [UserFactory(roles=[Role.COORDINATOR]) for _ in range(RACERS - 1)]
    return [client_for(user) for user in (chloe, *others)]


@pytest.fixture
def inserts_together(monkeypatch):
    """Make the racing requests insert their stays at the same moment, for each round."""
    rendezvous = []

    def next_round():
        rendezvous[:] = [Rendezvous(RACERS)]

    original = Placement.save

    def save(self, *args, **kwargs):
        if self._state.adding:
            rendezvous[0].wait()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Placement, "save", save)
    return next_round


def _split(outcomes) -> tuple[list, list[str]]:
    """The redirects (stays created) and the pages shown again (their text)."""
    for outcome in outcomes:
        assert isinstance(outcome, HttpResponse), f"a request crashed: {outcome!r}"
        assert outcome.status_code in (200, 302), outcome.status_code
    won = [outcome for outcome in outcomes if outcome.status_code == 302]
    lost = [outcome.content.decode() for outcome in outcomes if outcome.status_code == 200]
    return won, lost


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_place_to_one_of_three_people_and_names_them_to_the_others(
    coordinators, inserts_together
):
    for round_ in range(ROUNDS):
        inserts_together()
        place = PlaceFactory()
        requests = [
            AdmissionRequestFactory(resident=ResidentFactory(nickname=f"Tour{round_}-{n}"))
            for n in range(RACERS)
        ]

        outcomes = run_at_once(
            *(
                partial(
                    client.post,
                    reverse("placements:assign_confirm", args=[place.pk, request.pk]),
                    {"start": TODAY.isoformat()},
                )
                for client, request in zip(coordinators, requests, strict=True)
            )
        )

        won, lost = _split(outcomes)
        (stay,) = Placement.objects.filter(place=place).select_related("resident")
        assert len(won) == 1 and len(lost) == RACERS - 1
        for page in lost:
            assert f"Cette place est déjà occupée par {stay.resident.nickname} depuis le" in page
        for request in requests:
            request.refresh_from_db()
            won_it = request.resident_id == stay.resident_id
            assert request.status == (
                AdmissionStatus.ADMITTED if won_it else AdmissionStatus.WAITING
            )


@pytest.mark.django_db(transaction=True)
def test_it_gives_one_of_three_places_to_a_waiting_person_and_names_it_to_the_others(
    coordinators, inserts_together
):
    for round_ in range(ROUNDS):
        inserts_together()
        person = AdmissionRequestFactory(resident__nickname=f"Personne{round_}").resident
        places = PlaceFactory.create_batch(RACERS)

        outcomes = run_at_once(
            *(
                partial(
                    client.post,
                    reverse("placements:resident_assign", args=[person.pk]),
                    {"place": place.pk, "start": TODAY.isoformat()},
                )
                for client, place in zip(coordinators, places, strict=True)
            )
        )

        won, lost = _split(outcomes)
        (stay,) = Placement.objects.filter(resident=person).select_related("place", "admission")
        assert len(won) == 1 and len(lost) == RACERS - 1
        for page in lost:
            assert f"{person.nickname} a déjà une place depuis le" in page
            assert f"{stay.place}" in page
        assert stay.admission.status == AdmissionStatus.ADMITTED


@pytest.mark.django_db
def test_it_explains_a_deadlocked_insert_instead_of_crashing(client_for, chloe, monkeypatch):
    def deadlock(self, *args, **kwargs):
        raise OperationalError("deadlock detected") from DeadlockDetected("deadlock detected")

    monkeypatch.setattr(Placement, "save", deadlock)
    request = AdmissionRequestFactory()

    response = client_for(chloe).post(
        reverse("placements:assign_confirm", args=[PlaceFactory().pk, request.pk]),
        {"start": TODAY.isoformat()},
    )

    assert response.status_code == 200
    assert "Un autre séjour a été enregistré au même moment" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING
