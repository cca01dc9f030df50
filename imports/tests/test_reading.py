"""Reading an uploaded file: XLSX or CSV told apart by content, every other file refused in
French, never an exception."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from imports.reading import MAX_ROWS, UnreadableFile, read_upload
from imports.tests.conftest import csv, xlsx


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def refused(data: bytes) -> str:
    with pytest.raises(UnreadableFile) as error:
        read_upload(data)
    return error.value.message


def cells(parsed, sheet=0) -> list[dict]:
    return [row.cells for row in parsed.sheets[sheet].rows]


def test_it_reads_a_workbook_sheet_by_sheet():
    parsed = read_upload(
        xlsx(
            {
                "Mode d’emploi": [["Remplissez les feuilles"]],
                "Personnes": [["Nom d’usage", "Année de naissance"], ["Abdel", 1980]],
                "Séjours": [
                    ["Personne", "Hôtel", "Chambre", "Date d’entrée"],
                    ["Abdel", "Hôtel du Canal", "12", "03/02/2025"],
                ],
            }
        )
    )
    assert parsed.format == "xlsx"
    assert [sheet.sheet.kind for sheet in parsed.sheets] == ["person", "stay"]
    assert cells(parsed) == [{"nickname": "Abdel", "birth_year": 1980}]
    assert parsed.sheets[1].rows[0].number == 2
    assert parsed.notes == []


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_it_reads_csv_with_semicolons_commas_or_tabs(delimiter):
    text = delimiter.join(["Nom d’usage", "Prénom", "Année de naissance"]) + "\n"
    text += delimiter.join(["Abdel", "Abdelkader", "1980"]) + "\n"
    parsed = read_upload(csv(text))
    assert parsed.format == "csv"
    assert cells(parsed) == [
        {"nickname": "Abdel", "first_name": "Abdelkader", "birth_year": "1980"}
    ]


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_it_reads_utf8_with_or_without_bom_and_windows_1252(encoding, bom):
    parsed = read_upload(csv("Nom d'usage;Prénom\nLéa;Hélène\n", encoding=encoding, bom=bom))
    assert cells(parsed) == [{"nickname": "Léa", "first_name": "Hélène"}]


def test_it_takes_english_column_names_and_a_title_above_the_header():
    parsed = read_upload(
        csv(
            "Liste de la file active 2025;;\n;;\nName in use,Year of birth,Gender\n".replace(
                ",", ";"
            )
            + "Abdel;1980;man\n"
        )
    )
    assert cells(parsed) == [{"nickname": "Abdel", "birth_year": "1980", "gender": "man"}]
    assert parsed.sheets[0].rows[0].number == 4


def test_it_recognises_a_sheet_by_its_columns_and_says_what_it_did_not_read():
    parsed = read_upload(
        xlsx(
            {
                "Feuil1": [["Surnom", "Couleur préférée"], ["Abdel", "bleu"]],
                "Notes": [["Date", "Ce qui s’est passé"], ["03/02/2025", "RAS"]],
            }
        )
    )
    assert [sheet.sheet.kind for sheet in parsed.sheets] == ["person"]
    assert parsed.notes == [
        "Feuille « Feuil1 » : colonnes non lues : Couleur préférée.",
        "Feuille « Notes » ignorée : ses colonnes ne sont pas celles d’un modèle.",
    ]


def test_it_names_the_required_columns_a_sheet_lacks():
    message = refused(xlsx({"Séjours": [["Personne", "Chambre"], ["Abdel", "12"]]}))
    assert message == (
        "Il manque à la feuille « Séjours » les colonnes obligatoires : Hôtel, Date d’entrée."
    )


def test_it_refuses_a_file_with_no_template_columns():
    assert refused(csv("a;b\n1;2\n")).startswith("Aucune feuille de ce fichier n’a les colonnes")


def test_it_refuses_more_than_5000_rows():
    text = "Nom d’usage\n" + "".join(f"Personne {n}\n" for n in range(MAX_ROWS + 1))
    assert refused(csv(text)) == (
        "Ce fichier compte plus de 5 000 lignes : découpez-le en plusieurs fichiers."
    )
    assert read_upload(csv("Nom d’usage\n" + "x\n" * MAX_ROWS)).row_count == MAX_ROWS


def test_it_refuses_more_than_5_mb():
    data = csv("Nom d’usage\n" + "x" * 80 + "\n") * 70_000
    assert len(data) > 5 * 1024 * 1024
    assert refused(data) == "Ce fichier dépasse 5 Mo : découpez-le en plusieurs fichiers."


def test_it_refuses_an_empty_file():
    assert refused(b"") == "Le fichier est vide."


def test_it_refuses_an_old_excel_or_password_protected_workbook():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    assert refused(ole).startswith("Ce fichier est un ancien classeur Excel (.xls)")


def _zip(members: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return stream.getvalue()


def test_it_refuses_opendocument_word_and_macro_workbooks():
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert refused(ods).startswith("Les fichiers OpenDocument (.ods) ne sont pas acceptés")
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert refused(docx).startswith("Cette archive n’est pas un classeur Excel")
    workbook = zipfile.ZipFile(io.BytesIO(xlsx({"Personnes": [["Nom d’usage"], ["A"]]})))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    xlsm = _zip({**members, "xl/vbaProject.bin": b"\x00" * 100})
    assert (
        refused(xlsm) == "Ce classeur contient des macros : enregistrez-le en .xlsx, sans macros."
    )


def test_it_refuses_a_zip_bomb_before_unpacking_it():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _megabyte in range(101):
                member.write(chunk)
    data = stream.getvalue()
    assert len(data) < 1024 * 1024  # a small file…
    assert refused(data) == (  # …that would unpack to 101 MB
        "Une fois décompressé, ce fichier dépasse 100 Mo : il est refusé par précaution."
    )


def test_it_refuses_a_truncated_or_damaged_workbook():
    data = xlsx({"Personnes": [["Nom d’usage"], *[[f"Personne {n}"] for n in range(200)]]})
    damaged = "Ce fichier XLSX est abîmé ou incomplet : enregistrez-le à nouveau."
    assert refused(data[: len(data) // 2]) == damaged
    scrambled = bytearray(data)
    for index in range(200, len(scrambled) - 200, 97):
        scrambled[index] ^= 0x5A
    assert refused(bytes(scrambled)) == damaged


def test_it_takes_no_formula_from_a_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Personnes"
    sheet.append(["Nom d’usage", "Prénom"])
    sheet.append(["Abdel", '=HYPERLINK("http://attaquant.example/","Cliquez")'])
    sheet.append(["=1+1", "Léa"])
    stream = io.BytesIO()
    workbook.save(stream)
    parsed = read_upload(stream.getvalue())
    # Only the values a spreadsheet stored are read: a formula never saved with its value is
    # an empty cell, never evaluated, never kept as a formula.
    assert cells(parsed) == [
        {"nickname": "Abdel", "first_name": None},
        {"nickname": None, "first_name": "Léa"},
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ("Nom d’usage\nLéa\n".encode("utf-16"), "Ce fichier texte est en UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "Ce fichier n’est ni"),
        (
            b"<!DOCTYPE html><html><body><table><tr><td>Nom</td></tr></table>",
            "Ce fichier est une page web",
        ),
        (
            b"Nom d'usage;Pr\x81nom\nL\x8da;x\n",
            "Ce fichier CSV n’est ni en UTF-8 ni en Windows-1252",
        ),
    ],
)
def test_it_refuses_other_encodings_and_files_in_french(data, message):
    assert refused(data).startswith(message)


def test_it_drops_control_characters_from_the_cells_it_reads():
    from imports.values import text

    parsed = read_upload(csv("Nom d’usage;Prénom\nAb\x01del;Lé\x1ba\n"))
    assert [text(value) for value in cells(parsed)[0].values()] == ["Abdel", "Léa"]
