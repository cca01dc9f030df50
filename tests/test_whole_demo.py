"""Tests that need the whole demo (every app's seeder) share one seed, made once for the module.

Seeding the whole demo takes about twenty seconds, so it is done once, with the clock frozen at
30 November 2026 in Paris (the demo draws its dates from "today"), and each test runs in a
savepoint rolled back after it (`tests.shared_data`).

**The 2025 figures did not move when the code was reorganised.**
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

Then, for issue 17's figures the ARS asks for, nine ARS tables were added and pinned as the code
computed them on the demo (the file was not rewritten: they were appended to "ars", every other
table is byte for byte as before and the test found all of them unchanged): "contacts",
"sex_and_age", "age_summary", "material_recipients", "advice_by_topic",
"drug_checking_results", "collections_by_hotel", "referral_kinds",
"steps_by_kind_and_status". Their sums agree with the tables pinned before: gender × age adds up
to "sex" and "age", the referrals medical and social to "referrals" (60), the steps obtained by
kind to "steps_obtained", the sharps boxes and items per hotel to "harm_reduction_activity".

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
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from config.celery import app
from reports import figures
from residents.models import Resident
from tests import shared_data

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


def _seed_the_whole_demo() -> None:
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo", allow_production=True, verbosity=0)


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    yield from shared_data.built_once_for_the_module(django_db_blocker, _seed_the_whole_demo)


@pytest.fixture
def whole_demo(db, module_demo):
    """The whole demo as seeded on 30 November 2026; what a test writes is rolled back after it."""


@pytest.fixture
def demo_2025_figures(whole_demo):
    with time_machine.travel(SEEDED_AT, tick=False), translation.override("fr"):
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


def test_a_double_fire_of_beat_has_one_effect(whole_demo, settings, tmp_path):
    """Every periodic task, run twice in a row on the demo data: the second run changes no table
    (history included) and sends no e-mail. Beat may fire twice (a restart, two beats by mistake).
    The retention delay is shortened so that the retention task has files to anonymise."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.RETENTION_DAYS = 120
    app.loader.import_default_modules()
    tasks = [app.tasks[entry["task"]] for entry in settings.CELERY_BEAT_SCHEDULE.values()]

    def state() -> dict[str, int]:
        counts = {
            model._meta.db_table: model._base_manager.count()
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }
        return {**counts, "e-mails": len(mail.outbox)}

    for task in tasks:
        task.delay().get()
    after_once = state()
    assert after_once["e-mails"] > 0 and after_once["reports_report"] == 2
    assert Resident.objects.filter(anonymised_at__isnull=False).exists()
    for task in tasks:
        task.delay().get()
    changed = {
        table: (after_once[table], count)
        for table, count in state().items()
        if count != after_once[table]
    }
    assert changed == {}
