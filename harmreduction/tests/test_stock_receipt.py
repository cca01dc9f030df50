import uuid

import pytest
from django.urls import reverse

from harmreduction.models import StockLevel, StockMovement

URL = reverse("harmreduction:stock_receipt")


def _data(location, quantities, **extra):
    data = {"location": location.pk, "form_token": str(uuid.uuid4()), **extra}
    data.update({f"item_{item.pk}": number for item, number in quantities.items()})
    return data


def _level(location, item) -> int:
    level = StockLevel.objects.filter(location=location, item=item).first()
    return level.quantity if level else 0


@pytest.mark.django_db
def test_it_puts_the_delivery_in_stock(client_for, chloe, office, kit_base, pipe):
    response = client_for(chloe).post(
        URL, _data(office, {kit_base: 100, pipe: 25}, note="Livraison du CAARUD"), follow=True
    )
    assert (_level(office, kit_base), _level(office, pipe)) == (100, 25)
    lines = StockMovement.objects.order_by("item__name")
    assert [(m.item, m.kind, m.quantity, m.balance_after, m.reason, m.by) for m in lines] == [
        (kit_base, "receipt", 100, 100, "Livraison du CAARUD", chloe),
        (pipe, "receipt", 25, 25, "Livraison du CAARUD", chloe),
    ]
    assert "Le matériel reçu est en stock." in response.content.decode()


@pytest.mark.django_db
def test_it_saves_a_form_sent_twice_once(client_for, chloe, office, kit_base):
    client, data = client_for(chloe), _data(office, {kit_base: 10})
    client.post(URL, data)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Ce formulaire a déjà été envoyé" in response.content.decode()
    assert _level(office, kit_base) == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "Indiquez la quantité d’au moins un article."),
        (-3, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
    ],
)
def test_it_explains_bad_quantities(client_for, chloe, office, kit_base, quantity, message):
    response = client_for(chloe).post(URL, _data(office, {kit_base: quantity}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_it_keeps_receipts_to_the_coordinator(client_for, alice, marc, office, kit_base):
    assert client_for(alice).post(URL, _data(office, {kit_base: 5})).status_code == 403
    assert client_for(marc).get(URL).status_code == 403
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).delete(URL).status_code == 405
