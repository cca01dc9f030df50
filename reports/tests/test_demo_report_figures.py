"""The figures of both 2025 reports on the demo data did not move when the code was reorganised.

`data/demo_2025_figures.json` holds every table of the ARS and the operator reports for 2025, on
the demo seeded as on 30 November 2026 in Paris (the demo draws its dates from "today", so the
clock is frozen at that moment). Its numbers were checked equal, table by table, to those computed
by the code as it stood before the person-data and access-policy refactoring (commit 111ead2);
only the typography of a few French labels differs there. Since then, one table was added on
purpose: the operator's exits by reason (`exits_by_reason`), when the exit's reason was recorded
apart from its destination; every other table kept its numbers. Rows are compared with their codes
turned into the labels printed (hotel ids differ from one database to another, names do not).

When a change of the figures is intended (a definition corrected, a field added to the demo),
regenerate the file with the change and say why in its commit.

Regenerated for issue 17 (definitions 1, 2, 5, 6): only these tables changed. ARS "deaths" is
now by source (stays ended by a death 0, overdoses died 1, people 1; was 0: a person of the
file active died of an overdose outside housing); ARS "two_visits_a_week" judges a week across
the person's stays (housed weeks 2485 → 2488, with two visits 2263 → 2266: mid-week transfers);
operator "exits_by_reason", added after this file was written, is now pinned too. The situation
at entry and the place-nights available did not move on the demo (no assessment after 2025 is
closer to an entry, no hotel left the scheme).

Issue 17, the operator's figures: ten tables added on purpose and pinned as the code gave them
(every table above kept its numbers): people_housed, out_of_service_by_hotel (no outage in 2025
on the demo: its total row only), absence_nights, waiting_list_outcomes, flows_by_month,
flows_by_hotel, transfers, length_of_stay_bands, incidents_by_hotel, voucher_weeks. Their
definitions are checked by hand in test_operator_figures.py.
"""

import datetime
import json
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from reports import figures

EXPECTED = Path(__file__).parent / "data" / "demo_2025_figures.json"
SEEDED_AT = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def printed(table: dict | None) -> dict | None:
    """A figure table as the report prints it: headers, and each code cell as its label."""
    if table is None:
        return None
    labels = table["labels"]
    kinds = [kind for _key, _header, kind in table["columns"]]
    return {
        "columns": [header for _key, header, _kind in table["columns"]],
        "rows": [
            [
                labels.get(str(cell), cell) if kind == "label" else cell
                for cell, kind in zip(row, kinds, strict=True)
            ]
            for row in table["rows"]
        ],
    }


@pytest.fixture
def demo_2025_figures(db):
    with time_machine.travel(SEEDED_AT, tick=False), translation.override("fr"):
        call_command("seed_demo", allow_production=True, verbosity=0)
        return {
            audience: {
                key: printed(table) for key, table in figures.compute(audience, *YEAR_2025).items()
            }
            for audience in ("ars", "operator")
        }


def test_it_gives_the_same_2025_figures_as_before_the_refactoring(demo_2025_figures):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    # Compare through JSON so that tuples, dates and lists read the same on both sides.
    actual = json.loads(json.dumps(demo_2025_figures, default=str))

    for audience in ("ars", "operator"):
        assert sorted(actual[audience]) == sorted(expected[audience]), audience
        for key in expected[audience]:
            assert actual[audience][key] == expected[audience][key], f"{audience}: {key}"
