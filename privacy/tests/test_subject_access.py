"""The right of access: exporting everything recorded about one person (PDF or JSON)."""

import datetime
import io
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from privacy.models import EXPORT_VALIDITY, AccessKind, AccessLog, SubjectAccessExport
from tests.factories import (
    AdmissionRequestFactory,
    NoteFactory,
    PlacementFactory,
    ReferralFactory,
    SampleFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import VisitMedicalNote

SOCIAL_MARKER = "MARQUEUR-NOTE-SOCIALE"
PSYCHIATRIC_MARKER = "MARQUEUR-NOTE-PSY"
SHARED_SUMMARY = "MARQUEUR-RESUME-PARTAGE"
MEDICAL_REFERRAL_MARKER = "MARQUEUR-ORIENTATION-MEDICALE"
MEDICAL_FOLLOW_UP_MARKER = "MARQUEUR-SUIVI-MEDICAL"


@pytest.fixture
def resident(db, paul):
    """Mimosa, housed, with a note of each kind, a medical referral and a flagged visit."""
    stay = PlacementFactory(resident__nickname="Mimosa", resident__first_name="Léa")
    resident = stay.resident
    AdmissionRequestFactory(resident=resident)
    NoteFactory(resident=resident, text=f"Démarches RSA {SOCIAL_MARKER}")
    NoteFactory(
        resident=resident,
        kind="psychiatric",
        author=paul,
        text="",
        shared_summary=SHARED_SUMMARY,
        medical_text=f"Traitement en cours {PSYCHIATRIC_MARKER}",
    )
    ReferralFactory(
        resident=resident, service="cmp", is_medical=True, notes=MEDICAL_REFERRAL_MARKER
    )
    StepFactory(resident=resident)
    SampleFactory(resident=resident, presumed_product="Crack")
    visit = VisitFactory(
        placement=stay,
        planned_on=timezone.localdate() - datetime.timedelta(days=1),
        status="done",
        outcome="seen",
        logged_at=timezone.now(),
        health="Tousse beaucoup",
        follow_up_reason="medical",
    )
    VisitMedicalNote.objects.create(visit=visit, text=MEDICAL_FOLLOW_UP_MARKER, author=visit.worker)
    return resident


def _post(client, resident, **data):
    payload = {"format": "json", "identity_checked": "on", "form_token": str(uuid.uuid4())}
    payload.update(data)
    return client.post(reverse("privacy:export_create", args=[resident.pk]), payload)


def _export(client, resident, **data):
    """Make an export and download it: (the download response, the export row)."""
    response = _post(client, resident, **data)
    assert response.status_code == 302
    download = client.get(response["Location"])
    return download, SubjectAccessExport.objects.get()


def test_it_exports_the_social_file_without_the_medical_notes_for_the_coordinator(
    client_for, chloe, resident
):
    response, export = _export(client_for(chloe), resident)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    content = response.content.decode("utf-8")
    data = json.loads(content)
    assert data["person"]["nickname"] == "Mimosa"
    assert data["includes_medical"] is False
    assert data["exported_by"] == str(chloe)
    datetime.datetime.fromisoformat(data["exported_at"])
    assert {
        "identity",
        "admission_requests",
        "stays",
        "visits",
        "vouchers",
        "supplies",
        "samples",
        "notes",
        "steps",
        "referrals",
        "outcomes",
        "access_log",
    } <= set(data["sections"])
    assert SOCIAL_MARKER in content
    assert SHARED_SUMMARY in content
    assert "Léa" in content  # UTF-8, not escaped
    for secret in (PSYCHIATRIC_MARKER, MEDICAL_REFERRAL_MARKER, MEDICAL_FOLLOW_UP_MARKER):
        assert secret not in content
    assert export.includes_medical is False


def test_it_includes_the_medical_parts_for_the_psychiatrist(client_for, paul, resident):
    response, export = _export(client_for(paul), resident)

    content = response.content.decode("utf-8")
    assert json.loads(content)["includes_medical"] is True
    for marker in (
        SOCIAL_MARKER,
        PSYCHIATRIC_MARKER,
        MEDICAL_REFERRAL_MARKER,
        MEDICAL_FOLLOW_UP_MARKER,
    ):
        assert marker in content
    assert export.includes_medical is True


def test_it_dates_the_json_in_iso_format(client_for, nina, resident):
    response, _export_row = _export(client_for(nina), resident)

    data = json.loads(response.content)
    visit = data["sections"]["visits"][0]
    dates = [value for value in visit.values() if isinstance(value, str) and value[:2] == "20"]
    assert (timezone.localdate() - datetime.timedelta(days=1)).isoformat() in dates


def test_it_exports_a_readable_pdf(client_for, chloe, resident):
    response, _export_row = _export(client_for(chloe), resident, format="pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Mimosa" in text
    assert SOCIAL_MARKER in text
    assert PSYCHIATRIC_MARKER not in text


def test_it_prints_the_medical_parts_in_the_psychiatrists_pdf(client_for, paul, resident):
    """The medical note of a visit and the text of a psychiatric note are printed inside the
    visit and the note they belong to."""
    response, _export_row = _export(client_for(paul), resident, format="pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert PSYCHIATRIC_MARKER in text
    assert MEDICAL_FOLLOW_UP_MARKER in text
    assert MEDICAL_REFERRAL_MARKER in text


def test_it_says_what_it_leaves_out_for_the_coordinator(client_for, chloe, resident):
    response, _export_row = _export(client_for(chloe), resident, format="pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Ce que seule l’équipe médicale lit n’est pas dans cet export" in text
    assert "service, notes (orientations, si « orientation médicale »)" in text


def test_it_serves_the_file_as_a_private_attachment(client_for, chloe, resident):
    response, export = _export(client_for(chloe), resident)

    assert response["Content-Disposition"].startswith('attachment; filename="droit-d-acces-')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_logs_the_export(client_for, chloe, resident):
    response = _post(client_for(chloe), resident, format="pdf")

    export = SubjectAccessExport.objects.get()
    assert (export.resident, export.requested_by, export.format) == (resident, chloe, "pdf")
    log = AccessLog.objects.get(resident=resident, kind=AccessKind.EXPORT)
    assert log.user == chloe
    assert response["Location"] == reverse("privacy:export_download", args=[export.pk])


def test_it_names_the_export_by_a_random_uuid(client_for, chloe, resident):
    response = _post(client_for(chloe), resident)

    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert uuid.UUID(token).version == 4
    assert str(resident.pk) not in response["Location"].replace(token, "")


def test_it_lists_the_export_with_who_made_it(client_for, chloe, marc, resident):
    _post(client_for(chloe), resident)

    response = client_for(marc).get(reverse("privacy:export_page", args=[resident.pk]))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert [export.requested_by for export in response.context["exports"]] == [chloe]


def test_it_shows_the_nurse_her_own_exports_only(client_for, chloe, nina, resident):
    _post(client_for(chloe), resident)

    response = client_for(nina).get(reverse("privacy:export_page", args=[resident.pk]))

    assert list(response.context["exports"]) == []


def test_it_includes_who_opened_the_file(client_for, chloe, alice, resident):
    client_for(alice).get(reverse("residents:resident_detail", args=[resident.pk]))

    response, _export_row = _export(client_for(chloe), resident)

    accesses = json.loads(response.content)["sections"]["access_log"]
    names = {value for access in accesses for value in access.values()}
    assert {str(alice), str(chloe)} <= names


def test_it_hides_an_export_from_anyone_but_its_requester(client_for, chloe, paul, resident):
    _post(client_for(chloe), resident)
    export = SubjectAccessExport.objects.get()
    url = reverse("privacy:export_download", args=[export.pk])

    other_coordinator = UserFactory(username="claire", roles=["coordinator"])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(paul).get(url).status_code == 404


def test_it_answers_404_for_an_unknown_export(client_for, chloe, db):
    url = reverse("privacy:export_download", args=[uuid.uuid4()])

    assert client_for(chloe).get(url).status_code == 404


def test_it_stops_serving_an_expired_export(client_for, chloe, resident):
    client = client_for(chloe)
    _post(client, resident)
    export = SubjectAccessExport.objects.get()
    export.requested_at = timezone.now() - EXPORT_VALIDITY - datetime.timedelta(seconds=1)
    export.save()

    response = client.get(reverse("privacy:export_download", args=[export.pk]))

    assert response.status_code == 410
    assert "Content-Disposition" not in response
    assert b"Mimosa" not in response.content
    assert "privacy/subject_access_expired.html" in [t.name for t in response.templates]


def test_it_answers_404_for_an_unknown_resident(client_for, chloe, db):
    client = client_for(chloe)

    assert client.get(reverse("privacy:export_page", args=[999999])).status_code == 404
    response = client.post(
        reverse("privacy:export_create", args=[999999]),
        {"format": "json", "identity_checked": "on", "form_token": str(uuid.uuid4())},
    )
    assert response.status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_it_refuses_an_export_without_the_confirmation(client_for, chloe, resident):
    response = _post(client_for(chloe), resident, identity_checked="")

    assert response.status_code == 400
    assert "Confirmez que la demande vient de la personne avant d’exporter." in (
        response.content.decode()
    )
    assert not SubjectAccessExport.objects.exists()
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()


def test_it_refuses_an_unknown_format(client_for, chloe, resident):
    response = _post(client_for(chloe), resident, format="xml")

    assert response.status_code == 400
    assert "format" in response.context["form"].errors
    assert not SubjectAccessExport.objects.exists()


def test_it_exports_once_when_the_form_is_sent_twice(client_for, chloe, resident):
    client = client_for(chloe)
    token = str(uuid.uuid4())

    _post(client, resident, form_token=token)
    response = _post(client, resident, form_token=token)

    assert response.status_code == 400
    assert SubjectAccessExport.objects.count() == 1


def test_it_forbids_the_export_to_other_roles(client_for, alice, marc, ada, resident):
    page = reverse("privacy:export_page", args=[resident.pk])

    assert client_for(alice).get(page).status_code == 403
    assert client_for(ada).get(page).status_code == 403
    for user in (alice, marc, ada):
        assert _post(client_for(user), resident).status_code == 403
    assert not SubjectAccessExport.objects.exists()


def test_it_creates_exports_by_post_only(client_for, chloe, resident):
    url = reverse("privacy:export_create", args=[resident.pk])

    assert client_for(chloe).get(url).status_code == 405


def test_it_offers_the_export_on_the_resident_page(client_for, chloe, alice, resident):
    page = reverse("residents:resident_detail", args=[resident.pk])
    export_url = reverse("privacy:export_page", args=[resident.pk])

    assert export_url in client_for(chloe).get(page).content.decode()
    assert export_url not in client_for(alice).get(page).content.decode()


def test_a_person_who_left_keeps_the_right_of_access(client_for, chloe, resident):
    """On an archived file, read-only, the export stays while the other buttons go."""
    resident.archive(by=chloe)
    page = client_for(chloe).get(reverse("residents:resident_detail", args=[resident.pk]))
    actions = [action.url for action in page.context["other_actions"]]
    assert actions == [reverse("privacy:export_page", args=[resident.pk])]
    download, export = _export(client_for(chloe), resident)
    assert download.status_code == 200 and export.resident == resident


def test_it_assembles_a_file_in_a_fixed_number_of_queries(chloe, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from privacy.subject_access import sections_for

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            sections_for(resident, chloe)
        return len(queries)

    count()  # the first call also loads the user's roles
    before = count()
    stay = resident.placements.get()
    for days in range(2, 6):
        NoteFactory(resident=resident)
        StepFactory(resident=resident)
        ReferralFactory(resident=resident)
        SampleFactory(resident=resident)
        VisitFactory(placement=stay, planned_on=timezone.localdate() + datetime.timedelta(days))
    # Each section reads its rows and their people in one query whatever their number.
    assert count() == before
