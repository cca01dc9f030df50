"""The search and duplicate queries of `Resident.objects`, on PostgreSQL's unaccent and pg_trgm."""

import pytest
from django.db import connection

from residents.models import Resident, search_threshold
from tests.factories import ResidentFactory


def _search(query: str) -> list[str]:
    return list(Resident.objects.search(query).values_list("nickname", flat=True))


@pytest.mark.django_db
def test_it_ranks_the_closest_name_first():
    ResidentFactory(nickname="Momo du Nord")
    ResidentFactory(nickname="Momo")
    ResidentFactory(nickname="Coco")
    assert _search("momo")[:2] == ["Momo", "Momo du Nord"]
    assert "Coco" not in _search("momo")


@pytest.mark.django_db
def test_it_tolerates_a_letter_missing_or_swapped():
    ResidentFactory(nickname="Dimitri")
    assert _search("dimtri") == ["Dimitri"]
    assert _search("dmitri") == ["Dimitri"]


@pytest.mark.django_db
def test_it_matches_a_part_of_a_name():
    ResidentFactory(nickname="Bouboule", last_name="Chevalier")
    assert _search("cheval") == ["Bouboule"]


@pytest.mark.django_db
def test_it_ignores_unrelated_names():
    ResidentFactory(nickname="Papillon")
    assert _search("Grizzly") == []


@pytest.mark.django_db
def test_it_finds_duplicates_by_name_and_compatible_year():
    same = ResidentFactory(nickname="Pépito", birth_year=1980)
    unknown_year = ResidentFactory(nickname="Pepito", first_name="Luc", birth_year=None)
    ResidentFactory(nickname="Pépito", birth_year=1990)
    ResidentFactory(nickname="Caramel", birth_year=1980)
    found = Resident.objects.possible_duplicates(nickname="pepito", birth_year=1980)
    assert set(found) == {same, unknown_year}


@pytest.mark.django_db
def test_it_finds_a_duplicate_by_first_and_last_name():
    known = ResidentFactory(nickname="Tonton", first_name="Rachid", last_name="Ziani")
    found = Resident.objects.possible_duplicates(
        nickname="Le Grand", first_name="Rachid", last_name="Zianni", birth_year=1980
    )
    assert list(found) == [known]


SEARCHES = ["momo", "dimtri", "dmitri", "cheval", "pépito", "grizzly", "o", "du nord", "1980 momo"]


@pytest.mark.django_db
def test_the_indexed_search_finds_what_the_plain_search_finds():
    for nickname, last_name in [
        ("Momo du Nord", ""),
        ("Momo", "Chevalier"),
        ("Dimitri", ""),
        ("Pepito", "Momoh"),
        ("Bouboule", "Chevallier"),
        ("Coco", "Nordine"),
    ]:
        ResidentFactory(nickname=nickname, last_name=last_name, birth_year=1980)
    for query in SEARCHES:
        with search_threshold():
            indexed = list(Resident.objects.search(query, indexed=True))
        assert indexed == list(Resident.objects.search(query)), query


@pytest.mark.django_db
def test_the_search_threshold_ends_with_its_block():
    ResidentFactory(nickname="Dimitri")
    with search_threshold():
        assert _search_indexed("dimtri") == ["Dimitri"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('pg_trgm.word_similarity_threshold'),"
            " current_setting('enable_seqscan')"
        )
        assert cursor.fetchone() == ("0.6", "on")
    # at PostgreSQL's threshold again: the typo is too far for a duplicate
    assert not Resident.objects.possible_duplicates(nickname="dimtri").exists()


def _search_indexed(query: str) -> list[str]:
    return list(Resident.objects.search(query, indexed=True).values_list("nickname", flat=True))
