import uuid

import pytest
from django.urls import reverse

from support.models import MedicalNoteText, Note
from tests.factories import ResidentFactory


def _url(resident):
    return reverse("support:note_create", args=[resident.pk])


def _data(**overrides):
    return {"kind": "social", "text": "Dossier CAF déposé.", "form_token": str(uuid.uuid4())} | (
        overrides
    )


@pytest.mark.django_db
def test_it_records_a_social_note(client_for, alice):
    resident = ResidentFactory()
    response = client_for(alice).post(_url(resident), _data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "residents:resident_detail", args=[resident.pk]
    )
    assert "La note sociale a été enregistrée." in response.content.decode()
    note = Note.objects.get()
    assert (note.resident, note.author, note.kind, note.text) == (
        resident,
        alice,
        "social",
        "Dossier CAF déposé.",
    )
    assert not MedicalNoteText.objects.exists()


@pytest.mark.django_db
def test_it_keeps_a_psychiatric_text_out_of_the_note_table(client_for, paul):
    resident = ResidentFactory()
    data = _data(kind="psychiatric", text="Humeur basse.", shared_summary="Visites le matin.")
    assert client_for(paul).post(_url(resident), data).status_code == 302
    note = Note.objects.get()
    assert (note.kind, note.text, note.shared_summary) == ("psychiatric", "", "Visites le matin.")
    assert MedicalNoteText.objects.get(note=note).text == "Humeur basse."


@pytest.mark.django_db
def test_it_offers_each_role_its_kinds_of_note(client_for, alice, nina, paul):
    resident = ResidentFactory()

    def kinds(user):
        form = client_for(user).get(_url(resident)).context["form"]
        return [value for value, _label in form.fields["kind"].choices], form.initial["kind"]

    assert kinds(alice) == (["social"], "social")
    assert kinds(nina) == (["social", "nursing"], "nursing")
    assert kinds(paul) == (["social", "psychiatric"], "psychiatric")


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "kind"), [("alice", "nursing"), ("nina", "psychiatric")])
def test_it_refuses_a_kind_of_note_the_author_may_not_write(client_for, personas, user, kind):
    author = {person.username: person for person in personas.values()}[user]
    response = client_for(author).post(_url(ResidentFactory()), _data(kind=kind))
    assert "Vous ne pouvez pas écrire ce type de note." in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_empty_note(client_for, alice):
    response = client_for(alice).post(_url(ResidentFactory()), _data(text="  "))
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_summary_on_a_social_note(client_for, nina):
    response = client_for(nina).post(_url(ResidentFactory()), _data(shared_summary="À savoir"))
    assert "Une note sociale est déjà partagée avec l’équipe" in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, alice):
    resident = ResidentFactory()
    data = _data()
    client = client_for(alice)
    client.post(_url(resident), data)
    assert "Ce formulaire a déjà été envoyé" in client.post(_url(resident), data).content.decode()
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_archived_file(client_for, alice, chloe):
    archived = ResidentFactory()
    archived.archive(by=chloe)
    for pk in (archived.pk, 999999):
        url = reverse("support:note_create", args=[pk])
        assert client_for(alice).post(url, _data()).status_code == 404
    assert not Note.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["marc", "ada"])
def test_it_forbids_the_manager_and_the_admin(client_for, personas, user):
    person = {p.username: p for p in personas.values()}[user]
    assert client_for(person).post(_url(ResidentFactory()), _data()).status_code == 403
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).delete(_url(ResidentFactory())).status_code == 405


@pytest.mark.django_db
def test_it_logs_opening_the_form_as_a_file_access(client_for, alice):
    resident = ResidentFactory()
    client_for(alice).get(_url(resident))
    assert resident.access_logs.get().user == alice
