import pytest
from django.urls import reverse

from privacy.models import AccessLog
from support import services
from tests.factories import NoteFactory, ResidentFactory


def _url(note):
    return reverse("support:note_detail", args=[note.pk])


@pytest.mark.django_db
def test_it_shows_a_medical_note_with_its_summary_to_the_medical_team(client_for, nina, paul):
    note = services.note_create(
        resident=ResidentFactory(),
        kind="psychiatric",
        text="Traitement bien pris.",
        shared_summary="Rien de particulier pour les visites.",
        by=paul,
    )
    for user in (nina, paul):
        response = client_for(user).get(_url(note))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Traitement bien pris." in page and "Rien de particulier" in page
    correct = reverse("support:note_correct", args=[note.pk])
    assert correct in client_for(paul).get(_url(note)).content.decode()
    assert correct not in client_for(nina).get(_url(note)).content.decode()  # not her note


@pytest.mark.django_db
def test_it_shows_the_earlier_versions_and_points_to_the_latest(client_for, alice):
    first = services.note_create(
        resident=ResidentFactory(), kind="social", text="Version fautive.", by=alice
    )
    second = services.note_correct(note=first, text="Version juste.", by=alice)
    latest = client_for(alice).get(_url(second))
    assert [version.pk for version in latest.context["versions"]] == [first.pk]
    assert "Version fautive." in latest.content.decode()
    older = client_for(alice).get(_url(first)).content.decode()
    assert "Cette version a été corrigée." in older
    assert _url(second) in older
    assert reverse("support:note_correct", args=[first.pk]) not in older


@pytest.mark.django_db
def test_it_records_who_read_the_note(client_for, marc):
    note = NoteFactory()
    client_for(marc).get(_url(note))
    assert AccessLog.objects.get().resident == note.resident


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_note(client_for, alice):
    assert client_for(alice).get(reverse("support:note_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_it_answers_404_to_whoever_may_not_read_the_note(client_for, alice, nina, ada):
    note = services.note_create(
        resident=ResidentFactory(), kind="nursing", text="Pansement.", by=nina
    )
    assert client_for(alice).get(_url(note)).status_code == 404
    assert client_for(ada).get(_url(NoteFactory())).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(_url(NoteFactory())).status_code == 405
