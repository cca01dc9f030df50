"""The manager sets the organisation printed on the reports: name, address, FINESS number,
signatory and an optional logo; the next report built prints it on its cover, in its footer and
on its workbook's cover sheet."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from reports import exports
from reports.models import Organisation
from reports.tests.conftest import pdf_text

URL = reverse("reports:organisation_edit")


def _png(size=(60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _data(**overrides) -> dict:
    return {
        "name": "Association Aurore – CAARUD Ancrage",
        "address": "12 rue de l’Ourcq\n75019 Paris",
        "finess": "750012345",
        "signatory": "Sam Durand",
        "signatory_title": "Chef de service",
    } | overrides


def test_it_shows_the_form_with_the_default_name(client_for, marc, settings):
    settings.REPORT_ORGANISATION = "CAARUD du Nord-Est"

    response = client_for(marc).get(URL)

    assert response.status_code == 200
    assert 'value="CAARUD du Nord-Est"' in response.text
    assert "Numéro FINESS" in response.text


def test_it_saves_the_organisation_with_its_logo(client_for, marc, settings):
    logo = SimpleUploadedFile("logo aurore.png", _png(), content_type="image/png")

    response = client_for(marc).post(URL, _data(logo=logo))

    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.name == "Association Aurore – CAARUD Ancrage"
    assert organisation.finess == "750012345"
    assert organisation.logo.name.startswith("organisation/logo")
    assert (Path(settings.MEDIA_ROOT) / organisation.logo.name).read_bytes() == _png()


def test_it_changes_the_organisation_in_place(client_for, marc):
    client = client_for(marc)
    client.post(URL, _data())

    client.post(URL, _data(name="Aurore", finess=" 2a0001234"))

    assert list(Organisation.objects.values_list("name", "finess")) == [("Aurore", "2A0001234")]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"finess": "7500"}, "Un numéro FINESS compte 9 caractères."),
        (
            {"logo": SimpleUploadedFile("logo.png", b"<svg>not a png</svg>")},
            "Le logo doit être une image PNG ou JPEG.",
        ),
        (
            {"logo": SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
            "Le logo doit être une image PNG ou JPEG.",
        ),
        (
            {"logo": SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 600 * 1024)},
            "Le logo doit peser 500 Ko au plus.",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client_for, marc, settings, overrides, message):
    response = client_for(marc).post(URL, _data(**overrides))

    assert response.status_code == 400
    assert message in response.text
    assert not Organisation.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "organisation").exists()


@pytest.mark.parametrize("role", ["alice", "nina", "paul", "chloe", "ada"])
def test_it_refuses_other_roles(client_for, role, request):
    user = request.getfixturevalue(role)

    assert client_for(user).get(URL).status_code == 403
    assert client_for(user).post(URL, _data()).status_code == 403
    assert not Organisation.objects.exists()


def test_the_report_prints_the_organisation_on_its_cover_footer_and_workbook(
    client_for, marc, make_report
):
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    client_for(marc).post(URL, _data(logo=logo))

    report = make_report("operator")

    text = pdf_text(report)
    assert "Association Aurore – CAARUD Ancrage 12 rue de l’Ourcq 75019 Paris" in text
    assert "Numéro FINESS 750012345" in text
    assert "Signataire Sam Durand , Chef de service" in text
    # The footer of every page but the cover: organisation, FINESS number, version, draft.
    with report.pdf.open("rb") as pdf:
        pages = PdfReader(pdf).pages
        footers = [page.extract_text() for page in pages[1:]]
        assert len(pages[0].images) == 1  # the logo, on the cover
    assert all(
        "Association Aurore – CAARUD Ancrage · FINESS 750012345 · version 1 · projet"
        in footer.replace("\u00a0", " ")
        for footer in footers
    )
    cover = dict(
        [cell.value for cell in row]
        for row in load_workbook(io.BytesIO(exports.workbook(report)))["Couverture"].iter_rows()
    )
    assert cover["Structure"] == "Association Aurore – CAARUD Ancrage"
    assert cover["Numéro FINESS"] == "750012345"


def test_a_report_keeps_the_organisation_it_was_built_with(client_for, marc, make_report):
    client = client_for(marc)
    client.post(URL, _data(name="Aurore"))
    report = make_report("operator")

    client.post(URL, _data(name="Aurore Paris"))

    report.refresh_from_db()
    assert report.organisation["name"] == "Aurore"
    assert "Aurore Paris" not in pdf_text(report)


def test_a_report_prints_the_default_name_until_the_manager_sets_one(make_report, settings):
    settings.REPORT_ORGANISATION = "CAARUD du Nord-Est"

    report = make_report("operator")

    assert pdf_text(report).startswith("PROJET – NON FINALISÉ CAARUD du Nord-Est Rapport")


def test_it_keeps_the_logo_when_the_form_is_saved_again_without_one(client_for, marc):
    client = client_for(marc)
    client.post(URL, _data(logo=SimpleUploadedFile("logo.png", _png(), content_type="image/png")))
    logo = Organisation.objects.get().logo.name

    response = client.post(URL, _data(signatory="Alex Petit"))

    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.signatory, organisation.logo.name) == ("Alex Petit", logo)
