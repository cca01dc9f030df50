"""Two coordinators give the same place at the same moment: exactly one succeeds.

Real PostgreSQL connections (one per thread). The first transaction inserts its stay and waits
before committing; the second passes the application's checks (it cannot see uncommitted rows),
blocks on the exclusion constraint, and fails when the first commits — with the French message
naming the stay that won, never a 500.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from placements.models import Placement
from placements.services import placement_assign
from tests.factories import PlaceFactory, ResidentFactory, UserFactory

TODAY = timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_assignments_through():
    place = PlaceFactory()
    first, second = ResidentFactory(nickname="Premier"), ResidentFactory(nickname="Second")
    coordinator = UserFactory()
    inserted, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def assign_and_hold():
        try:
            with transaction.atomic():
                placement_assign(resident=first, place=place, start=TODAY, by=coordinator)
                inserted.set()
                release.wait(10)
            outcome["first"] = "ok"
        except Exception as error:  # reported by the assertions below
            outcome["first"] = error
        finally:
            inserted.set()
            connection.close()

    def assign_meanwhile():
        inserted.wait(10)
        try:
            placement_assign(resident=second, place=place, start=TODAY, by=coordinator)
            outcome["second"] = "ok"
        except ValidationError as error:
            outcome["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=assign_and_hold), threading.Thread(target=assign_meanwhile)]
    for thread in threads:
        thread.start()
    inserted.wait(10)
    time.sleep(0.5)  # the second connection is now blocked on the constraint
    release.set()
    for thread in threads:
        thread.join(20)

    assert outcome["first"] == "ok"
    error = outcome["second"]
    assert isinstance(error, ValidationError)
    message = " ".join(error.messages)
    assert "déjà occupée par Premier" in message
    assert list(Placement.objects.values_list("resident__nickname", flat=True)) == ["Premier"]


@pytest.mark.django_db(transaction=True)
def test_it_lets_one_person_hold_only_one_place_under_concurrency():
    person = ResidentFactory(nickname="Unique")
    places = PlaceFactory.create_batch(2)
    coordinator = UserFactory()
    barrier = threading.Barrier(2)
    results = []

    def assign(place):
        barrier.wait(5)
        try:
            placement_assign(resident=person, place=place, start=TODAY, by=coordinator)
            results.append("ok")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(place,)) for place in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(results)[-1] == "ok"
    assert "Unique a déjà une place" in sorted(results)[0]
    assert Placement.objects.filter(resident=person).count() == 1
