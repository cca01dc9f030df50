"""The file active: distinct people with at least one contact in the period.

Each kind of contact counts on its own: the people below have exactly one contact each, in
January 2025, and nothing else in that month. The others had a contact of the same kind that
does not count (outside the month, not done, not given, cancelled, anonymous).
"""

import datetime
import zoneinfo

import pytest

from harmreduction.models import SupplyDistribution, VoucherDistribution
from reports import figures
from residents.models import Resident
from tests.factories import (
    ConsumptionAssessmentFactory,
    LocationFactory,
    NoteFactory,
    PlacementFactory,
    ReferralFactory,
    ResidentFactory,
    SituationAssessmentFactory,
    UserFactory,
    VisitFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# January 2025, half-open.
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)


def d(month: int, day: int, year: int = 2025) -> datetime.date:
    return datetime.date(year, month, day)


def at(month: int, day: int, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, 0, tzinfo=PARIS)


@pytest.fixture
def worker(db):
    return UserFactory(username="worker", roles=["social_worker"])


def person(nickname: str) -> Resident:
    return ResidentFactory(nickname=nickname)


def stay(nickname: str, start: datetime.date, end: datetime.date | None = None):
    fields = {"end": end, "exit_destination": "chu"} if end else {}
    return PlacementFactory(resident=person(nickname), start=start, **fields)


def given_vouchers(resident, *, week, recorded_at, worker, **fields) -> VoucherDistribution:
    defaults = {"status": "given", "given_where": "office", "quantity": 5}
    return VoucherDistribution.objects.create(
        resident=resident,
        week=week,
        unit_value_cents=700,
        recorded_at=recorded_at,
        recorded_by=worker,
        **(defaults | fields),
    )


@pytest.fixture
def january(worker):
    """One person per kind of contact in January 2025, and people whose contacts do not count."""
    # A stay overlapping January (from December to 20 January).
    stay("Séjour", d(12, 1, 2024), d(1, 20))
    # A home visit done on 1 January, the morning the stay ended (so the stay does not
    # overlap January: its last night was 31 December).
    left = stay("Visite", d(10, 1, 2024), d(1, 1))
    VisitFactory(
        placement=left, planned_on=d(1, 1), status="done", outcome="seen", logged_at=at(1, 1)
    )
    # Material handed out to someone never housed.
    SupplyDistribution.objects.create(
        resident=person("Matériel"), location=LocationFactory(), given_at=at(1, 15), given_by=worker
    )
    # The last week of vouchers of a stay ended in December, caught up on 6 January.
    gone = stay("Tickets", d(11, 1, 2024), d(12, 30, 2024))
    given_vouchers(gone.resident, week=d(12, 23, 2024), recorded_at=at(1, 6), worker=worker)
    NoteFactory(resident=person("Note"), author=worker, written_at=at(1, 20))
    # A referral with its appointment in January (recorded in December).
    ReferralFactory(
        resident=person("Rendez-vous"), appointment_at=at(1, 9), created_at=at(12, 10, 2024)
    )
    # A referral without an appointment, recorded in January.
    ReferralFactory(resident=person("Orientation"), appointment_at=None, created_at=at(1, 14))
    SituationAssessmentFactory(resident=person("Situation"), assessed_on=d(1, 21))
    ConsumptionAssessmentFactory(resident=person("Consommation"), assessed_on=d(1, 31))

    # Contacts that do not make anyone part of January's file active:
    stay("Sorti le 1er", d(9, 1, 2024), d(1, 1))
    later = stay("Visites manquées", d(2, 1), d(3, 1))
    VisitFactory(placement=later, planned_on=d(1, 30), status="missed")
    VisitFactory(placement=later, planned_on=d(1, 31), status="planned")
    SupplyDistribution.objects.create(
        resident=None, location=LocationFactory(), given_at=at(1, 15), given_by=worker
    )
    SupplyDistribution.objects.create(
        resident=person("Matériel en février"),
        location=LocationFactory(),
        given_at=datetime.datetime(2025, 2, 1, 0, 30, tzinfo=PARIS),
        given_by=worker,
    )
    not_given = person("Tickets non remis")
    given_vouchers(
        not_given,
        week=d(1, 6),
        recorded_at=at(1, 12),
        worker=worker,
        status="not_given",
        given_where="",
        missed_reason="absent",
    )
    given_vouchers(
        person("Tickets annulés"),
        week=d(1, 13),
        recorded_at=at(1, 13),
        worker=worker,
        cancelled_at=at(1, 14),
        cancelled_by=worker,
        cancel_kind="correction",
    )
    NoteFactory(resident=person("Note de décembre"), author=worker, written_at=at(12, 31, 2024))
    # Recorded in January, but the appointment is in February: it counts in February.
    ReferralFactory(
        resident=person("Rendez-vous en février"), appointment_at=at(2, 3), created_at=at(1, 10)
    )
    SituationAssessmentFactory(resident=person("Situation en février"), assessed_on=d(2, 1))
    ConsumptionAssessmentFactory(
        resident=person("Consommation en décembre"), assessed_on=d(12, 31, 2024)
    )


def nicknames(ids) -> set[str]:
    return set(Resident.objects.filter(pk__in=ids).values_list("nickname", flat=True))


def test_it_counts_each_kind_of_contact_on_its_own(january):
    assert nicknames(figures.file_active_ids(START, END)) == {
        "Séjour",
        "Visite",
        "Matériel",
        "Tickets",
        "Note",
        "Rendez-vous",
        "Orientation",
        "Situation",
        "Consommation",
    }


def test_it_prints_the_file_active_of_the_period(january):
    # Nine people; none of them had a first stay in January; only "Séjour" was housed in it.
    assert figures.activity(START, END)["rows"] == [
        ["file_active", 9],
        ["new_people", 0],
        ["housed", 1],
    ]


def test_it_counts_the_contacts_just_past_the_period_in_the_next_one(january):
    # February: the stay begun on 1 February, material given at half past midnight on the
    # 1st, the appointment of 3 February, the assessment of 1 February.
    assert nicknames(figures.file_active_ids(d(2, 1), d(3, 1))) == {
        "Visites manquées",
        "Matériel en février",
        "Rendez-vous en février",
        "Situation en février",
    }
