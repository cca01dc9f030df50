"""The note of a medical or psychiatric follow-up raised during a visit: the medical team and the
note's author read it; the rest of the team sees that a concern was flagged, and by whom."""

import pytest
from django.http import Http404
from django.urls import reverse

from tests.factories import UserFactory, VisitFactory
from visits import views
from visits.models import Visit, VisitMedicalNote

SECRET = "Abcès au bras, fièvre depuis hier"


def _url(visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def _log(client, visit, **data):
    page = client.get(_url(visit))
    payload = {"form_token": str(page.context["form"].initial["form_token"]), "outcome": "seen"}
    payload.update(data)
    return client.post(_url(visit), payload)


@pytest.fixture
def bob(db):
    """Bob, another social worker."""
    return UserFactory(username="bob", roles=["social_worker"])


@pytest.fixture(params=["medical", "psychiatric"])
def flagged(request, client_for, alice):
    """A visit alice logged with a medical (or psychiatric) concern and a note."""
    visit = VisitFactory(worker=alice)
    response = _log(client_for(alice), visit, follow_up_reason=request.param, follow_up_note=SECRET)
    assert response.status_code == 302
    return Visit.objects.get(pk=visit.pk)


@pytest.mark.django_db
def test_it_shows_the_note_to_the_medical_team_and_its_author(
    client_for, flagged, alice, nina, paul
):
    for user in (alice, nina, paul):
        response = client_for(user).get(_url(flagged))
        assert SECRET in response.content.decode(), user
        assert response.context["form"]["follow_up_note"].value() == SECRET


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["bob", "chloe", "marc"])
def test_it_hides_the_note_from_the_rest_of_the_team(request, client_for, flagged, alice, reader):
    user = request.getfixturevalue(reader)
    response = client_for(user).get(_url(flagged))
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET not in page
    assert flagged.get_follow_up_reason_display() in page  # the concern is flagged…
    assert str(alice) in page  # …and by whom
    assert "Seule l’équipe médicale lit la note de ce suivi." in page
    form = response.context["form"]
    if form is not None:
        assert not form["follow_up_note"].value()


@pytest.mark.django_db
@pytest.mark.parametrize("editor", ["bob", "chloe"])
def test_it_keeps_the_note_when_someone_who_cannot_read_it_corrects_the_visit(
    request, client_for, flagged, nina, editor
):
    user = request.getfixturevalue(editor)
    response = _log(
        client_for(user),
        flagged,
        outcome="absent",
        follow_up_reason=flagged.follow_up_reason,
        follow_up_note="",
        needs="Vêtements",
    )
    assert response.status_code == 302
    visit = Visit.objects.get(pk=flagged.pk)
    assert (visit.outcome, visit.needs) == ("absent", "Vêtements")
    assert SECRET in client_for(nina).get(_url(visit)).content.decode()


@pytest.mark.django_db
def test_it_keeps_the_note_when_someone_who_cannot_read_it_changes_the_reason(
    client_for, flagged, bob, nina
):
    response = _log(
        client_for(bob), flagged, follow_up_reason="social", follow_up_note="Besoin d’un colis"
    )
    assert response.status_code == 302
    page = client_for(nina).get(_url(flagged)).content.decode()
    assert SECRET in page and "Besoin d’un colis" in page
    assert SECRET not in client_for(bob).get(_url(flagged)).content.decode()


@pytest.mark.django_db
def test_it_refuses_to_overwrite_a_note_the_user_cannot_read(client_for, flagged, bob, nina):
    response = _log(
        client_for(bob),
        flagged,
        follow_up_reason=flagged.follow_up_reason,
        follow_up_note="Autre chose",
    )
    assert response.status_code == 400
    assert (
        "Une note médicale existe déjà pour ce suivi : seule l’équipe médicale peut la modifier."
        in response.content.decode()
    )
    assert SECRET in client_for(nina).get(_url(flagged)).content.decode()


@pytest.mark.django_db
def test_it_lets_the_medical_team_correct_the_note(client_for, flagged, nina, alice):
    response = _log(
        client_for(nina),
        flagged,
        follow_up_reason=flagged.follow_up_reason,
        follow_up_note="Abcès drainé aux urgences",
    )
    assert response.status_code == 302
    page = client_for(alice).get(_url(flagged)).content.decode()
    assert "Abcès drainé aux urgences" not in page  # nina wrote it: alice is no longer its author
    assert "Abcès drainé aux urgences" in client_for(nina).get(_url(flagged)).content.decode()


@pytest.mark.django_db
def test_it_keeps_the_note_out_of_the_visit_history(client_for, flagged, marc):
    response = client_for(marc).get(reverse("history_object", args=["visits.visit", flagged.pk]))
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    index = client_for(marc).get(reverse("history_index")).content.decode()
    assert "visits.visitmedicalnote" not in index
    note_history = reverse("history_object", args=["visits.visitmedicalnote", flagged.pk])
    assert client_for(marc).get(note_history).status_code == 404


@pytest.mark.django_db
def test_it_shows_the_note_in_the_medical_teams_alerts(client_for, flagged, nina):
    page = client_for(nina).get(reverse("visits:alerts")).content.decode()
    assert SECRET in page


@pytest.mark.django_db
def test_it_shares_the_note_of_a_social_follow_up_with_the_team(client_for, alice, bob, marc):
    visit = VisitFactory(worker=alice)
    _log(client_for(alice), visit, follow_up_reason="social", follow_up_note="Besoin d’un colis")
    for user in (bob, marc):
        assert "Besoin d’un colis" in client_for(user).get(_url(visit)).content.decode()


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.mark.django_db
def test_the_visit_pages_kept_statement_reads_what_the_orm_reads(
    flagged, alice, bob, nina, paul, chloe, marc
):
    """The visit page's statement is built once a process for each of its two shapes
    (views._visit_statement): each reader still gets their own medical annotations."""
    note = VisitMedicalNote.objects.get(visit=flagged)
    note.handled_text = "Vu par l’infirmière"
    note.save()
    other = VisitFactory(worker=bob)
    for visit in (flagged, other):
        for user in (alice, bob, nina, paul, chloe, marc):
            expected = (
                Visit.objects.with_medical_note_for(user)
                .select_related(*views.VISIT_RELATED)
                .get(pk=visit.pk)
            )
            kept = views._read_visit(visit.pk, user)
            assert _values(kept) == _values(expected)
            for name in ("resident", "hotel", "placement"):
                assert _values(getattr(kept, name)) == _values(getattr(expected, name))
            assert _values(kept.placement.place) == _values(expected.placement.place)
            for name in ("medical_note", "medical_handled_note", "medical_note_hidden"):
                assert getattr(kept, name) == getattr(expected, name), (name, user)
    assert views._read_visit(flagged.pk, alice).medical_note == SECRET
    assert views._read_visit(flagged.pk, bob).medical_note is None
    assert views._read_visit(flagged.pk, bob).medical_note_hidden is True
    assert views._read_visit(flagged.pk, nina).medical_handled_note == "Vu par l’infirmière"
    assert views._read_visit(flagged.pk, alice).medical_handled_note == ""
    with pytest.raises(Http404):
        views._read_visit(other.pk + 1000, nina)
