import pytest
from django.urls import reverse

from harmreduction.models import Location

CREATE = reverse("harmreduction:location_create")


@pytest.mark.django_db
def test_it_creates_a_visit_bag(client_for, chloe):
    response = client_for(chloe).post(
        CREATE, {"name": "Sac équipe C", "kind": "visit_bag", "active": "on"}, follow=True
    )
    location = Location.objects.get()
    assert (location.name, location.kind, location.active) == ("Sac équipe C", "visit_bag", True)
    assert "Le lieu « Sac équipe C » est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_takes_a_location_out_of_use(client_for, chloe, bag):
    url = reverse("harmreduction:location_update", args=[bag.pk])
    client_for(chloe).post(url, {"name": bag.name, "kind": "visit_bag"})
    bag.refresh_from_db()
    assert bag.active is False


@pytest.mark.django_db
def test_it_refuses_a_duplicate_name(client_for, chloe, bag):
    response = client_for(chloe).post(CREATE, {"name": bag.name, "kind": "visit_bag"})
    assert "Un objet Lieu de stock avec ce champ Nom existe déjà." in response.content.decode()
    assert Location.objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_locations_to_the_coordinator(client_for, alice, marc, bag):
    assert client_for(alice).post(CREATE, {"name": "X", "kind": "office"}).status_code == 403
    url = reverse("harmreduction:location_update", args=[bag.pk])
    assert client_for(marc).get(url).status_code == 403
    assert Location.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_location(client_for, chloe):
    url = reverse("harmreduction:location_update", args=[999999])
    assert client_for(chloe).get(url).status_code == 404


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).delete(CREATE).status_code == 405
