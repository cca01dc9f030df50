import uuid

import pytest
from django.urls import reverse

from harmreduction.models import StockLevel, StockMovement

URL = reverse("harmreduction:stock_transfer")


def _data(source, destination, quantities):
    data = {"source": source.pk, "destination": destination.pk, "form_token": str(uuid.uuid4())}
    data.update({f"item_{item.pk}": number for item, number in quantities.items()})
    return data


def _levels(item) -> dict:
    return dict(StockLevel.objects.filter(item=item).values_list("location__name", "quantity"))


@pytest.mark.django_db
def test_it_moves_material_to_a_visit_bag(client_for, chloe, office, bag, kit_base, stock):
    stock(office, {kit_base: 30})
    response = client_for(chloe).post(URL, _data(office, bag, {kit_base: 12}), follow=True)
    assert _levels(kit_base) == {"Bureau": 18, "Sac équipe A": 12}
    out, into = StockMovement.objects.filter(kind__startswith="transfer").order_by("quantity")
    assert (out.location, out.quantity, out.counterpart) == (office, -12, bag)
    assert (into.location, into.quantity, into.counterpart) == (bag, 12, office)
    assert "Le transfert est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_to_move_what_the_source_does_not_hold(
    client_for, chloe, office, bag, kit_base, stock
):
    stock(office, {kit_base: 3})
    response = client_for(chloe).post(URL, _data(office, bag, {kit_base: 5}))
    assert response.status_code == 400
    assert "Pas assez de « Kit base » dans Bureau : il en reste 3, 5 demandé(s)." in (
        response.content.decode()
    )
    assert _levels(kit_base) == {"Bureau": 3}
    assert not StockMovement.objects.filter(kind__startswith="transfer").exists()


@pytest.mark.django_db
def test_it_refuses_the_same_location_twice(client_for, chloe, office, kit_base, stock):
    stock(office, {kit_base: 3})
    response = client_for(chloe).post(URL, _data(office, office, {kit_base: 1}))
    assert response.status_code == 400
    assert "Choisissez deux lieux différents." in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_transfers_to_the_coordinator(client_for, alice, office, bag, kit_base, stock):
    stock(office, {kit_base: 3})
    assert client_for(alice).post(URL, _data(office, bag, {kit_base: 1})).status_code == 403
    assert _levels(kit_base) == {"Bureau": 3}


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).delete(URL).status_code == 405
