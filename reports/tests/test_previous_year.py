"""Each table shows the same period a year earlier beside this one, computed the same way, and
the report opens with a one-page summary of its key figures and their change.

Expectations for 2024 (N-1) worked out from dataset.py's description: r1's stay began on 1 Nov
2024 (61 nights on place a1 in 2024, referred by an outreach team), r5 had a note in December
2024, and a request received on 1 June 2024 was still waiting at the end of 2024; nobody left.
"""

import datetime

import pytest

from reports import comparison, rendering
from reports.models import Report
from reports.tests import dataset
from reports.tests.conftest import pdf_text

d = dataset.d


@pytest.fixture
def tables(db):
    dataset.build()
    return {
        audience: comparison.compute_with_previous(audience, dataset.START, dataset.END)
        for audience in ("ars", "operator")
    }


def test_the_previous_period_is_the_same_days_a_year_earlier():
    assert comparison.previous_period(d(2025, 1, 1), d(2026, 1, 1)) == (
        d(2024, 1, 1),
        d(2025, 1, 1),
    )
    assert comparison.previous_period(d(2024, 2, 29), d(2024, 6, 1)) == (
        d(2023, 2, 28),
        d(2023, 6, 1),
    )
    assert comparison.previous_header(d(2025, 1, 1), d(2026, 1, 1)) == "(2024)"
    assert comparison.previous_header(d(2025, 3, 1), d(2026, 3, 1)) == "(N-1)"


def test_each_table_has_the_previous_years_values_after_its_own(tables):
    activity = tables["ars"]["activity"]
    assert [column[1] for column in activity["columns"]] == [
        "Indicateur",
        "Personnes",
        "Personnes (2024)",
    ]
    assert activity["rows"] == [["file_active", 4, 2], ["new_people", 2, 1], ["housed", 3, 1]]
    assert tables["operator"]["waiting_list"]["rows"][:2] == [
        ["received", 3, 2],
        ["waiting_at_end", 2, 1],
    ]


def test_a_row_of_the_previous_year_only_counts_zero_this_year_and_the_total_stays_last(tables):
    assert tables["operator"]["entries"]["rows"] == [
        ["hospital", 1, 0],
        ["unknown", 1, 0],
        ["outreach", 0, 1],
        ["total", 2, 1],
    ]


def test_months_are_matched_by_month_and_nights_by_hotel(tables):
    by_month = {row[0]: row for row in tables["operator"]["occupancy_by_month"]["rows"]}
    # February: 28 nights × 3 places in 2025, 29 × 3 in 2024; r1 housed from 1 Nov 2024.
    assert by_month["2025-02-01"][1:3] + by_month["2025-02-01"][4:6] == [56, 84, 0, 87]
    assert by_month["2025-11-01"][4] == 30
    hotels = tables["operator"]["places_and_hotels"]
    keys = [column[0] for column in hotels["columns"]]
    total = hotels["rows"][-1]
    assert total[keys.index("previous:nights")] == 61


def test_a_wide_table_compares_only_its_headline_columns(tables):
    referrals = tables["ars"]["referrals"]
    assert [column[0] for column in referrals["columns"]][-1] == "previous:total"
    assert sum(1 for column in referrals["columns"] if column[0].startswith("previous:")) == 1


def test_the_summary_gives_each_key_figure_with_last_years_and_the_change(tables):
    ars = {row[0]: row[1:] for row in tables["ars"]["summary"]["rows"]}
    assert ars["file_active"] == [4, 2, 1.0]  # +100 %
    assert ars["referrals"] == [3, 1, 2.0]  # the sum of the referrals table
    assert ars["deaths"] == [1, 0, None]  # no change from zero
    operator = {row[0]: row[1:] for row in tables["operator"]["summary"]["rows"]}
    assert operator["nights"] == [418, 61, round((418 - 61) / 61, 4)]
    # A rate changes in points: 38.5 % against 5.6 %.
    assert operator["occupancy"][2] == 33.0


def test_small_counts_are_hidden_year_by_year_and_a_change_from_a_hidden_count_too(make_report, db):
    dataset.build()
    report = make_report("ars")
    hidden = rendering.hidden_cells(report)
    # activity: 4 and 2 are both small; nothing else there to hide.
    assert hidden["activity"] == {
        (0, 1): "small",
        (0, 2): "small",
        (1, 1): "small",
        (1, 2): "small",
        (2, 1): "small",
        (2, 2): "small",
    }
    text = pdf_text(report)
    assert "Synthèse" in text
    assert "File active < 5 < 5 s" in text
    assert "Indicateur Personnes Personnes (2024)" in text


def test_a_summary_value_hidden_in_its_table_is_hidden_in_the_summary(make_report, db):
    dataset.build()
    report = make_report("operator")
    summary = report.figures["summary"]
    row = [r[0] for r in summary["rows"]].index("nights")
    # Nights are never hidden: printed as they are, with their change.
    printed = rendering.printed_rows(
        summary, hide_small=True, hidden=rendering.hidden_cells(report)["summary"]
    )
    assert printed[row][1:3] == ["418", "61"]
    exits = [r[0] for r in summary["rows"]].index("exits")
    assert printed[exits][1] == "<\u00a05"
    assert printed[exits][3] == "s"
    assert datetime.date(2025, 1, 1) == report.period_start


def test_the_previous_years_column_gets_its_own_complementary_suppression():
    # 2024: 3 + 12 + 8 = 23 entries: the 3 hides as "< 5" and, the total being printed, the
    # smallest other term (8) too. 2025's column has no small count and prints in clear.
    report = Report(
        audience="operator",
        period_start=d(2025, 1, 1),
        period_end=d(2025, 12, 31),
        version=1,
        figures={
            "entries": {
                "columns": [
                    ["structure", "Structure", "label"],
                    ["entries", "Entrées", "count"],
                    ["previous:entries", "Entrées (2024)", "count"],
                ],
                "rows": [
                    ["outreach", 10, 3],
                    ["hospital", 12, 12],
                    ["caarud", 8, 8],
                    ["total", 30, 23],
                ],
                "labels": {
                    "outreach": "Maraude",
                    "hospital": "Hôpital",
                    "caarud": "CAARUD",
                    "total": "Total",
                },
            }
        },
    )

    rows = rendering.printed_rows(
        report.figures["entries"], hide_small=True, hidden=rendering.hidden_cells(report)["entries"]
    )

    assert [row[1:] for row in rows] == [
        ["10", "<\u00a05"],
        ["12", "12"],
        ["8", "s"],
        ["30", "23"],
    ]
