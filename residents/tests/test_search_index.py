"""The name search reads its trigram index only: no pending list left for a vacuum to merge."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_writes_new_names_straight_into_the_search_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'resident_search_trgm'")
        [(options,)] = cursor.fetchall()
    assert "fastupdate=off" in (options or [])
