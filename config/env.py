"""Typed readers for settings that come from the environment.

Each reader fails loudly with the variable's name when a value cannot be parsed,
so a typo in a deployment stops the process at start-up instead of later.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database_url(name: str = "DATABASE_URL") -> dict:
    """Parse a postgres:// URL into Django's DATABASES entry; other engines are refused."""
    import dj_database_url

    raw = os.environ.get(name)
    if not raw:
        raise ImproperlyConfigured(
            f"{name} is not set. Use `make run` or `make test`, which start an embedded "
            "PostgreSQL, or point it at a server: postgres://user:password@host:5432/ancrage"
        )
    if not raw.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// URL: Ancrage runs on PostgreSQL only."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} cannot be parsed: {exc}") from None
    return config
