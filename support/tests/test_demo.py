import random

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from placements import demo as placements_demo
from placements.models import Placement
from residents import demo as residents_demo
from residents.models import AssessmentContext, ConsumptionAssessment
from support import demo
from support.models import MedicalNoteText, Note, NoteKind, Referral, Step
from tests import shared_data


@pytest.fixture(scope="module")
def module_housed(django_db_setup, django_db_blocker):
    """The demo's accounts, places, people and stays: seeded once for the module's tests."""
    yield from shared_data.built_once_for_the_module(django_db_blocker, _house)


@pytest.fixture
def housed(db, module_housed):
    """What a test writes (the support seeder's rows) is rolled back after it."""
    return shared_data.copy_for_one_test(module_housed)


def _house():
    for seeder in (
        accounts_demo.seed,
        placements_demo.seed,
        residents_demo.seed,
        placements_demo.seed_stays,
    ):
        seeder(rng=random.Random(f"2024-{seeder.__module__}"), scale="demo")


def _seed():
    return demo.seed(rng=random.Random("2024-support"), scale="demo")


def _snapshot():
    return (
        list(Note.objects.order_by("written_at", "kind", "text").values_list("kind", "text")),
        list(Step.objects.order_by("created_at", "kind").values_list("kind", "status", "due_on")),
        Referral.objects.count(),
        ConsumptionAssessment.objects.count(),
    )


@pytest.mark.django_db
def test_it_seeds_notes_steps_referrals_and_reassessments_once(housed):
    assessments = ConsumptionAssessment.objects.count()
    _seed()
    kinds = set(Note.objects.values_list("kind", flat=True))
    assert kinds == set(NoteKind.values)
    assert Note.objects.filter(version=2).exists()
    assert Note.objects.exclude(shared_summary="").exists()
    medical = Note.objects.exclude(kind=NoteKind.SOCIAL)
    assert MedicalNoteText.objects.count() == medical.count()
    assert not medical.exclude(text="").exists()
    assert Step.objects.overdue().exists() and Step.objects.filter(status="obtained").exists()
    assert Referral.objects.upcoming().filter(is_medical=True).exists()
    assert Referral.objects.filter(outcome="missed").exists()
    assert Referral.objects.to_record().exists()
    added = ConsumptionAssessment.objects.count() - assessments
    assert added > 0
    assert ConsumptionAssessment.objects.filter(context=AssessmentContext.EXIT).exists()

    snapshot = _snapshot()
    assert "nothing added" in _seed()
    assert _snapshot() == snapshot


@pytest.mark.django_db
def test_it_keeps_everything_valid_and_within_the_stays(housed):
    _seed()
    now = timezone.now()
    first_entry = {}
    for stay in Placement.objects.order_by("start"):
        first_entry.setdefault(stay.resident_id, stay.start)
    for note in Note.objects.all():
        note.full_clean(exclude=["supersedes"])
        assert note.written_at <= now
        assert timezone.localdate(note.written_at) >= first_entry[note.resident_id]
    for step in Step.objects.all():
        step.full_clean()
    for referral in Referral.objects.all():
        referral.full_clean()


@pytest.mark.django_db
def test_it_draws_the_same_data_from_the_same_seed(housed):
    users = {user.username: user for user in User.objects.all()}
    programmes = demo._programmes()
    today = timezone.localdate()

    def drawn(seed):
        result = demo.draw(random.Random(seed), programmes, users, today)
        return (
            [(item.note.kind, item.note.written_at, item.text) for item in result.notes],
            [(step.kind, step.status, step.due_on) for step in result.steps],
            [(referral.service, referral.appointment_at) for referral in result.referrals],
        )

    first = drawn(7)
    assert first == drawn(7)
    assert first != drawn(8)
    assert all(first)
