"""Who reads which change history: the administrator manages accounts, nothing else."""

import pytest
from django.urls import reverse

from core.audit import tracked_models

ACCOUNT_TABLES = {
    "accounts.user",
    "accounts.userrole",
    "accounts.authenticatorapp",
    "accounts.recoverycodelist",
    "accounts.recoverycode",
}
CASE_DATA_TABLES = sorted({entry["label"] for entry in tracked_models()} - ACCOUNT_TABLES)


@pytest.mark.django_db
@pytest.mark.parametrize("label", CASE_DATA_TABLES)
def test_it_keeps_every_case_data_history_from_the_admin(client_for, ada, label):
    response = client_for(ada).get(reverse("history_model", args=[label]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_shows_a_stays_history_to_the_manager_not_to_the_admin(client_for, ada, marc):
    from tests.factories import PlacementFactory

    stay = PlacementFactory()
    url = reverse("history_object", args=["placements.placement", stay.pk])
    assert client_for(marc).get(url).status_code == 200
    assert client_for(ada).get(url).status_code == 404


@pytest.mark.django_db
def test_it_lists_only_the_account_histories_to_the_admin(client_for, ada):
    response = client_for(ada).get(reverse("history_index"))
    assert response.status_code == 200
    listed = {entry["label"] for entry in response.context["models"]}
    assert "accounts.user" in listed and listed <= ACCOUNT_TABLES
    assert "placements.placement" not in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_accounts_history_to_the_admin(client_for, ada, alice):
    response = client_for(ada).get(reverse("history_object", args=["accounts.user", alice.pk]))
    assert response.status_code == 200
    assert "alice" in response.content.decode()


@pytest.mark.django_db
def test_it_logs_who_read_the_history_of_a_row_about_one_person(client_for, marc):
    from privacy.models import AccessLog
    from tests.factories import PlacementFactory

    stay = PlacementFactory()
    for label, pk in (("placements.placement", stay.pk), ("residents.resident", stay.resident_id)):
        url = reverse("history_object", args=[label, pk])
        assert client_for(marc).get(url).status_code == 200
        access = AccessLog.objects.get(page=url)
        assert (access.user, access.resident) == (marc, stay.resident)
    client_for(marc).get(reverse("history_model", args=["placements.placement"]))
    client_for(marc).get(reverse("history_object", args=["placements.hotel", stay.place.hotel_id]))
    client_for(marc).get(reverse("history_object", args=["residents.resident", "pas-un-id"]))
    assert AccessLog.objects.count() == 2
