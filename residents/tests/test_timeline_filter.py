"""The resident's story filtered by kind (?type=): visits, notes, stays… with French labels."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents import timeline
from tests.factories import PlacementFactory, ResidentFactory, VisitFactory
from visits.models import Outcome, VisitStatus

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(resident, **params):
    url = reverse("residents:resident_detail", args=[resident.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _visits(stay, count):
    for n in range(count):
        VisitFactory(
            placement=stay,
            planned_on=TODAY - (n + 1) * DAY,
            status=VisitStatus.DONE,
            outcome=Outcome.SEEN,
            logged_at=timezone.now(),
        )


@pytest.mark.django_db
def test_it_shows_only_the_kind_chosen(client_for, alice):
    stay = PlacementFactory()
    _visits(stay, 2)
    response = client_for(alice).get(_url(stay.resident, type="visites"))
    assert [entry.kind for entry in response.context["page_obj"]] == ["visit", "visit"]
    everything = client_for(alice).get(_url(stay.resident))
    assert {entry.kind for entry in everything.context["page_obj"]} >= {"visit", "stay", "file"}


@pytest.mark.django_db
def test_it_offers_the_kinds_in_french_and_marks_the_one_shown(client_for, alice):
    page = client_for(alice).get(_url(ResidentFactory(), type="sejours")).content.decode()
    nav = " ".join(page[page.index('data-testid="timeline-filter"') :].split("</nav>")[0].split())
    for label in ["Tout", "Visites", "Notes", "Démarches et orientations", "Séjours",
                  "Réduction des risques", "Dossier et évaluations"]:  # fmt: skip
        assert f">{label}</a>" in nav
    assert 'href="?type=sejours" aria-current="page">Séjours</a>' in nav


@pytest.mark.django_db
def test_it_says_when_nothing_of_the_kind_was_recorded(client_for, alice):
    page = client_for(alice).get(_url(ResidentFactory(), type="visites")).content.decode()
    assert "Rien de ce type enregistré pour l’instant (visites)." in page


@pytest.mark.django_db
def test_it_keeps_the_filter_from_page_to_page(client_for, alice):
    stay = PlacementFactory()
    _visits(stay, 25)
    client = client_for(alice)
    first = client.get(_url(stay.resident, type="visites"))
    assert 'href="?type=visites&page=2"' in first.content.decode()
    second = client.get(_url(stay.resident, type="visites", page=2))
    assert [entry.kind for entry in second.context["page_obj"]] == ["visit"] * 5


@pytest.mark.django_db
def test_it_shows_everything_for_an_unknown_kind(client_for, alice):
    resident = ResidentFactory()
    response = client_for(alice).get(_url(resident, type="n-importe-quoi"))
    assert response.status_code == 200
    assert response.context["shown_kind"] is None
    assert [entry.kind for entry in response.context["page_obj"]] == ["file"]


def test_every_kind_of_the_sources_has_a_filter():
    named = set().union(*(choice.kinds for choice in timeline.KIND_FILTERS))
    assert {"visit", "note", "note-summary", "step", "referral", "stay", "absence", "incident",
            "advice", "sample", "overdose", "vouchers", "supplies", "file", "consent",
            "admission", "situation", "consumption"} <= named  # fmt: skip
