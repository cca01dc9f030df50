import datetime
import html
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from harmreduction.models import StockLevel, StockMovement
from harmreduction.services import Lot, stock_receive
from harmreduction.tests.conftest import TODAY

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


# --- Batches and expiry dates ----------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_the_batch_and_expiry_of_a_delivery(client_for, chloe, office, nyxoid, pipe):
    expiry = TODAY + datetime.timedelta(days=400)
    data = _data(
        office,
        {nyxoid: 12, pipe: 30},
        **{f"batch_{nyxoid.pk}": " NX2411 ", f"expires_{nyxoid.pk}": expiry.isoformat()},
    )
    response = client_for(chloe).post(URL, data, follow=True)
    assert response.status_code == 200
    lines = {m.item: m for m in StockMovement.objects.all()}
    assert (lines[nyxoid].batch, lines[nyxoid].expires_on) == ("NX2411", expiry)
    assert (lines[pipe].batch, lines[pipe].expires_on) == ("", None)  # optional for the others
    assert _level(office, nyxoid) == 12


@pytest.mark.django_db
def test_it_shows_the_batch_fields_open_for_a_dated_item(client_for, chloe, nyxoid, pipe):
    body = client_for(chloe).get(URL).content.decode()
    assert f'name="expires_{nyxoid.pk}"' in body
    assert "Article daté : date de péremption obligatoire" in body
    assert f'name="expires_{pipe.pk}"' in body  # folded under "Lot, péremption"
    assert "Lot, péremption" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("expires", "message"),
    [
        (
            "",
            "« Nyxoid (nasal) » est un article daté : indiquez la date de péremption du lot reçu.",
        ),
        (
            (TODAY - datetime.timedelta(days=1)).isoformat(),
            "Le lot de « Nyxoid (nasal) » est déjà périmé : il ne peut pas entrer dans le stock.",
        ),
    ],
)
def test_it_refuses_a_dated_delivery_without_a_valid_expiry(
    client_for, chloe, office, nyxoid, pipe, expires, message
):
    data = _data(office, {nyxoid: 12, pipe: 30}, **{f"expires_{nyxoid.pk}": expires})
    response = client_for(chloe).post(URL, data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not StockMovement.objects.exists()  # nothing half-saved: not even the pipes
    assert _level(office, pipe) == 0


@pytest.mark.django_db
def test_it_asks_the_quantity_of_a_batch_given_alone(client_for, chloe, office, nyxoid, pipe):
    data = _data(office, {pipe: 3}, **{f"batch_{nyxoid.pk}": "NX1"})
    response = client_for(chloe).post(URL, data)
    assert response.status_code == 400
    assert "Indiquez la quantité reçue de ce lot." in html.unescape(response.content.decode())
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_dated_item_without_expiry(chloe, office, nyxoid):
    with pytest.raises(ValidationError):
        stock_receive(location=office, quantities={nyxoid: 2}, by=chloe)
    with pytest.raises(ValidationError):
        stock_receive(
            location=office,
            quantities={nyxoid: 2},
            lots={nyxoid: Lot("NX", TODAY - datetime.timedelta(days=3))},
            by=chloe,
        )
    assert not StockMovement.objects.exists()


@pytest.mark.django_db
def test_it_keeps_what_was_typed_with_each_error_beside_its_input(
    client_for, chloe, office, nyxoid, pipe
):
    """The quantity grid (harmreduction_tags.quantity_grid): names, ids, labels, the values of a
    refused submission, each error under its input, a folded lot opened when it holds one."""
    data = _data(office, {nyxoid: "<b>", pipe: 30}, **{f"batch_{pipe.pk}": 'L"7'})
    data[f"expires_{pipe.pk}"] = "demain"
    body = client_for(chloe).post(URL, data).content.decode()
    grid = " ".join(body.split())

    item = f"id_item_{nyxoid.pk}"
    assert f'<label class="form-label small mb-0 d-block text-truncate" for="{item}"' in grid
    assert (
        f'<input type="number" name="item_{nyxoid.pk}" id="{item}" value="&lt;b&gt;" min="0" '
        f'inputmode="numeric" class="form-control is-invalid" aria-describedby="{item}-unit">'
    ) in grid
    assert '<div class="invalid-feedback d-block">Saisissez un nombre entier.</div>' in grid
    assert f'name="item_{pipe.pk}" id="id_item_{pipe.pk}" value="30"' in grid
    assert f'id="id_batch_{pipe.pk}" value="L&quot;7" maxlength="40"' in grid
    assert (
        f'id="id_expires_{pipe.pk}" value="demain" class="form-control form-control-sm is-invalid"'
        in grid
    )
    assert (
        '<details class="small" open><summary class="text-body-secondary">Lot, péremption' in grid
    )
    assert f'aria-describedby="id_expires_{nyxoid.pk}-help"' in grid
    assert (
        grid.count('<div class="col-12 invalid-feedback d-block">Saisissez une date valide.</div>')
        == 1
    )
