import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import AccessLog
from support import services
from tests.factories import NoteFactory, ResidentFactory


def _url(resident):
    return reverse("support:note_list", args=[resident.pk])


@pytest.mark.django_db
def test_it_lists_the_current_notes_newest_first(client_for, alice):
    resident = ResidentFactory()
    older = NoteFactory(resident=resident, text="Première rencontre au local.")
    corrected = services.note_correct(
        note=services.note_create(resident=resident, kind="social", text="Brouillon", by=alice),
        text="Visite faite, chambre rangée.",
        by=alice,
    )
    NoteFactory()  # another person's note
    response = client_for(alice).get(_url(resident))
    assert response.status_code == 200
    assert [note.pk for note in response.context["page_obj"]] == [corrected.pk, older.pk]
    page = response.content.decode()
    assert "Visite faite, chambre rangée." in page and "Brouillon" not in page
    assert reverse("support:note_create", args=[resident.pk]) in page


@pytest.mark.django_db
def test_it_lets_the_manager_read_without_writing(client_for, marc):
    resident = ResidentFactory()
    NoteFactory(resident=resident, text="Orientation vers la PASS évoquée.")
    page = client_for(marc).get(_url(resident)).content.decode()
    assert "Orientation vers la PASS évoquée." in page
    assert reverse("support:note_create", args=[resident.pk]) not in page


@pytest.mark.django_db
def test_it_records_who_read_the_notes(client_for, alice):
    resident = ResidentFactory()
    client_for(alice).get(_url(resident))
    assert AccessLog.objects.get().page == _url(resident)


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_file(client_for, alice):
    response = client_for(alice).get(reverse("support:note_list", args=[999999]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(_url(ResidentFactory())).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(_url(ResidentFactory())).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_notes(client_for, nina, paul):
    resident = ResidentFactory()
    client = client_for(nina)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(resident)).status_code == 200
        return len(queries)

    def write(n):
        for i in range(n):
            services.note_create(resident=resident, kind="nursing", text=f"Soin {i}", by=nina)
            services.note_create(
                resident=resident, kind="psychiatric", text=f"Entretien {i}", by=paul
            )

    write(1)
    with_two = count_queries()
    write(24)
    assert len(client.get(_url(resident)).context["page_obj"]) == 25  # a full page of 50
    # session, user, groups; the resident; the page count and the page of notes with their
    # authors and medical texts (joined); the access log insert: nothing per note.
    assert count_queries() == with_two
