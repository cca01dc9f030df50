import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import AccessLog
from tests.factories import ReferralFactory, ResidentFactory


def _url(resident):
    return reverse("support:resident_referrals", args=[resident.pk])


@pytest.mark.django_db
def test_it_lists_the_referrals_of_a_person(client_for, alice):
    resident = ResidentFactory()
    social = ReferralFactory(resident=resident, notes="Apporter l’avis d’imposition.")
    medical = ReferralFactory(resident=resident, service="dentist", is_medical=True)
    ReferralFactory()
    response = client_for(alice).get(_url(resident))
    assert set(response.context["page_obj"]) == {social, medical}
    page = response.content.decode()
    assert "Services logement" in page and "Apporter l’avis d’imposition." in page
    assert "Rendez-vous médical" in page and "Dentiste" not in page
    assert reverse("support:referral_create", args=[resident.pk]) in page
    assert AccessLog.objects.get().resident == resident


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_file(client_for, alice):
    url = reverse("support:resident_referrals", args=[999999])
    assert client_for(alice).get(url).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(_url(ResidentFactory())).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(_url(ResidentFactory())).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_referrals(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(resident)).status_code == 200
        return len(queries)

    ReferralFactory(resident=resident, accompanied_by=alice)
    ReferralFactory(resident=resident, service="cmp", is_medical=True)
    with_two = count_queries()
    ReferralFactory.create_batch(24, resident=resident, accompanied_by=alice)
    ReferralFactory.create_batch(24, resident=resident, service="cmp", is_medical=True)
    # session, user, groups; the resident; the count and the page of referrals with their
    # companions; the access log insert.
    assert count_queries() == with_two
