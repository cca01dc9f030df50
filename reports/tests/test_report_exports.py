"""The report's spreadsheets read back: the workbook's cover and definitions sheets, its sheet
names, number formats, frozen headers and hidden cells; the CSV in French and ISO formats.

Every expectation is written by hand from the tables built here.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports import exports
from reports.figures import SECTIONS
from reports.models import Report
from reports.tests import dataset

SMALL = "< 5"


def _table(columns, rows, labels=None, kinds=None) -> dict:
    table = {"columns": columns, "rows": rows, "labels": labels or {}}
    if kinds:
        table["kinds"] = kinds
    return table


def _operator_report(**fields) -> Report:
    """An operator report of 2025, not saved: months, shares, days, euros, people hidden."""
    return Report(
        audience="operator",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        version=3,
        built_at=datetime.datetime(2026, 1, 2, 9, 30, tzinfo=datetime.UTC),
        organisation={
            "name": "Association Aurore",
            "address": "12 rue de l’Ourcq\n75019 Paris",
            "finess": "750012345",
            "signatory": "Sam Durand",
            "signatory_title": "Chef de service",
            "logo": "",
        },
        commentary={"places": "Occupation stable malgré la fermeture d’un hôtel."},
        figures={
            "occupancy_by_month": _table(
                [
                    ["month", "Mois", "month"],
                    ["nights", "Nuitées", "number"],
                    ["available", "Places-nuits disponibles", "number"],
                    ["occupancy", "Taux d’occupation", "share"],
                ],
                [["2025-01-01", 1500, 2000, 0.75], ["2025-02-01", 1000, 1600, 0.625]],
            ),
            "exits_by_destination": _table(
                [["destination", "Destination", "label"], ["exits", "Sorties", "count"]],
                [["social_housing", 3], ["street", 12], ["hospital", 8]],
                {
                    "social_housing": "Logement social",
                    "street": "=Retour à la rue",
                    "hospital": "Hospitalisation",
                },
            ),
            "stays": _table(
                [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
                [["exits", 23], ["mainstream_share", 3 / 23], ["mean_length", 100.25]],
                {
                    "exits": "Sorties",
                    "mainstream_share": "Part vers le logement",
                    "mean_length": "Durée moyenne",
                },
                {"exits": "count", "mainstream_share": "share", "mean_length": "days"},
            ),
            "vouchers": _table(
                [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
                [["vouchers", 520], ["value", 364050]],
                {"vouchers": "Tickets remis", "value": "Valeur des tickets remis"},
                {"vouchers": "number", "value": "euros"},
            ),
        },
        **fields,
    )


def _book(report):
    return load_workbook(io.BytesIO(exports.workbook(report)))


def _values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_it_opens_with_a_cover_sheet():
    book = _book(_operator_report())

    assert book.sheetnames[:2] == ["Couverture", "Définitions"]
    cover = dict(_values(book["Couverture"]))
    assert cover["Structure"] == "Association Aurore"
    assert cover["Adresse"] == "12 rue de l’Ourcq\n75019 Paris"
    assert cover["Numéro FINESS"] == "750012345"
    assert cover["Signataire"] == "Sam Durand, Chef de service"
    assert cover["Rapport"] == "Rapport d’activité – L’opérateur (hébergement hôtelier)"
    assert cover["Période"] == "Du 1 janvier 2025 au 31 décembre 2025"
    assert cover["Version"] == "3, projet (non finalisé)"
    # 9:30 UTC on 2 January is 10:30 in Paris, written as a date the spreadsheet reads.
    assert cover["Généré le"].isoformat() == "2026-01-02T10:30:00"
    assert "sommes fonctionnent" in cover["Cellules masquées"]


def test_it_says_the_date_a_version_was_finalised_on_its_cover():
    finalised = datetime.datetime(2026, 1, 15, 16, 0, tzinfo=datetime.UTC)
    book = _book(_operator_report(finalised_at=finalised))

    assert dict(_values(book["Couverture"]))["Version"] == "3, finalisée le 15 janvier 2026"


def test_it_defines_each_section_with_its_method_and_commentary():
    rows = _values(_book(_operator_report())["Définitions"])

    assert rows[0] == ["Section", "Méthode", "Commentaire de l’équipe", "Tableaux"]
    assert rows[1][0] == "1. Synthèse"  # the key figures, first
    assert rows[2][0] == "2. Places, nuitées et occupation"
    assert rows[2][1].startswith("Une nuitée appartient au jour où elle commence")
    assert rows[2][2] == "Occupation stable malgré la fermeture d’un hôtel."
    assert rows[2][3] == "Occupation par mois"
    assert len(rows) == 1 + len(SECTIONS["operator"])  # a row per section
    assert all(row[2] is None for row in [rows[1], *rows[3:]])  # no commentary written there


def test_it_formats_numbers_as_shares_euros_and_days():
    book = _book(_operator_report())

    months = book["Occupation par mois"]
    first_month, *values = _values(months)[1]
    assert (first_month.isoformat(), values) == ("2025-01-01T00:00:00", [1500, 2000, 0.75])
    assert months["A2"].number_format == "mmmm yyyy"
    assert months["B2"].number_format == "#,##0"
    assert months["D2"].number_format == "0.0 %"
    stays = book["Durée de séjour"]
    assert stays["B4"].value == 100.25
    assert stays["B4"].number_format == "0.0"
    vouchers = book["Tickets service remis"]
    assert vouchers["B3"].value == 3640.5
    assert vouchers["B3"].number_format == '#,##0.00 "€"'


def test_it_freezes_the_header_row_and_the_labels():
    book = _book(_operator_report())

    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes in ("A2", "B2"), name
        assert all(cell.font.bold for cell in book[name][1]), name


def test_it_leaves_hidden_cells_empty_with_their_mark_as_a_comment():
    # 3 + 12 + 8 = 23 exits: "< 5" for the 3 and, as 23 is printed, "s" for the 8.
    book = _book(_operator_report())
    sheet = book["Sorties par destination"]

    assert _values(sheet) == [
        ["Destination", "Sorties"],
        ["Logement social", None],
        ["'=Retour à la rue", 12],  # a label never becomes a formula
        ["Hospitalisation", None],
    ]
    assert sheet["B2"].comment.text == SMALL
    assert sheet["B4"].comment.text == "s"
    # A sum the user adds over the column reads numbers and empty cells only.
    assert all(
        isinstance(cell.value, int | type(None))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=2)
    )
    assert book["Durée de séjour"]["B3"].value is None  # the share to housing, worked out from 3


def test_it_names_sheets_readably_within_31_characters():
    used = {"Couverture", "Définitions"}

    names = [
        exports.sheet_name("Entrées et sorties par mois et par hôtel du dispositif", used),
        exports.sheet_name("Entrées et sorties par mois et par hôtel du programme", used),
        exports.sheet_name("Démarches : obtenues / en cours [total]", used),
        exports.sheet_name("définitions", used),
    ]

    assert names == [
        "Entrées et sorties par mois et",
        "Entrées et sorties par mois (2)",
        "Démarches obtenues en cours",
        "définitions (2)",
    ]
    assert all(len(name) <= 31 for name in names)


def test_it_writes_a_workbook_every_sheet_of_which_is_unique_and_short(db, make_report):
    dataset.build()
    for audience in ("ars", "operator"):
        book = load_workbook(io.BytesIO(exports.workbook(make_report(audience))))
        assert len(set(book.sheetnames)) == len(book.sheetnames)
        assert all(len(name) <= 31 for name in book.sheetnames)


# --- CSV ------------------------------------------------------------------------------------


def _csv(report, key, *, iso=False, delimiter=";"):
    return list(
        csv.reader(io.StringIO(exports.table_csv(report, key, iso=iso)), delimiter=delimiter)
    )


def test_it_writes_a_csv_the_french_way_by_default():
    report = _operator_report()

    assert _csv(report, "occupancy_by_month") == [
        ["Mois", "Nuitées", "Places-nuits disponibles", "Taux d’occupation"],
        ["01/01/2025", "1500", "2000", "0,75"],
        ["01/02/2025", "1000", "1600", "0,625"],
    ]
    assert _csv(report, "vouchers")[2] == ["Valeur des tickets remis", "3640,5"]
    assert _csv(report, "exits_by_destination")[1:] == [
        ["Logement social", SMALL],
        ["'=Retour à la rue", "12"],
        ["Hospitalisation", "s"],
    ]


def test_it_writes_a_csv_in_iso_formats_on_request():
    report = _operator_report()

    assert _csv(report, "occupancy_by_month", iso=True, delimiter=",") == [
        ["Mois", "Nuitées", "Places-nuits disponibles", "Taux d’occupation"],
        ["2025-01-01", "1500", "2000", "0.75"],
        ["2025-02-01", "1000", "1600", "0.625"],
    ]
    assert _csv(report, "stays", iso=True, delimiter=",")[3] == ["Durée moyenne", "100.25"]


def test_it_downloads_the_iso_csv_and_refuses_an_unknown_format(client_for, marc, make_report):
    report = make_report("operator")
    url = reverse("reports:report_csv", args=[report.pk, "occupancy_by_month"])
    client = client_for(marc)

    iso = client.get(url, {"format": "iso"})
    french = client.get(url)
    unknown = client.get(url, {"format": "xls"})

    assert iso.status_code == french.status_code == 200
    # January: no night, no place (nor in January 2024); the rate is empty.
    assert iso.content.decode("utf-8-sig").splitlines()[1] == "2025-01-01,0,0,,0,0,"
    assert french.content.decode("utf-8-sig").splitlines()[1] == "01/01/2025;0;0;;0;0;"
    assert unknown.status_code == 400
    assert "Format CSV inconnu" in unknown.text


@pytest.mark.parametrize("name", ["reports:report_xlsx", "reports:report_csv"])
def test_it_keeps_the_workbook_of_a_report_as_built(client_for, marc, make_report, name):
    report = make_report("operator")
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now())
    args = [report.pk] if name == "reports:report_xlsx" else [report.pk, "stays"]

    assert client_for(marc).get(reverse(name, args=args)).status_code == 200
