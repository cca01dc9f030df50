"""The preview: each row as it will be recorded, and each problem, in French, with its sheet, row
and column, including conflicts with what Ancrage already holds."""

import datetime

import pytest
from django.utils import timezone, translation

from harmreduction.models import Item, Location, LocationKind, VoucherStock
from imports.checks import check
from imports.reading import read_upload
from imports.tests.conftest import PEOPLE_HEADER, STAYS_HEADER, day, place, problems, warnings, xlsx
from placements.models import Placement, PlaceOutage
from residents.models import AdmissionRequest, Resident

pytestmark = pytest.mark.django_db
ADMISSIONS_HEADER = [
    "Personne",
    "Reçue le",
    "Structure orienteuse",
    "Situation psychique",
    "Isolement",
    "Vulnérabilité",
    "Statut",
    "Date de la décision",
    "Motif de la décision",
]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def preview(people=(), stays=(), admissions=(), stocks=None) -> list[dict]:
    sheets = {}
    if people:
        sheets["Personnes"] = [PEOPLE_HEADER, *people]
    if stays:
        sheets["Séjours"] = [STAYS_HEADER, *stays]
    if admissions:
        sheets["Demandes d’admission"] = [ADMISSIONS_HEADER, *admissions]
    if stocks:
        sheets["Stocks"] = [["Lieu de stock", "Article", "Quantité"], *stocks]
    return check(read_upload(xlsx(sheets)))


def by_row(rows, sheet, number) -> dict:
    return next(row for row in rows if row["sheet"] == sheet and row["row"] == number)


def test_it_shows_each_row_as_it_will_be_recorded(canal):
    rows = preview(
        people=[["A1", "Abdel", "Abdelkader", "", 1980, "H"]],
        stays=[["A1", "canal", "14", "b", "03/02/2025", "2025-03-15", "rue"]],
    )
    person, stay = rows
    assert (person["status"], person["problems"], person["warnings"]) == ("new", [], [])
    assert person["shown"][:6] == ["A1", "", "Abdel", "Abdelkader", "", "1980"]
    assert person["shown"][6:8] == ["", "Homme"]
    assert stay["status"] == "new"
    assert stay["shown"][:7] == [
        "Abdel",
        "Hôtel du Canal",
        "Chambre 14 B (Hôtel du Canal)",
        "b",
        "03/02/2025",
        "15/03/2025",
        "Retour à la rue",
    ]
    assert stay["links"]["place"] == place(canal, "14", "B").pk


def test_it_names_the_occupant_and_the_dates_of_a_place_taken_in_ancrage(canal):
    abdel = Resident.objects.create(nickname="Abdel")
    Placement.objects.create(
        resident=abdel,
        place=place(canal, "12"),
        start=day("2025-02-03"),
        end=day("2025-03-15"),
        exit_destination="street",
        exit_reason="unknown",
    )
    Placement.objects.create(
        resident=Resident.objects.create(nickname="Momo"),
        place=place(canal, "15"),
        start=day("2025-06-01"),
    )
    rows = preview(
        people=[["L1", "Léa", "", "", 1990, "F"], ["S1", "Sami", "", "", 1985, "H"]],
        stays=[
            ["L1", "Hôtel du Canal", "12", "", "01/03/2025", "", ""],
            ["S1", "Hôtel du Canal", "15", "", "01/01/2026", "", ""],
        ],
    )
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Chambre",
            "Chambre 12 (Hôtel du Canal) est déjà occupée par Abdel du 03/02/2025 au 15/03/2025.",
        ),
        (
            "Séjours",
            3,
            "Chambre",
            "Chambre 15 (Hôtel du Canal) est déjà occupée par Momo depuis le 01/06/2025 "
            "(séjour en cours).",
        ),
    ]


def test_it_finds_a_double_booking_within_the_file(canal):
    rows = preview(
        people=[["A1", "Abdel", "", "", 1980, "H"], ["L1", "Léa", "", "", 1990, "F"]],
        stays=[
            ["A1", "Hôtel du Canal", "12", "", "03/02/2025", "15/03/2025", "rue"],
            ["L1", "Hôtel du Canal", "12", "", "10/03/2025", "", ""],
            ["A1", "Hôtel du Canal", "15", "", "01/03/2025", "02/03/2025", "rue"],
        ],
    )
    assert problems(rows) == [
        (
            "Séjours",
            3,
            "Chambre",
            "Chambre 12 (Hôtel du Canal) est déjà occupée par Abdel (ligne 2 de « Séjours ») "
            "du 03/02/2025 au 15/03/2025.",
        ),
        (
            "Séjours",
            4,
            "Date d’entrée",
            "Abdel (ligne 2 de « Séjours ») a déjà une place du 03/02/2025 au 15/03/2025 : "
            "Chambre 12 (Hôtel du Canal).",
        ),
    ]


def test_it_finds_a_person_housed_elsewhere_in_ancrage(canal):
    abdel = Resident.objects.create(nickname="Abdel", birth_year=1980)
    Placement.objects.create(resident=abdel, place=place(canal, "15"), start=day("2025-01-01"))
    rows = preview(stays=[[f"n° {abdel.pk}", "Hôtel du Canal", "12", "", "01/03/2025", "", ""]])
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Date d’entrée",
            "Abdel a déjà une place depuis le 01/01/2025 (séjour en cours) : "
            "Chambre 15 (Hôtel du Canal).",
        )
    ]


def test_it_refuses_a_place_out_of_service(canal):
    PlaceOutage.objects.create(
        place=place(canal, "12"), start=day("2025-01-10"), end=day("2025-02-10"), reason="Travaux"
    )
    rows = preview(
        people=[["A1", "Abdel", "", "", 1980, "H"]],
        stays=[["A1", "Hôtel du Canal", "12", "", "01/01/2025", "01/03/2025", "rue"]],
    )
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Chambre",
            "Chambre 12 (Hôtel du Canal) est hors service depuis le 10/01/2025 : Travaux.",
        )
    ]


def test_it_names_an_unknown_hotel_room_or_bed(canal):
    rows = preview(
        people=[["A1", "Abdel", "", "", 1980, "H"]],
        stays=[
            ["A1", "Hôtel Lune", "12", "", "01/01/2025", "02/01/2025", "rue"],
            ["A1", "Hôtel du Canal", "99", "", "03/01/2025", "04/01/2025", "rue"],
            ["A1", "Hôtel du Canal", "14", "", "05/01/2025", "06/01/2025", "rue"],
            ["A1", "Hôtel du Canal", "14", "C", "07/01/2025", "08/01/2025", "rue"],
        ],
    )
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Hôtel",
            "Hôtel inconnu : « Hôtel Lune » n’est pas un hôtel d’Ancrage (Hôtel du Canal).",
        ),
        ("Séjours", 3, "Chambre", "Hôtel du Canal n’a pas de chambre 99."),
        (
            "Séjours",
            4,
            "Lit",
            "La chambre 14 (Hôtel du Canal) a plusieurs lits (A, B) : précisez le lit.",
        ),
        ("Séjours", 5, "Lit", "Hôtel du Canal n’a pas de chambre 14 C."),
    ]


def test_it_finds_a_probable_duplicate_with_the_residents_search(canal):
    existing = Resident.objects.create(nickname="Abdel", last_name="Benali", birth_year=1980)
    rows = preview(
        people=[
            ["A1", "abdel", "", "Benali", 1980, "H"],
            ["A2", "Abdel", "", "", 1950, "H"],
            ["Z1", "Zora", "", "", 1990, "F"],
        ]
    )
    assert [row["status"] for row in rows] == ["duplicate", "new", "new"]
    assert warnings(rows) == [
        (
            "Personnes",
            2,
            "Nom d’usage",
            f"Doublon probable : cette personne ressemble à dossier n° {existing.pk} « Abdel » – "
            "Benali – né·e en 1980, déjà dans Ancrage. Pour utiliser ce dossier, écrivez son "
            "numéro dans la colonne « N° de dossier Ancrage » ; pour créer quand même un nouveau "
            "dossier, cochez la case avant d’importer.",
        )
    ]
    assert rows[0]["links"]["duplicates"] == [existing.pk]


def test_it_uses_an_existing_file_by_its_number(canal):
    abdel = Resident.objects.create(nickname="Abdel", birth_year=1980)
    sheets = {
        "Personnes": [
            ["Référence", "N° de dossier Ancrage", "Nom d’usage"],
            ["A1", str(abdel.pk), "Abdel B."],
            ["X1", "99999", "Personne"],
        ],
        "Séjours": [STAYS_HEADER, ["A1", "Hôtel du Canal", "12", "", "01/03/2025", "", ""]],
    }
    rows = check(read_upload(xlsx(sheets)))
    assert [row["status"] for row in rows] == ["existing", "error", "new"]
    assert rows[0]["links"]["resident"] == abdel.pk
    assert problems(rows) == [
        ("Personnes", 3, "N° de dossier Ancrage", "Il n’y a pas de dossier n° 99999 dans Ancrage.")
    ]


def test_it_refuses_an_unknown_or_ambiguous_person(canal):
    rows = preview(
        people=[["", "Abdel", "", "", 1980, "H"], ["", "Abdel", "Abdelkader", "", 1975, "H"]],
        stays=[
            ["Inconnu", "Hôtel du Canal", "12", "", "01/03/2025", "", ""],
            ["Abdel", "Hôtel du Canal", "15", "", "01/03/2025", "", ""],
        ],
    )
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Personne",
            "Personne inconnue : « Inconnu » ne figure pas dans la feuille « Personnes » (par sa "
            "référence ou son nom d’usage) et n’est pas un numéro de dossier écrit « n° 123 ».",
        ),
        (
            "Séjours",
            3,
            "Personne",
            "Plusieurs personnes s’appellent « Abdel » dans la feuille « Personnes » : "
            "désignez-les par leur référence.",
        ),
    ]


def test_it_refuses_the_same_person_twice_and_a_reference_for_two_people():
    rows = preview(
        people=[
            ["A1", "Abdel", "", "", 1980, "H"],
            ["A1", "Abdel", "", "", 1980, "H"],
            ["A1", "Léa", "", "", 1990, "F"],
        ]
    )
    assert problems(rows) == [
        ("Personnes", 3, "", "Cette personne figure déjà à la ligne 2 de « Personnes »."),
        (
            "Personnes",
            4,
            "Référence",
            "Cette référence désigne déjà une autre personne (ligne 2 de « Personnes »).",
        ),
    ]


def test_it_checks_a_person_as_the_file_form_does():
    next_year = timezone.localdate().year + 1
    sheets = {
        "Personnes": [
            [
                "Nom d’usage",
                "Année de naissance",
                "Date de naissance",
                "Informé·e du traitement des données le",
            ],
            ["", 1980, "", ""],
            ["Abdel", 1980, "03/05/1981", ""],
            ["Léa", next_year, "", ""],
            ["Zora", "", "", "01/01/2999"],
        ]
    }
    assert problems(check(read_upload(xlsx(sheets)))) == [
        ("Personnes", 2, "Nom d’usage", "Cette case est obligatoire."),
        (
            "Personnes",
            3,
            "Année de naissance",
            "L’année de naissance ne correspond pas à la date de naissance (03/05/1981).",
        ),
        (
            "Personnes",
            4,
            "Année de naissance",
            f"Ce n’est pas une année de naissance : quatre chiffres, de 1900 à {next_year - 1}.",
        ),
        (
            "Personnes",
            5,
            "Informé·e du traitement des données le",
            "La date d’information de la personne ne peut pas être dans le futur.",
        ),
    ]


def test_it_does_not_import_the_rows_of_a_person_with_a_problem(canal):
    rows = preview(
        people=[["A1", "Abdel", "", "", "vers 1980", "H"]],
        stays=[["A1", "Hôtel du Canal", "12", "", "01/03/2025", "", ""]],
    )
    assert [row["status"] for row in rows] == ["error", "error"]
    assert problems(rows)[1] == (
        "Séjours",
        2,
        "",
        "Ligne 2 de « Personnes » a un problème : cette ligne ne peut pas être importée non plus.",
    )


def test_it_checks_the_dates_and_the_exit_of_a_stay(canal):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    rows = preview(
        people=[["A1", "Abdel", "", "", 1980, "H"]],
        stays=[
            ["A1", "Hôtel du Canal", "12", "", "05/01/2025", "05/01/2025", "rue"],
            ["A1", "Hôtel du Canal", "12", "", "01/02/2025", tomorrow, "rue"],
            ["A1", "Hôtel du Canal", "12", "", tomorrow, "", ""],
            ["A1", "Hôtel du Canal", "15", "", "01/03/2025", "10/03/2025", ""],
            ["A1", "Hôtel du Canal", "15", "", "01/04/2025", "", "rue"],
            ["A1", "Hôtel du Canal", "15", "", "31/02/2025", "", ""],
        ],
    )
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "Date de sortie",
            "La date de sortie doit être postérieure à la date d’entrée.",
        ),
        ("Séjours", 3, "Date de sortie", "Un séjour ne peut pas être clôturé à l’avance."),
        (
            "Séjours",
            4,
            "Date d’entrée",
            "Ce séjour commence dans le futur : attribuez la place dans Ancrage le jour venu.",
        ),
        (
            "Séjours",
            5,
            "Orientation de sortie",
            "Un séjour terminé doit indiquer son orientation de sortie.",
        ),
        (
            "Séjours",
            6,
            "Orientation de sortie",
            "Une orientation de sortie va avec une date de sortie : indiquez-la, ou laissez les "
            "deux vides.",
        ),
        ("Séjours", 7, "Date d’entrée", "Cette date n’existe pas : écrivez-la jj/mm/aaaa."),
    ]


def test_it_links_a_transfer_to_the_next_stay_and_refuses_one_without(canal):
    rows = preview(
        people=[["A1", "Abdel", "", "", 1980, "H"], ["L1", "Léa", "", "", 1990, "F"]],
        stays=[
            ["A1", "Hôtel du Canal", "12", "", "01/01/2025", "01/02/2025", "Transfert"],
            ["A1", "Hôtel du Canal", "15", "", "01/02/2025", "", ""],
            ["L1", "Hôtel du Canal", "14", "A", "01/01/2025", "01/02/2025", "Transfert"],
        ],
    )
    first, following = rows[2], rows[3]
    assert following["links"]["previous_row"] == first["index"]
    assert problems(rows) == [
        (
            "Séjours",
            4,
            "Orientation de sortie",
            "Un transfert se poursuit dans le séjour suivant de la personne, qui commence le jour "
            "de la sortie : ajoutez ce séjour à cette feuille.",
        )
    ]


def test_it_links_a_stay_to_its_admission_request(canal):
    sheets = {
        "Personnes": [PEOPLE_HEADER, ["A1", "Abdel", "", "", 1980, "H"]],
        "Séjours": [
            [*STAYS_HEADER, "Demande d’admission du"],
            ["A1", "Hôtel du Canal", "12", "", "01/03/2025", "", "", "10/01/2025"],
            ["A1", "Hôtel du Canal", "15", "", "01/01/2025", "01/02/2025", "rue", "05/05/2024"],
        ],
        "Demandes d’admission": [
            ADMISSIONS_HEADER,
            ["A1", "10/01/2025", "Maraude", 3, 2, 4, "Admis·e", "20/02/2025", ""],
        ],
    }
    rows = check(read_upload(xlsx(sheets)))
    request = by_row(rows, "Demandes d’admission", 2)
    assert by_row(rows, "Séjours", 2)["links"]["admission_row"] == request["index"]
    assert problems(rows) == [
        (
            "Séjours",
            3,
            "Demande d’admission du",
            "Abdel n’a pas de demande d’admission reçue le 05/05/2024, ni dans la feuille "
            "« Demandes d’admission » ni dans Ancrage.",
        )
    ]


def test_it_checks_requests_and_the_waiting_list(canal):
    abdel = Resident.objects.create(nickname="Abdel")
    AdmissionRequest.objects.create(
        resident=abdel,
        received_on=day("2025-01-05"),
        referring_structure="outreach",
        psychic_situation=2,
        isolation=2,
        vulnerability=2,
    )
    rows = preview(
        people=[["L1", "Léa", "", "", 1990, "F"]],
        admissions=[
            [f"n° {abdel.pk}", "01/02/2025", "CAARUD", 2, 2, 2, "", "", ""],
            ["L1", "01/02/2025", "Maraude", 2, 2, 2, "", "", ""],
            ["L1", "01/03/2025", "Maraude", 2, 2, 2, "en attente", "", ""],
            ["L1", "01/01/2024", "Maraude", 2, 2, 2, "refusée", "01/02/2024", ""],
            ["L1", "01/01/2023", "Maraude", 2, 2, 2, "admis", "", ""],
            ["L1", "01/01/2022", "Maraude", 2, 2, 2, "admis", "01/12/2021", ""],
            ["L1", "01/01/2021", "Hôpital", 5, 2, 2, "", "02/02/2021", ""],
        ],
    )
    assert problems(rows) == [
        (
            "Demandes d’admission",
            2,
            "Statut",
            "Abdel a déjà une demande sur la liste d’attente dans Ancrage (reçue le 05/01/2025).",
        ),
        (
            "Demandes d’admission",
            4,
            "Statut",
            "Cette personne a déjà une demande en attente à la ligne 3 de "
            "« Demandes d’admission ».",
        ),
        ("Demandes d’admission", 5, "Motif de la décision", "Indiquez le motif du refus."),
        ("Demandes d’admission", 6, "Date de la décision", "Indiquez la date de la décision."),
        (
            "Demandes d’admission",
            7,
            "Date de la décision",
            "La décision ne peut pas précéder la demande.",
        ),
        ("Demandes d’admission", 8, "Situation psychique", "Indiquez un niveau de 1 à 4."),
        (
            "Demandes d’admission",
            8,
            "Date de la décision",
            "Une demande en attente n’a pas de date de décision : laissez-la vide.",
        ),
        (
            "Demandes d’admission",
            8,
            "Statut",
            "Cette personne a déjà une demande en attente à la ligne 3 de "
            "« Demandes d’admission ».",
        ),
    ]


def test_it_checks_stock_levels_against_the_catalogue():
    office = Location.objects.create(name="Local", kind=LocationKind.OFFICE)
    Location.objects.create(name="Sac A", kind="visit_bag")
    Item.objects.create(name="Pipe test", category="inhalation")
    VoucherStock.objects.update_or_create(pk=1, defaults={"balance": 40})
    rows = preview(
        stocks=[
            ["Local", "Pipe test", 30],
            ["Local", "Pipe test", 35],
            ["Cave", "Pipe test", 2],
            ["Local", "Pipe en or", 2],
            ["", "Tickets service", 20],
            ["Local", "Pipe test", -2],
        ]
    )
    assert problems(rows) == [
        (
            "Stocks",
            3,
            "Article",
            "Cet article et ce lieu sont déjà comptés à la ligne 2 de « Stocks ».",
        ),
        (
            "Stocks",
            4,
            "Lieu de stock",
            "Lieu inconnu : « Cave » n’est pas un lieu de stock (Local, Sac A).",
        ),
        (
            "Stocks",
            5,
            "Article",
            "Article inconnu : « Pipe en or » n’est pas dans le catalogue d’Ancrage.",
        ),
        (
            "Stocks",
            6,
            "Quantité",
            "Il y a déjà 40 tickets service en stock : un solde d’ouverture ne peut pas le "
            "diminuer. Enregistrez les tickets perdus ou rendus sur la page du stock de tickets.",
        ),
        ("Stocks", 7, "Quantité", "Indiquez un nombre entier de 0 à 1 000 000."),
        (
            "Stocks",
            7,
            "Article",
            "Cet article et ce lieu sont déjà comptés à la ligne 2 de « Stocks ».",
        ),
    ]
    assert by_row(rows, "Stocks", 2)["links"]["location"] == office.pk
    assert problems(preview(stocks=[["Sac A", "Tickets service", 50]])) == [
        (
            "Stocks",
            2,
            "Lieu de stock",
            "Les tickets service sont comptés dans un seul stock : laissez le lieu vide.",
        )
    ]


def test_it_reads_a_transfers_reason_and_refuses_one_on_a_stay_that_is_not_a_transfer(canal):
    sheets = {
        "Personnes": [PEOPLE_HEADER, ["A1", "Abdel", "", "", 1980, "H"]],
        "Séjours": [
            [*STAYS_HEADER, "Raison du transfert"],
            ["A1", "Hôtel du Canal", "12", "", "01/01/2025", "01/02/2025", "Transfert", "travaux"],
            ["A1", "Hôtel du Canal", "15", "", "01/02/2025", "01/03/2025", "rue", "travaux"],
        ],
    }
    rows = check(read_upload(xlsx(sheets)))
    assert by_row(rows, "Séjours", 2)["data"]["transfer_reason"] == "works"
    assert problems(rows) == [
        (
            "Séjours",
            2,
            "",
            "Le séjour qui poursuit ce transfert (ligne 3 de « Séjours ») a un problème.",
        ),
        (
            "Séjours",
            3,
            "Raison du transfert",
            "Une raison de transfert va avec l’orientation de sortie « Transfert ».",
        ),
    ]
