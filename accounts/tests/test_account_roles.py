"""Roles are granted by someone else, never by oneself, and every change leaves a trace."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import NoteFactory, ResidentFactory

REFUSED = "Vous ne pouvez pas changer vos propres rôles : demandez-le à un·e autre responsable."
ROLE_HISTORY = reverse("history_model", args=["accounts.userrole"])


def _update(client, user, roles, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": roles,
        **overrides,
    }
    return client.post(reverse("accounts:account_update", args=[user.pk]), data)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["marc", "ada"])
@pytest.mark.parametrize("medical_role", [Role.NURSE, Role.PSYCHIATRIST])
def test_it_refuses_to_let_someone_add_a_medical_role_to_themselves(
    request, client_for, paul, who, medical_role
):
    user = request.getfixturevalue(who)
    own_roles = sorted(user.role_names)
    note = NoteFactory(
        resident=ResidentFactory(),
        kind="psychiatric",
        author=paul,
        text="",
        medical_text="Délire de persécution",
    )
    client = client_for(user)

    response = _update(client, user, [*own_roles, medical_role])

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert User.objects.get(pk=user.pk).role_names == set(own_roles)
    detail = client.get(reverse("support:note_detail", args=[note.pk]))
    assert detail.status_code in (403, 404)


@pytest.mark.django_db
def test_it_refuses_to_let_someone_remove_their_own_role(client_for, marc):
    response = _update(client_for(marc), marc, [Role.SOCIAL_WORKER])
    assert REFUSED in response.content.decode()
    assert User.objects.get(pk=marc.pk).role_names == {Role.MANAGER}


@pytest.mark.django_db
def test_it_lets_someone_edit_their_own_account_keeping_their_roles(client_for, marc):
    response = _update(client_for(marc), marc, [Role.MANAGER], first_name="Marcel")
    assert response.status_code == 302
    assert User.objects.get(pk=marc.pk).first_name == "Marcel"


@pytest.mark.django_db
def test_it_refuses_a_self_grant_in_the_service_too(marc):
    from django.core.exceptions import ValidationError

    from accounts import services

    with pytest.raises(ValidationError):
        services.account_set_roles(user=marc, roles=[Role.MANAGER, Role.NURSE], by=marc)
    assert User.objects.get(pk=marc.pk).role_names == {Role.MANAGER}


@pytest.mark.django_db
def test_it_records_who_added_and_removed_a_role_and_when(client_for, marc, ada, alice):
    assert _update(client_for(ada), alice, [Role.NURSE]).status_code == 302

    response = client_for(marc).get(ROLE_HISTORY)

    assert response.status_code == 200
    rows = response.context["page"].object_list
    by_ada = [row for row in rows if row["user"] == ada]
    assert {row["label"] for row in by_ada} == {"insert", "delete"}  # a role added, one removed
    assert all(row["at"] is not None for row in by_ada)
    page = response.content.decode()
    assert str(ada) in page
    for row in by_ada:  # whose role changed
        assert ("Compte", None, str(alice)) in row["changes"], row["changes"]


@pytest.mark.django_db
def test_it_keeps_the_role_history_from_the_care_team(client_for, chloe):
    assert client_for(chloe).get(ROLE_HISTORY).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_someone_elses_unknown_account(client_for, marc):
    response = client_for(marc).post(
        reverse("accounts:account_update", args=[999999]), {"roles": [Role.NURSE]}
    )
    assert response.status_code == 404
