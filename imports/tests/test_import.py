"""The import itself: valid rows recorded in one transaction through the apps' workflows, or
nothing with "all or nothing"; the same file twice adds nothing; every row in the change history
as an import by its user."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pghistory.models import Events

from harmreduction.models import (
    InventoryCount,
    Item,
    Location,
    StockLevel,
    StockMovement,
    VoucherLedgerLine,
    VoucherStock,
)
from imports.models import BatchStatus, ImportBatch, ImportedRow
from imports.reading import read_upload
from imports.services import import_preview, import_run
from imports.tests.conftest import PEOPLE_HEADER, STAYS_HEADER, day, place, xlsx
from placements.models import Placement
from placements.services import placement_assign
from residents.models import AdmissionRequest, Resident
from tests.factories import HotelFactory, PlaceFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def preview(data: bytes, by) -> ImportBatch:
    return import_preview(parsed=read_upload(data), file_name="tableur.xlsx", by=by)


def run(data: bytes, by, **options) -> ImportBatch:
    return import_run(batch=preview(data, by), by=by, **options)


def outcomes(batch: ImportBatch) -> list[tuple]:
    return [
        (row["sheet"], row["row"], row["outcome"]["result"], row["outcome"]["message"])
        for row in sorted(batch.rows, key=lambda row: row["index"])
    ]


@pytest.fixture
def stock_places(db):
    office = Location.objects.create(name="Local", kind="office")
    item = Item.objects.create(name="Pipe test", category="inhalation")
    return office, item


def whole_file(monday_before: datetime.date) -> bytes:
    return xlsx(
        {
            "Personnes": [
                [*PEOPLE_HEADER, "Téléphone", "Dossier ouvert le"],
                ["A1", "Abdel", "Abdelkader", "Benali", 1980, "H", "06 12 34 56 78", ""],
                ["L1", "Léa", "", "", "", "F", "", "02/01/2024"],
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
                ["A1", "10/01/2025", "Maraude", 3, 2, 4, "admis", "20/01/2025"],
                ["L1", "05/02/2025", "CSAPA", 2, 2, 2, "", ""],
            ],
            "Séjours": [
                [*STAYS_HEADER, "Motif de sortie", "Demande d’admission du"],
                [
                    "A1",
                    "Hôtel du Canal",
                    "12",
                    "",
                    "01/02/2025",
                    "01/06/2025",
                    "transfert",
                    "",
                    "10/01/2025",
                ],
                ["A1", "Hôtel du Canal", "15", "", "01/06/2025", "", "", "", ""],
            ],
            "Stocks": [
                ["Lieu de stock", "Article", "Quantité"],
                ["Local", "Pipe test", 30],
                ["", "Tickets service", 120],
            ],
        }
    )


def test_it_records_people_requests_stays_and_the_opening_stock(canal, chloe, stock_places):
    batch = run(whole_file(TODAY()), chloe)

    assert batch.status == BatchStatus.IMPORTED
    assert batch.counts["total"] == {"created": 8}
    abdel = Resident.objects.get(nickname="Abdel")
    lea = Resident.objects.get(nickname="Léa")
    assert (abdel.first_name, abdel.last_name, abdel.birth_year, abdel.gender, abdel.phone) == (
        "Abdelkader",
        "Benali",
        1980,
        "man",
        "06 12 34 56 78",
    )
    assert abdel.created_by == chloe
    # The file opens on the earliest date the spreadsheet gives, or the one it says.
    assert timezone.localdate(abdel.created_at) == day("2025-01-10")
    assert timezone.localdate(lea.created_at) == day("2024-01-02")
    request = AdmissionRequest.objects.get(resident=abdel)
    assert (request.status, request.decided_on, request.created_by) == (
        "admitted",
        day("2025-01-20"),
        chloe,
    )
    assert AdmissionRequest.objects.get(resident=lea).status == "waiting"
    first, following = Placement.objects.filter(resident=abdel).order_by("start")
    assert (first.place, first.end, first.exit_destination, first.admission) == (
        place(canal, "12"),
        day("2025-06-01"),
        "transfer",
        request,
    )
    assert (following.place, following.end, following.previous) == (place(canal, "15"), None, first)
    assert Placement.objects.entries().filter(resident=abdel).count() == 1
    # Stock levels: ledger lines, never a balance written.
    office, item = stock_places
    assert StockLevel.objects.get(location=office, item=item).quantity == 30
    movement = StockMovement.objects.get(location=office, item=item)
    assert (movement.kind, movement.quantity, movement.balance_after) == ("inventory", 30, 30)
    assert (
        InventoryCount.objects.get(location=office).note
        == f"Solde d’ouverture (import n° {batch.pk})"
    )
    assert VoucherStock.objects.get().balance == 120
    assert list(VoucherLedgerLine.objects.values_list("kind", "quantity", "balance_after")) == [
        ("receipt", 120, 120)
    ]
    assert ImportedRow.objects.filter(batch=batch).count() == 8


def test_it_plans_the_visits_of_a_current_stay_as_an_assignment_by_hand(canal, chloe):
    by_hand = Resident.objects.create(nickname="Momo")
    other_hotel = PlaceFactory(hotel=HotelFactory(name="Hôtel des Lilas"), room="3")
    start = TODAY() - datetime.timedelta(days=20)
    placement_assign(resident=by_hand, place=other_hotel, start=start, by=chloe)
    run(
        xlsx(
            {
                "Personnes": [
                    PEOPLE_HEADER,
                    ["A1", "Abdel", "", "", 1980, "H"],
                    ["P1", "Paco", "", "", 1970, "H"],
                ],
                "Séjours": [
                    STAYS_HEADER,
                    ["A1", "Hôtel du Canal", "12", "", start.strftime("%d/%m/%Y"), "", ""],
                    ["P1", "Hôtel du Canal", "15", "", "01/01/2025", "01/03/2025", "rue"],
                ],
            }
        ),
        chloe,
    )
    planned = Visit.objects.filter(resident__nickname="Abdel")
    assert planned.count() == Visit.objects.filter(resident=by_hand).count()
    assert {visit.placement.place.room for visit in planned} <= {"12"}
    # A stay that ended before today has nothing to plan.
    assert not Visit.objects.filter(resident__nickname="Paco").exists()


def test_the_same_file_twice_adds_nothing(canal, chloe, stock_places):
    data = whole_file(TODAY())
    run(data, chloe)
    counts = [
        model.objects.count()
        for model in (Resident, AdmissionRequest, Placement, StockMovement, VoucherLedgerLine)
    ]

    again = preview(data, chloe)
    assert {row["status"] for row in again.rows} == {"already"}
    assert again.rows[0]["warnings"][0]["message"].startswith("Déjà importée le ")
    again = import_run(batch=again, by=chloe)

    assert again.counts["total"] == {"already": 8}
    assert counts == [
        model.objects.count()
        for model in (Resident, AdmissionRequest, Placement, StockMovement, VoucherLedgerLine)
    ]


def _one_good_one_bad() -> bytes:
    return xlsx(
        {
            "Personnes": [
                PEOPLE_HEADER,
                ["A1", "Abdel", "", "", 1980, "H"],
                ["L1", "Léa", "", "", "vers 1990", "F"],
            ],
            "Séjours": [STAYS_HEADER, ["A1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""]],
        }
    )


def test_it_imports_the_valid_rows_and_says_why_the_others_were_not(canal, chloe):
    batch = run(_one_good_one_bad(), chloe)
    assert outcomes(batch) == [
        ("Personnes", 2, "created", ""),
        (
            "Personnes",
            3,
            "skipped",
            "Année de naissance : Ce n’est pas une année de naissance : quatre chiffres, de 1900 "
            f"à {TODAY().year}.",
        ),
        ("Séjours", 2, "created", ""),
    ]
    assert list(Resident.objects.values_list("nickname", flat=True)) == ["Abdel"]


def test_all_or_nothing_records_nothing_when_a_row_cannot_be_imported(canal, chloe):
    batch = preview(_one_good_one_bad(), chloe)
    with pytest.raises(ValidationError) as error:
        import_run(batch=batch, by=chloe, all_or_nothing=True)
    assert error.value.messages[0].startswith(
        "Tout ou rien : 1 lignes n’ont pas pu être importées, donc rien ne l’a été. "
        "ligne 3 de « Personnes » : Année de naissance : Ce n’est pas"
    )
    assert not Resident.objects.exists()
    assert not Placement.objects.exists()
    assert not ImportedRow.objects.exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_it_creates_a_probable_duplicate_only_when_asked(canal, chloe):
    Resident.objects.create(nickname="Abdel", birth_year=1980)
    data = xlsx(
        {
            "Personnes": [PEOPLE_HEADER, ["A1", "Abdel", "", "", 1980, "H"]],
            "Séjours": [STAYS_HEADER, ["A1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""]],
        }
    )
    batch = run(data, chloe)
    assert outcomes(batch) == [
        (
            "Personnes",
            2,
            "skipped",
            "Doublon probable d’un dossier existant : pas créé (voir l’aperçu).",
        ),
        (
            "Séjours",
            2,
            "skipped",
            "La personne de la ligne 2 de « Personnes » n’a pas été importée.",
        ),
    ]
    assert Resident.objects.count() == 1

    batch = run(data, chloe, create_duplicates=True)
    assert [outcome[2] for outcome in outcomes(batch)] == ["created", "created"]
    assert Resident.objects.filter(nickname="Abdel").count() == 2


def test_it_puts_rows_into_an_existing_file_given_by_its_number(canal, chloe):
    abdel = Resident.objects.create(nickname="Abdel", birth_year=1980)
    batch = run(
        xlsx(
            {
                "Personnes": [
                    ["Référence", "N° de dossier Ancrage", "Nom d’usage"],
                    ["A1", f"{abdel.pk}", "Abdel"],
                ],
                "Séjours": [STAYS_HEADER, ["A1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""]],
            }
        ),
        chloe,
    )
    assert [outcome[2] for outcome in outcomes(batch)] == ["unchanged", "created"]
    assert Resident.objects.count() == 1
    assert Placement.objects.get().resident == abdel


def test_it_skips_only_the_stay_whose_place_was_taken_since_the_preview(canal, chloe):
    batch = preview(
        xlsx(
            {
                "Personnes": [
                    PEOPLE_HEADER,
                    ["A1", "Abdel", "", "", 1980, "H"],
                    ["L1", "Léa", "", "", 1990, "F"],
                ],
                "Séjours": [
                    STAYS_HEADER,
                    ["A1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""],
                    ["L1", "Hôtel du Canal", "15", "", "01/02/2025", "", ""],
                ],
            }
        ),
        chloe,
    )
    momo = Resident.objects.create(nickname="Momo")
    placement_assign(resident=momo, place=place(canal, "12"), start=day("2025-03-01"), by=chloe)

    batch = import_run(batch=batch, by=chloe)

    assert outcomes(batch)[2:] == [
        (
            "Séjours",
            2,
            "skipped",
            "Cette place est déjà occupée par Momo depuis le 01/03/2025 (en cours).",
        ),
        ("Séjours", 3, "created", ""),
    ]
    assert Placement.objects.filter(resident__nickname="Léa").exists()
    assert not Placement.objects.filter(resident__nickname="Abdel").exists()


def test_every_imported_row_is_in_the_history_as_an_import_by_its_user(canal, chloe, stock_places):
    batch = run(whole_file(TODAY()), chloe)
    for model in (Resident, AdmissionRequest, Placement, StockMovement, VoucherLedgerLine):
        events = Events.objects.references(*model.objects.all()).filter(pgh_label="insert")
        assert events.exists(), model
        for event in events:
            assert event.pgh_context["user"] == chloe.pk, model
            assert event.pgh_context["import_batch"] == batch.pk, model


def test_a_batch_is_imported_once_and_not_after_its_preview_expired(canal, chloe, settings):
    batch = run(_one_good_one_bad(), chloe)
    with pytest.raises(ValidationError) as error:
        import_run(batch=batch, by=chloe)
    assert error.value.messages == ["Ce fichier a déjà été importé : voyez son bilan ci-dessous."]

    old = preview(_one_good_one_bad(), chloe)
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS + 1)
    )
    old.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        import_run(batch=old, by=chloe)
    assert error.value.messages == ["Cet aperçu a expiré : chargez à nouveau le fichier."]
