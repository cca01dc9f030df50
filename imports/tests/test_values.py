"""What a cell may hold, read the way teams write it, and the French message when it cannot."""

import datetime

import pytest
from django.utils import timezone, translation

from imports import values
from imports.values import CellError

D = datetime.date


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def message(reader, raw, *args) -> str:
    with pytest.raises(CellError) as error:
        reader(raw, *args)
    return error.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "03/02/2025",
        "3/2/2025",
        "03-02-2025",
        "03.02.2025",
        "2025-02-03",
        "2025-02-03 00:00:00",
        "03/02/2025 00:00:00",
        datetime.datetime(2025, 2, 3, 0, 0),  # noqa: DTZ001 (spreadsheets hold naive dates)
        D(2025, 2, 3),
    ],
)
def test_it_reads_dates_day_first_or_iso_or_from_the_spreadsheet(raw):
    assert values.date(raw) == D(2025, 2, 3)


def test_it_explains_a_date_it_cannot_read():
    assert message(values.date, "03/02/25") == "Écrivez l’année sur quatre chiffres : jj/mm/aaaa."
    assert message(values.date, "30/02/2025") == "Cette date n’existe pas : écrivez-la jj/mm/aaaa."
    assert message(values.date, "février") == "Ce n’est pas une date : écrivez-la jj/mm/aaaa."
    assert message(values.date, 45000) == "Ce n’est pas une date : écrivez-la jj/mm/aaaa."
    assert (
        message(values.date, "0001-01-01") == "Cette date est hors limites : écrivez-la jj/mm/aaaa."
    )
    assert values.date("  ") is None


def test_it_reads_years_levels_quantities_and_yes_or_no():
    assert values.year("1980") == values.year(1980.0) == values.year(1980) == 1980
    next_year = timezone.localdate().year + 1
    assert message(values.year, str(next_year)).startswith("Ce n’est pas une année de naissance")
    assert values.level("3 – Sérieux : trouble sans suivi") == values.level(3) == 3
    assert message(values.level, "5") == "Indiquez un niveau de 1 à 4."
    assert message(values.level, "12") == "Indiquez un niveau de 1 à 4."
    assert values.quantity("1 200") == 1200
    assert message(values.quantity, "-3") == "Indiquez un nombre entier de 0 à 1 000 000."
    assert message(values.quantity, "2,5") == "Indiquez un nombre entier de 0 à 1 000 000."
    assert [values.boolean(raw) for raw in ("oui", "Non", "x", "", None, "yes", 0)] == [
        True,
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    assert message(values.boolean, "peut-être") == "Écrivez « oui » ou « non »."


@pytest.mark.parametrize(
    "name, raw, code",
    [
        ("gender", "Femme", "woman"),
        ("gender", "H", "man"),
        ("gender", "woman", "woman"),
        ("gender", "non-binaire / autre", "non_binary"),
        ("exit_destination", "Logement social", "social_housing"),
        ("exit_destination", "décès", "death"),
        ("exit_destination", "Retour à la rue", "street"),
        ("exit_destination", "RUE", "street"),
        ("exit_destination", "Back to the street", "street"),
        ("exit_destination", "transfert", "transfer"),
        ("referring_structure", "Maraude", "outreach"),
        ("referring_structure", "CSAPA", "csapa"),
        ("admission_status", "Admis·e", "admitted"),
        ("admission_status", "refusée", "refused"),
        ("admission_status", "waiting", "waiting"),
    ],
)
def test_it_reads_coded_values_in_french_english_or_common_words(name, raw, code):
    assert values.choice(raw, name) == code


def test_it_lists_the_accepted_values_when_it_cannot_read_one():
    assert message(values.choice, "Martien", "gender") == (
        "« Martien » ne fait pas partie des valeurs acceptées : Femme, Homme, Personne trans, "
        "Non-binaire / autre, Non renseigné."
    )


def test_it_cleans_text_and_keeps_an_exported_formula_as_text():
    assert values.text("  Abdel\n  le  Grand ") == "Abdel le Grand"
    assert values.text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert values.text(612345678.0) == "612345678"
    with pytest.raises(CellError) as error:
        values.text("x" * 81, max_length=80)
    assert error.value.message == "Ce texte est trop long : 80 caractères au plus (il en a 81)."
