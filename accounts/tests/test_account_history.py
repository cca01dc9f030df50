"""Every change to who may do what leaves a trace with who did it and when: roles, deactivation
and reactivation, the second factor; the secrets of the second factor are never copied."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pghistory.models import Events

from accounts import twofactor
from accounts.roles import Role


def _history(client, label, pk=None):
    args = [label] if pk is None else [label, pk]
    response = client.get(reverse("history_model" if pk is None else "history_object", args=args))
    assert response.status_code == 200
    return response


def _paired(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    twofactor.recovery_codes_renew(user)
    return device


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["marc", "ada"])
def test_it_records_who_deactivated_and_reactivated_an_account(
    request, client_for, ada, alice, reader
):
    admin = client_for(ada)
    admin.post(reverse("accounts:account_deactivate", args=[alice.pk]))
    admin.post(reverse("accounts:account_reactivate", args=[alice.pk]))

    response = _history(client_for(request.getfixturevalue(reader)), "accounts.user", alice.pk)

    changes = [
        (row["user"], change)
        for row in response.context["page"].object_list
        for change in row["changes"]
        if row["label"] == "update" and change[0] == "Actif"
    ]
    assert changes == [(ada, ("Actif", "non", "oui")), (ada, ("Actif", "oui", "non"))]
    assert all(row["at"] is not None for row in response.context["page"].object_list)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["marc", "ada"])
def test_it_records_who_reset_a_second_factor(request, client_for, ada, alice, reader):
    device = _paired(alice)
    list_id = twofactor.StaticDevice.objects.get(user=alice).pk

    ada_client = client_for(ada)
    response = ada_client.post(reverse("accounts:account_reset_second_factor", args=[alice.pk]))
    assert response.status_code == 302

    client = client_for(request.getfixturevalue(reader))
    app_rows = _history(client, "accounts.authenticatorapp", device.pk).context["page"].object_list
    assert [(row["label"], row["user"]) for row in app_rows][0] == ("delete", ada)
    assert ("Compte", None, str(alice)) in app_rows[0]["changes"]
    list_rows = _history(client, "accounts.recoverycodelist", list_id).context["page"].object_list
    assert [(row["label"], row["user"]) for row in list_rows][0] == ("delete", ada)
    code_rows = _history(client, "accounts.recoverycode").context["page"].object_list
    deleted = [row for row in code_rows if row["label"] == "delete"]
    assert len(deleted) == twofactor.RECOVERY_CODES
    assert {row["user"] for row in deleted} == {ada}


@pytest.mark.django_db
def test_it_records_who_paired_an_authenticator(client_for, alice, marc):
    client = client_for(alice)
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=alice)
    from django_otp.oath import totp

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("second_factor_setup"), {"code": code}).status_code == 200

    rows = _history(client_for(marc), "accounts.authenticatorapp", device.pk)
    events = [(row["label"], row["user"]) for row in rows.context["page"].object_list]
    assert events == [("update", alice), ("insert", alice)]  # confirmed, then created


@pytest.mark.django_db
def test_it_never_copies_the_second_factor_secrets_into_the_history(client_for, alice, ada):
    device = _paired(alice)
    codes = list(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    device.verify_token("000000")  # a login attempt: bookkeeping, not a change
    twofactor.second_factor_reset(alice)

    stored = [
        str(event.pgh_data)
        for event in Events.objects.filter(
            pgh_model__in=[
                "accounts.AuthenticatorAppEvent",
                "accounts.RecoveryCodeListEvent",
                "accounts.RecoveryCodeEvent",
            ]
        )
    ]
    assert len(stored) == 2 + 2 + 2 * twofactor.RECOVERY_CODES  # each created, then deleted
    for text in stored:
        assert device.key not in text
        assert "key" not in text and "token" not in text
        assert not any(code in text for code in codes)


@pytest.mark.django_db
def test_it_keeps_the_second_factor_history_from_the_care_team(client_for, chloe):
    url = reverse("history_model", args=["accounts.authenticatorapp"])
    assert client_for(chloe).get(url).status_code == 403


@pytest.mark.django_db
def test_it_shows_role_labels_and_names_in_the_role_history(client_for, ada, alice, marc):
    client_for(ada).post(
        reverse("accounts:account_update", args=[alice.pk]),
        {
            "username": alice.username,
            "first_name": alice.first_name,
            "last_name": alice.last_name,
            "email": alice.email,
            "roles": [Role.SOCIAL_WORKER, Role.NURSE],
        },
    )

    response = _history(client_for(marc), "accounts.userrole")

    [by_ada] = [row for row in response.context["page"].object_list if row["user"] == ada]
    assert ("Rôle", None, "Infirmier·e") in by_ada["changes"]
    assert ("Compte", None, str(alice)) in by_ada["changes"]
    table = response.content.decode().split("<tbody>")[1]
    assert "Infirmier·e" in table and str(alice) in table
