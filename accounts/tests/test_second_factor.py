import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _paired(user) -> TOTPDevice:
    """A confirmed authenticator whose current code is still unused."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    twofactor.recovery_codes_renew(user)
    return device


@pytest.mark.django_db
def test_it_sends_a_first_login_to_the_authenticator_set_up(alice):
    client = _password_login("alice")
    response = client.get(reverse("residents:resident_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "data:image/svg+xml;base64," in page
    assert "Configurez votre application d’authentification" in page


@pytest.mark.django_db
def test_it_pairs_the_app_and_shows_recovery_codes_once(alice):
    client = _password_login("alice")
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    response = client.post(
        reverse("second_factor_setup"), {"code": _code(device), "next": "/residents/"}
    )
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == twofactor.RECOVERY_CODES
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)
    )
    assert client.get(reverse("residents:resident_list")).status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_wrong_code_in_french_and_pairs_nothing(alice):
    client = _password_login("alice")
    client.get(reverse("second_factor_setup"))
    response = client.post(reverse("second_factor_setup"), {"code": "000000"})
    assert "Ce code n’est pas valide" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert client.get(reverse("residents:resident_list")).status_code == 302


@pytest.mark.django_db
def test_it_asks_a_paired_user_for_a_code_and_lets_them_in(alice):
    device = _paired(alice)
    client = _password_login("alice")
    response = client.get(reverse("residents:resident_list"))
    assert response["Location"].startswith(reverse("second_factor_verify"))
    response = client.post(
        reverse("second_factor_verify"), {"code": _code(device), "next": "/residents/"}
    )
    assert response["Location"] == "/residents/"
    assert client.get(reverse("residents:resident_list")).status_code == 200


def _old_session(client: Client, key: str) -> Client:
    """A client that still sends the session cookie `key`, as a thief who copied it would."""
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    return thief


@pytest.mark.django_db
def test_it_renews_the_session_key_when_the_code_completes_the_login(alice):
    device = _paired(alice)
    client = _password_login("alice")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("second_factor_verify"), {"code": _code(device)})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("residents:resident_list")).status_code == 200
    stale = _old_session(client, before).get(reverse("residents:resident_list"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_it_renews_the_session_key_when_pairing_completes_the_login(alice):
    client = _password_login("alice")
    client.get(reverse("second_factor_setup"))
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert client.post(reverse("second_factor_setup"), {"code": _code(device)}).status_code == 200
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("residents:resident_list")).status_code == 200
    stale = _old_session(client, before).get(reverse("residents:resident_list"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_it_accepts_a_recovery_code_once(alice):
    _paired(alice)
    code = StaticToken.objects.filter(device__user=alice).first().token
    first = _password_login("alice")
    assert first.post(reverse("second_factor_verify"), {"code": code})["Location"] == "/"
    second = _password_login("alice")
    response = second.post(reverse("second_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "Ce code n’est pas valide" in response.content.decode()


@pytest.mark.django_db
def test_it_never_lets_a_password_alone_replace_the_authenticator(alice):
    _paired(alice)
    client = _password_login("alice")
    response = client.get(reverse("second_factor_setup"))
    assert response["Location"] == reverse("second_factor_verify")
    assert TOTPDevice.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_it_ignores_an_outside_next_address(alice):
    device = _paired(alice)
    client = _password_login("alice")
    response = client.post(
        reverse("second_factor_verify"), {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_it_lets_a_half_logged_in_user_log_out(alice):
    client = _password_login("alice")
    assert client.post(reverse("logout"))["Location"] == reverse("login")


@pytest.mark.django_db
def test_it_renews_recovery_codes_for_a_verified_user(alice):
    device = _paired(alice)
    old = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    client = _password_login("alice")
    client.post(reverse("second_factor_verify"), {"code": _code(device)})
    response = client.post(reverse("recovery_codes_renew"))
    new = set(response.context["codes"])
    assert new.isdisjoint(old)
    assert new == set(
        StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)
    )


def test_it_is_required_by_default_outside_the_demo():
    from config.env import env_bool

    assert env_bool("A_VARIABLE_THAT_IS_NOT_SET", True) is True
    import config.settings as production

    assert isinstance(production.TWO_FACTOR_REQUIRED, bool)
