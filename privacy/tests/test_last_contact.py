"""Retention's last contact and the reports' file active are two different rules.

`privacy.retention.last_contact_dates` keeps a file alive with anything dated with the person
(an admission request, a step...); `reports.figures.file_active_ids` counts the people the team
cared for in a period (a stay, a visit done, a note...). The tests below state where they part.
"""

import datetime
import zoneinfo

import pytest

from privacy import retention
from reports import figures
from tests.factories import (
    AdmissionRequestFactory,
    NoteFactory,
    ResidentFactory,
    StepFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS)


@pytest.fixture
def opened_in_2024(db):
    return ResidentFactory(created_at=at(datetime.date(2024, 6, 1)))


def test_an_admission_request_keeps_the_file_alive_but_is_not_in_the_file_active(
    opened_in_2024,
):
    AdmissionRequestFactory(
        resident=opened_in_2024,
        received_on=datetime.date(2025, 3, 10),
        status="refused",
        decided_on=datetime.date(2025, 3, 20),
        decision_reason="Pas de place adaptée",
    )

    assert retention.last_contact_dates([opened_in_2024.pk]) == {
        opened_in_2024.pk: datetime.date(2025, 3, 20)
    }
    assert opened_in_2024.pk not in figures.file_active_ids(*YEAR_2025)


def test_a_step_keeps_the_file_alive_but_is_not_in_the_file_active(opened_in_2024):
    StepFactory(
        resident=opened_in_2024,
        created_at=at(datetime.date(2025, 5, 2)),
        due_on=datetime.date(2025, 6, 1),
    )

    assert retention.last_contact_dates([opened_in_2024.pk]) == {
        opened_in_2024.pk: datetime.date(2025, 5, 2)
    }
    assert opened_in_2024.pk not in figures.file_active_ids(*YEAR_2025)


def test_a_note_counts_for_both(opened_in_2024, alice):
    NoteFactory(resident=opened_in_2024, author=alice, written_at=at(datetime.date(2025, 4, 7)))

    assert retention.last_contact_dates([opened_in_2024.pk]) == {
        opened_in_2024.pk: datetime.date(2025, 4, 7)
    }
    assert opened_in_2024.pk in figures.file_active_ids(*YEAR_2025)
