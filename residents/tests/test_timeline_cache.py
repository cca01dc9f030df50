"""The resident page keeps each page of the timeline in the cache (residents.timeline.cached):
any write to a table a source reads shows at once, one user's or role's timeline never reaches
another, and the access log is written on every visit, from the cache or not."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.roles import Role
from core import kept
from core.audit import event_models
from placements.models import Absence, ExitDestination
from privacy.models import AccessLog
from residents import timeline
from residents.models import SituationAssessment
from support import services
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionLineFactory,
    IncidentFactory,
    PlacementFactory,
    ReferralFactory,
    ResidentFactory,
    SituationAssessmentFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Outcome, VisitStatus

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _page(client, resident, **params):
    """The page's HTML, and whether its timeline was written (a miss) rather than read from the
    cache."""
    response = client.get(reverse("residents:resident_detail", args=[resident.pk]), params)
    assert response.status_code == 200
    written = any("page_obj" in context for context in response.context)
    return response.content.decode(), written


def _timeline(page: str) -> str:
    return page[page.index('<div id="timeline"') :]


@pytest.mark.django_db
def test_it_shows_the_cached_timeline_until_a_table_a_source_reads_changes(client_for, alice):
    resident = ResidentFactory()
    SituationAssessmentFactory(resident=resident, assessed_on=TODAY - 3 * DAY)
    client = client_for(alice)
    page, written = _page(client, resident)
    assert written and "Évaluation de la situation sociale" in page

    with CaptureQueriesContext(connection) as hit:
        again, written = _page(client, resident)
    assert not written, "nothing changed: the timeline comes from the cache"
    assert _timeline(again) == _timeline(page)

    services.note_create(resident=resident, kind="social", text="Nouvelle note.", by=alice)
    page, written = _page(client, resident)
    assert written and "Nouvelle note." in page

    # Raw SQL skips the ORM and its signals, not the history triggers.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SituationAssessment._meta.db_table}")
    page, written = _page(client, resident)
    assert written and "Évaluation de la situation sociale" not in page

    # A hit reads no source: fewer queries than a miss, the same whatever the story's length.
    for days in range(30):
        SituationAssessmentFactory(resident=resident, assessed_on=TODAY - days * DAY)
    _page(client, resident)
    with CaptureQueriesContext(connection) as longer:
        assert not _page(client, resident)[1]
    assert len(longer) == len(hit)


@pytest.mark.django_db
def test_a_user_renamed_shows_under_the_new_name(client_for, alice, chloe):
    resident = ResidentFactory()
    services.note_create(resident=resident, kind="social", text="Visite.", by=alice)
    alice.first_name, alice.last_name = "Alice", "Durand"
    alice.save()
    client = client_for(chloe)
    assert "Alice Durand" in _page(client, resident)[0]
    alice.first_name, alice.last_name = "Alice", "Martin"
    alice.save()
    page, written = _page(client, resident)
    assert written and "Alice Martin" in page


@pytest.mark.django_db
def test_it_keeps_each_filter_and_page_apart(client_for, alice):
    resident = ResidentFactory()
    for days in range(25):
        SituationAssessmentFactory(resident=resident, assessed_on=TODAY - days * DAY)
    client = client_for(alice)
    first = _timeline(_page(client, resident)[0])
    second, written = _page(client, resident, page=2)
    assert written and _timeline(second) != first
    notes, written = _page(client, resident, type="notes")
    assert written and "Rien de ce type" in notes
    assert _timeline(_page(client, resident)[0]) == first


@pytest.mark.django_db
def test_it_writes_the_timeline_again_the_next_day(client_for, alice, monkeypatch):
    resident = ResidentFactory()
    client = client_for(alice)
    _page(client, resident)
    assert not _page(client, resident)[1]
    monkeypatch.setattr(timeline.timezone, "localdate", lambda: TODAY + DAY)
    assert _page(client, resident)[1]


@pytest.mark.django_db
def test_one_role_s_timeline_never_reaches_another(client_for, alice, nina, paul, marc):
    """The medical team reads the medical notes and referrals; the rest of the team and the
    manager only their summary and that an appointment exists, even right after a nurse or a
    psychiatrist filled the cache."""
    resident = ResidentFactory()
    services.note_create(
        resident=resident,
        kind="psychiatric",
        text="Entretien long, traitement revu.",
        shared_summary="Passer le matin.",
        by=paul,
    )
    ReferralFactory(resident=resident, service="cmp", is_medical=True, notes="Premier contact")
    for medical in (nina, paul):
        for _twice in range(2):  # the medical text is never kept in the cache: read each time
            page, written = _page(client_for(medical), resident)
            assert written and "Entretien long" in page and "Premier contact" in page
    for other in (alice, marc):
        page, written = _page(client_for(other), resident)
        assert written
        assert "Entretien long" not in page and "Premier contact" not in page
        assert "Passer le matin." in page and "Rendez-vous médical" in page


@pytest.mark.django_db
def test_one_user_s_timeline_never_reaches_a_colleague(client_for, alice):
    resident = ResidentFactory()
    colleague = UserFactory(username="bruno", roles=[Role.SOCIAL_WORKER])  # alice's roles
    _page(client_for(alice), resident)
    assert _page(client_for(colleague), resident)[1]
    assert not _page(client_for(alice), resident)[1]


@pytest.mark.django_db
def test_a_user_whose_roles_change_sees_the_timeline_of_their_new_roles(client_for, nina, paul):
    resident = ResidentFactory()
    services.note_create(
        resident=resident, kind="psychiatric", text="Entretien long.", shared_summary="", by=paul
    )
    client = client_for(nina)
    assert "Entretien long." in _page(client, resident)[0]
    nina.groups.set([Group.objects.get_or_create(name=Role.SOCIAL_WORKER)[0]])
    page, written = _page(client, resident)
    assert written and "Entretien long." not in page
    assert not _page(client, resident)[1]  # kept now: no medical text in it
    nina.groups.set([Group.objects.get_or_create(name=Role.NURSE)[0]])
    page, written = _page(client, resident)
    assert written and "Entretien long." in page


@pytest.mark.django_db
def test_every_visit_writes_the_access_log_cache_or_not(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)
    assert _page(client, resident)[1]
    assert not _page(client, resident)[1]
    partial = client.get(
        reverse("residents:resident_detail", args=[resident.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline",
    )
    assert partial.status_code == 200
    assert AccessLog.objects.filter(resident=resident, user=alice).count() == 3


@pytest.mark.django_db
def test_the_page_answers_when_the_cache_does_not(client_for, alice, monkeypatch):
    def down(*args, **kwargs):
        raise RedisError("connection refused")

    monkeypatch.setattr(kept.cache, "get", down)
    monkeypatch.setattr(kept.cache, "set", down)
    resident = ResidentFactory()
    SituationAssessmentFactory(resident=resident)
    page, written = _page(client_for(alice), resident)
    assert written and "Évaluation de la situation sociale" in page


@pytest.mark.django_db
def test_a_source_that_does_not_say_what_it_reads_turns_the_cache_off(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)

    def undeclared(resident, user):
        return []

    with timeline.sources.temporarily(undeclared):
        assert timeline.data_version() is None
        assert _page(client, resident)[1]
        assert _page(client, resident)[1]


def tables_read(source, resident, user) -> set[str]:
    """The tables one source's entries read, their rows written out (the roles excepted: in the
    cache's key)."""
    with CaptureQueriesContext(connection) as queries:
        timeline.described(timeline.source_entries(source, resident, user))
    read = set()
    for query in queries.captured_queries:
        read |= set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
    return read - {"auth_group", "accounts_user_groups"}


def assert_every_table_read_is_declared(sources, resident, user) -> None:
    """The cache's key sees a change only in the tables the sources declare (`reads`): every
    table their queries read must be one of them, and keep a history."""
    tracked = {model._meta.db_table for model in event_models()}
    for source in sources:
        assert getattr(source, "reads", None) is not None, source
        declared = {apps.get_model(label)._meta.db_table for label in source.reads}
        read = tables_read(source, resident, user)
        assert read <= declared, (source, read - declared)
        assert declared <= tracked, (source, declared - tracked)


@pytest.mark.django_db
def test_every_table_a_source_reads_is_declared(nina, alice):
    """Harm reduction's sources: harmreduction/tests/test_timeline.py."""
    resident = ResidentFactory(informed_on=TODAY - 50 * DAY)
    AdmissionRequestFactory(resident=resident, received_on=TODAY - 60 * DAY)
    SituationAssessmentFactory(resident=resident, assessed_on=TODAY - 50 * DAY)
    ConsumptionLineFactory(assessment__resident=resident, assessment__assessed_on=TODAY)
    services.note_create(
        resident=resident, kind="nursing", text="Pansement.", shared_summary="Vu.", by=nina
    )
    StepFactory(resident=resident, status="obtained", closed_on=TODAY, followed_by=alice)
    ReferralFactory(resident=resident, accompanied_by=alice, is_medical=True, notes="Bilan")
    stay = PlacementFactory(
        resident=resident,
        start=TODAY - 40 * DAY,
        end=TODAY - 2 * DAY,
        exit_destination=ExitDestination.CHRS,
    )
    Absence.objects.create(placement=stay, start=TODAY - 30 * DAY, reason="hospital")
    IncidentFactory(hotel=stay.place.hotel, resident=resident, occurred_on=TODAY - 20 * DAY)
    VisitFactory(
        placement=stay,
        planned_on=TODAY - 10 * DAY,
        status=VisitStatus.DONE,
        outcome=Outcome.SEEN,
        logged_at=timezone.now(),
        logged_by=alice,
    )
    ours = [
        source for source in timeline.sources if not source.__module__.startswith("harmreduction.")
    ]
    for user in (nina, alice):
        assert_every_table_read_is_declared(ours, resident, user)
    entries = timeline.entries_for(resident, nina)
    assert {entry.kind for entry in entries} >= {
        "file",
        "consent",
        "admission",
        "situation",
        "consumption",
        "note",
        "step",
        "referral",
        "stay",
        "absence",
        "incident",
        "visit",
    }
