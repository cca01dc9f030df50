import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportStatus
from reports.tests import dataset


def _check_attachment(response, content_type, extension):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_downloads_the_pdf(client_for, marc, make_report):
    report = make_report()

    response = client_for(marc).get(reverse("reports:report_pdf", args=[report.pk]))

    _check_attachment(response, "application/pdf", "pdf")
    assert response.content.startswith(b"%PDF")


def test_it_downloads_a_table_as_csv_with_small_counts_hidden(client_for, chloe, make_report):
    dataset.build()
    report = make_report()

    response = client_for(chloe).get(reverse("reports:report_csv", args=[report.pk, "activity"]))

    _check_attachment(response, "text/csv", "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Indicateur", "Personnes", "Personnes (2024)"],
        ["File active", "< 5", "< 5"],
        ["Nouvelles personnes (premier séjour dans la période)", "< 5", "< 5"],
        ["Personnes hébergées dans la période", "< 5", "< 5"],
    ]


def test_it_downloads_the_workbook_with_a_sheet_per_table(client_for, marc, make_report):
    dataset.build()
    report = make_report("operator")

    response = client_for(marc).get(reverse("reports:report_xlsx", args=[report.pk]))

    _check_attachment(response, "application/vnd.openxmlformats", "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Couverture", "Définitions"]
    assert len(book.sheetnames) == 2 + len(report.figures)
    sheet = book["Places et hôtels"]
    assert [cell.value for cell in sheet[4]][:4] == ["Tous les hôtels", 3, 1085, 418]


def test_it_answers_404_for_an_unknown_table(client_for, marc, make_report):
    report = make_report()

    response = client_for(marc).get(reverse("reports:report_csv", args=[report.pk, "nope"]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["reports:report_pdf", "reports:report_xlsx"])
def test_it_offers_nothing_before_the_report_is_ready(client_for, marc, make_report, name):
    building = make_report(ready=False, status=ReportStatus.BUILDING)
    failed = make_report(ready=False, status=ReportStatus.FAILED, error="x")

    for report in (building, failed):
        assert client_for(marc).get(reverse(name, args=[report.pk])).status_code == 404


def test_it_answers_404_for_an_unknown_report(client_for, marc):
    assert client_for(marc).get(reverse("reports:report_pdf", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["alice", "nina", "paul", "ada"])
def test_it_refuses_other_roles(client_for, make_report, role, request):
    report = make_report()
    client = client_for(request.getfixturevalue(role))

    assert client.get(reverse("reports:report_pdf", args=[report.pk])).status_code == 403
    assert client.get(reverse("reports:report_xlsx", args=[report.pk])).status_code == 403


def test_it_refuses_post(client_for, marc, make_report):
    report = make_report()

    assert client_for(marc).post(reverse("reports:report_pdf", args=[report.pk])).status_code == 405
