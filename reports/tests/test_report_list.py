import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Report, ReportStatus

URL = reverse("reports:report_list")


def test_it_shows_the_form_and_the_reports_to_the_manager(client_for, marc, make_report):
    make_report("ars", ready=False, by=marc)

    response = client_for(marc).get(URL)

    assert response.status_code == 200
    assert response.context["form"] is not None
    assert "Générer un rapport" in response.text
    assert "En file d’attente" in response.text
    assert 'hx-trigger="every 3s"' in response.text  # polls while one is pending


def test_it_lets_the_coordinator_read_without_generating(client_for, chloe, make_report):
    make_report("ars", ready=False, status=ReportStatus.FAILED, error="Échec de test")

    response = client_for(chloe).get(URL)

    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Générer un rapport" not in response.text
    assert "Réessayer" not in response.text


def test_it_renders_the_rows_alone_for_htmx(client_for, marc, make_report):
    make_report("operator", ready=False)

    response = client_for(marc).get(URL, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reports/includes/report_rows.html"
    assert "<h1" not in response.text


def test_it_stops_polling_when_nothing_is_pending(client_for, marc, make_report):
    make_report("ars", ready=False, status=ReportStatus.FAILED, error="x")

    response = client_for(marc).get(URL)

    assert "hx-trigger" not in response.text


@pytest.mark.parametrize("role", ["alice", "nina", "paul", "ada"])
def test_it_is_closed_to_other_roles(client_for, role, request):
    assert client_for(request.getfixturevalue(role)).get(URL).status_code == 403


def test_it_refuses_post(client_for, marc):
    assert client_for(marc).post(URL).status_code == 405


def _queries(client, count, make_report):
    for _index in range(count):
        make_report("ars", ready=False, status=ReportStatus.FAILED, error="x")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_its_queries_do_not_grow_with_the_reports(client_for, marc, make_report):
    client = client_for(marc)
    # session, user, groups (role checks), the page's count and rows with requested_by,
    # the form's nothing: the same for 2 reports and for 50.
    two = _queries(client, 2, make_report)
    fifty_more = _queries(client, 48, make_report)

    assert two == fifty_more


def test_a_ready_report_offers_the_csv_of_each_table_it_holds(client_for, marc, make_report):
    report = make_report("operator")
    held = [key for key, table in report.figures.items() if table is not None]
    Report.objects.filter(pk=report.pk).update(figures={**report.figures, held[0]: None})

    response = client_for(marc).get(URL)

    listed = response.context["page"].object_list[0]
    assert "figures" in listed.get_deferred_fields()  # the list never decodes the figures
    for key in held[1:]:
        address = reverse("reports:report_csv", args=[report.pk, key])
        assert f'href="{address}"' in response.text
        assert f'href="{address}?format=iso"' in response.text
    assert reverse("reports:report_csv", args=[report.pk, held[0]]) not in response.text
    whole = Report.objects.get(pk=report.pk)  # figures read and decoded: the same tables
    assert listed.tables() == whole.tables()
    assert {key for key, _title in whole.tables()} == set(held[1:])
