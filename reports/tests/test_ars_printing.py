"""How the ARS tables added for issue 17 print: people hidden when small, with complementary
suppression across the tables that count the same people; units in clear; ages in years.

Every table here is written by hand; the expected cells are worked out in the comments.
"""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports import rendering
from reports.tests.test_report_printing import (
    SMALL,
    _csv_rows,
    _report,
    _sheet,
    _table,
    _text_of_pdf,
)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def _sex_and_age_report():
    # Women 7 = 5 + 2, men 8 = 6 + 2; under 25: 11 = 5 + 6, 25 and over: 4 = 2 + 2.
    return _report(
        "ars",
        {
            "sex": _table(
                [["gender", "Genre", "label"], ["people", "Personnes", "count"]],
                [["woman", 7], ["man", 8]],
                {"woman": "Femme", "man": "Homme"},
            ),
            "age": _table(
                [["band", "Âge", "label"], ["people", "Personnes", "count"]],
                [["-24", 11], ["25-", 4]],
                {"-24": "Moins de 25 ans", "25-": "25 ans et plus"},
            ),
            "sex_and_age": _table(
                [
                    ["gender", "Genre", "label"],
                    ["-24", "Moins de 25 ans", "count"],
                    ["25-", "25 ans et plus", "count"],
                ],
                [["woman", 5, 2], ["man", 6, 2]],
                {"woman": "Femme", "man": "Homme"},
            ),
            "age_summary": _table(
                [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
                [["known", 15], ["mean", 37.4], ["median", 34.5]],
                {"known": "Âge connu", "mean": "Âge moyen", "median": "Âge médian"},
                {"known": "count", "mean": "years", "median": "years"},
            ),
        },
    )


def test_it_hides_a_second_cell_of_gender_and_age_when_the_gender_is_printed():
    # The 2s are hidden; with women 7 and men 8 printed, 5 and 6 would give them away: both
    # hide as "s". The ages known (15 = 11 + 4) would give the hidden 4 away: 11 hides too.
    # Women and men stay in clear: each has two hidden terms.
    report = _sex_and_age_report()
    assert _csv_rows(report, "sex_and_age") == [
        ["Genre", "Moins de 25 ans", "25 ans et plus"],
        ["Femme", "s", SMALL],
        ["Homme", "s", SMALL],
    ]
    assert _csv_rows(report, "sex") == [["Genre", "Personnes"], ["Femme", "7"], ["Homme", "8"]]
    assert _csv_rows(report, "age") == [
        ["Âge", "Personnes"],
        ["Moins de 25 ans", "s"],
        ["25 ans et plus", SMALL],
    ]


def test_it_prints_the_mean_and_median_age_in_years():
    report = _sex_and_age_report()
    assert _csv_rows(report, "age_summary") == [
        ["Indicateur", "Valeur"],
        ["Âge connu", "15"],
        ["Âge moyen", "37,4"],
        ["Âge médian", "34,5"],
    ]
    assert "Âge moyen 37,4 ans Âge médian 34,5 ans" in _text_of_pdf(report)


def _ars_report():
    return _report(
        "ars",
        {
            "contacts": _table(
                [
                    ["place", "Lieu du contact", "label"],
                    ["contacts", "Contacts", "count"],
                    ["people", "Personnes rencontrées", "count"],
                ],
                [
                    ["hotel", 30, 10],
                    ["office", 3, 2],
                    ["elsewhere", 12, 6],
                    ["all", 45, 14],
                ],
                {
                    "hotel": "À l’hôtel",
                    "office": "Au local",
                    "elsewhere": "Ailleurs",
                    "all": "Tous",
                },
            ),
            "drug_checking_results": _table(
                [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
                [
                    ["received", 12],
                    ["returned", 3],
                    ["not_returned", 9],
                    ["share_returned", 0.25],
                    ["returned_in_period", 7],
                ],
                {
                    "received": "Reçus",
                    "returned": "Rendus",
                    "not_returned": "Non rendus",
                    "share_returned": "Part rendue",
                    "returned_in_period": "Rendus dans la période",
                },
                {
                    "received": "count",
                    "returned": "count",
                    "not_returned": "count",
                    "share_returned": "share",
                    "returned_in_period": "count",
                },
            ),
            "collections_by_hotel": _table(
                [
                    ["hotel", "Hôtel", "label"],
                    ["sharps_boxes", "Collecteurs DASRI", "number"],
                    ["returned_items", "Matériel usagé rapporté", "number"],
                ],
                [["7", 2, 3], ["office", 1, 0], ["total", 3, 3]],
                {"7": "Hôtel Nord", "office": "Rapporté au local", "total": "Tous les lieux"},
            ),
        },
    )


def test_it_hides_a_second_place_of_contact_when_all_contacts_are_printed():
    # Office 3 hides; with 45 contacts printed, the smallest other place (12) hides too. The
    # people met are not a sum (a person met in two places counts once): only the 2 hides.
    assert _csv_rows(_ars_report(), "contacts") == [
        ["Lieu du contact", "Contacts", "Personnes rencontrées"],
        ["À l’hôtel", "30", "10"],
        ["Au local", SMALL, SMALL],
        ["Ailleurs", "s", "6"],
        ["Tous", "45", "14"],
    ]


def test_it_hides_the_results_not_given_back_and_the_share_when_those_given_back_are_few():
    # 12 = 3 + 9: the 3 hides, so the 9 and the share (3 / 12) hide as well.
    assert _csv_rows(_ars_report(), "drug_checking_results") == [
        ["Indicateur", "Valeur"],
        ["Reçus", "12"],
        ["Rendus", SMALL],
        ["Non rendus", "s"],
        ["Part rendue", "s"],
        ["Rendus dans la période", "7"],
    ]


def test_it_prints_the_used_material_collected_per_hotel_in_clear():
    report = _ars_report()
    assert _csv_rows(report, "collections_by_hotel") == [
        ["Hôtel", "Collecteurs DASRI", "Matériel usagé rapporté"],
        ["Hôtel Nord", "2", "3"],
        ["Rapporté au local", "1", "0"],
        ["Tous les lieux", "3", "3"],
    ]
    book = load_workbook(io.BytesIO(rendering.workbook(report)))
    sheet = _sheet(book, "Matériel usagé")
    assert [[cell.value for cell in row] for row in sheet.iter_rows()][1:] == [
        ["Hôtel Nord", 2, 3],
        ["Rapporté au local", 1, 0],
        ["Tous les lieux", 3, 3],
    ]
    assert "Hôtel Nord 2 3 Rapporté au local 1 0 Tous les lieux 3 3" in _text_of_pdf(report)
