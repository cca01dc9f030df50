"""Logging a visit from the phone: outcome first, details optional, once only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pghistory.models import Events

from privacy.models import AccessLog
from tests.factories import UserFactory, VisitFactory
from visits.models import Outcome, Visit, VisitStatus
from visits.tests.conftest import DAY, TODAY

TODAY_LIST = reverse("visits:today")


def _url(visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def _token(client, visit) -> str:
    return str(client.get(_url(visit)).context["form"].initial["form_token"])


@pytest.mark.django_db
def test_it_records_seen_nothing_to_report_in_two_taps_from_the_list(client_for, alice):
    visit = VisitFactory(worker=alice, placement__resident__nickname="Pépito")
    client = client_for(alice)
    listing = client.get(TODAY_LIST).content.decode()
    assert f'href="{_url(visit)}"' in listing  # the list: each visit is a link

    page = client.get(_url(visit))  # tap 1: the visit page, outcome buttons on top
    assert page.status_code == 200
    assert 'data-testid="outcome-seen"' in page.content.decode()
    response = client.post(  # tap 2: "Vu·e" submits the form
        _url(visit),
        {"form_token": page.context["form"].initial["form_token"], "outcome": "seen"},
        follow=True,
    )

    assert response.redirect_chain == [(TODAY_LIST, 302)]
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.logged_by) == (VisitStatus.DONE, Outcome.SEEN, alice)
    assert visit.logged_at is not None and visit.corrected_at is None
    (listed,) = response.context["rounds"][0].visits
    assert listed.status == VisitStatus.DONE
    page = response.content.decode()
    assert "Visite à Pépito enregistrée : vu·e." in page
    assert 'data-status="done"' in page


@pytest.mark.django_db
def test_it_saves_the_observations_and_a_follow_up_in_the_same_submission(client_for, alice):
    visit = VisitFactory(worker=alice)
    client = client_for(alice)
    response = client.post(
        _url(visit),
        {
            "form_token": _token(client, visit),
            "outcome": "seen",
            "health": "Plaie à la main",
            "room": "Chambre rangée",
            "consumption": "",
            "needs": "Rendez-vous CPAM",
            "follow_up_reason": "medical",
            "follow_up_note": "Plaie à surveiller",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.health, visit.room, visit.needs) == (
        "Plaie à la main",
        "Chambre rangée",
        "Rendez-vous CPAM",
    )
    assert visit.follow_up_reason == "medical" and visit.needs_follow_up


@pytest.mark.django_db
def test_the_confirmation_names_the_follow_up_flagged(client_for, alice, without_extensions):
    visit = VisitFactory(worker=alice, placement__resident__nickname="Pépito")
    client = client_for(alice)
    data = {"form_token": _token(client, visit), "outcome": "seen", "follow_up_reason": "social"}
    response = client.post(_url(visit), data, follow=True)
    assert (
        "Visite à Pépito enregistrée : vu·e. Enregistré aussi : suivi signalé : besoin social."
    ) in " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_it_records_a_visit_the_team_could_not_make(client_for, alice):
    visit = VisitFactory(worker=alice)
    client = client_for(alice)
    client.post(_url(visit), {"form_token": _token(client, visit), "outcome": "not_made"})
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.logged_by) == (VisitStatus.MISSED, "", alice)


@pytest.mark.django_db
def test_it_asks_for_the_outcome_and_saves_nothing_without_it(client_for, alice):
    visit = VisitFactory(worker=alice)
    client = client_for(alice)
    response = client.post(_url(visit), {"form_token": _token(client, visit), "health": "Fatigue"})
    assert response.status_code == 400
    assert "Choisissez le résultat de la visite." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.health, visit.logged_at) == (VisitStatus.PLANNED, "", None)


@pytest.mark.django_db
def test_it_refuses_a_follow_up_note_without_its_reason(client_for, alice):
    visit = VisitFactory(worker=alice)
    client = client_for(alice)
    response = client.post(
        _url(visit),
        {"form_token": _token(client, visit), "outcome": "seen", "follow_up_note": "À voir"},
    )
    assert response.status_code == 400
    assert "Choisissez le motif du suivi." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


@pytest.mark.django_db
def test_it_records_a_visit_sent_twice_once(client_for, alice):
    visit = VisitFactory(worker=alice)
    client = client_for(alice)
    data = {"form_token": _token(client, visit), "outcome": "seen", "needs": "Vêtements"}
    assert client.post(_url(visit), data).status_code == 302
    logged_at = Visit.objects.get(pk=visit.pk).logged_at

    again = client.post(_url(visit), {**data, "outcome": "absent"}, follow=True)

    assert again.redirect_chain == [(TODAY_LIST, 302)]
    assert "Cette visite était déjà enregistrée" in again.content.decode()
    visit.refresh_from_db()
    assert (visit.outcome, visit.logged_at, visit.corrected_by) == (Outcome.SEEN, logged_at, None)
    assert Events.objects.tracks(visit).filter(pgh_label="update").count() == 1


@pytest.mark.django_db
def test_it_keeps_the_history_and_the_author_of_a_correction(client_for, alice, nina):
    visit = VisitFactory(worker=alice)
    first = client_for(alice)
    first.post(_url(visit), {"form_token": _token(first, visit), "outcome": "seen"})
    second = client_for(nina)

    second.post(_url(visit), {"form_token": _token(second, visit), "outcome": "absent"})

    visit.refresh_from_db()
    assert (visit.outcome, visit.logged_by, visit.corrected_by) == (Outcome.ABSENT, alice, nina)
    events = Events.objects.tracks(visit).order_by("pgh_created_at", "pgh_id")
    assert [event.pgh_label for event in events] == ["insert", "update", "update"]
    assert events.last().pgh_diff["outcome"] == ["seen", "absent"]
    assert events.last().pgh_context["user"] == nina.pk


@pytest.mark.django_db
def test_it_does_not_log_a_visit_before_its_day_or_a_cancelled_one(client_for, alice):
    client = client_for(alice)
    for visit in (
        VisitFactory(worker=alice, planned_on=TODAY + DAY),
        VisitFactory(worker=alice, status=VisitStatus.CANCELLED),
    ):
        page = client.get(_url(visit))
        assert page.status_code == 200 and page.context["form"] is None
        response = client.post(_url(visit), {"outcome": "seen"}, follow=True)
        assert "Cette visite ne peut pas être enregistrée." in response.content.decode()
        assert Visit.objects.get(pk=visit.pk).logged_at is None


@pytest.mark.django_db
def test_the_visit_itself_refuses_to_be_logged_before_its_day(alice):
    visit = VisitFactory(worker=alice, planned_on=TODAY + DAY)
    visit.status = VisitStatus.DONE
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        visit.clean()
    assert refused.value.messages == ["Une visite ne peut pas être enregistrée avant son jour."]


@pytest.mark.django_db
def test_it_lets_a_colleague_log_the_visit(client_for, alice, paul):
    visit = VisitFactory(worker=alice)
    client = client_for(paul)
    client.post(_url(visit), {"form_token": _token(client, visit), "outcome": "refused"})
    visit.refresh_from_db()
    assert (visit.outcome, visit.logged_by) == (Outcome.REFUSED, paul)


@pytest.mark.django_db
def test_it_lets_the_manager_read_but_not_log(client_for, marc):
    visit = VisitFactory(health="")
    client = client_for(marc)
    page = client.get(_url(visit))
    assert page.status_code == 200 and page.context["form"] is None
    assert page.context["back_url"] == reverse(
        "visits:round_detail", args=[visit.hotel_id, visit.planned_on]
    )
    assert client.post(_url(visit), {"outcome": "seen"}).status_code == 403
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(_url(VisitFactory())).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_visit(client_for, alice):
    response = client_for(alice).get(reverse("visits:visit_detail", args=[999999]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_answers_only_get_and_post(client_for, alice):
    visit = VisitFactory(worker=UserFactory())
    assert client_for(alice).put(_url(visit)).status_code == 405
    assert client_for(alice).delete(_url(visit)).status_code == 405


@pytest.fixture
def without_extensions():
    from visits import extensions

    registered = list(extensions.registry)
    for extension in registered:
        extensions.registry.unregister(extension)
    yield
    for extension in registered:
        extensions.registry.register(extension)


@pytest.mark.django_db
def test_it_keeps_the_visit_page_light(client_for, alice, without_extensions):
    visit = VisitFactory(worker=alice)
    page = client_for(alice).get(_url(visit)).content.decode()
    # About 17 KB of HTML (under 4 KB compressed: the icons' <svg><use> markup repeats), the
    # offline script's words and the device's attributes included; the only scripts are the
    # layout's five (Bootstrap, htmx, ancrage.js and the two offline ones: cached) and the
    # offline words as JSON, none inline; the details open with <details>, without script.
    assert len(page.encode()) < 18_000
    assert page.count("<script") == 6 and page.count('type="application/json"') == 1
    assert "<script>" not in page and 'style="' not in page
    assert "<details" in page


@pytest.mark.django_db
def test_it_logs_who_opened_the_visit_and_its_observations(client_for, marc):
    visit = VisitFactory(health="Toux persistante", consumption="Moins de crack")
    client_for(marc).get(_url(visit))
    client_for(marc).post(_url(visit), {"outcome": "seen"})  # refused: no page, no line
    access = AccessLog.objects.get()
    assert (access.user, access.resident, access.page) == (marc, visit.resident, _url(visit))


@pytest.mark.django_db
def test_it_reads_the_visit_page_in_a_fixed_number_of_queries(
    client_for, alice, without_extensions
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = client_for(alice)

    def count_queries(visit) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(visit)).status_code == 200
        return len(queries)

    alone = VisitFactory(worker=alice)
    logged = VisitFactory(
        worker=alice,
        partner=UserFactory(roles=["nurse"]),
        status=VisitStatus.DONE,
        outcome=Outcome.SEEN,
        logged_by=alice,
        logged_at=timezone.now(),
        follow_up_reason="social",
    )
    # session, user, roles; the visit with its person, hotel and place; its accounts (worker,
    # partner, who logged it…) in one query; the access log; the session saved (3). The
    # medical note comes with the visit (`with_medical_note_for`): the form does not read it again.
    assert count_queries(alone) == count_queries(logged) == 3 + 1 + 1 + 1 + 3
