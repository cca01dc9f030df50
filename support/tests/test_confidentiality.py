"""Shared professional secrecy, proved from the outside.

A unique marker is written in a psychiatric note (and its correction), in a nursing note and in
the notes of a medical referral. Every page that can show notes, referrals or the resident's
story is requested by the social worker, the coordinator, the manager and the admin: each answers
what the access policy says, and none carries a marker. The nurse and the psychiatrist read them.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.roles import Role
from support import services
from tests.factories import PlacementFactory, ReferralFactory

PSY_MARKER = "MARQUEUR-PSY-7f3a9"
NURSE_MARKER = "MARQUEUR-INF-91c2e"
REFERRAL_MARKER = "MARQUEUR-ORIENT-55d1b"
MARKERS = (PSY_MARKER, NURSE_MARKER, REFERRAL_MARKER)
SUMMARY = "Passer plutôt en fin de matinée."

SW, COORD, MANAGER, ADMIN = Role.SOCIAL_WORKER, Role.COORDINATOR, Role.MANAGER, Role.ADMIN
OTHERS = (SW, COORD, MANAGER, ADMIN)


@pytest.fixture
def secrets(alice, nina, paul):
    stay = PlacementFactory(resident__nickname="Caramel")
    resident = stay.resident
    first = services.note_create(
        resident=resident,
        kind="psychiatric",
        text=f"Entretien : humeur basse. {PSY_MARKER}",
        shared_summary=SUMMARY,
        by=paul,
    )
    corrected = services.note_correct(
        note=first,
        text=f"Entretien : humeur basse, sommeil fragmenté. {PSY_MARKER}",
        shared_summary=SUMMARY,
        by=paul,
    )
    nursing = services.note_create(
        resident=resident, kind="nursing", text=f"Pansement au pied. {NURSE_MARKER}", by=nina
    )
    social = services.note_create(
        resident=resident, kind="social", text="Dossier CAF déposé ensemble.", by=alice
    )
    referral = ReferralFactory(
        resident=resident,
        service="cmp",
        is_medical=True,
        notes=f"Premier rendez-vous au CMP. {REFERRAL_MARKER}",
        accompanied_by=alice,
    )
    return SimpleNamespace(
        resident=resident,
        first=first,
        corrected=corrected,
        nursing=nursing,
        social=social,
        referral=referral,
    )


def _history(name, label, obj=None):
    return lambda s: reverse(name, args=[label, *([getattr(s, obj).pk] if obj else [])])


# page -> (its URL from the fixture, {role: expected status})
READ = {SW: 200, COORD: 200, MANAGER: 200, ADMIN: 403}
HIDDEN = {SW: 404, COORD: 404, MANAGER: 404, ADMIN: 404}
MANAGER_HISTORY = {SW: 403, COORD: 403, MANAGER: 200, ADMIN: 404}
MEDICAL_HISTORY = {SW: 403, COORD: 403, MANAGER: 404, ADMIN: 404}
PAGES = {
    "dashboard": (lambda s: reverse("home"), {SW: 200, COORD: 200, MANAGER: 200, ADMIN: 200}),
    "resident": (lambda s: reverse("residents:resident_detail", args=[s.resident.pk]), READ),
    "timeline page 2": (
        lambda s: reverse("residents:resident_detail", args=[s.resident.pk]) + "?page=2",
        READ,
    ),
    "note list": (lambda s: reverse("support:note_list", args=[s.resident.pk]), READ),
    "psychiatric note": (lambda s: reverse("support:note_detail", args=[s.corrected.pk]), HIDDEN),
    "its first version": (lambda s: reverse("support:note_detail", args=[s.first.pk]), HIDDEN),
    "nursing note": (lambda s: reverse("support:note_detail", args=[s.nursing.pk]), HIDDEN),
    "social note": (
        lambda s: reverse("support:note_detail", args=[s.social.pk]),
        {**READ, ADMIN: 404},
    ),
    "correct the psychiatric note": (
        lambda s: reverse("support:note_correct", args=[s.corrected.pk]),
        {SW: 404, COORD: 404, MANAGER: 403, ADMIN: 403},
    ),
    "referrals of the resident": (
        lambda s: reverse("support:resident_referrals", args=[s.resident.pk]),
        READ,
    ),
    "upcoming appointments": (lambda s: reverse("support:referral_list"), READ),
    "appointments I accompany": (lambda s: reverse("support:referral_list") + "?moi=1", READ),
    "medical referral form": (
        lambda s: reverse("support:referral_update", args=[s.referral.pk]),
        {SW: 404, COORD: 404, MANAGER: 403, ADMIN: 403},
    ),
    "steps of the resident": (
        lambda s: reverse("support:resident_steps", args=[s.resident.pk]),
        READ,
    ),
    "history index": (
        lambda s: reverse("history_index"),
        {SW: 403, COORD: 403, MANAGER: 200, ADMIN: 200},
    ),
    "note history": (_history("history_model", "support.note"), MANAGER_HISTORY),
    "psychiatric note history": (
        _history("history_object", "support.note", "first"),
        MANAGER_HISTORY,
    ),
    "medical text history": (
        _history("history_model", "support.medicalnotetext"),
        MEDICAL_HISTORY,
    ),
    "psychiatric text history": (
        _history("history_object", "support.medicalnotetext", "first"),
        MEDICAL_HISTORY,
    ),
    "referral history": (_history("history_model", "support.referral"), MEDICAL_HISTORY),
    "medical referral history": (
        _history("history_object", "support.referral", "referral"),
        MEDICAL_HISTORY,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", OTHERS, ids=str)
def test_it_never_shows_medical_content_to_the_rest_of_the_team(
    page, role, secrets, personas, client_for
):
    url_of, expected = PAGES[page]
    response = client_for(personas[role]).get(url_of(secrets))
    assert response.status_code == expected[role], f"{role} on {page}"
    content = response.content.decode()
    for marker in MARKERS:
        assert marker not in content, f"{marker} shown to {role} on {page}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS, ids=str)
def test_it_keeps_medical_content_out_of_the_timeline_served_to_htmx(
    role, secrets, personas, client_for
):
    url = reverse("residents:resident_detail", args=[secrets.resident.pk])
    response = client_for(personas[role]).get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline"
    )
    assert response.status_code == READ[role]
    assert not any(marker in response.content.decode() for marker in MARKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [SW, COORD, MANAGER], ids=str)
def test_it_shows_the_team_the_shared_summary_and_the_fact_of_the_appointment(
    role, secrets, personas, client_for
):
    client = client_for(personas[role])
    notes = client.get(reverse("support:note_list", args=[secrets.resident.pk]))
    assert [note.pk for note in notes.context["page_obj"]] == [
        secrets.social.pk,
        secrets.corrected.pk,  # its summary only; the nursing note has none: not listed
    ]
    assert SUMMARY in notes.content.decode()
    story = client.get(reverse("residents:resident_detail", args=[secrets.resident.pk]))
    assert SUMMARY in story.content.decode()
    referrals = client.get(reverse("support:resident_referrals", args=[secrets.resident.pk]))
    page = referrals.content.decode()
    assert "Rendez-vous médical" in page and "CMP" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.NURSE, Role.PSYCHIATRIST], ids=str)
def test_it_shows_the_medical_team_every_note_and_referral(role, secrets, personas, client_for):
    client = client_for(personas[role])
    notes = client.get(reverse("support:note_list", args=[secrets.resident.pk])).content.decode()
    assert PSY_MARKER in notes and NURSE_MARKER in notes
    story = client.get(reverse("residents:resident_detail", args=[secrets.resident.pk]))
    assert PSY_MARKER in story.content.decode() and NURSE_MARKER in story.content.decode()
    detail = client.get(reverse("support:note_detail", args=[secrets.first.pk]))
    assert detail.status_code == 200 and PSY_MARKER in detail.content.decode()
    referrals = client.get(reverse("support:resident_referrals", args=[secrets.resident.pk]))
    assert REFERRAL_MARKER in referrals.content.decode()
    assert "CMP / psychiatrie" in referrals.content.decode()
