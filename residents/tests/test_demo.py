import random

import pytest
from django.core.exceptions import ValidationError

from accounts import demo as accounts_demo
from accounts.models import User
from residents import demo
from residents.models import AdmissionRequest, ConsumptionAssessment, Resident


@pytest.fixture
def demo_users(db):
    accounts_demo.seed(rng=random.Random(1), scale="demo")


@pytest.mark.django_db
def test_it_seeds_residents_and_a_waiting_list_once(demo_users):
    demo.seed(rng=random.Random("2024-residents"), scale="demo")
    counts = (Resident.objects.count(), AdmissionRequest.objects.count())
    assert counts == (123, 23)
    assert AdmissionRequest.objects.waiting().count() == 15
    assert AdmissionRequest.objects.to_review().exists()
    assert ConsumptionAssessment.objects.filter(lines__frequency=0).exists()

    demo.seed(rng=random.Random("2024-residents"), scale="demo")
    assert (Resident.objects.count(), AdmissionRequest.objects.count()) == counts


@pytest.mark.django_db
def test_it_draws_the_same_people_from_the_same_seed(demo_users):
    users = list(User.objects.all())

    def draw():
        people = demo._draw_people(random.Random(7), users, _today(), 10, 3, 1, 1, 1)
        return [person.key for person in people]

    first = draw()
    assert first == draw() and len(set(first)) == 16


@pytest.mark.django_db
def test_it_keeps_every_file_valid(demo_users):
    demo.seed(rng=random.Random(3), scale="demo")
    files = [*Resident.objects.all(), *AdmissionRequest.objects.all()]
    assert len(files) == 123 + 23

    invalid = []
    for row in files:
        try:
            row.full_clean(exclude=["search_text"])
        except ValidationError as error:
            invalid.append((str(row), error.messages))
    assert invalid == []


def _today():
    from django.utils import timezone

    return timezone.localdate()
