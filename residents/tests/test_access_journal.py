"""The manager's journal of case-file accesses, searchable by person and by user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import AccessKind, AccessLog
from tests.factories import ResidentFactory

URL = reverse("residents:access_journal")


def _open(client, resident):
    assert client.get(reverse("residents:resident_detail", args=[resident.pk])).status_code == 200


def _rows(response):
    return [
        (access.user.username, access.resident.nickname) for access in response.context["page_obj"]
    ]


@pytest.mark.django_db
def test_it_lists_every_access_newest_first(client_for, alice, nina, marc):
    bambou, cerise = ResidentFactory(nickname="Bambou"), ResidentFactory(nickname="Cerise")
    _open(client_for(alice), bambou)
    _open(client_for(nina), cerise)
    response = client_for(marc).get(URL)
    assert response.status_code == 200
    assert _rows(response) == [("nina", "Cerise"), ("alice", "Bambou")]
    assert "Journal des accès aux dossiers" in response.content.decode()


@pytest.mark.django_db
def test_it_finds_the_accesses_to_one_person_despite_a_typo(client_for, alice, nina, marc):
    bambou, cerise = ResidentFactory(nickname="Bambou"), ResidentFactory(nickname="Cerise")
    _open(client_for(alice), bambou)
    _open(client_for(nina), cerise)
    _open(client_for(nina), bambou)
    response = client_for(marc).get(URL, {"personne": "bambuo"})
    assert _rows(response) == [("nina", "Bambou"), ("alice", "Bambou")]


@pytest.mark.django_db
def test_it_finds_the_accesses_of_one_user_and_one_kind(client_for, alice, nina, marc):
    bambou = ResidentFactory(nickname="Bambou")
    _open(client_for(alice), bambou)
    _open(client_for(nina), bambou)
    AccessLog.record(user=nina, resident=bambou, kind=AccessKind.EXPORT)
    client = client_for(marc)
    assert _rows(client.get(URL, {"utilisateur": alice.pk})) == [("alice", "Bambou")]
    exports = client.get(URL, {"utilisateur": nina.pk, "acces": "export"})
    assert [access.kind for access in exports.context["page_obj"]] == ["export"]


@pytest.mark.django_db
def test_it_says_when_nothing_matches(client_for, alice, marc):
    _open(client_for(alice), ResidentFactory(nickname="Bambou"))
    page = client_for(marc).get(URL, {"personne": "Zzyzx"}).content.decode()
    assert "Aucun accès ne correspond à cette recherche." in page


@pytest.mark.django_db
def test_a_bad_filter_gets_a_french_message_and_no_rows(client_for, alice, marc):
    _open(client_for(alice), ResidentFactory())
    response = client_for(marc).get(URL, {"utilisateur": "999999", "acces": "delete"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["alice", "nina", "paul", "chloe", "ada"])
def test_only_the_manager_reads_it(client_for, role, request):
    assert client_for(request.getfixturevalue(role)).get(URL).status_code == 403


@pytest.mark.django_db
def test_its_queries_do_not_grow_with_the_accesses(client_for, alice, marc):
    client = client_for(marc)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    _open(client_for(alice), ResidentFactory())
    few = count()
    for _ in range(15):
        AccessLog.record(user=alice, resident=ResidentFactory())
    assert count() == few


@pytest.mark.django_db
def test_the_change_history_links_the_manager_to_it(client_for, marc, ada):
    assert URL in client_for(marc).get(reverse("history_index")).content.decode()
    assert URL not in client_for(ada).get(reverse("history_index")).content.decode()
