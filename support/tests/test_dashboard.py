import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.navigation import menu_for
from placements.models import ExitDestination
from tests.factories import (
    ConsumptionAssessmentFactory,
    ConsumptionLineFactory,
    PlacementFactory,
    ReferralFactory,
    ResidentFactory,
    StepFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _cards(client):
    return dict(client.get(reverse("home")).context["cards"])


@pytest.mark.django_db
def test_it_shows_each_worker_their_steps_due(client_for, alice):
    overdue = StepFactory(followed_by=alice, due_on=TODAY - DAY)
    soon = StepFactory(followed_by=alice, due_on=TODAY + 6 * DAY)
    StepFactory(followed_by=alice, due_on=TODAY + 8 * DAY)  # beyond the week
    StepFactory(due_on=TODAY - DAY)  # someone else's
    card = _cards(client_for(alice))["support/card_steps.html"]
    assert (card["rows"], card["total"], card["overdue"]) == ([overdue, soon], 2, 1)


@pytest.mark.django_db
def test_it_shows_the_appointments_i_accompany_as_i_may_see_them(client_for, alice):
    now = timezone.now()
    medical = ReferralFactory(
        accompanied_by=alice, service="cmp", is_medical=True, appointment_at=now + DAY
    )
    social = ReferralFactory(accompanied_by=alice, appointment_at=now + 2 * DAY)
    ReferralFactory(accompanied_by=alice, appointment_at=now + 20 * DAY)  # later
    ReferralFactory(appointment_at=now + DAY)  # alice does not go
    response = client_for(alice).get(reverse("home"))
    card = dict(response.context["cards"])["support/card_appointments.html"]
    assert (card["rows"], card["total"]) == ([medical, social], 2)
    page = response.content.decode()
    assert "Rendez-vous médical" in page and "CMP" not in page


@pytest.mark.django_db
@override_settings(CONSUMPTION_REVIEW_DAYS=90)
def test_it_reminds_the_team_of_consumption_reassessments(client_for, alice):
    never = PlacementFactory(resident__nickname="Jamais").resident
    late = PlacementFactory(resident__nickname="Ancien").resident
    ConsumptionAssessmentFactory(resident=late, assessed_on=TODAY - 91 * DAY)
    recent = PlacementFactory(resident__nickname="Récent").resident
    ConsumptionAssessmentFactory(resident=recent, assessed_on=TODAY - 30 * DAY)
    ResidentFactory(nickname="Pas hébergé")
    left = PlacementFactory(
        resident__nickname="Sorti",
        start=TODAY - 100 * DAY,
        end=TODAY - 5 * DAY,
        exit_destination=ExitDestination.CHRS,
    ).resident
    assessed_at_exit = PlacementFactory(
        start=TODAY - 100 * DAY, end=TODAY - 5 * DAY, exit_destination=ExitDestination.STREET
    ).resident
    ConsumptionLineFactory(
        assessment__resident=assessed_at_exit, assessment__assessed_on=TODAY - 10 * DAY
    )
    response = client_for(alice).get(reverse("home"))
    due = dict(response.context["cards"])["support/card_reassessments.html"]["due"]
    assert due.housed == [late, never] or due.housed == [never, late]
    assert [stay.resident for stay in due.exits] == [left]
    page = response.content.decode()
    assert reverse("residents:consumption_create", args=[never.pk]) in page
    assert "jamais évalué·e" in page


@pytest.mark.django_db
def test_it_shows_the_manager_the_consumption_outcomes(client_for, marc, alice):
    resident = PlacementFactory(start=TODAY - 200 * DAY).resident
    for days, level in ((150, 4), (20, 0)):
        ConsumptionLineFactory(
            assessment__resident=resident,
            assessment__assessed_on=TODAY - days * DAY,
            frequency=level,
            route="" if not level else "inhaled",
        )
    response = client_for(marc).get(reverse("home"))
    summary = dict(response.context["cards"])["support/card_outcomes.html"]["summary"]
    assert (summary.assessed, summary.stopped) == (1, 1)
    assert "s’est arrêtée pour 1" in response.content.decode()
    assert "support/card_outcomes.html" not in _cards(client_for(alice))


@pytest.mark.django_db
def test_it_shows_no_support_card_to_the_admin(client_for, ada):
    assert not [name for name in _cards(client_for(ada)) if name.startswith("support/")]


@pytest.mark.django_db
def test_it_adds_steps_and_appointments_to_the_menu(alice, marc, ada):
    steps, appointments = reverse("support:step_list"), reverse("support:referral_list")
    for user in (alice, marc):
        urls = [entry["url"] for entry in menu_for(user)]
        assert steps in urls and appointments in urls
    assert steps not in [entry["url"] for entry in menu_for(ada)]
