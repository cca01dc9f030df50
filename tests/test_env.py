"""config/env.py: good values are parsed, bad ones stop start-up with the variable's name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database_url, env_int, env_list, env_str


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("ANCRAGE_TEST_VALUE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_it_reads_a_string_or_its_default(monkeypatch):
    assert env_str("ANCRAGE_TEST_VALUE", "fallback") == "fallback"
    monkeypatch.setenv("ANCRAGE_TEST_VALUE", "set")
    assert env_str("ANCRAGE_TEST_VALUE", "fallback") == "set"


def test_it_requires_a_string_without_default():
    with pytest.raises(ImproperlyConfigured, match="ANCRAGE_TEST_VALUE"):
        env_str("ANCRAGE_TEST_VALUE")


@pytest.mark.parametrize(
    "raw, expected",
    [("true", True), ("1", True), ("Yes", True), (" on ", True),
     ("false", False), ("0", False), ("no", False), ("OFF", False), ("", False)],
)  # fmt: skip
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("ANCRAGE_TEST_VALUE", raw)
    assert env_bool("ANCRAGE_TEST_VALUE", not expected) is expected


def test_it_uses_the_boolean_default_when_unset():
    assert env_bool("ANCRAGE_TEST_VALUE", True) is True
    assert env_bool("ANCRAGE_TEST_VALUE", False) is False


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG.*'maybe'"):
        env_bool("DEBUG", False)


def test_it_reads_whole_numbers(monkeypatch):
    assert env_int("EMAIL_PORT", 25) == 25
    monkeypatch.setenv("EMAIL_PORT", "587")
    assert env_int("EMAIL_PORT", 25) == 587
    monkeypatch.setenv("EMAIL_PORT", " ")
    assert env_int("EMAIL_PORT", 25) == 25


def test_it_refuses_a_number_it_cannot_read(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "abc")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT.*'abc'"):
        env_int("EMAIL_PORT", 25)


def test_it_reads_comma_separated_lists(monkeypatch):
    assert env_list("ANCRAGE_TEST_VALUE", ["a"]) == ["a"]
    monkeypatch.setenv("ANCRAGE_TEST_VALUE", " ancrage.example.org, ,localhost ")
    assert env_list("ANCRAGE_TEST_VALUE") == ["ancrage.example.org", "localhost"]
    monkeypatch.setenv("ANCRAGE_TEST_VALUE", "")
    assert env_list("ANCRAGE_TEST_VALUE", ["a"]) == []


def test_it_parses_a_postgres_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ancrage:s3cret@db.internal:5433/ancrage")
    config = env_database_url()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("ancrage", "s3cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "ancrage")
    assert config["CONN_HEALTH_CHECKS"] is True


def test_it_parses_a_unix_socket_url(monkeypatch):
    # The form config.devservices gives for the embedded PostgreSQL.
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@%2Ftmp%2Fpg:5432/ancrage")
    config = env_database_url()
    assert (config["HOST"], config["NAME"]) == ("/tmp/pg", "ancrage")


def test_it_refuses_another_engine(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://ancrage:s3cret@localhost/ancrage")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a postgres:// URL"):
        env_database_url()


def test_it_requires_a_database_url(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        env_database_url()
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        env_database_url()
