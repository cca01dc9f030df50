"""Every figure of both reports against the hand-built year of reports/tests/dataset.py.

The expected values are worked out by hand from the dataset's description (the comments show
the arithmetic), never by calling the code under test.
"""

import pytest
from django.utils import translation

from reports import figures
from reports.tests import dataset
from reports.tests.dataset import END, START


@pytest.fixture
def data(db):
    with translation.override("fr"):
        yield dataset.build()


def rows(function):
    return function(START, END)["rows"]


def test_it_counts_the_file_active_new_people_and_people_housed(data):
    r1, r2, r3, r4, r5 = data["residents"]
    assert figures.file_active_ids(START, END) == {r1.pk, r2.pk, r3.pk, r4.pk}
    # r2 and r3 first entered in 2025; r1 in 2024; r4 was never housed.
    assert rows(figures.activity) == [["file_active", 4], ["new_people", 2], ["housed", 3]]


def test_it_counts_gender_and_age_bands(data):
    assert rows(figures.sex) == [["woman", 1], ["man", 2], ["not_stated", 1]]
    # Ages reached in 2025: r1 35 (born June 1990), r2 55, r3 23, r4 unknown.
    assert rows(figures.age) == [
        ["-24", 1],
        ["25-34", 0],
        ["35-44", 1],
        ["45-54", 0],
        ["55-", 1],
        ["unknown", 1],
    ]


def test_it_takes_the_situation_closest_to_entry(data):
    assert rows(figures.housing_at_entry) == [["street", 2], ["squat", 1], ["unknown", 1]]
    assert rows(figures.income_at_entry) == [["rsa", 2], ["are", 1], ["unknown", 2]]
    assert rows(figures.health_cover_at_entry) == [
        ["puma", 1],
        ["ame", 1],
        ["none", 1],
        ["unknown", 1],
    ]


def test_it_counts_products_and_routes_from_the_last_assessment(data):
    # columns: product, people, inhaled, injected, sniffed, swallowed, route not stated
    assert rows(figures.products) == [
        ["crack", 2, 2, 0, 0, 0, 0],
        ["cocaine", 1, 0, 0, 1, 0, 0],
        ["alcohol", 1, 0, 0, 0, 0, 1],
    ]


def test_it_gives_the_consumption_outcomes(data):
    assert rows(figures.consumption_outcomes) == [
        ["stopped", 1],
        ["reduced", 1],
        ["stable", 0],
        ["increased", 0],
        ["unknown", 1],
        ["assessed", 2],
        ["share_fell", 1.0],
        ["share_stopped", 0.5],
    ]


def test_it_counts_deaths(data):
    # r2's stay ended with the destination "death"; no overdose recorded as died.
    assert rows(figures.deaths) == [["stay_exit", 1], ["overdose", 0], ["people", 1]]


def test_it_counts_visits_planned_and_done_by_month(data):
    expected = [[f"2025-{month:02d}-01", 0, 0] for month in range(1, 13)]
    expected[5] = ["2025-06-01", 4, 3]  # the called-off one is not planned
    expected[6] = ["2025-07-01", 0, 1]  # an unplanned visit is done, not planned
    assert rows(figures.visits_by_month) == expected


def test_it_gives_the_share_of_weeks_with_two_visits(data):
    # Full Monday-to-Sunday weeks housed inside 2025, across a person's stays:
    # s1 7 (6 Jan – 17 Feb), s2 + s3 21 (3 Feb – 23 Jun: the week of 31 March, transfer on
    # Tuesday 1 April, counts), s4 30 (2 Jun – 22 Dec)
    assert rows(figures.two_visits_a_week) == [
        ["housed_weeks", 58],
        ["with_two", 1],
        ["share", 1 / 58],
    ]


def test_it_counts_material_by_category_and_item(data):
    assert rows(figures.material_by_category) == [
        ["injection", 5],
        ["inhalation", 13],
        ["naloxone", 2],
    ]
    # In catalogue order: by category (injection first), then position.
    assert rows(figures.material_by_item) == [
        [str(data["syringe"].pk), "injection", 5],
        [str(data["pipe"].pk), "inhalation", 13],
        [str(data["nyxoid"].pk), "naloxone", 2],
    ]


def test_it_counts_collection_naloxone_overdoses_and_samples(data):
    assert rows(figures.harm_reduction_activity) == [
        ["sharps_boxes", 2],
        ["returned_items", 30],
        ["naloxone_kits", 2],
        ["naloxone_trainings", 1],
        ["overdoses", 2],
        ["overdoses_with_naloxone", 1],
        ["overdose_recovered", 1],
        ["overdose_hospital", 1],
        ["overdose_died", 0],
        ["overdose_unknown", 0],
        ["samples_collected", 1],
        ["samples_sent", 2],
        ["results_unexpected", 1],
    ]


def test_it_counts_referrals_by_service_and_outcome(data):
    # columns: service, total, to come, attended, missed, postponed, cancelled
    assert rows(figures.referrals) == [
        ["csapa", 2, 0, 1, 1, 0, 0],
        ["housing_services", 1, 1, 0, 0, 0, 0],
    ]


def test_it_counts_steps_obtained_by_domain(data):
    assert rows(figures.steps_obtained) == [["rights", 2], ["housing", 1]]


def test_it_gives_places_nights_and_occupancy_per_hotel(data):
    alpha, beta = data["alpha"].pk, data["beta"].pk
    # Alpha: 2 places × 365 − 10 out of service = 720; nights s1 59 + s2 (59 − 5) + s4 214.
    # Beta: 365; nights s3 91 (April to June).
    assert rows(figures.places_and_hotels) == [
        [str(alpha), 2, 720, 327, 327 / 720],
        [str(beta), 1, 365, 91, 91 / 365],
        ["total", 3, 1085, 418, 418 / 1085],
    ]


def test_it_gives_occupancy_by_month(data):
    nights = [31, 56, 26, 30, 31, 60, 31, 31, 30, 31, 30, 31]
    available = [93, 84, 93, 90, 93, 90, 93, 93, 90, 83, 90, 93]
    assert rows(figures.occupancy_by_month) == [
        [f"2025-{index + 1:02d}-01", night, offered, night / offered]
        for index, (night, offered) in enumerate(zip(nights, available, strict=True))
    ]


def test_it_gives_nights_per_hotel_and_month(data):
    alpha = [31, 56, 26, 0, 0, 30, 31, 31, 30, 31, 30, 31]
    beta = [0, 0, 0, 30, 31, 30, 0, 0, 0, 0, 0, 0]
    table = figures.nights_by_hotel_and_month(START, END)
    assert [column[1] for column in table["columns"]] == [
        "Mois",
        "Hôtel Alpha",
        "Hôtel Beta",
        "Total",
    ]
    assert table["rows"] == [
        [f"2025-{month + 1:02d}-01", a, b, a + b]
        for month, (a, b) in enumerate(zip(alpha, beta, strict=True))
    ]


def test_it_counts_entries_by_referring_structure(data):
    # s3 is a transfer, not an entry; s4 has no admission request.
    assert rows(figures.entries) == [["hospital", 1], ["unknown", 1], ["total", 2]]


def test_it_counts_exits_and_lengths_of_stay(data):
    assert rows(figures.exits_by_destination) == [["social_housing", 1], ["death", 1]]
    # s1: 1 Nov 2024 → 1 Mar 2025 = 120 days; s2+s3: 1 Feb → 1 Jul 2025 = 150 days.
    assert rows(figures.stays) == [
        ["exits", 2],
        ["mainstream_share", 0.5],
        ["mean_length", 135],
        ["median_length", 135],
    ]


def test_it_gives_the_waiting_list_and_waiting_time(data):
    # Received in 2025: 2 Jan, 1 Mar, 1 Nov. Waiting on 31 Dec: the 1 Nov and the June 2024 ones.
    # s2 entered 30 days after its request.
    assert rows(figures.waiting_list) == [
        ["received", 3],
        ["waiting_at_end", 2],
        ["mean_wait", 30],
        ["median_wait", 30],
    ]


def test_it_counts_incidents_and_exclusions(data):
    assert rows(figures.incidents) == [["noise", 2], ["violence", 1], ["exclusions", 0]]


def test_it_counts_vouchers(data):
    # 2 weeks × 5 vouchers; 5 × 700 + 5 × 750 cents.
    assert rows(figures.vouchers) == [
        ["people", 1],
        ["weeks_given", 2],
        ["vouchers", 10],
        ["value", 7250],
        ["weeks_not_given", 1],
    ]


def test_it_computes_every_figure_of_both_reports(data):
    for audience, sections in figures.SECTIONS.items():
        computed = figures.compute(audience, START, END)
        keys = [
            figure.key
            for section in sections
            for figure in section.figures
            if figure.function is not None  # the summary is made from the other tables
        ]
        assert list(computed) == keys
        assert all(table is not None for table in computed.values())


def test_a_report_built_again_sees_what_changed_since_the_last_one(data):
    """compute() reads the file active and the situations at entry once for its figures, and
    afresh for the next report."""
    from tests.factories import NoteFactory, SituationAssessmentFactory

    before = figures.compute("ars", START, END)
    assert before["activity"]["rows"][0] == ["file_active", 4]
    r5 = data["residents"][4]
    NoteFactory(resident=r5, written_at=dataset.at(2025, 6, 1))
    SituationAssessmentFactory(resident=r5, assessed_on=dataset.d(2025, 6, 1), income=["aah"])
    after = figures.compute("ars", START, END)
    assert after["activity"]["rows"][0] == ["file_active", 5]
    assert ["aah", 1] in after["income_at_entry"]["rows"]
