import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from residents.models import AdmissionStatus
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    ConsumptionLineFactory,
    ResidentFactory,
    SituationAssessmentFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(resident):
    return reverse("residents:resident_detail", args=[resident.pk])


@pytest.mark.django_db
def test_it_shows_the_identity_card_and_the_story(client_for, alice):
    resident = ResidentFactory(nickname="Caramel", first_name="Linda", birth_year=1980)
    AdmissionRequestFactory(resident=resident, received_on=TODAY - 30 * DAY)
    SituationAssessmentFactory(resident=resident, assessed_on=TODAY - 20 * DAY)
    line = ConsumptionLineFactory(assessment__resident=resident, assessment__assessed_on=TODAY)
    response = client_for(alice).get(_url(resident))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Caramel" in page and "Linda" in page
    assert "en 1980 (environ" in page
    kinds = [entry.kind for entry in response.context["page_obj"]]
    assert kinds == ["consumption", "file", "situation", "admission"]  # newest first
    assert "Crack / cocaïne basée : tous les jours (inhalé)" in page
    assert reverse("residents:consumption_update", args=[resident.pk, line.assessment.pk]) in page


@pytest.mark.django_db
def test_it_records_who_opened_the_file(client_for, alice, marc):
    resident = ResidentFactory()
    client_for(alice).get(_url(resident))
    client_for(marc).get(_url(resident))
    accesses = list(AccessLog.objects.order_by("pk").values_list("user__username", "resident"))
    assert accesses == [("alice", resident.pk), ("marc", resident.pk)]


@pytest.mark.django_db
def test_it_lets_the_manager_read_but_not_edit(client_for, marc, alice):
    resident = ResidentFactory()
    edit = reverse("residents:resident_update", args=[resident.pk])
    assert edit not in client_for(marc).get(_url(resident)).content.decode()
    assert edit in client_for(alice).get(_url(resident)).content.decode()


@pytest.mark.django_db
def test_it_offers_archiving_to_the_coordinator_only(client_for, alice, chloe):
    resident = ResidentFactory()
    archive = reverse("residents:resident_archive", args=[resident.pk])
    assert archive in client_for(chloe).get(_url(resident)).content.decode()
    assert archive not in client_for(alice).get(_url(resident)).content.decode()


@pytest.mark.django_db
def test_it_shows_an_archived_file_read_only(client_for, alice, chloe):
    resident = ResidentFactory()
    resident.archive(by=chloe)
    page = client_for(alice).get(_url(resident)).content.decode()
    assert "Ce dossier a été archivé" in page
    assert reverse("residents:resident_update", args=[resident.pk]) not in page


@pytest.mark.django_db
def test_it_offers_a_request_unless_one_is_waiting(client_for, alice):
    resident = ResidentFactory()
    new_request = f"{reverse('residents:admission_create')}?resident={resident.pk}"
    assert new_request in client_for(alice).get(_url(resident)).content.decode()
    AdmissionRequestFactory(resident=resident)
    assert new_request not in client_for(alice).get(_url(resident)).content.decode()


@pytest.mark.django_db
def test_it_paginates_the_story_and_serves_the_timeline_alone_to_htmx(client_for, alice):
    resident = ResidentFactory()
    for days in range(25):
        SituationAssessmentFactory(resident=resident, assessed_on=TODAY - days * DAY)
    client = client_for(alice)
    second = client.get(_url(resident), {"page": 2})
    assert len(second.context["page_obj"]) == 6  # 25 assessments + the file's opening
    partial = client.get(
        _url(resident), {"page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline"
    )
    # The timeline alone, as the full page shows it (here from the cache the page filled).
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="timeline"')
    assert html in second.content.decode()
    assert "<html" not in html
    assert AccessLog.objects.count() == 2


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_file(client_for, alice):
    assert (
        client_for(alice).get(reverse("residents:resident_detail", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    resident = ResidentFactory()
    assert client_for(ada).get(_url(resident)).status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    resident = ResidentFactory()
    assert client_for(alice).post(_url(resident)).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_length_of_the_story(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(resident)).status_code == 200
        return len(queries)

    ConsumptionLineFactory(assessment__resident=resident, assessment__assessed_on=TODAY)
    assert len(_entries(resident, alice)) == 2  # the file's opening, one consumption assessment
    with_two = count_queries()
    for n in range(12):
        SituationAssessmentFactory(resident=resident, assessed_on=TODAY - n * DAY)
        assessment = ConsumptionAssessmentFactory(resident=resident, assessed_on=TODAY - n * DAY)
        ConsumptionLineFactory(assessment=assessment, product="crack")
        ConsumptionLineFactory(assessment=assessment, product="alcohol", route="swallowed")
    for n in range(12):
        AdmissionRequestFactory(
            resident=resident,
            received_on=TODAY - (300 - n) * DAY,
            status=AdmissionStatus.LOST,
            decided_on=TODAY - (200 - n) * DAY,
        )
    assert len(_entries(resident, alice)) >= 50
    # session, user, groups; the resident with its users; timeline: requests, situations,
    # consumption assessments and their lines; the access log insert; the latest request and
    # the latest situation for the identity card: nothing per entry.
    assert count_queries() == with_two


def _entries(resident, user):
    from residents.timeline import entries_for

    return entries_for(resident, user)


@pytest.mark.django_db
def test_it_offers_the_right_of_access_after_the_files_own_actions(client_for, chloe):
    resident = ResidentFactory()
    page = client_for(chloe).get(_url(resident))
    assert [action.url for action in page.context["other_actions"]] == [
        reverse("placements:resident_assign", args=[resident.pk]),
        reverse("privacy:export_page", args=[resident.pk]),
    ]
