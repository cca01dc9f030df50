import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import AccessLog
from tests.factories import ResidentFactory

URL = reverse("residents:resident_list")


def _names(response) -> list[str]:
    return [resident.nickname for resident in response.context["page_obj"]]


@pytest.mark.django_db
def test_it_lists_open_files_and_hides_archived_ones(client_for, alice, chloe):
    ResidentFactory(nickname="Bambou")
    ResidentFactory(nickname="Caramel").archive(by=chloe)
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Bambou"]


@pytest.mark.django_db
def test_it_finds_archived_files_when_asked(client_for, alice, chloe):
    ResidentFactory(nickname="Caramel").archive(by=chloe)
    assert _names(client_for(alice).get(URL, {"q": "caramel"})) == []
    response = client_for(alice).get(URL, {"q": "caramel", "archived": "1"})
    assert _names(response) == ["Caramel"]
    assert "archivé" in response.content.decode()


@pytest.mark.django_db
def test_it_searches_without_accents_or_case_and_tolerates_typos(client_for, alice):
    ResidentFactory(nickname="Dédé", first_name="Hélène", last_name="Lefèvre")
    ResidentFactory(nickname="Momo", first_name="Karim")
    client = client_for(alice)
    for query in ("DEDE", "helene", "lefevre", "Lefèvre", "lefebvre", "hélen"):
        assert _names(client.get(URL, {"q": query})) == ["Dédé"], query


@pytest.mark.django_db
def test_it_searches_by_exact_year_of_birth(client_for, alice):
    ResidentFactory(nickname="Bambou", birth_year=1975)
    ResidentFactory(nickname="Caramel", birth_year=1976)
    client = client_for(alice)
    assert _names(client.get(URL, {"q": "1975"})) == ["Bambou"]
    assert _names(client.get(URL, {"q": "caramel 1975"})) == []


@pytest.mark.django_db
def test_it_says_when_nothing_matches_and_offers_the_archives(client_for, alice):
    response = client_for(alice).get(URL, {"q": "zzzz"})
    page = response.content.decode()
    assert "Aucun dossier ne correspond à cette recherche." in page
    assert "Chercher aussi dans les dossiers archivés" in page


@pytest.mark.django_db
def test_it_says_when_there_is_no_file_yet(client_for, alice, marc):
    assert "Aucun dossier pour l’instant." in client_for(alice).get(URL).content.decode()
    assert reverse("residents:resident_create") not in client_for(marc).get(URL).content.decode()


@pytest.mark.django_db
def test_it_paginates_and_keeps_the_search(client_for, alice):
    for n in range(30):
        ResidentFactory(nickname=f"Caramel {n:02d}")
    response = client_for(alice).get(URL, {"page": 2})
    assert _names(response) == [f"Caramel {n:02d}" for n in range(25, 30)]
    page = client_for(alice).get(URL, {"q": "caramel", "archived": "1"}).content.decode()
    assert "?q=caramel&amp;archived=1&page=2" in page
    assert client_for(alice).get(URL, {"q": "a&b=c"}).context["extra_query"] == "q=a%26b%3Dc"


@pytest.mark.django_db
def test_it_does_not_log_the_list_as_a_file_access(client_for, alice):
    ResidentFactory()
    client_for(alice).get(URL)
    client_for(alice).get(URL, {"q": "surnom"})
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "surnom"])
def test_it_keeps_a_fixed_query_budget(client_for, alice, query):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": query}).status_code == 200
        return len(queries)

    ResidentFactory.create_batch(2)
    with_two = count_queries()
    ResidentFactory.create_batch(48)
    # session, user, user's groups (role check), the savepoint pair around the session save,
    # the paginator's count (a search: the ids of its results, with the settings of
    # `search_threshold()` before, in a savepoint rolled back after), the page of residents:
    # nothing per row.
    assert count_queries() == with_two
    assert with_two <= (12 if query else 8)


@pytest.mark.django_db
def test_it_pages_the_results_of_a_search_best_match_first(client_for, alice):
    ResidentFactory(nickname="Bouboule")
    for n in range(26):
        ResidentFactory(nickname=f"Boubou {n:02}")
    ResidentFactory(nickname="Caramel")
    client = client_for(alice)
    first = client.get(URL, {"q": "bouboule"})
    second = client.get(URL, {"q": "bouboule", "page": 2})
    assert first.context["paginator"].count == 27
    assert _names(first)[0] == "Bouboule" and len(_names(first)) == 25
    assert sorted(_names(first)[1:] + _names(second)) == [f"Boubou {n:02}" for n in range(26)]
    # each row still carries what the columns show
    assert all(resident.status == "none" for resident in first.context["page_obj"])
    assert 'href="/residents/' in first.content.decode()
