"""The definitions corrected for issue 17 (defects 1, 2, 5, 6), each on a small year built by
hand. The expected values are worked out in the comments, never by the code under test.
"""

import pytest
from django.utils import translation

from harmreduction.models import Overdose
from placements.models import PlaceOutage
from reports import figures
from reports.tests.dataset import END, START, at, d
from tests.factories import (
    HotelFactory,
    NoteFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    SituationAssessmentFactory,
    UserFactory,
    VisitFactory,
)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def rows(function):
    return function(START, END)["rows"]


# --- 1. Two visits a week: coverage across the person's stays ---------------------------------


@pytest.mark.django_db
def test_a_week_housed_across_a_mid_week_transfer_counts():
    worker = UserFactory(roles=["social_worker"])
    hotel = HotelFactory()
    p1, p2, p3, p4 = (PlaceFactory(hotel=hotel) for _ in range(4))
    # A: Mon 2 June -> Wed 11 June on p1, transferred to p2 until Mon 23 June: housed every
    # night from 2 to 22 June, so the weeks of 2, 9 and 16 June are housed weeks (before: the
    # week of 9 June was lost, no single stay covering it).
    a = ResidentFactory()
    first = PlacementFactory(
        resident=a, place=p1, start=d(2025, 6, 2), end=d(2025, 6, 11), exit_destination="transfer"
    )
    second = PlacementFactory(
        resident=a,
        place=p2,
        start=d(2025, 6, 11),
        end=d(2025, 6, 23),
        exit_destination="street",
        previous=first,
    )
    # B: 2 -> 5 June (nights 2, 3, 4), back on 6 June until 16 June: the night of 5 June is not
    # housed, so only the week of 9 June counts.
    b = ResidentFactory()
    PlacementFactory(
        resident=b, place=p3, start=d(2025, 6, 2), end=d(2025, 6, 5), exit_destination="street"
    )
    PlacementFactory(
        resident=b, place=p4, start=d(2025, 6, 6), end=d(2025, 6, 16), exit_destination="street"
    )

    def done(placement, day):
        VisitFactory(
            placement=placement,
            planned_on=day,
            status="done",
            worker=worker,
            outcome="seen",
            logged_at=at(day.year, day.month, day.day),
        )

    done(first, d(2025, 6, 3))  # week of 2 June: one visit
    done(first, d(2025, 6, 10))  # week of 9 June: one on each side of the transfer
    done(second, d(2025, 6, 12))
    done(second, d(2025, 6, 17))  # week of 16 June: two
    done(second, d(2025, 6, 19))

    # Housed weeks: A 3 + B 1 = 4; with two visits: A's weeks of 9 and 16 June = 2.
    assert rows(figures.two_visits_a_week) == [
        ["housed_weeks", 4],
        ["with_two", 2],
        ["share", 0.5],
    ]


# --- 2. Situation at entry: only what was known by the end of the period ----------------------


@pytest.mark.django_db
def test_the_situation_at_entry_does_not_move_with_what_happens_after_the_period():
    hotel = HotelFactory()
    # C: never housed in 2025 (a note in December), assessed on 5 Nov 2025 (squat).
    c = ResidentFactory()
    NoteFactory(resident=c, written_at=at(2025, 12, 1))
    SituationAssessmentFactory(resident=c, assessed_on=d(2025, 11, 5), housing_before="squat")
    # D: housed from 20 Dec 2025, assessed on 1 Oct 2025 (street).
    dee = ResidentFactory()
    PlacementFactory(resident=dee, place=PlaceFactory(hotel=hotel), start=d(2025, 12, 20))
    SituationAssessmentFactory(resident=dee, assessed_on=d(2025, 10, 1), housing_before="street")

    on_2_january = {
        "housing": rows(figures.housing_at_entry),
        "activity": rows(figures.activity),
    }
    assert on_2_january["housing"] == [["street", 1], ["squat", 1]]

    # What January 2026 brings: C's first stay on 10 January and an assessment two days later
    # (street), D's assessment of 5 January (hotel), closer to her entry than October's.
    PlacementFactory(resident=c, place=PlaceFactory(hotel=hotel), start=d(2026, 1, 10))
    SituationAssessmentFactory(resident=c, assessed_on=d(2026, 1, 12), housing_before="street")
    SituationAssessmentFactory(resident=dee, assessed_on=d(2026, 1, 5), housing_before="hotel")

    on_20_january = {
        "housing": rows(figures.housing_at_entry),
        "activity": rows(figures.activity),
    }
    assert on_20_january == on_2_january


# --- 5. Deaths: every known death of a person of the file active, with its source -------------


@pytest.mark.django_db
def test_it_counts_every_known_death_once_with_its_source():
    worker = UserFactory(roles=["social_worker"])
    hotel = HotelFactory()
    # E: stay ended on 1 July 2025, gone to hospital, reason "death"; her overdose of 30 June
    # is recorded as died: one person, both sources.
    e = ResidentFactory()
    PlacementFactory(
        resident=e,
        place=PlaceFactory(hotel=hotel),
        start=d(2025, 1, 1),
        end=d(2025, 7, 1),
        exit_destination="hospital",
        exit_reason="death",
    )
    Overdose.objects.create(
        occurred_on=d(2025, 6, 30), resident=e, outcome="died", recorded_by=worker
    )
    # F: never housed, a note in 2025, died of an overdose in the street on 10 Sept 2025.
    f = ResidentFactory()
    NoteFactory(resident=f, written_at=at(2025, 3, 1))
    Overdose.objects.create(
        occurred_on=d(2025, 9, 10), resident=f, outcome="died", recorded_by=worker
    )
    # G: stay ended with the destination "death" on 1 March 2025.
    PlacementFactory(
        place=PlaceFactory(hotel=hotel),
        start=d(2024, 6, 1),
        end=d(2025, 3, 1),
        exit_destination="death",
    )
    # Not counted: an overdose death of someone not identified, one in 2026 (F's date moved
    # on purpose to another person), one of a person recovered.
    Overdose.objects.create(occurred_on=d(2025, 5, 5), outcome="died", recorded_by=worker)
    h = ResidentFactory()
    NoteFactory(resident=h, written_at=at(2025, 3, 1))
    Overdose.objects.create(
        occurred_on=d(2026, 1, 3), resident=h, outcome="died", recorded_by=worker
    )
    Overdose.objects.create(
        occurred_on=d(2025, 4, 4), resident=h, outcome="recovered", recorded_by=worker
    )

    # Stays ended by a death: E, G = 2; overdoses died: E, F = 2; people: E, F, G = 3.
    assert rows(figures.deaths) == [["stay_exit", 2], ["overdose", 2], ["people", 3]]


# --- 6. Place-nights available: the hotel's dates of joining and leaving the scheme ----------


@pytest.fixture
def hotels(db):
    # Gamma left the scheme on 1 July 2025 (and was made inactive): g1 housed someone from
    # 1 January to 15 July (the 14 July nights were given: they count as offered too); g2 was
    # out of service 1–11 June (10 nights) and 1–11 August (after leaving: not subtracted).
    gamma = HotelFactory(name="Hôtel Gamma", arrondissement=18, left_on=d(2025, 7, 1), active=False)
    g1, g2 = PlaceFactory(hotel=gamma, room="1"), PlaceFactory(hotel=gamma, room="2")
    PlacementFactory(place=g1, start=d(2025, 1, 1), end=d(2025, 7, 15), exit_destination="street")
    PlaceOutage.objects.create(place=g2, start=d(2025, 6, 1), end=d(2025, 6, 11), reason="x")
    PlaceOutage.objects.create(place=g2, start=d(2025, 8, 1), end=d(2025, 8, 11), reason="x")
    # Delta joined on 1 April 2025: one place, never used.
    delta = HotelFactory(name="Hôtel Delta", arrondissement=19, joined_on=d(2025, 4, 1))
    PlaceFactory(hotel=delta, room="1")
    return gamma, delta


def test_place_nights_available_follow_the_dates_of_the_scheme(hotels):
    gamma, delta = hotels
    # Gamma: g1 1 Jan – 15 Jul = 195 nights (all occupied); g2 1 Jan – 1 Jul = 181 − 10 = 171.
    # Delta: 1 Apr – 31 Dec = 275.
    assert rows(figures.places_and_hotels) == [
        [str(gamma.pk), 2, 366, 195, 195 / 366],
        [str(delta.pk), 1, 275, 0, 0.0],
        ["total", 3, 641, 195, 195 / 641],
    ]
    # Jan–Mar: Gamma's two places; April–May: and Delta; June: g2 10 nights out; July: g1's 14
    # nights and Delta; then Delta alone.
    nights = [31, 28, 31, 30, 31, 30, 14, 0, 0, 0, 0, 0]
    available = [62, 56, 62, 90, 93, 80, 45, 31, 30, 31, 30, 31]
    assert sum(available) == 641
    assert rows(figures.occupancy_by_month) == [
        [f"2025-{index + 1:02d}-01", night, offered, night / offered]
        for index, (night, offered) in enumerate(zip(nights, available, strict=True))
    ]


def test_deactivating_a_hotel_does_not_change_a_past_report(hotels):
    _gamma, delta = hotels
    before = figures.compute("operator", START, END)
    delta.active = False
    delta.save()
    assert figures.compute("operator", START, END) == before
