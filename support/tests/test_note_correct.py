import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from support import services
from support.models import MedicalNoteText, Note
from tests.factories import ResidentFactory


def _url(note):
    return reverse("support:note_correct", args=[note.pk])


def _data(**overrides):
    return {"text": "Texte corrigé.", "form_token": str(uuid.uuid4())} | overrides


@pytest.fixture
def note(alice):
    return services.note_create(
        resident=ResidentFactory(), kind="social", text="Texte d’origine.", by=alice
    )


@pytest.mark.django_db
def test_it_adds_a_version_and_keeps_the_first(client_for, alice, note):
    response = client_for(alice).post(_url(note), _data(), follow=True)
    correction = Note.objects.get(supersedes=note)
    assert response.redirect_chain[-1][0] == reverse("support:note_detail", args=[correction.pk])
    assert "La correction a été enregistrée" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Texte d’origine."
    assert (correction.version, correction.text, correction.written_at) == (
        2,
        "Texte corrigé.",
        note.written_at,
    )
    assert list(Note.objects.current()) == [correction]


@pytest.mark.django_db
def test_it_corrects_a_psychiatric_note_in_its_own_table(client_for, paul):
    first = services.note_create(
        resident=ResidentFactory(), kind="psychiatric", text="Avant.", by=paul
    )
    data = _data(text="Après.", shared_summary="À savoir pour les visites.")
    client_for(paul).post(_url(first), data)
    correction = Note.objects.get(supersedes=first)
    assert (correction.text, correction.shared_summary) == ("", "À savoir pour les visites.")
    assert MedicalNoteText.objects.get(note=correction).text == "Après."
    assert MedicalNoteText.objects.get(note=first).text == "Avant."


@pytest.mark.django_db
def test_it_prefills_the_form_with_the_current_text(client_for, alice, note):
    form = client_for(alice).get(_url(note)).context["form"]
    assert form.initial["text"] == "Texte d’origine."
    assert "kind" not in form.fields and "shared_summary" not in form.fields


@pytest.mark.django_db
def test_it_refuses_an_empty_correction(client_for, alice, note):
    response = client_for(alice).post(_url(note), _data(text=""))
    assert "Ce champ est obligatoire." in response.content.decode()
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_someone_elses_note(client_for, nina, note):
    assert client_for(nina).post(_url(note), _data()).status_code == 404
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_a_version_already_corrected(client_for, alice, note):
    services.note_correct(note=note, text="Déjà corrigé.", by=alice)
    assert client_for(alice).post(_url(note), _data()).status_code == 404
    assert Note.objects.count() == 2


@pytest.mark.django_db
def test_it_tells_a_late_corrector_the_note_was_corrected_meanwhile(alice, note):
    services.note_correct(note=note, text="Première correction.", by=alice)
    with pytest.raises(ValidationError) as error:
        services.note_correct(note=note, text="Seconde correction.", by=alice)
    assert "Cette note a été corrigée entre-temps" in error.value.messages[0]
    assert Note.objects.count() == 2


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc, note):
    assert client_for(marc).post(_url(note), _data()).status_code == 403


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice, note):
    assert client_for(alice).delete(_url(note)).status_code == 405
