import pytest
from django.urls import reverse

from harmreduction.models import StockLevel


def _url(location) -> str:
    return reverse("harmreduction:thresholds", args=[location.pk])


@pytest.mark.django_db
def test_it_sets_the_thresholds_of_a_location(client_for, chloe, bag, kit_base, pipe, stock):
    stock(bag, {kit_base: 3})
    response = client_for(chloe).post(
        _url(bag), {f"item_{kit_base.pk}": 5, f"item_{pipe.pk}": ""}, follow=True
    )
    assert StockLevel.objects.get(location=bag, item=kit_base).threshold == 5
    assert StockLevel.objects.get(location=bag, item=pipe).threshold == 0
    assert StockLevel.objects.get(location=bag, item=kit_base).quantity == 3
    assert "Les seuils d’alerte sont enregistrés." in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_current_thresholds(client_for, chloe, bag, kit_base, stock):
    stock(bag, {kit_base: 3})
    StockLevel.objects.filter(location=bag, item=kit_base).update(threshold=9)
    response = client_for(chloe).get(_url(bag))
    assert response.context["form"][f"item_{kit_base.pk}"].value() == 9


@pytest.mark.django_db
def test_it_explains_a_negative_threshold(client_for, chloe, bag, kit_base):
    response = client_for(chloe).post(_url(bag), {f"item_{kit_base.pk}": -1})
    assert response.status_code == 400
    assert "supérieure ou égale à 0" in response.content.decode()
    assert not StockLevel.objects.filter(threshold__gt=0).exists()


@pytest.mark.django_db
def test_it_keeps_thresholds_to_the_coordinator(client_for, alice, marc, bag, kit_base):
    assert client_for(alice).post(_url(bag), {f"item_{kit_base.pk}": 5}).status_code == 403
    assert client_for(marc).get(_url(bag)).status_code == 403
    assert not StockLevel.objects.filter(threshold__gt=0).exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_location(client_for, chloe):
    assert (
        client_for(chloe).get(reverse("harmreduction:thresholds", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe, bag):
    assert client_for(chloe).delete(_url(bag)).status_code == 405
