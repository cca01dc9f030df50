"""The per-place functions of the statement, on the hand-built dataset of test_occupancy.

February 2025 (28 nights): a1 holds P4 all month (28 nights, 3 released: 25 billable); a2 holds
P5 from 3 to 13 February (10 nights, an entry and an exit); b1 holds P3 from 1 to 10 February
(9 nights, an exit; a transfer, so no entry) and is out of service from 10 to 20 February.
"""

import datetime

from placements import occupancy
from placements.tests.test_occupancy import END, START, dataset  # noqa: F401 (fixture)

FEB, MARCH = datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)


def test_it_counts_stay_nights_released_absences_included(dataset):  # noqa: F811
    nights = occupancy.stay_nights_by_place(FEB, MARCH)
    assert nights == {dataset["a1"].pk: 28, dataset["a2"].pk: 10, dataset["b1"].pk: 9}
    assert occupancy.nights_by_place(FEB, MARCH) == {
        dataset["a1"].pk: 25,
        dataset["a2"].pk: 10,
        dataset["b1"].pk: 9,
    }


def test_it_counts_available_place_nights_per_place(dataset):  # noqa: F811
    available = occupancy.available_place_nights_by_place(FEB, MARCH)
    assert available == {dataset["a1"].pk: 28, dataset["a2"].pk: 28, dataset["b1"].pk: 18}
    whole = occupancy.available_place_nights_by_place(START, END)
    assert sum(whole.values()) == occupancy.available_place_nights(START, END) == 167
    b_places = {dataset["b1"].pk}
    assert sum(v for k, v in whole.items() if k in b_places) == 49


def test_it_counts_entries_and_exits_per_place(dataset):  # noqa: F811
    assert occupancy.entries_by_place(FEB, MARCH) == {dataset["a2"].pk: 1}
    assert occupancy.exits_by_place(FEB, MARCH) == {dataset["a2"].pk: 1, dataset["b1"].pk: 1}
    assert sum(occupancy.entries_by_place(START, END).values()) == 3
    assert sum(occupancy.exits_by_place(START, END).values()) == 3
