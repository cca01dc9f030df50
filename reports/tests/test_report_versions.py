"""A report is a draft until the manager finalises it: the team's commentary of each section,
the confirmation before finalising, and the new version any later change makes."""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from reports import exports, services
from reports.forms import COMMENTARY_MAX_LENGTH
from reports.models import Report, ReportStatus
from reports.tests import dataset
from reports.tests.conftest import pdf_text


def _url(name, report):
    return reverse(f"reports:{name}", args=[report.pk])


def _build(report) -> Report:
    services.report_build(report.pk)
    report.refresh_from_db()
    return report


def _pdf_bytes(report) -> bytes:
    with report.pdf.open("rb") as pdf:
        return pdf.read()


@pytest.fixture
def draft(make_report):
    dataset.build()
    return make_report("operator")


# --- Commentary -------------------------------------------------------------------------------


def test_a_new_report_is_a_draft_and_says_so(client_for, marc, draft):
    assert draft.is_draft
    assert "PROJET – NON FINALISÉ" in pdf_text(draft)
    response = client_for(marc).get(reverse("reports:report_list"))
    assert 'data-testid="draft"' in response.text
    assert _url("report_finalise", draft) in response.text


def _figures_never_computed_again(monkeypatch):
    def compute(*args):
        raise AssertionError("the figures of a version are frozen: never computed again")

    monkeypatch.setattr("reports.services.comparison.compute_with_previous", compute)


def test_it_keeps_the_commentary_and_prints_it_beside_the_tables(
    client_for, marc, draft, monkeypatch, django_capture_on_commit_callbacks
):
    figures = draft.figures
    _figures_never_computed_again(monkeypatch)

    with (
        mock.patch("reports.tasks.build_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(marc).post(
            _url("report_commentary", draft),
            {"places": "Occupation stable malgré la fermeture de l’hôtel du Nord.", "exits": " "},
        )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.commentary == {
        "places": "Occupation stable malgré la fermeture de l’hôtel du Nord."
    }
    assert draft.status == ReportStatus.QUEUED
    delay.assert_called_once_with(draft.pk)
    _build(draft)
    assert draft.figures == figures
    assert draft.version == 1
    assert (
        "L’analyse de l’équipe Occupation stable malgré la fermeture de l’hôtel du Nord."
        in pdf_text(draft)
    )
    definitions = load_workbook(io.BytesIO(exports.workbook(draft)))["Définitions"]
    # Row 2 is the summary's section, row 3 the places'.
    assert definitions["C3"].value == "Occupation stable malgré la fermeture de l’hôtel du Nord."


def test_it_shows_the_commentary_written(client_for, marc, draft):
    Report.objects.filter(pk=draft.pk).update(commentary={"exits": "Séjours plus longs."})

    response = client_for(marc).get(_url("report_commentary", draft))

    assert response.status_code == 200
    assert "Séjours plus longs.</textarea>" in response.text
    assert "Durée de séjour" in response.text or "Sorties" in response.text


def test_it_refuses_a_commentary_too_long_and_saves_nothing(client_for, marc, draft):
    response = client_for(marc).post(
        _url("report_commentary", draft),
        {"places": "Court.", "exits": "x" * (COMMENTARY_MAX_LENGTH + 1)},
    )

    assert response.status_code == 400
    assert "Assurez-vous que cette valeur comporte au plus" in response.text
    assert response.text.count('aria-invalid="true"') == 1  # the too long text, marked
    assert "\nCourt.</textarea>" in response.text  # what was typed is kept
    draft.refresh_from_db()
    assert draft.commentary == {}
    assert draft.status == ReportStatus.READY


def test_it_refuses_to_comment_a_report_still_building(client_for, marc, draft):
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.BUILDING)

    response = client_for(marc).post(_url("report_commentary", draft), {"places": "Texte."})

    assert response.status_code == 404  # nothing to comment before the report is built
    draft.refresh_from_db()
    assert draft.commentary == {}


# --- Finalising ----------------------------------------------------------------------------------


def test_it_asks_for_a_confirmation_before_finalising(client_for, marc, draft):
    response = client_for(marc).get(_url("report_finalise", draft))

    assert response.status_code == 200
    assert "Finaliser fige cette version" in response.text
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_does_not_finalise_without_the_confirmation(client_for, marc, draft):
    response = client_for(marc).post(_url("report_finalise", draft), {})

    assert response.status_code == 400
    assert "Cochez la case pour confirmer que cette version est définitive." in response.text
    draft.refresh_from_db()
    assert draft.is_draft
    assert draft.status == ReportStatus.READY


def test_it_finalises_a_draft_and_builds_its_final_pdf(
    client_for, marc, draft, monkeypatch, django_capture_on_commit_callbacks
):
    _figures_never_computed_again(monkeypatch)
    Report.objects.filter(pk=draft.pk).update(commentary={"places": "Analyse finale."})
    figures = draft.figures

    with (
        mock.patch("reports.tasks.build_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(marc).post(_url("report_finalise", draft), {"confirm": "on"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.finalised_by, draft.status) == (marc, ReportStatus.QUEUED)
    delay.assert_called_once_with(draft.pk)
    _build(draft)
    assert draft.is_final and draft.figures == figures
    text = pdf_text(draft)
    assert "PROJET" not in text and "· projet" not in text
    assert "Finalisé le" in text
    assert "Analyse finale." in text


def test_a_finalised_version_no_longer_changes(client_for, marc, draft):
    services.report_finalise(report=draft, by=marc)
    _build(draft)
    pdf = _pdf_bytes(draft)
    client = client_for(marc)

    commented = client.post(_url("report_commentary", draft), {"places": "Trop tard."})
    finalised_again = client.post(_url("report_finalise", draft), {"confirm": "on"})
    services.report_build(draft.pk)  # a duplicated task

    assert commented.status_code == finalised_again.status_code == 302
    draft.refresh_from_db()
    assert draft.commentary == {}
    assert _pdf_bytes(draft) == pdf
    page = client.get(reverse("reports:report_list")).text
    assert "Cette version est finalisée" in page
    assert 'data-testid="finalised"' in page
    assert _url("report_revise", draft) in page


def test_the_services_refuse_to_change_a_finalised_or_unbuilt_version(marc, draft):
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.BUILDING)
    with pytest.raises(ValidationError, match="en cours de construction"):
        services.report_comment(report=draft, commentary={"places": "Trop tôt."})
    Report.objects.filter(pk=draft.pk).update(status=ReportStatus.READY)
    services.report_finalise(report=draft, by=marc)
    _build(draft)
    with pytest.raises(ValidationError, match="Cette version est finalisée"):
        services.report_comment(report=draft, commentary={"places": "Trop tard."})
    with pytest.raises(ValidationError, match="Cette version est finalisée"):
        services.report_finalise(report=draft, by=marc)
    draft.refresh_from_db()
    assert (draft.commentary, draft.status) == ({}, ReportStatus.READY)


# --- New versions ------------------------------------------------------------------------------


def test_a_finalised_report_gets_a_new_draft_version_and_stays_downloadable(
    client_for, marc, draft
):
    Report.objects.filter(pk=draft.pk).update(commentary={"places": "Première analyse."})
    draft.refresh_from_db()
    services.report_finalise(report=draft, by=marc)
    _build(draft)
    pdf = _pdf_bytes(draft)
    client = client_for(marc)

    with mock.patch("reports.tasks.build_report.delay"):
        response = client.post(_url("report_revise", draft))
        again = client.post(_url("report_revise", draft))

    assert response.status_code == again.status_code == 302
    revision = Report.objects.get(version=2)
    assert (revision.status, revision.is_draft, revision.requested_by) == ("queued", True, marc)
    assert revision.figures == draft.figures
    assert revision.commentary == {"places": "Première analyse."}
    _build(revision)
    assert "PROJET – NON FINALISÉ" in pdf_text(revision)
    assert Report.objects.count() == 2  # asking twice makes one new version
    assert client.get(_url("report_pdf", draft)).content == pdf


def test_a_draft_is_changed_in_place_not_revised(client_for, marc, draft):
    client = client_for(marc)
    response = client.post(_url("report_revise", draft))

    assert response.status_code == 302
    assert Report.objects.count() == 1
    assert "Seul un rapport finalisé" in client.get(reverse("reports:report_list")).text


def test_a_new_build_of_the_period_is_a_new_version_with_the_commentary(marc, draft):
    Report.objects.filter(pk=draft.pk).update(commentary={"exits": "Séjours plus longs."})
    draft.refresh_from_db()
    services.report_finalise(report=draft, by=marc)
    _build(draft)

    with mock.patch("reports.tasks.build_report.delay"):
        rebuilt, created = services.report_request(
            audience="operator",
            start=draft.period_start,
            end=draft.period_end,
            key="rebuild",
            by=marc,
        )

    assert created and rebuilt.version == 2 and rebuilt.is_draft
    assert rebuilt.commentary == {"exits": "Séjours plus longs."}
    assert rebuilt.figures == {}  # computed again when it is built


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report_commentary", "report_finalise", "report_revise"])
@pytest.mark.parametrize("role", ["alice", "nina", "paul", "chloe", "ada"])
def test_it_refuses_other_roles(client_for, draft, request, role, name):
    user = request.getfixturevalue(role)

    response = client_for(user).post(_url(name, draft), {"confirm": "on", "places": "x"})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.is_draft, draft.commentary, Report.objects.count()) == (True, {}, 1)


@pytest.mark.parametrize("name", ["report_commentary", "report_finalise", "report_revise"])
def test_it_answers_404_for_an_unknown_report(client_for, marc, name):
    response = client_for(marc).post(reverse(f"reports:{name}", args=[999]), {"confirm": "on"})

    assert response.status_code == 404


def test_it_refuses_a_get_to_revise(client_for, marc, draft):
    assert client_for(marc).get(_url("report_revise", draft)).status_code == 405
