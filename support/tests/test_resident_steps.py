import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from tests.factories import ResidentFactory, StepFactory

TODAY = timezone.localdate()


def _url(resident):
    return reverse("support:resident_steps", args=[resident.pk])


@pytest.mark.django_db
def test_it_lists_open_steps_then_closed_ones(client_for, alice):
    resident = ResidentFactory()
    closed = StepFactory(resident=resident, status="obtained", closed_on=TODAY)
    open_step = StepFactory(resident=resident)
    StepFactory()
    response = client_for(alice).get(_url(resident))
    assert list(response.context["page_obj"]) == [open_step, closed]
    page = response.content.decode()
    assert "Obtenue" in page and reverse("support:step_create", args=[resident.pk]) in page
    assert AccessLog.objects.get().resident == resident


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_file(client_for, alice):
    assert (
        client_for(alice).get(reverse("support:resident_steps", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(_url(ResidentFactory())).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(_url(ResidentFactory())).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_steps(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(resident)).status_code == 200
        return len(queries)

    StepFactory.create_batch(2, resident=resident)
    with_two = count_queries()
    StepFactory.create_batch(48, resident=resident)
    # session, user, groups; the resident; the count and the page of steps with their
    # followers; the access log insert.
    assert count_queries() == with_two
