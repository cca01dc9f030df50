"""Login throttling, idle session expiry and the security headers every page carries."""

import datetime
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("login")
PASSWORD = "correct horse battery"


def _login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password(alice):
    response = _login(Client(), "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_it_explains_a_wrong_password_in_french(alice):
    response = _login(Client(), "alice", "wrong")
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


@pytest.mark.django_db
def test_it_locks_a_username_from_one_address_after_repeated_failures(alice):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong", ip="10.1.1.1")
    locked = _login(client, "alice", PASSWORD, ip="10.1.1.1")
    assert locked.status_code == 429
    assert "Trop de tentatives échouées" in locked.content.decode()


@pytest.mark.django_db
def test_it_does_not_lock_colleagues_on_the_same_hotel_wifi(alice, nina):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong", ip="10.1.1.1")
    assert _login(Client(), "nina", PASSWORD, ip="10.1.1.1").status_code == 302
    assert _login(Client(), "alice", PASSWORD, ip="10.9.9.9").status_code == 302


PROXY = "172.18.0.1"  # the reverse proxy, as the app sees it (REMOTE_ADDR)
CLIENT_IP_SETTINGS = (
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "IPWARE_STRICT",
)


@pytest.fixture
def proxies(settings, monkeypatch):
    """proxies(n): the client-address settings that config/settings.py derives from
    AXES_PROXY_COUNT=n, applied to this test."""

    def configure(count: int) -> None:
        monkeypatch.setenv("AXES_PROXY_COUNT", str(count))
        derived = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "settings.py"))
        for name in CLIENT_IP_SETTINGS:
            if name in derived:
                setattr(settings, name, derived[name])

    return configure


def _login_through_proxy(username, password, forwarded_for):
    """What the app receives when a browser at `forwarded_for`'s last address logs in through
    the proxy (which appends the address it saw to X-Forwarded-For)."""
    return Client().post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_it_does_not_lock_the_owner_out_from_behind_the_proxy(alice, proxies):
    proxies(1)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login_through_proxy("alice", "wrong", "203.0.113.66")
    assert _login_through_proxy("alice", PASSWORD, "203.0.113.66").status_code == 429
    assert _login_through_proxy("alice", PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_it_locks_an_attacker_behind_the_proxy_whatever_address_they_forge(alice, proxies):
    proxies(1)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker forges a new address each time; the proxy appends the real one.
        _login_through_proxy("alice", "wrong", f"10.0.0.{attempt}, 203.0.113.66")
    locked = _login_through_proxy("alice", PASSWORD, "192.0.2.1, 203.0.113.66")
    assert locked.status_code == 429
    assert "Trop de tentatives échouées" in locked.content.decode()
    # The owner, whose office network also adds an X-Forwarded-For entry.
    assert _login_through_proxy("alice", PASSWORD, "10.20.0.5, 198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_it_ignores_a_forged_forwarded_for_without_a_proxy(alice, proxies):
    proxies(0)
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    locked = client.post(
        LOGIN,
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert locked.status_code == 429


@pytest.mark.django_db
def test_it_ends_an_idle_session(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_it_logs_out_only_by_post(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy(client):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_it_has_no_inline_script_in_the_pages(client_for, chloe):
    for url in (LOGIN, reverse("home"), reverse("placements:hotel_list")):
        page = client_for(chloe).get(url).content.decode()
        for chunk in page.split("<script")[1:]:
            # A JSON data block (json_script) is never run: the policy's script-src has no say.
            data = chunk.lstrip().startswith('id="') and 'type="application/json"' in chunk[:80]
            assert chunk.lstrip().startswith("src=") or data, f"inline script in {url}"


@pytest.mark.django_db
def test_it_forbids_framing_and_sniffing(client):
    response = client.get(LOGIN)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_it_refuses_a_huge_username_without_crashing(client):
    huge_username = "x" * 10_000
    response = client.post(LOGIN, {"username": huge_username, "password": "x"})
    assert response.status_code == 200
    assert (
        "Assurez-vous que cette valeur comporte au plus 150 caractères" in response.content.decode()
    )
