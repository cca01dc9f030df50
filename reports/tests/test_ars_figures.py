"""The figures the ARS asks for (issue 17): contacts and where, people who received material and
handouts, advice by topic, gender × age with mean and median age, steps by kind and status,
referrals medical or social and accompanied or not, drug-checking results given back, used
material collected per hotel. On a small year built here by hand; the expected values are
worked out in the comments, never by the code under test.

The year 2025, five people of the file active:

- A (woman, born 2000: 25 in 2025, the first age of the band 25–34), housed at Nord from
  1 Jan 2025. Visits done on Mon 3 and Mon 10 March (one missed on 17 March); on 3 March,
  material given during the visit and the week's vouchers given at the visit; on 4 March,
  last week's vouchers caught up at the office; advice on safer smoking at the office on
  5 March. Material given on 31 Dec 2024 (outside). A hospital appointment in Dec 2024.
- B (man, born 1991: 34, the last age of 25–34), never housed: two handouts at the office on
  1 April (morning and afternoon: one contact); a CSAPA appointment (medical), accompanied by a
  worker, attended on 15 April.
- C (man, born 1990: 35, the first age of 35–44): a housing-services appointment (social) not
  accompanied, attended on 20 May; a social-services one accompanied but missed on 22 May;
  advice on safer smoking during a home visit on 1 July (C is not housed: the worker recorded
  it so).
- D (gender not stated, year of birth unknown): a note in 2025.
- E (woman, born 1970: 55): a GP referral (medical) recorded on 1 Aug 2025 without an
  appointment, not accompanied; advice in January 2026 (outside).
- Anonymous: material at the office on 1 June, material during a round on 2 June, advice on
  overdose at the office on 3 June.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from harmreduction.models import (
    AdviceSession,
    Collection,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from reports import figures
from reports.tests.dataset import END, PARIS, START, at, d
from support.models import Referral, Step
from tests.factories import (
    HotelFactory,
    ItemFactory,
    LocationFactory,
    NoteFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    SampleFactory,
    UserFactory,
    VisitFactory,
)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def rows(function):
    return function(START, END)["rows"]


def handout(worker, bag, item, when, resident, setting):
    distribution = SupplyDistribution.objects.create(
        resident=resident, location=bag, setting=setting, given_at=when, given_by=worker
    )
    SupplyDistributionLine.objects.create(distribution=distribution, item=item, quantity=3)


def visit(worker, stay, day, status):
    done = status == "done"
    VisitFactory(
        placement=stay,
        planned_on=day,
        status=status,
        worker=worker,
        outcome="seen" if done else "",
        logged_at=at(day.year, day.month, day.day) if done else None,
    )


def advice(worker, resident, day, topic, setting):
    AdviceSession.objects.create(
        resident=resident, held_on=day, topics=[topic], setting=setting, held_by=worker
    )


def referral(
    worker, resident, service, *, medical, outcome, appointment=None, created=None, with_=None
):
    Referral.objects.create(
        resident=resident,
        service=service,
        is_medical=medical,
        outcome=outcome,
        appointment_at=appointment,
        accompanied_by=with_,
        created_at=created or at(2026, 1, 15),
        created_by=worker,
    )


def vouchers(worker, resident, week, recorded, where):
    VoucherDistribution.objects.create(
        resident=resident,
        week=week,
        status="given",
        given_where=where,
        quantity=5,
        unit_value_cents=700,
        recorded_at=recorded,
        recorded_by=worker,
    )


@pytest.fixture
def year(db):
    worker = UserFactory(username="worker", roles=["social_worker"])
    nord = HotelFactory(name="Hôtel Nord", arrondissement=18)
    est = HotelFactory(name="Hôtel Est", arrondissement=10)
    a = ResidentFactory(gender="woman", birth_year=2000)
    b = ResidentFactory(gender="man", birth_year=1991)
    c = ResidentFactory(gender="man", birth_year=1990)
    e_ = ResidentFactory(gender="not_stated", birth_year=None)
    e = ResidentFactory(gender="woman", birth_year=1970)

    stay = PlacementFactory(resident=a, place=PlaceFactory(hotel=nord), start=d(2025, 1, 1))
    for day, status in (
        (d(2025, 3, 3), "done"),
        (d(2025, 3, 10), "done"),
        (d(2025, 3, 17), "missed"),
    ):
        visit(worker, stay, day, status)

    bag = LocationFactory()
    pipe = ItemFactory(name="Pipe (test ARS)")
    handout(worker, bag, pipe, at(2025, 3, 3), a, "visit")
    handout(worker, bag, pipe, at(2024, 12, 31), a, "office")
    handout(worker, bag, pipe, datetime.datetime(2025, 4, 1, 9, tzinfo=PARIS), b, "office")
    handout(worker, bag, pipe, datetime.datetime(2025, 4, 1, 16, tzinfo=PARIS), b, "office")
    handout(worker, bag, pipe, at(2025, 6, 1), None, "office")
    handout(worker, bag, pipe, at(2025, 6, 2), None, "visit")
    vouchers(worker, a, d(2025, 3, 3), at(2025, 3, 3), "visit")
    vouchers(worker, a, d(2025, 2, 24), at(2025, 3, 4), "office")

    advice(worker, a, d(2025, 3, 5), "safer_smoking", "office")
    advice(worker, c, d(2025, 7, 1), "safer_smoking", "visit")
    advice(worker, None, d(2025, 6, 3), "overdose", "office")
    advice(worker, e, d(2026, 1, 2), "mixing", "office")

    referral(
        worker,
        a,
        "hospital",
        medical=True,
        outcome="attended",
        appointment=at(2024, 12, 15),
        with_=worker,
    )
    referral(
        worker,
        b,
        "csapa",
        medical=True,
        outcome="attended",
        appointment=at(2025, 4, 15),
        with_=worker,
    )
    referral(
        worker,
        c,
        "housing_services",
        medical=False,
        outcome="attended",
        appointment=at(2025, 5, 20),
    )
    referral(
        worker,
        c,
        "social_services",
        medical=False,
        outcome="missed",
        appointment=at(2025, 5, 22),
        with_=worker,
    )
    referral(worker, e, "gp", medical=True, outcome="pending", created=at(2025, 8, 1))
    NoteFactory(resident=e_, written_at=at(2025, 9, 1))
    return {"worker": worker, "nord": nord, "est": est, "people": [a, b, c, e_, e]}


def test_the_year_has_five_people_in_the_file_active(year):
    assert figures.file_active_ids(START, END) == {person.pk for person in year["people"]}


def test_it_counts_contacts_by_place(year):
    # Hotel: A on 3 March (visit, material and vouchers at the visit: one contact) and on
    # 10 March; C's advice during a visit on 1 July; the anonymous round on 2 June = 4, people
    # A and C. Office: A's vouchers on 4 March and advice on 5 March, B on 1 April (two
    # handouts, one contact), the anonymous handout on 1 June and advice on 3 June = 5, people
    # A and B. Elsewhere: B accompanied on 15 April (C's accompanied appointment was missed,
    # C's attended one not accompanied) = 1. All: 10 contacts, people A, B, C.
    assert rows(figures.contacts) == [
        ["hotel", 4, 2],
        ["office", 5, 2],
        ["elsewhere", 1, 1],
        ["all", 10, 3],
    ]


def test_it_counts_people_who_received_material_and_handouts(year):
    # A on 3 March, B twice on 1 April, two anonymous; A's handout of 2024 is outside.
    assert rows(figures.material_recipients) == [
        ["people", 2],
        ["handouts_residents", 3],
        ["handouts_anonymous", 2],
        ["handouts", 5],
    ]


def test_it_counts_advice_by_topic_and_where(year):
    # columns: topic, sessions, during a home visit, at the office; E's advice is in 2026.
    assert rows(figures.advice_by_topic) == [
        ["safer_smoking", 2, 1, 1],
        ["overdose", 1, 0, 1],
        ["total", 3, 1, 2],
    ]


def test_it_crosses_gender_and_age_bands(year):
    # Ages reached in 2025: A 25 (25–34), B 34 (25–34), C 35 (35–44), E 55 (55 and over),
    # D unknown. Columns: under 25, 25–34, 35–44, 45–54, 55 and over, unknown.
    table = figures.sex_and_age(START, END)
    assert [column[1] for column in table["columns"]] == [
        "Genre",
        "Moins de 25 ans",
        "25 à 34 ans",
        "35 à 44 ans",
        "45 à 54 ans",
        "55 ans et plus",
        "Âge inconnu",
    ]
    assert table["rows"] == [
        ["woman", 0, 1, 0, 0, 1, 0],
        ["man", 0, 1, 1, 0, 0, 0],
        ["not_stated", 0, 0, 0, 0, 0, 1],
    ]
    # Each row adds up to the gender table, each column to the age table.
    assert rows(figures.sex) == [["woman", 2], ["man", 2], ["not_stated", 1]]
    assert [row[1] for row in rows(figures.age)] == [0, 2, 1, 0, 1, 1]


def test_it_gives_the_mean_and_median_age(year):
    # Known ages 25, 34, 35, 55: mean 149 / 4 = 37.25; an even count, so the median is the
    # mean of the two middle ages, (34 + 35) / 2 = 34.5.
    assert rows(figures.age_summary) == [["known", 4], ["mean", 37.25], ["median", 34.5]]


def test_the_mean_and_median_age_of_nobody_known_are_empty(db):
    NoteFactory(resident=ResidentFactory(birth_year=None), written_at=at(2025, 9, 1))
    assert rows(figures.age_summary) == [["known", 0], ["mean", None], ["median", None]]


@pytest.mark.django_db
def test_it_counts_steps_by_kind_and_status_at_the_end_of_the_period():
    worker = UserFactory(roles=["social_worker"])
    a, b, c, e = (ResidentFactory() for _ in range(4))
    for resident, kind, status, created, closed in (
        (a, "ame", "obtained", at(2025, 1, 10), d(2025, 3, 1)),
        (a, "puma", "obtained", at(2024, 10, 1), d(2024, 12, 1)),  # closed before: out
        (b, "rsa", "in_progress", at(2025, 2, 1), None),  # open
        (b, "id_card", "to_do", at(2024, 6, 1), None),  # open since before the period
        (c, "siao", "refused", at(2025, 3, 1), d(2025, 6, 1)),
        (c, "siao", "obtained", at(2025, 9, 1), d(2026, 1, 10)),  # open at the end of 2025
        (e, "domiciliation", "abandoned", at(2025, 2, 1), d(2025, 7, 1)),
        (e, "rsa", "to_do", at(2026, 1, 5), None),  # created after: out
    ):
        Step.objects.create(
            resident=resident,
            kind=kind,
            status=status,
            created_at=created,
            closed_on=closed,
            followed_by=worker,
            created_by=worker,
        )
    # columns: step, open at the end, obtained, rejected, abandoned, total; in StepKind order.
    assert rows(figures.steps_by_kind_and_status) == [
        ["ame", 0, 1, 0, 0, 1],
        ["rsa", 1, 0, 0, 0, 1],
        ["id_card", 1, 0, 0, 0, 1],
        ["domiciliation", 0, 0, 0, 1, 1],
        ["siao", 1, 0, 1, 0, 2],
        ["total", 3, 1, 1, 1, 6],
    ]
    # The obtained column adds up, by domain, to the steps obtained.
    assert rows(figures.steps_obtained) == [["rights", 1]]


def test_it_counts_referrals_medical_or_social_accompanied_or_not(year):
    # Medical: B's CSAPA (accompanied), E's GP without an appointment (recorded in 2025, not
    # accompanied); A's of December 2024 is outside. Social: C's two, one accompanied (missed:
    # still a referral of the period).
    # columns: kind, referrals, accompanied, not accompanied
    assert rows(figures.referral_kinds) == [
        ["medical", 2, 1, 1],
        ["social", 2, 1, 1],
        ["total", 4, 2, 2],
    ]
    # The same referrals as the table by service.
    assert sum(row[1] for row in rows(figures.referrals)) == 4


@pytest.mark.django_db
def test_it_counts_drug_checking_results_given_back():
    person = ResidentFactory()

    def sample(result_on, returned_on=None):
        SampleFactory(
            resident=person,
            collected_on=result_on - datetime.timedelta(days=10),
            sent_on=result_on - datetime.timedelta(days=9),
            result_on=result_on,
            returned_on=returned_on,
        )

    sample(d(2025, 5, 20), d(2025, 5, 25))  # received and given back in 2025
    sample(d(2025, 12, 20), d(2026, 1, 5))  # received in 2025, given back after the year
    sample(d(2025, 11, 1))  # received, never given back
    sample(d(2024, 12, 10), d(2025, 1, 8))  # received in 2024, given back in 2025
    # Received 3; given back by 31 Dec 1, not 2, share 1/3; given back in 2025: 2.
    assert rows(figures.drug_checking_results) == [
        ["received", 3],
        ["returned", 1],
        ["not_returned", 2],
        ["share_returned", 1 / 3],
        ["returned_in_period", 2],
    ]


def test_it_counts_used_material_collected_per_hotel(year):
    worker, nord, est = year["worker"], year["nord"], year["est"]
    for hotel, day, boxes, items in (
        (nord, d(2025, 2, 1), 3, 10),
        (nord, d(2025, 9, 1), 1, 0),
        (est, d(2025, 4, 1), 0, 4),
        (None, d(2025, 5, 1), 2, 7),
        (nord, d(2024, 12, 31), 9, 9),  # outside
    ):
        Collection.objects.create(
            hotel=hotel,
            collected_on=day,
            sharps_boxes=boxes,
            returned_items=items,
            recorded_by=worker,
        )
    # Hotels by arrondissement (Est in the 10th before Nord in the 18th), then the office.
    table = figures.collections_by_hotel(START, END)
    assert table["rows"] == [
        [str(est.pk), 0, 4],
        [str(nord.pk), 4, 10],
        ["office", 2, 7],
        ["total", 6, 21],
    ]
    assert table["labels"][str(est.pk)] == "Hôtel Est"


def test_the_new_figures_take_as_many_queries_for_a_large_year_as_for_a_small_one(year):
    new = [
        figures.contacts,
        figures.material_recipients,
        figures.advice_by_topic,
        figures.sex_and_age,
        figures.age_summary,
        figures.steps_by_kind_and_status,
        figures.referral_kinds,
        figures.drug_checking_results,
        figures.collections_by_hotel,
    ]

    def queries() -> list[int]:
        counted = []
        for function in new:
            with CaptureQueriesContext(connection) as captured:
                function(START, END)
            counted.append(len(captured))
        return counted

    # One collection at a hotel: without any, the hotels' names are not even looked up.
    Collection.objects.create(
        hotel=year["nord"], collected_on=d(2025, 2, 1), sharps_boxes=1, recorded_by=year["worker"]
    )
    small = queries()
    worker, bag, pipe = year["worker"], LocationFactory(), ItemFactory(name="Pipe (many)")
    hotel = HotelFactory(name="Hôtel Sud", arrondissement=20)
    for index in range(12):
        person = ResidentFactory(birth_year=1960 + index, gender="man")
        day = d(2025, 1 + index, 2)
        stay = PlacementFactory(resident=person, place=PlaceFactory(hotel=hotel), start=day)
        visit(worker, stay, day, "done")
        handout(worker, bag, pipe, at(day.year, day.month, day.day), person, "office")
        advice(worker, person, day, "mixing", "visit")
        referral(
            worker,
            person,
            "cmp",
            medical=True,
            outcome="attended",
            appointment=at(2025, 1 + index, 3),
            with_=worker,
        )
        Step.objects.create(
            resident=person,
            kind="aah",
            followed_by=worker,
            created_by=worker,
            created_at=at(2025, 1, 1),
        )
        SampleFactory(
            resident=person, collected_on=day, sent_on=day, result_on=day, returned_on=day
        )
        Collection.objects.create(hotel=hotel, collected_on=day, sharps_boxes=1, recorded_by=worker)
    assert queries() == small


@pytest.mark.django_db
def test_a_session_on_several_topics_counts_under_each_and_once_in_the_total():
    worker = UserFactory(roles=["social_worker"])
    AdviceSession.objects.create(
        held_on=d(2025, 3, 1),
        topics=["safer_smoking", "overdose"],
        setting="office",
        held_by=worker,
    )
    AdviceSession.objects.create(
        held_on=d(2025, 3, 2), topics=["overdose"], setting="visit", held_by=worker
    )
    # columns: topic, sessions, during a home visit, at the office.
    assert figures.advice_by_topic(START, END)["rows"] == [
        ["safer_smoking", 1, 0, 1],
        ["overdose", 2, 1, 1],
        ["total", 2, 1, 1],
    ]
