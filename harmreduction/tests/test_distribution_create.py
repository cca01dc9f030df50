"""Handing out material at the office: the lines and the stock going down, in one transaction."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from harmreduction.models import StockLevel, SupplyDistribution
from tests.factories import PlacementFactory, ResidentFactory

URL = reverse("harmreduction:distribution_create")
DAY = datetime.timedelta(days=1)


def _data(location, quantities, resident=None, setting="office"):
    data = {
        "location": location.pk,
        "resident": resident.pk if resident else "",
        "setting": setting,
        "form_token": str(uuid.uuid4()),
    }
    data.update({f"item_{item.pk}": number for item, number in quantities.items()})
    return data


def _level(location, item) -> int:
    return StockLevel.objects.get(location=location, item=item).quantity


@pytest.mark.django_db
def test_it_hands_out_material_to_a_resident(client_for, alice, office, kit_base, pipe, stock):
    stock(office, {kit_base: 10, pipe: 10})
    person = PlacementFactory(resident__nickname="Tonton").resident
    response = client_for(alice).post(
        URL, _data(office, {kit_base: 1, pipe: 2}, person), follow=True
    )

    handout = SupplyDistribution.objects.get()
    assert (handout.resident, handout.location, handout.setting, handout.given_by) == (
        person,
        office,
        "office",
        alice,
    )
    assert {line.item: line.quantity for line in handout.lines.all()} == {kit_base: 1, pipe: 2}
    assert (_level(office, kit_base), _level(office, pipe)) == (9, 8)
    movement = handout.lines.get(item=pipe).movement
    assert (movement.kind, movement.quantity, movement.balance_after) == ("distribution", -2, 8)
    assert "Le matériel remis est enregistré et sorti du stock." in response.content.decode()


@pytest.mark.django_db
def test_it_counts_an_anonymous_person_without_naming_them(
    client_for, nina, office, kit_base, stock
):
    stock(office, {kit_base: 10})
    client_for(nina).post(URL, _data(office, {kit_base: 2}))
    handout = SupplyDistribution.objects.get()
    assert handout.resident is None and handout.is_anonymous
    assert _level(office, kit_base) == 8


@pytest.mark.django_db
def test_it_saves_nothing_when_one_item_is_short(client_for, alice, office, kit_base, pipe, stock):
    stock(office, {kit_base: 10, pipe: 1})
    response = client_for(alice).post(URL, _data(office, {kit_base: 1, pipe: 3}))
    assert response.status_code == 400
    assert "Pas assez de « Pipe (doseur) » dans Bureau : il en reste 1, 3 demandé(s)." in (
        response.content.decode()
    )
    assert not SupplyDistribution.objects.exists()
    assert (_level(office, kit_base), _level(office, pipe)) == (10, 1)


@pytest.mark.django_db
def test_it_needs_at_least_one_quantity(client_for, alice, office, kit_base):
    response = client_for(alice).post(URL, _data(office, {kit_base: ""}))
    assert response.status_code == 400
    assert "Indiquez la quantité d’au moins un article." in response.content.decode()
    assert not SupplyDistribution.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_form_sent_twice_once(client_for, alice, office, kit_base, stock):
    stock(office, {kit_base: 10})
    client, data = client_for(alice), _data(office, {kit_base: 1})
    client.post(URL, data)
    assert client.post(URL, data).status_code == 400
    assert SupplyDistribution.objects.count() == 1
    assert _level(office, kit_base) == 9


@pytest.mark.django_db
def test_it_preselects_the_person_and_the_office(client_for, alice, office, bag):
    person = ResidentFactory()
    response = client_for(alice).get(URL, {"resident": person.pk})
    initial = response.context["form"].initial
    assert (initial["resident"], initial["location"]) == (person.pk, office.pk)


@pytest.mark.django_db
def test_it_lets_the_manager_read_but_not_hand_out(client_for, marc, office, kit_base, stock):
    stock(office, {kit_base: 10})
    assert client_for(marc).post(URL, _data(office, {kit_base: 1})).status_code == 403
    assert not SupplyDistribution.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_resident(client_for, alice, office, kit_base, stock):
    stock(office, {kit_base: 10})
    data = _data(office, {kit_base: 1})
    data["resident"] = 999999
    response = client_for(alice).post(URL, data)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in response.content.decode()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).delete(URL).status_code == 405


@pytest.mark.django_db
def test_it_offers_the_people_housed_lately_and_the_one_preselected(client_for, alice, office):
    today = timezone.localdate()
    housed = PlacementFactory(resident__nickname="Ici").resident
    left = PlacementFactory(
        resident__nickname="Parti hier",
        start=today - 200 * DAY,
        end=today - DAY,
        exit_destination="chrs",
    ).resident
    gone = PlacementFactory(
        resident__nickname="Parti il y a un an",
        start=today - 400 * DAY,
        end=today - 365 * DAY,
        exit_destination="chrs",
    ).resident
    ResidentFactory(nickname="Jamais hébergé")
    offered = client_for(alice).get(URL).context["form"].fields["resident"].queryset
    assert set(offered) == {housed, left}
    preselected = client_for(alice).get(URL, {"resident": gone.pk})
    assert gone in preselected.context["form"].fields["resident"].queryset


@pytest.mark.django_db
def test_it_offers_a_search_instead_of_a_list_of_everyone(client_for, alice, office):
    housed = PlacementFactory(resident__nickname="Ici").resident
    body = client_for(alice).get(URL).content.decode()
    assert 'data-testid="resident-search"' in body
    assert reverse("harmreduction:resident_search") in body
    assert f'value="{housed.pk}"' not in body  # found by the search, not listed
    assert 'id="resident-anonymous"\n         checked' in body


@pytest.mark.django_db
def test_it_shows_the_person_preselected_checked(client_for, alice, office):
    person = PlacementFactory(resident__nickname="Tonton").resident
    body = client_for(alice).get(URL, {"resident": person.pk}).content.decode()
    assert f'value="{person.pk}"\n           id="resident-{person.pk}"\n           checked' in body
    assert "Tonton" in body


@pytest.mark.django_db
def test_it_refuses_a_person_not_housed_lately(client_for, alice, office, kit_base, stock):
    today = timezone.localdate()
    stock(office, {kit_base: 10})
    gone = PlacementFactory(
        start=today - 400 * DAY, end=today - 365 * DAY, exit_destination="chrs"
    ).resident
    response = client_for(alice).post(URL, _data(office, {kit_base: 1}, gone))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not SupplyDistribution.objects.exists()
    assert _level(office, kit_base) == 10


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_people(client_for, alice, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    PlacementFactory.create_batch(2)
    with_two = count_queries()
    PlacementFactory.create_batch(30)
    # session, user, groups; the office; the catalogue; the locations: nobody is listed.
    assert count_queries() == with_two
