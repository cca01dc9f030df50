"""Naloxone kits handed out with the training given, expiry dates, overdoses reported."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import NaloxoneKit, Overdose, StockLevel
from harmreduction.services import naloxone_give
from harmreduction.tests.conftest import DAY, TODAY
from tests.factories import HotelFactory, ItemFactory, PlacementFactory, ResidentFactory

LIST = reverse("harmreduction:naloxone")
CREATE = reverse("harmreduction:naloxone_create")
OVERDOSE = reverse("harmreduction:overdose_create")


@pytest.fixture
def nyxoid(db):
    return ItemFactory(name="Nyxoid (nasal)", category="naloxone", unit="box")


def _kit_data(item, location, resident=None, **extra):
    return {
        "resident": resident.pk if resident else "",
        "item": item.pk,
        "location": location.pk,
        "setting": "office",
        "training": "full",
        "expires_on": "",
        "batch": "",
        "form_token": str(uuid.uuid4()),
        **extra,
    }


@pytest.mark.django_db
def test_it_hands_out_a_kit_with_its_training(client_for, nina, office, nyxoid, stock):
    stock(office, {nyxoid: 3})
    person = PlacementFactory(resident__nickname="Lulu").resident
    expiry = TODAY + 400 * DAY
    response = client_for(nina).post(
        CREATE,
        _kit_data(nyxoid, office, person, expires_on=expiry.isoformat(), batch="L123"),
        follow=True,
    )
    kit = NaloxoneKit.objects.get()
    assert (kit.training, kit.expires_on, kit.batch, kit.trained) == ("full", expiry, "L123", True)
    assert (kit.line.item, kit.line.quantity, kit.line.distribution.resident) == (nyxoid, 1, person)
    assert StockLevel.objects.get(location=office, item=nyxoid).quantity == 2
    assert "Le kit de naloxone remis est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_kit_out_of_stock(client_for, nina, office, nyxoid):
    response = client_for(nina).post(CREATE, _kit_data(nyxoid, office))
    assert response.status_code == 400
    assert "Pas assez de « Nyxoid (nasal) » dans Bureau : il en reste 0, 1 demandé(s)." in (
        response.content.decode()
    )
    assert not NaloxoneKit.objects.exists()


@pytest.mark.django_db
def test_it_only_offers_naloxone_items(client_for, nina, office, nyxoid, kit_base, stock):
    stock(office, {kit_base: 3})
    response = client_for(nina).post(CREATE, _kit_data(kit_base, office))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not NaloxoneKit.objects.exists()


@pytest.mark.django_db
def test_it_lists_kits_and_those_to_renew(client_for, marc, nina, office, nyxoid, stock):
    stock(office, {nyxoid: 5})
    soon, later = ResidentFactory(nickname="Bientôt"), ResidentFactory(nickname="Plus tard")
    naloxone_give(
        item=nyxoid,
        location=office,
        training="short",
        by=nina,
        resident=soon,
        expires_on=TODAY + 10 * DAY,
    )
    naloxone_give(
        item=nyxoid,
        location=office,
        training="none",
        by=nina,
        resident=later,
        expires_on=TODAY + 300 * DAY,
    )
    response = client_for(marc).get(LIST)
    assert len(response.context["page_obj"]) == 2
    assert [kit.line.distribution.resident for kit in response.context["expiring"]] == [soon]


@pytest.mark.django_db
def test_it_forgets_an_old_kit_once_a_new_one_was_given(nina, office, nyxoid, stock):
    from harmreduction.selectors import kits_expiring

    stock(office, {nyxoid: 5})
    person = ResidentFactory()
    old = naloxone_give(
        item=nyxoid,
        location=office,
        training="short",
        by=nina,
        resident=person,
        expires_on=TODAY - DAY,
    )
    assert list(kits_expiring(TODAY)) == [old]
    naloxone_give(
        item=nyxoid,
        location=office,
        training="none",
        by=nina,
        resident=person,
        expires_on=TODAY + 500 * DAY,
    )
    assert list(kits_expiring(TODAY)) == []


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice, nina, office, nyxoid, stock):
    stock(office, {nyxoid: 100})
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            naloxone_give(
                item=nyxoid, location=office, training="short", by=nina, resident=ResidentFactory(),
                expires_on=TODAY + 5 * DAY,
            )  # fmt: skip
            Overdose.objects.create(outcome="recovered", recorded_by=nina, hotel=HotelFactory())

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)
    # session, user, groups; count and page of kits with line, item, handout, person, author,
    # location; kits to renew; overdoses with hotel, person and author.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_reports_an_overdose(client_for, paul):
    hotel, person = HotelFactory(name="Hôtel Crimée"), PlacementFactory().resident
    response = client_for(paul).post(
        OVERDOSE,
        {
            "occurred_on": TODAY.isoformat(),
            "hotel": hotel.pk,
            "resident": person.pk,
            "naloxone_used": "on",
            "emergency_called": "on",
            "outcome": "hospital",
            "note": "Retrouvé inconscient, Nyxoid, SAMU.",
            "form_token": str(uuid.uuid4()),
        },
        follow=True,
    )
    overdose = Overdose.objects.get()
    assert (overdose.hotel, overdose.resident, overdose.naloxone_used, overdose.recorded_by) == (
        hotel,
        person,
        True,
        paul,
    )
    assert "La surdose est enregistrée." in response.content.decode()
    assert "Hôtel Crimée" in response.content.decode()


@pytest.mark.django_db
def test_it_explains_a_bad_overdose_report(client_for, paul):
    response = client_for(paul).post(
        OVERDOSE,
        {"occurred_on": (TODAY + DAY).isoformat(), "outcome": "", "form_token": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cette date ne peut pas être dans le futur." in body
    assert "Ce champ est obligatoire." in body
    assert not Overdose.objects.exists()


@pytest.mark.django_db
def test_it_keeps_recording_to_the_care_team(client_for, marc, ada, office, nyxoid, stock):
    stock(office, {nyxoid: 3})
    assert client_for(marc).post(CREATE, _kit_data(nyxoid, office)).status_code == 403
    assert client_for(marc).post(OVERDOSE, {"outcome": "recovered"}).status_code == 403
    assert client_for(ada).get(LIST).status_code == 403
    assert not NaloxoneKit.objects.exists() and not Overdose.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, nina):
    assert client_for(nina).post(LIST).status_code == 405
    assert client_for(nina).delete(CREATE).status_code == 405
    assert client_for(nina).delete(OVERDOSE).status_code == 405
