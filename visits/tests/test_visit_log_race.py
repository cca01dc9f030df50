"""Three workers logging the same planned visit at the same instant, through the visit page.

Each round, three workers open the page of a planned visit, then send their observations from
three threads (one database connection each) that meet right before saving. One is recorded;
the two others are told who recorded it and when, with what they typed still in the form.
"""

from functools import partial

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.forms import OneTimeTokenMixin
from tests.concurrency import Rendezvous, run_at_once
from tests.factories import VisitFactory
from visits.models import Visit, VisitStatus

ROUNDS = 15


def _form_data(client, visit, needs: str) -> dict:
    form = client.get(reverse("visits:visit_detail", args=[visit.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {**data, "outcome": "seen", "needs": needs}


@pytest.mark.django_db(transaction=True)
def test_it_records_one_of_three_simultaneous_loggings_and_keeps_the_others_input(
    client_for, alice, nina, paul, monkeypatch
):
    workers = (alice, nina, paul)
    clients = [client_for(worker) for worker in workers]
    rendezvous = []
    monkeypatch.setattr(
        OneTimeTokenMixin,
        "spend_token",
        lambda form, _spend=OneTimeTokenMixin.spend_token: (rendezvous[0].wait(), _spend(form))[1],
    )
    for round_ in range(ROUNDS):
        rendezvous[:] = [Rendezvous(len(workers), timeout=5)]
        visit = VisitFactory(worker=alice, partner=nina)
        sent = [
            _form_data(client, visit, f"Demande {round_} de {worker.username}")
            for client, worker in zip(clients, workers, strict=True)
        ]

        outcomes = run_at_once(
            *(
                partial(client.post, reverse("visits:visit_detail", args=[visit.pk]), data)
                for client, data in zip(clients, sent, strict=True)
            )
        )

        for outcome in outcomes:
            assert isinstance(outcome, HttpResponse), f"a request crashed: {outcome!r}"
        visit = Visit.objects.select_related("logged_by").get(pk=visit.pk)
        assert visit.status == VisitStatus.DONE and visit.corrected_by is None
        assert [outcome.status_code for outcome in outcomes].count(302) == 1
        recorded_at = date_format(timezone.localtime(visit.logged_at), "TIME_FORMAT")
        for outcome, data in zip(outcomes, sent, strict=True):
            if outcome.status_code == 302:
                assert visit.needs == data["needs"], "the recorded observations are the winner's"
                continue
            assert outcome.status_code == 409
            page = outcome.content.decode()
            assert f"déjà été enregistrée par {visit.logged_by} à {recorded_at}" in page
            assert data["needs"] in page, "what this worker typed is still in the form"
            assert visit.needs in page, "and what was recorded is shown next to it"


@pytest.mark.django_db
def test_it_records_the_second_sending_as_a_correction_once_the_worker_has_seen_the_first(
    client_for, alice, nina
):
    visit = VisitFactory(worker=alice, partner=nina)
    first, second = client_for(alice), client_for(nina)
    late = _form_data(second, visit, "Vêtements")
    first.post(reverse("visits:visit_detail", args=[visit.pk]), _form_data(first, visit, "Colis"))

    refused = second.post(reverse("visits:visit_detail", args=[visit.pk]), late)
    assert refused.status_code == 409
    again = {
        name: refused.context["form"][name].value() or "" for name in refused.context["form"].fields
    }
    response = second.post(
        reverse("visits:visit_detail", args=[visit.pk]),
        {**again, "outcome": "seen", "needs": "Colis, vêtements"},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.needs, visit.logged_by, visit.corrected_by) == ("Colis, vêtements", alice, nina)
