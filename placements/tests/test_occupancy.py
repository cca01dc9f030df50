"""The occupancy figures against a small dataset whose answers are worked out by hand.

Period: January and February 2025 (59 nights). Hotel A has places a1 and a2, hotel B place b1,
which is out of service from 10 to 20 February (10 nights).

  P1  r1 in a1  20 Dec 2024 → 10 Jan   exit: social housing   Jan 1–9: 9 nights
  P2  r2 in a2  15 Jan → 1 Feb         transferred to b1      Jan 15–31: 17 nights
  P3  r2 in b1   1 Feb → 10 Feb        exit: CHRS, exclusion  Feb: 9 nights
  P4  r3 in a1  20 Jan → (ongoing)                            Jan: 12, Feb: 28 − 3 released = 25
      absences: 5–8 Feb released (3 nights, not billed); 20–22 Feb hospital, held (billed)
  P5  r4 in a2   3 Feb → 13 Feb        exit: street, volunt.  Feb: 10 nights

  a1 = 9 + 12 + 25 = 46   a2 = 17 + 10 = 27   b1 = 9   all = 82
  available = 3 × 59 − 10 = 167
"""

import datetime

import pytest

from placements import occupancy
from placements.models import (
    Absence,
    ExitDestination,
    ExitReason,
    Placement,
    PlaceOutage,
    TransferReason,
)
from tests.factories import AdmissionRequestFactory, HotelFactory, PlaceFactory, ResidentFactory

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 1)
JAN, FEB = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)


def d(month: int, day: int, year: int = 2025) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def dataset(db):
    hotel_a, hotel_b = HotelFactory(name="A"), HotelFactory(name="B")
    a1, a2 = PlaceFactory(hotel=hotel_a), PlaceFactory(hotel=hotel_a)
    b1 = PlaceFactory(hotel=hotel_b)
    PlaceOutage.objects.create(place=b1, start=d(2, 10), end=d(2, 20), reason="Travaux")
    r1, r2, r3, r4 = ResidentFactory.create_batch(4)
    Placement.objects.create(
        resident=r1,
        place=a1,
        start=d(12, 20, 2024),
        end=d(1, 10),
        exit_destination=ExitDestination.SOCIAL_HOUSING,
        exit_reason=ExitReason.MOVE_ON,
    )
    p2 = Placement.objects.create(
        resident=r2,
        place=a2,
        start=d(1, 15),
        end=d(2, 1),
        exit_destination=ExitDestination.TRANSFER,
        transfer_reason=TransferReason.INCIDENT,
        admission=AdmissionRequestFactory(resident=r2, received_on=d(1, 5)),
    )
    Placement.objects.create(
        resident=r2,
        place=b1,
        start=d(2, 1),
        end=d(2, 10),
        exit_destination=ExitDestination.CHRS,
        exit_reason=ExitReason.EXCLUSION,
        previous=p2,
    )
    p4 = Placement.objects.create(resident=r3, place=a1, start=d(1, 20))
    Absence.objects.create(placement=p4, start=d(2, 5), end=d(2, 8), reason="travel", released=True)
    Absence.objects.create(placement=p4, start=d(2, 20), end=d(2, 22), reason="hospital")
    Placement.objects.create(
        resident=r4,
        place=a2,
        start=d(2, 3),
        end=d(2, 13),
        exit_destination=ExitDestination.STREET,
        exit_reason=ExitReason.VOLUNTARY,
        admission=AdmissionRequestFactory(resident=r4, received_on=d(1, 3)),
    )
    return {"A": hotel_a, "B": hotel_b, "a1": a1, "a2": a2, "b1": b1}


def test_it_counts_billable_nights_per_place(dataset):
    nights = occupancy.nights_by_place(START, END)
    assert nights == {dataset["a1"].pk: 46, dataset["a2"].pk: 27, dataset["b1"].pk: 9}


def test_it_counts_nights_per_hotel_and_month(dataset):
    nights = occupancy.nights_by_hotel_and_month(START, END)
    a, b = dataset["A"].pk, dataset["B"].pk
    assert nights == {(a, JAN): 38, (a, FEB): 35, (b, FEB): 9}


def test_it_counts_available_place_nights_without_outages(dataset):
    assert occupancy.available_place_nights(START, END) == 167
    assert occupancy.available_place_nights(START, END, dataset["B"].pk) == 49


def test_it_computes_the_occupancy_rate(dataset):
    assert occupancy.occupancy_rate(START, END) == pytest.approx(82 / 167)
    assert occupancy.occupancy_rate(START, END, dataset["A"].pk) == pytest.approx(73 / 118)
    assert occupancy.occupancy_rate(START, END, dataset["B"].pk) == pytest.approx(9 / 49)


def test_it_counts_entries_and_exits_per_month_without_transfers(dataset):
    assert occupancy.entries_by_month(START, END) == {JAN: 2, FEB: 1}
    assert occupancy.exits_by_month(START, END) == {JAN: 1, FEB: 2}


def test_it_counts_exits_by_destination(dataset):
    assert occupancy.exits_by_destination(START, END) == {
        "social_housing": 1,
        "chrs": 1,
        "street": 1,
    }
    assert occupancy.mainstream_housing_share(START, END) == pytest.approx(1 / 3)


def test_it_counts_the_same_exits_by_reason(dataset):
    assert occupancy.exits_by_reason(START, END) == {
        "move_on": 1,
        "exclusion": 1,
        "voluntary": 1,
    }


def test_it_measures_length_of_stay_across_transfers(dataset):
    # P1: 21 days; P2+P3: 15 Jan → 10 Feb, 26 days; P5: 10 days.
    stays = occupancy.length_of_stay(START, END)
    assert (stays.count, stays.mean, stays.median) == (3, pytest.approx(19), 21)


def test_it_measures_waiting_time_from_request_to_entry(dataset):
    # r2: 5 Jan → 15 Jan, 10 days; r4: 3 Jan → 3 Feb, 31 days.
    waiting = occupancy.waiting_time(START, END)
    assert (waiting.count, waiting.mean, waiting.median) == (2, 20.5, 20.5)


def test_it_answers_none_when_nothing_was_offered(db):
    assert occupancy.occupancy_rate(START, END) is None
    assert occupancy.mainstream_housing_share(START, END) is None
    assert occupancy.length_of_stay(START, END).mean is None


def test_it_cuts_a_stay_at_the_period_edges(dataset):
    january = occupancy.nights_by_place(JAN, FEB)
    assert january[dataset["a1"].pk] == 9 + 12


def test_it_counts_nights_and_available_place_nights_by_month(dataset):
    # January: 9 + 12 + 17 nights, 3 places × 31; February: 35 + 9, 3 × 28 − 10 out of service.
    assert occupancy.nights_and_available_by_month(START, END) == {JAN: (38, 93), FEB: (44, 74)}
    start, end = d(1, 10), d(2, 15)  # months cut by the period, as each month's own figures
    assert occupancy.nights_and_available_by_month(start, end) == {
        month: (
            sum(occupancy.nights_by_place(month_start, month_end).values()),
            occupancy.available_place_nights(month_start, month_end),
        )
        for month, month_start, month_end in ((JAN, start, FEB), (FEB, FEB, end))
    }
