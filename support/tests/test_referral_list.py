import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from support.models import Referral, ReferralOutcome
from tests.factories import ReferralFactory

URL = reverse("support:referral_list")
DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_it_lists_upcoming_appointments_soonest_first(client_for, alice):
    now = timezone.now()
    later = ReferralFactory(appointment_at=now + 5 * DAY)
    sooner = ReferralFactory(appointment_at=now + DAY)
    ReferralFactory(appointment_at=now - DAY)  # past
    ReferralFactory(appointment_at=now + DAY, outcome="cancelled")
    ReferralFactory(appointment_at=None)  # no date yet
    response = client_for(alice).get(URL)
    assert list(response.context["page_obj"]) == [sooner, later]


@pytest.mark.django_db
def test_it_lists_past_appointments_whose_outcome_is_to_record(client_for, alice):
    now = timezone.now()
    forgotten = ReferralFactory(appointment_at=now - 2 * DAY)
    ReferralFactory(appointment_at=now - DAY, outcome="attended")
    ReferralFactory(appointment_at=now + DAY)
    response = client_for(alice).get(URL, {"vue": "a-renseigner"})
    assert list(response.context["page_obj"]) == [forgotten]


@pytest.mark.django_db
def test_it_shows_only_the_appointments_i_accompany(client_for, alice):
    mine = ReferralFactory(accompanied_by=alice)
    ReferralFactory()
    assert list(client_for(alice).get(URL, {"moi": "1"}).context["page_obj"]) == [mine]


@pytest.mark.django_db
def test_it_masks_a_medical_referral_for_the_rest_of_the_team(client_for, alice, nina):
    referral = ReferralFactory(service="hepatology", is_medical=True, notes="Dépistage VHC")
    page = client_for(alice).get(URL).content.decode()
    assert "Rendez-vous médical" in page
    assert "Hépatologie" not in page and "VHC" not in page
    assert reverse("support:referral_update", args=[referral.pk]) not in page
    medical = client_for(nina).get(URL).content.decode()
    assert "Hépatologie" in medical and "Dépistage VHC" in medical


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_appointments(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    ReferralFactory(accompanied_by=alice)
    ReferralFactory(service="csapa", is_medical=True)
    with_two = count_queries()
    ReferralFactory.create_batch(24, accompanied_by=alice)
    ReferralFactory.create_batch(24, service="csapa", is_medical=True)
    # session, user, groups; the count and the page of referrals with their residents and
    # companions: nothing per appointment.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_each_row_links_to_the_persons_referrals_and_to_the_referral(client_for, alice):
    referral = ReferralFactory(appointment_at=timezone.now() - DAY, accompanied_by=alice)
    page = client_for(alice).get(URL, {"vue": "a-renseigner"}).content.decode()
    resident_url = reverse("support:resident_referrals", args=[referral.resident_id])
    assert page.count(f'href="{resident_url}"') == 2
    assert page.count(f'href="{reverse("support:referral_update", args=[referral.pk])}"') == 2
    attendance_url = reverse("support:referral_attendance", args=[referral.pk])
    assert f'action="{attendance_url}"' in page


@pytest.mark.django_db
def test_it_writes_each_outcome_with_its_label(client_for, alice):
    for outcome in ReferralOutcome:
        referral = Referral(outcome=outcome)
        assert referral.outcome_label == referral.get_outcome_display()
    referral = ReferralFactory(appointment_at=timezone.now() + datetime.timedelta(days=1))
    page = client_for(alice).get(URL).content.decode()
    with translation.override("fr"):
        label = referral.get_outcome_display()
    assert f'<td class="d-none d-sm-table-cell">{label}</td>' in page
