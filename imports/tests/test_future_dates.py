"""Dates that cannot be in the future: a birth, a file's opening, a stay's entry or exit, an
admission request, a stock count. Each one after today, on Paris's calendar, is a problem of its
row, with its sheet, row and column, and the row is not imported."""

import datetime
from unittest import mock

import pytest
from django.utils import translation

from harmreduction.models import InventoryCount, Item, Location, StockLevel
from imports.checks import check
from imports.reading import read_upload
from imports.services import import_preview, import_run
from imports.tests.conftest import STAYS_HEADER, place, problems, xlsx
from placements.models import Placement
from residents.models import AdmissionRequest, Resident

pytestmark = pytest.mark.django_db

# 23:30 UTC on the 10th is already 01:30 on the 11th in Paris (summer time): the 11th is
# today, the 12th is the future.
AFTER_MIDNIGHT_IN_PARIS = datetime.datetime(2025, 6, 10, 23, 30, tzinfo=datetime.UTC)
TODAY, TOMORROW = "11/06/2025", "12/06/2025"


@pytest.fixture(autouse=True)
def paris_just_after_midnight():
    with (
        translation.override("fr"),
        mock.patch("django.utils.timezone.now", return_value=AFTER_MIDNIGHT_IN_PARIS),
    ):
        yield


@pytest.fixture
def stock(db):
    office = Location.objects.create(name="Local", kind="office")
    pipe = Item.objects.create(name="Pipe test", category="inhalation")
    kit = Item.objects.create(name="Paille test", category="inhalation")
    return office, pipe, kit


def spreadsheet() -> bytes:
    """One row dated tomorrow in each date that cannot be in the future, beside rows dated today
    (accepted: today in Paris, although still yesterday in UTC)."""
    return xlsx(
        {
            "Personnes": [
                ["Référence", "Nom d’usage", "Genre", "Date de naissance", "Dossier ouvert le"],
                ["A1", "Abdel", "H", TOMORROW, ""],
                ["L1", "Léa", "F", "", TODAY],
                ["Z1", "Zora", "F", "", TOMORROW],
            ],
            "Séjours": [
                STAYS_HEADER,
                ["L1", "Hôtel du Canal", "12", "", TOMORROW, "", ""],
                ["L1", "Hôtel du Canal", "14", "A", "01/06/2025", TOMORROW, "rue"],
                ["L1", "Hôtel du Canal", "15", "", "01/05/2025", TODAY, "rue"],
            ],
            "Demandes d’admission": [
                [
                    "Personne",
                    "Reçue le",
                    "Structure orienteuse",
                    "Situation psychique",
                    "Isolement",
                    "Vulnérabilité",
                    "Statut",
                    "Date de la décision",
                ],
                ["L1", TOMORROW, "Maraude", 2, 2, 2, "", ""],
                ["L1", TODAY, "CAARUD", 2, 2, 2, "admis", TODAY],
            ],
            "Stocks": [
                ["Lieu de stock", "Article", "Quantité", "Compté le"],
                ["Local", "Pipe test", 30, TOMORROW],
                ["Local", "Paille test", 12, TODAY],
            ],
        }
    )


def test_it_refuses_each_date_in_the_future_with_its_sheet_row_and_column(canal, stock):
    assert problems(check(read_upload(spreadsheet()))) == [
        (
            "Personnes",
            2,
            "Date de naissance",
            "La date de naissance ne peut pas être dans le futur.",
        ),
        (
            "Personnes",
            4,
            "Dossier ouvert le",
            "Un dossier ne peut pas être ouvert dans le futur.",
        ),
        (
            "Séjours",
            2,
            "Date d’entrée",
            "Ce séjour commence dans le futur : attribuez la place dans Ancrage le jour venu.",
        ),
        ("Séjours", 3, "Date de sortie", "Un séjour ne peut pas être clôturé à l’avance."),
        (
            "Demandes d’admission",
            2,
            "Reçue le",
            "La demande ne peut pas être datée dans le futur.",
        ),
        (
            "Stocks",
            2,
            "Compté le",
            "Un comptage de stock ne peut pas être daté dans le futur.",
        ),
    ]


def test_it_imports_the_rows_dated_today_and_none_dated_tomorrow(canal, stock, chloe):
    batch = import_preview(parsed=read_upload(spreadsheet()), file_name="t.xlsx", by=chloe)
    batch = import_run(batch=batch, by=chloe)

    assert batch.counts["total"] == {"created": 4, "skipped": 6}
    lea = Resident.objects.get()
    assert lea.nickname == "Léa"
    assert list(Placement.objects.values_list("place", "start", "end")) == [
        (place(canal, "15").pk, datetime.date(2025, 5, 1), datetime.date(2025, 6, 11))
    ]
    assert list(AdmissionRequest.objects.values_list("resident", "received_on")) == [
        (lea.pk, datetime.date(2025, 6, 11))
    ]
    office, pipe, kit = stock
    assert list(StockLevel.objects.values_list("item", "quantity")) == [(kit.pk, 12)]
    assert InventoryCount.objects.get().location == office
