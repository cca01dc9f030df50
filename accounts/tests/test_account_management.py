import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

CREATE = reverse("accounts:account_create")


def _data(**overrides):
    return {
        "username": "nouvelle",
        "first_name": "Inès",
        "last_name": "Garnier",
        "email": "ines@ancrage.invalid",
        "roles": [Role.SOCIAL_WORKER],
        **overrides,
    }


@pytest.mark.django_db
def test_it_creates_an_account_and_mails_a_password_link(client_for, marc):
    response = client_for(marc).post(CREATE, _data(), follow=True)
    account = User.objects.get(username="nouvelle")
    assert account.role_names == {Role.SOCIAL_WORKER}
    assert not account.has_usable_password()
    assert "Le compte de Inès Garnier a été créé" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ines@ancrage.invalid"]
    assert "/mot-de-passe/" in mail.outbox[0].body


@pytest.mark.django_db
def test_it_lets_the_new_colleague_choose_a_password_with_the_link(client_for, marc):
    client_for(marc).post(CREATE, _data())
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/" in line)
    client = Client()
    form_url = client.get(link.strip())["Location"]
    response = client.post(
        form_url,
        {
            "new_password1": "un long mot de passe 2026",
            "new_password2": "un long mot de passe 2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="nouvelle").check_password("un long mot de passe 2026")


@pytest.mark.django_db
def test_it_refuses_an_email_already_used_and_saves_nothing(client_for, marc, alice):
    response = client_for(marc).post(CREATE, _data(email=alice.email.upper()))
    assert "Un autre compte utilise déjà cette adresse e-mail." in response.content.decode()
    assert not User.objects.filter(username="nouvelle").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_requires_at_least_one_role(client_for, ada):
    response = client_for(ada).post(CREATE, _data(roles=[]))
    assert "roles" in response.context["form"].errors
    assert not User.objects.filter(username="nouvelle").exists()


@pytest.mark.django_db
def test_it_changes_roles(client_for, marc, alice):
    url = reverse("accounts:account_update", args=[alice.pk])
    data = _data(username="alice", email=alice.email, roles=[Role.COORDINATOR, Role.NURSE])
    assert client_for(marc).post(url, data).status_code == 302
    assert User.objects.get(pk=alice.pk).role_names == {Role.COORDINATOR, Role.NURSE}


@pytest.mark.django_db
def test_it_deactivates_a_departing_worker_and_ends_their_sessions_at_once(client_for, marc, alice):
    alice_client = client_for(alice)
    assert alice_client.get(reverse("home")).status_code == 200
    response = client_for(marc).post(reverse("accounts:account_deactivate", args=[alice.pk]))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_active is False
    assert alice_client.get(reverse("home")).status_code == 302
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(alice.pk) for s in Session.objects.all()
    )
    credentials = {"username": "alice", "password": "correct horse battery"}
    relogin = Client().post(reverse("login"), credentials)
    assert relogin.status_code == 200  # the form again: an inactive account cannot log in


@pytest.mark.django_db
def test_it_does_not_let_a_manager_deactivate_themselves(client_for, marc):
    response = client_for(marc).post(
        reverse("accounts:account_deactivate", args=[marc.pk]), follow=True
    )
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    marc.refresh_from_db()
    assert marc.is_active


@pytest.mark.django_db
def test_it_reactivates_an_account(client_for, marc):
    gone = UserFactory(username="parti", is_active=False)
    client_for(marc).post(reverse("accounts:account_reactivate", args=[gone.pk]))
    gone.refresh_from_db()
    assert gone.is_active


@pytest.mark.django_db
def test_it_resets_a_lost_second_factor(client_for, ada, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client_for(ada).post(reverse("accounts:account_reset_second_factor", args=[alice.pk]))
    assert not TOTPDevice.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_it_never_deletes_accounts(client_for, marc, alice):
    from django.urls import get_resolver

    names = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("supprimer" in name for name in names)
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.django_db
def test_it_forbids_care_staff(client_for, chloe, alice):
    assert client_for(chloe).get(reverse("accounts:account_list")).status_code == 403
    response = client_for(chloe).post(reverse("accounts:account_deactivate", args=[alice.pk]))
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.is_active


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_account(client_for, marc):
    assert (
        client_for(marc).post(reverse("accounts:account_deactivate", args=[987654])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_only_deactivates_on_post(client_for, marc, alice):
    assert (
        client_for(marc).get(reverse("accounts:account_deactivate", args=[alice.pk])).status_code
        == 405
    )


@pytest.mark.django_db
def test_it_lists_accounts_in_a_fixed_number_of_queries(client_for, marc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(marc)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accounts:account_list"))
        return len(queries)

    before = count()
    for n in range(30):
        UserFactory(username=f"collegue{n}", roles=[Role.SOCIAL_WORKER])
    assert count() == before
