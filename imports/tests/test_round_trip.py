"""The round trip: Ancrage's demo data written in the template's format (imports.exporting),
imported into a database holding only the hotels, places, stock locations and catalogue, give the
same 2025 activity reports, figure for figure, for the ARS and for the operator.

The demo is seeded without the apps the template does not carry (notes, visits, material handed
out…: `seed_demo`'s later seeders, and half a minute), and what the seeded apps hold beyond the
template — absences, incidents, situation and consumption assessments — is removed before the
first report: the figures compared are those the spreadsheets can carry, all of them.
"""

import datetime
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

from harmreduction.models import Item, Location, StockLevel, VoucherStock
from harmreduction.services import stock_receive, voucher_receive
from imports.exporting import export_xlsx
from imports.models import ImportBatch
from placements.models import Absence, Hotel, Incident, IncidentAction, Place, Placement
from reports import figures
from residents.models import (
    AdmissionRequest,
    ConsumptionAssessment,
    ConsumptionLine,
    Resident,
    SituationAssessment,
)

pytestmark = pytest.mark.django_db
SEEDERS = [
    "accounts.demo.seed",
    "placements.demo.seed",
    "residents.demo.seed",
    "placements.demo.seed_stays",
]
YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def _seed_the_demo(by) -> None:
    for path in SEEDERS:  # as seed_demo does, with its default seed
        import_string(path)(rng=random.Random(f"2024-{path}"), scale="demo")
    for model in (IncidentAction, Incident, Absence, ConsumptionLine, ConsumptionAssessment):
        model.objects.all().delete()
    SituationAssessment.objects.all().delete()
    office = Location.objects.create(name="Bureau", kind="office")
    bag = Location.objects.create(name="Sac de visite", kind="visit_bag")
    items = list(Item.objects.order_by("pk")[:4])
    stock_receive(
        location=office, quantities={item: 10 * (n + 1) for n, item in enumerate(items)}, by=by
    )
    stock_receive(location=bag, quantities={items[0]: 7}, by=by)
    voucher_receive(quantity=350, on=datetime.date(2025, 3, 1), by=by)


def _reports() -> dict:
    with translation.override("fr"):
        return {audience: figures.compute(audience, *YEAR_2025) for audience in ("ars", "operator")}


def _stock() -> dict:
    return {
        "levels": sorted(
            StockLevel.objects.filter(quantity__gt=0).values_list(
                "location__name", "item__name", "quantity"
            )
        ),
        "vouchers": VoucherStock.objects.get().balance,
    }


def _empty_the_case_files() -> None:
    """Everything the import brings back goes; the hotels, places, locations and catalogue stay."""
    with connection.cursor() as cursor:
        # The test's transaction still has foreign-key checks pending: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "TRUNCATE residents_resident, harmreduction_stocklevel, harmreduction_stockmovement, "
            "harmreduction_inventorycount, harmreduction_voucherstock, "
            "harmreduction_voucherledgerline CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_the_demo_data_come_back_with_the_same_2025_reports(client_for, chloe):
    _seed_the_demo(chloe)
    people, stays, requests = (
        Resident.objects.count(),
        Placement.objects.count(),
        AdmissionRequest.objects.count(),
    )
    assert stays > 100 and Placement.objects.filter(previous__isnull=False).exists()
    before, stock_before = _reports(), _stock()
    assert before["operator"]["entries"]["rows"][-1][1] > 10  # 2025 holds real activity
    workbook = export_xlsx()
    hotels, places = Hotel.objects.count(), Place.objects.count()

    _empty_the_case_files()
    assert not Resident.objects.exists() and not Placement.objects.exists()
    client = client_for(chloe)
    response = client.post(
        reverse("imports:import_start"), {"file": SimpleUploadedFile("demo.xlsx", workbook)}
    )
    batch = ImportBatch.objects.get()
    assert [row["problems"] for row in batch.rows if row["problems"]] == []
    assert batch.counts["total"] == {
        "new": people + stays + requests + len(stock_before["levels"]) + 1
    }
    page = client.get(response["Location"])
    client.post(response["Location"], {"form_token": page.context["form"].initial["form_token"]})

    assert (
        Resident.objects.count(),
        Placement.objects.count(),
        AdmissionRequest.objects.count(),
    ) == (
        people,
        stays,
        requests,
    )
    assert (Hotel.objects.count(), Place.objects.count()) == (hotels, places)
    after = _reports()
    for audience in ("ars", "operator"):
        for key, table in before[audience].items():
            assert after[audience][key] == table, f"{audience}: {key}"
    assert _stock() == stock_before


def test_the_export_is_a_filled_template():
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export_xlsx()))
    assert workbook.sheetnames == ["Personnes", "Séjours", "Demandes d’admission", "Stocks"]
