"""Vouchers, material, naloxone, advice, samples and overdoses on the resident's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction import selectors
from harmreduction.models import AdviceSession, Overdose
from harmreduction.services import (
    naloxone_give,
    supply_give,
    voucher_cancel,
    voucher_give,
    voucher_record_missed,
)
from harmreduction.tests.conftest import LAST_MONDAY, THIS_MONDAY, TODAY
from residents.tests.test_timeline_cache import assert_every_table_read_is_declared
from residents.timeline import described, entries_for, source_entries
from tests.factories import ItemFactory, SampleFactory


def _titles(resident, user) -> list[str]:
    return [entry.title for entry in entries_for(resident, user) if entry.kind != "file"]


@pytest.mark.django_db
def test_it_tells_the_harm_reduction_story(alice, nina, housed, office, kit_base, stock, vouchers):
    resident = housed.resident
    nyxoid = ItemFactory(name="Nyxoid (nasal)", category="naloxone", unit="box")
    stock(office, {kit_base: 5, nyxoid: 1})
    vouchers(20)
    voucher_record_missed(resident=resident, week=LAST_MONDAY, reason="hospital", by=alice)
    wrong = voucher_give(resident=resident, week=THIS_MONDAY, by=alice, where="office")
    voucher_cancel(distribution=wrong, by=alice)
    voucher_give(resident=resident, week=THIS_MONDAY, by=nina, where="visit")
    supply_give(location=office, quantities={kit_base: 2}, by=alice, resident=resident)
    naloxone_give(item=nyxoid, location=office, training="full", by=nina, resident=resident)
    AdviceSession.objects.create(resident=resident, topics=["overdose"], held_by=nina)
    SampleFactory(resident=resident, presumed_product="Crack", collected_on=TODAY)
    Overdose.objects.create(
        resident=resident, outcome="recovered", naloxone_used=True, recorded_by=nina
    )

    titles = _titles(resident, alice)

    number = THIS_MONDAY.isocalendar().week
    assert titles.count(f"Tickets service de la semaine {number} remis") == 1
    assert f"Tickets service de la semaine {LAST_MONDAY.isocalendar().week} non remis" in titles
    assert "Matériel de réduction des risques remis (au local)" in titles
    assert "Kit de naloxone remis" in titles
    assert "Conseil de réduction des risques : Prévention des surdoses" in titles
    assert "Échantillon recueilli pour analyse : Crack" in titles
    assert "Surdose : rétabli·e sur place" in titles
    entries = {entry.title: entry for entry in entries_for(resident, alice)}
    assert entries["Kit de naloxone remis"].detail.startswith("Nyxoid (nasal) × 1")
    assert "5 tickets (35,00 €), pendant une visite à domicile, par" in (
        entries[f"Tickets service de la semaine {number} remis"].detail
    )


@pytest.mark.django_db
def test_it_appears_on_the_resident_page(client_for, marc, alice, housed, vouchers):
    vouchers(5)
    voucher_give(resident=housed.resident, week=THIS_MONDAY, by=alice, where="office")
    page = client_for(marc).get(reverse("residents:resident_detail", args=[housed.resident_id]))
    assert "Tickets service de la semaine" in page.content.decode()


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(alice, housed, office, kit_base, pipe, stock, vouchers):
    resident = housed.resident
    stock(office, {kit_base: 100, pipe: 100})
    vouchers(100)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            for source in selectors.TIMELINE_SOURCES:
                described(source_entries(source, resident, alice))
        return len(queries)

    def add(count: int) -> None:
        for _ in range(count):
            supply_give(
                location=office, quantities={kit_base: 1, pipe: 1}, by=alice, resident=resident
            )
            AdviceSession.objects.create(resident=resident, topics=["mixing"], held_by=alice)
            SampleFactory(resident=resident)

    voucher_give(resident=resident, week=LAST_MONDAY, by=alice, where="office")
    add(1)
    with_one = count_queries()
    voucher_give(resident=resident, week=THIS_MONDAY, by=alice, where="office")
    add(20)
    # read source by source here (the resident page reads every source's days in one query):
    # the days then the rows of vouchers; of handouts, then their lines with items and kits; of
    # advice; of samples; the days of overdoses (none).
    assert count_queries() == with_one == 10


@pytest.mark.django_db
def test_every_table_its_sources_read_is_declared(
    alice, nina, housed, office, kit_base, stock, vouchers
):
    """The resident page caches its timeline until a table a source declares changes
    (residents.timeline.cached): every table these sources read must be declared."""
    resident = housed.resident
    nyxoid = ItemFactory(name="Nyxoid (nasal)", category="naloxone", unit="box")
    stock(office, {kit_base: 5, nyxoid: 1})
    vouchers(20)
    voucher_record_missed(resident=resident, week=LAST_MONDAY, reason="hospital", by=alice)
    voucher_give(resident=resident, week=THIS_MONDAY, by=nina, where="visit")
    supply_give(location=office, quantities={kit_base: 2}, by=alice, resident=resident)
    naloxone_give(item=nyxoid, location=office, training="full", by=nina, resident=resident)
    AdviceSession.objects.create(resident=resident, topics=["overdose"], held_by=nina)
    SampleFactory(
        resident=resident, collected_on=TODAY, sent_on=TODAY, result_on=TODAY, result="Cocaïne"
    )
    Overdose.objects.create(resident=resident, outcome="recovered", recorded_by=nina)
    assert_every_table_read_is_declared(selectors.TIMELINE_SOURCES, resident, alice)
