import datetime
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from residents import timeline
from residents.timeline import TimelineEntry
from tests.factories import ResidentFactory

TODAY = timezone.localdate()


@pytest.fixture
def extra_source():
    """A source as another app would register it, removed after the test."""
    calls = []

    def visits(resident, user):
        calls.append((resident.pk, user.username))
        return [
            TimelineEntry(
                at=timezone.now() + datetime.timedelta(minutes=1),
                kind="visit",
                title="Visite à domicile",
                icon="house",
            ),
            TimelineEntry(
                at=TODAY - datetime.timedelta(days=400), kind="visit", title="Ancienne visite"
            ),
        ]

    with timeline.sources.temporarily(visits):
        yield calls


@pytest.mark.django_db
def test_it_merges_the_entries_of_other_apps_newest_first(client_for, alice, extra_source):
    resident = ResidentFactory()
    response = client_for(alice).get(reverse("residents:resident_detail", args=[resident.pk]))
    titles = [entry.title for entry in response.context["page_obj"]]
    assert titles == ["Visite à domicile", "Ouverture du dossier", "Ancienne visite"]
    assert extra_source == [(resident.pk, "alice")]


@pytest.mark.django_db
def test_it_registers_a_source_once(extra_source):
    sources = list(timeline.sources)
    timeline.sources.register(sources[-1])
    assert list(timeline.sources) == sources


def test_it_puts_a_dated_entry_after_the_timed_entries_of_its_day():
    morning = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    entries = sorted(
        [
            TimelineEntry(at=morning, kind="a", title="timed"),
            TimelineEntry(at=TODAY, kind="b", title="dated"),
            TimelineEntry(at=TODAY - datetime.timedelta(days=1), kind="c", title="yesterday"),
        ],
        key=lambda entry: entry.sort_key,
        reverse=True,
    )
    assert [entry.title for entry in entries] == ["dated", "timed", "yesterday"]


@pytest.mark.django_db
def test_the_page_writes_only_the_entries_it_shows(client_for, alice):
    """A source may leave its entries to write (LaterEntry): the page writes its twenty."""
    written = []

    def describe(day):
        written.append(day)
        return TimelineEntry(at=day, kind="visit", title=f"Visite du {day:%d/%m/%Y}")

    def visits(resident, user):
        days = [TODAY - datetime.timedelta(days=n) for n in range(30)]
        return [timeline.LaterEntry(day, partial(describe, day)) for day in days]

    resident = ResidentFactory(created_at=timezone.now() - datetime.timedelta(days=60))
    url = reverse("residents:resident_detail", args=[resident.pk])
    with timeline.sources.temporarily(visits):
        first = client_for(alice).get(url)
        assert written == [TODAY - datetime.timedelta(days=n) for n in range(20)]
        titles = [entry.title for entry in first.context["page_obj"]]
        assert titles[0] == f"Visite du {TODAY:%d/%m/%Y}" and len(titles) == 20
        written.clear()
        second = client_for(alice).get(url, {"page": 2})
    assert written == [TODAY - datetime.timedelta(days=n) for n in range(20, 30)]
    assert [entry.kind for entry in second.context["page_obj"]][-1] == "file"


@pytest.mark.django_db
def test_the_page_reads_the_rows_of_the_entries_it_shows_only_in_one_query(client_for, alice):
    """A source may give its entries' days and keys only (`Rows`): the page reads the full rows
    of the twenty it shows, in one query, and writes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from residents.models import SituationAssessment
    from tests.factories import SituationAssessmentFactory

    resident = ResidentFactory(created_at=timezone.now() - datetime.timedelta(days=60))
    for n in range(30):
        SituationAssessmentFactory(resident=resident, assessed_on=TODAY - datetime.timedelta(n))
    written = []

    def describe(assessment):
        written.append(assessment.assessed_on)
        return TimelineEntry(at=assessment.assessed_on, kind="visit", title="Visite")

    def situations(resident, user):
        assessments = SituationAssessment.objects.filter(resident=resident)
        rows = timeline.Rows(assessments)
        return [
            timeline.LaterEntry(day, describe, "visit", rows, pk)
            for pk, day in assessments.values_list("pk", "assessed_on")
        ]

    url = reverse("residents:resident_detail", args=[resident.pk])
    with timeline.sources.temporarily(situations):
        with CaptureQueriesContext(connection) as queries:
            page = client_for(alice).get(url, {"type": "visites"})
    assert written == [TODAY - datetime.timedelta(days=n) for n in range(20)]
    assert len(page.context["page_obj"]) == 20
    reads = [q["sql"] for q in queries if 'FROM "residents_situationassessment"' in q["sql"]]
    # the page's own prefetch (for the summary), the days, the twenty rows shown
    assert len(reads) == 3
