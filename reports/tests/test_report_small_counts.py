"""Counts of 1 to 4 people print as "< 5" in every file of a report, not only in the CSV.

On the hand-built year of dataset.py the file active is 4 people (r1 to r4), 2 of them new and
3 housed: every count of the "File active" table is small.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.tests import dataset


@pytest.fixture
def report(db, make_report):
    dataset.build()
    report = make_report("ars")
    # Beside them, 2024's: r1 and r5 in the file active, r1 new and housed.
    assert report.figures["activity"]["rows"] == [
        ["file_active", 4, 2],
        ["new_people", 2, 1],
        ["housed", 3, 1],
    ]
    return report


def test_it_hides_the_small_counts_in_the_pdf(client_for, marc, report):
    response = client_for(marc).get(reverse("reports:report_pdf", args=[report.pk]))

    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).replace("\u00a0", " ").split())
    assert (
        "Indicateur Personnes Personnes (2024) File active < 5 < 5 "
        "Nouvelles personnes (premier séjour dans la période) < 5 < 5 "
        "Personnes hébergées dans la période < 5 < 5"
    ) in text
    for raw in ("File active 4", "période) 2", "période 3"):
        assert raw not in text


def test_it_hides_the_small_counts_in_the_workbook(client_for, marc, report):
    response = client_for(marc).get(reverse("reports:report_xlsx", args=[report.pk]))

    sheet = load_workbook(io.BytesIO(response.content))["File active"]
    # Left empty, so that a sum over the column still works, with "< 5" as the cell's comment.
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Indicateur", "Personnes", "Personnes (2024)"],
        ["File active", None, None],
        ["Nouvelles personnes (premier séjour dans la période)", None, None],
        ["Personnes hébergées dans la période", None, None],
    ]
    comments = [cell.comment.text for row in sheet.iter_rows(min_row=2, min_col=2) for cell in row]
    assert comments == ["< 5"] * 6
