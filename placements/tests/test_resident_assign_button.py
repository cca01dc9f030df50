import pytest
from django.urls import reverse

from tests.factories import PlacementFactory, ResidentFactory


@pytest.mark.django_db
def test_it_offers_the_coordinator_to_assign_a_place_to_a_person_without_one(client_for, chloe):
    resident = ResidentFactory()
    page = client_for(chloe).get(reverse("residents:resident_detail", args=[resident.pk]))
    assert reverse("placements:resident_assign", args=[resident.pk]) in page.content.decode()
    assert "Attribuer une place" in page.content.decode()


@pytest.mark.django_db
def test_it_offers_nothing_to_a_housed_person_or_to_other_roles(client_for, chloe, alice):
    housed = PlacementFactory().resident
    url = reverse("placements:resident_assign", args=[housed.pk])
    page = client_for(chloe).get(reverse("residents:resident_detail", args=[housed.pk]))
    assert url not in page.content.decode()
    other = ResidentFactory()
    page = client_for(alice).get(reverse("residents:resident_detail", args=[other.pk]))
    assert reverse("placements:resident_assign", args=[other.pk]) not in page.content.decode()


@pytest.mark.django_db
def test_it_knows_who_is_housed_with_or_without_the_place_read_with_the_person(chloe):
    from placements.selectors import resident_actions
    from residents import hooks
    from residents.models import Resident

    housed = PlacementFactory().resident
    other = ResidentFactory()
    with_place = hooks.with_current_place(Resident.objects.all()).in_bulk([housed.pk, other.pk])
    for person in (with_place[housed.pk], Resident.objects.get(pk=housed.pk)):
        assert resident_actions(person, chloe) == []
    for person in (with_place[other.pk], Resident.objects.get(pk=other.pk)):
        assert [action.icon for action in resident_actions(person, chloe)] == ["key"]
