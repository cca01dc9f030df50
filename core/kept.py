"""What pages keep in the cache (issue #20), read again only when what it was made from changes.

`DataVersion` follows the data the members of a registry read (the home page's cards, the
timeline's sources: each says which models with `reads`); `kept_html` keeps a page's part under
that version and whatever else it depends on; `kept` keeps any value under a key. The cache is a
help, never a need: when it does not answer, the value is worked out and the page answers.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

from core.audit import history_version_query

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How many times a setting changed in this process. Settings change only in tests
# (override_settings), where what is kept must follow them (VISIT_ALERT_DAYS, the language...).
_settings_changes = [0]


@receiver(setting_changed)
def _count_setting_change(**kwargs):
    _settings_changes[0] += 1


class DataVersion:
    """What changes whenever a row the members of `registry` read is inserted, updated or deleted
    (`core.audit.history_version_query`: the history triggers see every write). A member whose
    `reads` is None does not say what it reads: there is no version, nothing is kept."""

    def __init__(self, registry: Iterable):
        self.registry = registry
        self._queries: dict[int, str | None] = {}  # registry.version -> the statement

    def query(self) -> str | None:
        version = self.registry.version
        if version not in self._queries:
            self._queries.clear()
            labels: set[str] = set()
            for member in self.registry:
                reads = getattr(member, "reads", None)
                if reads is None:
                    self._queries[version] = None
                    break
                labels.update(reads)
            else:
                self._queries[version] = history_version_query(labels)
        return self._queries[version]

    def current(self) -> tuple | None:
        query = self.query()
        if query is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(query)
            return tuple(cursor.fetchone())


def kept(key: str, build: Callable[[], T], seconds: int) -> T:
    """`build()`, kept `seconds` in the cache under `key`."""
    try:
        value = cache.get(key)
    except RedisError:  # the page does not need the cache to answer
        logger.warning("%s: the cache does not answer", key.split(":")[0], exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, seconds)
        except RedisError:
            logger.warning("%s: the cache does not answer", key.split(":")[0], exc_info=True)
    return value


def kept_html(name: str, parts: tuple, build: Callable[[], str], seconds: int) -> SafeString:
    """The HTML `build()` writes, kept under `name` and `parts` (all it depends on)."""
    digest = hashlib.sha256(repr((*parts, _settings_changes[0])).encode()).hexdigest()
    html = kept(f"{name}:{digest}", lambda: str(build()), seconds)
    return mark_safe(html)  # noqa: S308 - written by our own templates (build)
