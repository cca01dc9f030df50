import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from support.models import Step, StepKind, StepStatus
from tests.factories import StepFactory, UserFactory

TODAY = timezone.localdate()
URL = reverse("support:step_list")


@pytest.mark.django_db
def test_it_lists_my_open_steps_soonest_first(client_for, alice):
    later = StepFactory(followed_by=alice, due_on=TODAY + datetime.timedelta(days=20))
    overdue = StepFactory(followed_by=alice, due_on=TODAY - datetime.timedelta(days=3))
    undated = StepFactory(followed_by=alice, due_on=None, status="in_progress")
    StepFactory(followed_by=alice, status="obtained", closed_on=TODAY)
    StepFactory()  # someone else's
    response = client_for(alice).get(URL)
    assert list(response.context["page_obj"]) == [overdue, later, undated]
    assert "en retard" in response.content.decode()


@pytest.mark.django_db
def test_it_lists_the_teams_steps_on_request(client_for, alice):
    mine, theirs = StepFactory(followed_by=alice), StepFactory()
    response = client_for(alice).get(URL, {"tous": "1"})
    assert set(response.context["page_obj"]) == {mine, theirs}


@pytest.mark.django_db
def test_it_shows_the_manager_the_teams_steps_read_only(client_for, marc):
    step = StepFactory()
    response = client_for(marc).get(URL)
    assert list(response.context["page_obj"]) == [step]
    assert reverse("support:step_update", args=[step.pk]) not in response.content.decode()


@pytest.mark.django_db
def test_it_filters_by_domain(client_for, alice):
    housing = StepFactory(followed_by=alice, kind="siao")
    StepFactory(followed_by=alice, kind="ame")
    response = client_for(alice).get(URL, {"domaine": "housing"})
    assert list(response.context["page_obj"]) == [housing]
    unknown = client_for(alice).get(URL, {"domaine": "nimportequoi"})
    assert len(unknown.context["page_obj"]) == 2


@pytest.mark.django_db
def test_it_leaves_out_archived_files(client_for, alice, chloe):
    step = StepFactory(followed_by=alice)
    step.resident.archive(by=chloe)
    assert list(client_for(alice).get(URL).context["page_obj"]) == []


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_steps(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"tous": "1"}).status_code == 200
        return len(queries)

    StepFactory.create_batch(2, followed_by=alice)
    with_two = count_queries()
    StepFactory.create_batch(48, followed_by=UserFactory())
    # session, user, groups; the count and the page of steps with their residents and
    # followers: nothing per step.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_each_row_links_to_the_persons_steps_and_to_the_step(client_for, alice):
    step = StepFactory(followed_by=alice, status="in_progress")
    page = client_for(alice).get(URL).content.decode()
    assert f'href="{reverse("support:resident_steps", args=[step.resident_id])}"' in page
    assert page.count(f'href="{reverse("support:step_update", args=[step.pk])}"') == 2
    assert page.count('<span class="badge text-bg-primary">En cours</span>') == 2


@pytest.mark.django_db
def test_it_writes_each_kind_and_status_with_its_label(client_for, alice):
    for kind in StepKind:
        assert Step(kind=kind).kind_label == Step(kind=kind).get_kind_display()
    for status in StepStatus:
        assert Step(status=status).status_label == Step(status=status).get_status_display()
    step = StepFactory(followed_by=alice, kind=StepKind.AME, status=StepStatus.IN_PROGRESS)
    page = client_for(alice).get(URL).content.decode()
    with translation.override("fr"):
        kind, status = step.get_kind_display(), step.get_status_display()
    assert f'<span class="d-none d-sm-inline">{kind}</span>' in page
    assert f">{status}</span>" in page
