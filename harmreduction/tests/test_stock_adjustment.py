import uuid

import pytest
from django.urls import reverse

from harmreduction.models import StockLevel, StockMovement

URL = reverse("harmreduction:stock_adjustment")


def _data(location, item, quantity, reason="Pipes cassées"):
    return {
        "location": location.pk,
        "item": item.pk,
        "quantity": quantity,
        "reason": reason,
        "form_token": str(uuid.uuid4()),
    }


@pytest.mark.django_db
def test_it_writes_off_broken_units_with_the_reason(client_for, chloe, office, pipe, stock):
    stock(office, {pipe: 20})
    response = client_for(chloe).post(URL, _data(office, pipe, -3), follow=True)
    movement = StockMovement.objects.get(kind="adjustment")
    assert (movement.quantity, movement.balance_after, movement.reason) == (-3, 17, "Pipes cassées")
    assert StockLevel.objects.get(location=office, item=pipe).quantity == 17
    assert "ajusté : 17 dans Bureau" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quantity", "reason", "message"),
    [
        (0, "x", "Indiquez une quantité différente de zéro."),
        (-2, "", "Ce champ est obligatoire."),
        (
            -30,
            "Perdus",
            "Pas assez de « Pipe (doseur) » dans Bureau : il en reste 20, 30 demandé(s).",
        ),
    ],
)
def test_it_explains_a_bad_adjustment(
    client_for, chloe, office, pipe, stock, quantity, reason, message
):
    stock(office, {pipe: 20})
    response = client_for(chloe).post(URL, _data(office, pipe, quantity, reason))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StockLevel.objects.get(location=office, item=pipe).quantity == 20


@pytest.mark.django_db
def test_it_keeps_adjustments_to_the_coordinator(client_for, nina, office, pipe, stock):
    stock(office, {pipe: 20})
    assert client_for(nina).post(URL, _data(office, pipe, -3)).status_code == 403
    assert StockLevel.objects.get(location=office, item=pipe).quantity == 20


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).delete(URL).status_code == 405
