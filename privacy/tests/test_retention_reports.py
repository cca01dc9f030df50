"""A year's activity reports give the same figures before and after its files are anonymised.

The year is the hand-built 2025 of reports/tests/dataset.py, with free text and identity added
to every file, and its one ongoing stay ended so that every resident's file can expire.
"""

import datetime

import pytest
from django.utils import translation

from placements.models import Incident, Placement
from privacy import retention
from reports import figures
from reports.tests import dataset
from reports.tests.dataset import END, START
from residents.models import ConsumptionAssessment, Resident
from support.models import Note, Referral, Step
from tests.factories import NoteFactory, UserFactory
from visits.models import Visit

# Far enough after 2025 that every file without anything open is past the delay.
LATER = datetime.date(2030, 1, 1)
TEXT = "Confie ses difficultés avec son frère Karim"
AUDIENCES = ("ars", "operator")


@pytest.fixture
def year(db):
    with translation.override("fr"):
        data = dataset.build()
        r1, r2, r3, r4, r5 = data["residents"]
        for resident in data["residents"]:
            Resident.objects.filter(pk=resident.pk).update(
                first_name="Jean", last_name="Dupontel", phone="06 00 00 00 00", consent_notes=TEXT
            )
        Placement.objects.filter(resident=r3, end__isnull=True).update(
            end=datetime.date(2026, 3, 1),
            exit_destination="chu",
            exit_reason="move_on",
            exit_comment=TEXT,
        )
        Visit.objects.update(health=TEXT, needs=TEXT)
        Note.objects.update(text=TEXT)
        NoteFactory(
            resident=r2,
            author=UserFactory(username="nurse", roles=["nurse"]),
            kind="nursing",
            text="",
            shared_summary=TEXT,
            medical_text=TEXT,
            written_at=dataset.at(2025, 3, 3),
        )
        Step.objects.update(details=TEXT)
        Referral.objects.update(notes=TEXT)
        ConsumptionAssessment.objects.update(notes=TEXT)
        Incident.objects.filter(occurred_on__year=2025).update(resident=r2, description=TEXT)
        yield data


def both_reports() -> dict:
    with translation.override("fr"):
        return {audience: figures.compute(audience, START, END) for audience in AUDIENCES}


def test_a_years_figures_are_the_same_after_anonymisation(year):
    before = both_reports()

    anonymised = retention.anonymise_expired(today=LATER)

    # Everyone but the two people whose request is still on the waiting list.
    assert anonymised == Resident.objects.count() - 2
    assert set(year["residents"]) <= set(Resident.objects.filter(anonymised_at__isnull=False))
    assert not Resident.objects.filter(last_name="Dupontel", anonymised_at__isnull=False).exists()
    assert not Visit.objects.filter(health=TEXT).exists()
    assert not Note.objects.filter(text=TEXT).exists()
    assert both_reports() == before


def test_the_age_bands_need_only_the_year_of_birth(year):
    before = figures.age(START, END)

    retention.anonymise_expired(today=LATER)

    r1 = Resident.objects.get(pk=year["residents"][0].pk)
    assert (r1.birth_date, r1.birth_year) == (None, 1990)
    assert figures.age(START, END) == before
