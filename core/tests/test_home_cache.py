"""The home page's cards are cached for each user (core.navigation.home_cards): any write to a
table a card reads shows at once, and one user's cards never reach another user."""

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.roles import Role
from core import kept, navigation
from core.audit import event_models
from harmreduction.models import StockLevel
from residents.models import AdmissionRequest
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    ItemFactory,
    LocationFactory,
    PlacementFactory,
    ReferralFactory,
    SampleFactory,
    StaffAvailabilityFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Outcome, VisitStatus

HOME = reverse("home")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _home(client):
    """The page, and whether its cards were worked out (a miss) rather than read from the cache."""
    response = client.get(HOME)
    assert response.status_code == 200
    computed = any("cards" in context for context in response.context)
    return response.content.decode(), computed


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens, which change with every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


def _waiting(page: str) -> int:
    match = re.search(r'id="card-waiting-title">.*?<p class="display-6 mb-1">(\d+)</p>', page, re.S)
    return int(match.group(1))


@pytest.mark.django_db
def test_it_shows_the_cached_cards_until_a_table_they_read_changes(client_for, chloe):
    AdmissionRequestFactory()
    client = client_for(chloe)
    page, computed = _home(client)
    assert computed and _waiting(page) == 1

    again, computed = _home(client)
    assert not computed, "nothing changed: the cards come from the cache"
    assert _without_tokens(again) == _without_tokens(page)

    AdmissionRequestFactory()
    page, computed = _home(client)
    assert computed and _waiting(page) == 2

    # Raw SQL skips the ORM and its signals, not the history triggers.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AdmissionRequest._meta.db_table}")
    page, computed = _home(client)
    assert computed and _waiting(page) == 0


@pytest.mark.django_db
def test_it_works_the_cards_out_again_the_next_day(client_for, chloe, monkeypatch):
    client = client_for(chloe)
    _home(client)
    assert not _home(client)[1]
    monkeypatch.setattr(navigation.timezone, "localdate", lambda: TODAY + DAY)
    assert _home(client)[1]


@pytest.mark.django_db
def test_one_user_s_cards_never_reach_another(client_for, alice, ada):
    StepFactory(followed_by=alice, due_on=TODAY, resident__nickname="Suivie-par-Alice")
    colleague = UserFactory(username="bruno", roles=[Role.SOCIAL_WORKER])  # alice's roles

    assert "Suivie-par-Alice" in _home(client_for(alice))[0]
    page, computed = _home(client_for(colleague))
    assert computed and "Suivie-par-Alice" not in page
    page, computed = _home(client_for(ada))
    assert computed and 'data-testid="card-steps"' not in page
    assert 'data-testid="card-steps"' in _home(client_for(alice))[0]


@pytest.mark.django_db
def test_a_user_whose_roles_change_sees_the_cards_of_their_new_roles(client_for, alice):
    client = client_for(alice)
    assert 'data-testid="card-steps"' in _home(client)[0]
    alice.groups.clear()
    page, computed = _home(client)
    assert computed and 'data-testid="card-steps"' not in page


@pytest.mark.django_db
def test_cached_cards_are_those_worked_out(client_for, personas):
    """A hit shows exactly what a miss showed, for every role; the medical team's cards are
    worked out on every page, never kept."""
    PlacementFactory(start=TODAY - 30 * DAY)
    AdmissionRequestFactory()
    for user in personas.values():
        client = client_for(user)
        first, computed = _home(client)
        second, from_cache = _home(client)
        assert computed and from_cache == user.is_medical
        assert _without_tokens(first) == _without_tokens(second)


@pytest.mark.django_db
def test_every_table_a_card_reads_is_declared(chloe):
    """The cache's key sees a change only in the tables the cards declare (`reads`): every table
    their queries and their templates read must be one of them, and keep a history."""
    everyone = UserFactory(username="toutes", roles=list(Role))
    worker = everyone
    stay = PlacementFactory(start=TODAY - 40 * DAY)
    VisitFactory(
        placement=stay,
        worker=worker,
        planned_on=TODAY - DAY,
        status=VisitStatus.DONE,
        outcome=Outcome.SEEN,
        logged_at=timezone.now(),
        logged_by=worker,
        follow_up_reason="social",
    )
    VisitFactory(placement=PlacementFactory(start=TODAY - 40 * DAY), worker=worker)
    StaffAvailabilityFactory(user=worker)
    AdmissionRequestFactory()
    StepFactory(followed_by=worker, due_on=TODAY)
    ReferralFactory(accompanied_by=worker, appointment_at=timezone.now() + DAY)
    ConsumptionAssessmentFactory(resident=stay.resident, assessed_on=TODAY - 200 * DAY)
    SampleFactory(
        collected_on=TODAY - 3 * DAY,
        sent_on=TODAY - 2 * DAY,
        result_on=TODAY - DAY,
        result="Fentanyl détecté",
        result_unexpected=True,
    )
    StockLevel.objects.create(
        location=LocationFactory(), item=ItemFactory(), quantity=1, threshold=4
    )
    request = RequestFactory().get(HOME)
    request.user = everyone
    tracked = {model._meta.db_table for model in event_models()}
    shown = 0
    for card in navigation.cards:
        with CaptureQueriesContext(connection) as queries:
            context = card.context(request)
            if context is not None:
                render_to_string(card.template, {"card": context})
                shown += 1
        read = set()
        for query in queries.captured_queries:
            read |= set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
        read -= {"auth_group", "accounts_user_groups"}  # the roles: in the key
        assert card.reads is not None, card.template
        declared = {apps.get_model(label)._meta.db_table for label in card.reads}
        assert read <= declared, (card.template, read - declared)
        assert declared <= tracked, (card.template, declared - tracked)
    assert shown == len(navigation.cards.names())


@pytest.mark.django_db
def test_the_home_page_answers_when_the_cache_does_not(client_for, chloe, monkeypatch):
    def down(*args, **kwargs):
        raise RedisError("connection refused")

    monkeypatch.setattr(kept.cache, "get", down)
    monkeypatch.setattr(kept.cache, "set", down)
    AdmissionRequestFactory()
    page, computed = _home(client_for(chloe))
    assert computed and _waiting(page) == 1


@pytest.mark.django_db
def test_a_cached_home_is_a_fixed_number_of_queries(client_for, chloe):
    client = client_for(chloe)
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        assert not _home(client)[1]
    # Session, user (2); the cards' data version; the roles; the session saved in a savepoint (3).
    assert len(queries) == 7
