import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import VisitFactory
from visits.models import Outcome, VisitStatus

LIST = reverse("visits:alerts")


def _flagged(reason: str):
    return VisitFactory(
        status=VisitStatus.DONE,
        outcome=Outcome.SEEN,
        logged_at=timezone.now(),
        follow_up_reason=reason,
    )


def _close_url(visit) -> str:
    return reverse("visits:follow_up_close", args=[visit.pk])


@pytest.mark.django_db
def test_it_lists_the_open_alerts_for_the_readers_roles(client_for, nina, alice):
    medical, housing = _flagged("medical"), _flagged("housing")
    assert list(client_for(nina).get(LIST).context["page_obj"]) == [medical]
    assert list(client_for(alice).get(LIST).context["page_obj"]) == [housing]


@pytest.mark.django_db
def test_it_marks_an_alert_as_handled(client_for, nina):
    visit = _flagged("medical")
    response = client_for(nina).post(_close_url(visit), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Le suivi de" in response.content.decode()
    visit.refresh_from_db()
    assert visit.follow_up_closed_by == nina and not visit.needs_follow_up
    assert list(response.context["page_obj"]) == []


@pytest.mark.django_db
def test_only_the_alerts_readers_may_handle_it(client_for, alice, marc):
    visit = _flagged("medical")
    assert client_for(alice).post(_close_url(visit)).status_code == 403
    assert client_for(marc).post(_close_url(visit)).status_code == 403
    assert client_for(marc).get(LIST).status_code == 403
    visit.refresh_from_db()
    assert visit.needs_follow_up


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, nina):
    assert (
        client_for(nina).post(reverse("visits:follow_up_close", args=[999999])).status_code == 404
    )
    assert client_for(nina).get(_close_url(_flagged("medical"))).status_code == 405
    assert client_for(nina).post(LIST).status_code == 405


@pytest.mark.django_db
def test_changing_the_reason_reopens_a_handled_follow_up(client_for, nina, alice):
    visit = _flagged("medical")
    visit.close_follow_up(by=nina)
    client = client_for(alice)
    token = (
        client.get(reverse("visits:visit_detail", args=[visit.pk]))
        .context["form"]
        .initial["form_token"]
    )
    client.post(
        reverse("visits:visit_detail", args=[visit.pk]),
        {"form_token": token, "outcome": "seen", "follow_up_reason": "social"},
    )
    visit.refresh_from_db()
    assert visit.follow_up_reason == "social" and visit.needs_follow_up
