import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import VisitFactory
from visits.models import Outcome, VisitMedicalNote, VisitStatus

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
    response = client_for(nina).post(
        _close_url(visit), {"what_was_done": "Vue au CSAPA"}, follow=True
    )
    assert response.redirect_chain == [(LIST, 302)]
    assert "Le suivi de" in response.content.decode()
    visit.refresh_from_db()
    assert visit.follow_up_closed_by == nina and not visit.needs_follow_up
    assert list(response.context["page_obj"]) == []


@pytest.mark.django_db
def test_only_the_alerts_readers_may_handle_it(client_for, alice, marc):
    visit = _flagged("medical")
    done = {"what_was_done": "Rien"}
    assert client_for(alice).post(_close_url(visit), done).status_code == 403
    assert client_for(marc).post(_close_url(visit), done).status_code == 403
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
    visit.close_follow_up(by=nina, what_was_done="Appelée")
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


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["", "   "])
def test_it_asks_what_was_done_and_closes_nothing_without_it(client_for, alice, what):
    visit = _flagged("housing")
    response = client_for(alice).post(_close_url(visit), {"what_was_done": what}, follow=True)
    assert "Dites ce qui a été fait avant de marquer le suivi comme traité." in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.needs_follow_up and visit.follow_up_handled_note == ""


@pytest.mark.django_db
def test_it_shows_what_was_done_on_the_visit_and_in_the_story(client_for, alice):
    visit = _flagged("housing")
    client = client_for(alice)
    client.post(_close_url(visit), {"what_was_done": "Chauffage réparé par l’hôtel"})
    visit.refresh_from_db()
    assert (visit.follow_up_closed_by, visit.follow_up_handled_note) == (
        alice,
        "Chauffage réparé par l’hôtel",
    )
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert ": Chauffage réparé par l’hôtel</div>" in page
    story = client.get(reverse("residents:resident_detail", args=[visit.resident_id]))
    details = [entry.detail for entry in story.context["page_obj"] if entry.kind == "visit"]
    assert "traité : Chauffage réparé par l’hôtel" in details[0]


@pytest.mark.django_db
def test_what_was_done_for_a_medical_concern_stays_with_the_medical_team(
    client_for, nina, alice, marc
):
    visit = _flagged("medical")
    client_for(nina).post(_close_url(visit), {"what_was_done": "Pansement refait, vue au CMS"})
    visit.refresh_from_db()
    assert visit.follow_up_handled_note == ""  # not in the visit's row, whose history marc reads
    assert VisitMedicalNote.objects.get(visit=visit).handled_text == "Pansement refait, vue au CMS"
    url = reverse("visits:visit_detail", args=[visit.pk])
    assert "Pansement refait" in client_for(nina).get(url).content.decode()
    for reader in (alice, marc):
        page = client_for(reader).get(url).content.decode()
        assert "Pansement refait" not in page
        assert 'data-testid="follow-up-handled"' in page  # they see it was handled, by whom
