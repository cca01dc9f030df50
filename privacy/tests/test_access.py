"""The one way a page records who viewed a person's data (privacy.access)."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from harmreduction.models import Sample
from placements.models import Absence, Hotel, Incident
from privacy.access import get_for_person_view, person_data_viewed, resident_lookup, resident_of
from privacy.models import AccessKind, AccessLog
from residents.models import Resident
from tests.factories import IncidentFactory, PlacementFactory, ResidentFactory, SampleFactory
from visits.models import Visit


def _get(user, path="/dossier/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_it_finds_the_person_a_table_is_about():
    assert resident_lookup(Resident) == ""
    assert resident_lookup(Visit) == "resident"
    assert resident_lookup(Absence) == "placement__resident"
    assert resident_lookup(Hotel) is None


@pytest.mark.django_db
def test_it_finds_the_person_of_a_row_or_nobody():
    stay = PlacementFactory()
    absence = Absence.objects.create(placement=stay, start=stay.start, reason="hospital")
    assert resident_of(absence) == stay.resident
    assert resident_of(IncidentFactory()) is None  # an incident involving nobody
    assert resident_of(stay.place.hotel) is None


@pytest.mark.django_db
def test_it_records_one_line_a_request_however_many_rows_of_the_person_it_shows(alice):
    resident = ResidentFactory()
    request = _get(alice)
    person_data_viewed(request, resident)
    person_data_viewed(request, resident)
    person_data_viewed(_get(alice), resident)  # a second opening: a second line
    lines = list(AccessLog.objects.values_list("user", "resident", "page", "kind"))
    assert lines == [(alice.pk, resident.pk, "/dossier/", AccessKind.VIEW)] * 2


@pytest.mark.django_db
def test_it_records_each_person_a_page_shows(alice):
    first, second = ResidentFactory(), ResidentFactory()
    request = _get(alice)
    person_data_viewed(request, first)
    person_data_viewed(request, second)
    assert set(AccessLog.objects.values_list("resident", flat=True)) == {first.pk, second.pk}


@pytest.mark.django_db
def test_it_records_no_viewing_for_a_change_or_for_nobody(alice):
    request = RequestFactory().post("/dossier/")
    request.user = alice
    person_data_viewed(request, ResidentFactory())
    person_data_viewed(_get(alice), None)
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_it_fetches_the_object_and_records_its_person(alice):
    sample = SampleFactory()
    assert get_for_person_view(_get(alice), Sample.objects.all(), pk=sample.pk) == sample
    assert AccessLog.objects.get().resident == sample.resident


@pytest.mark.django_db
def test_it_answers_404_and_records_nothing_for_a_missing_object(alice):
    with pytest.raises(Http404):
        get_for_person_view(_get(alice), Incident.objects.all(), pk=999999)
    assert not AccessLog.objects.exists()
