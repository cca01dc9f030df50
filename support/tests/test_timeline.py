import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.timeline import entries_for
from support import services
from tests.factories import ReferralFactory, ResidentFactory, StepFactory

TODAY = timezone.localdate()


def _ours(resident, user):
    return [entry for entry in entries_for(resident, user) if entry.kind != "file"]


@pytest.mark.django_db
def test_it_shows_notes_as_each_reader_may_see_them(alice, nina, paul):
    resident = ResidentFactory()
    social = services.note_create(resident=resident, kind="social", text="Visite faite.", by=alice)
    services.note_correct(note=social, text="Visite faite, tout va bien.", by=alice)
    services.note_create(
        resident=resident,
        kind="psychiatric",
        text="Entretien long.",
        shared_summary="Passer le matin.",
        by=paul,
    )
    services.note_create(resident=resident, kind="nursing", text="Pansement.", by=nina)

    team = [(entry.kind, entry.detail, bool(entry.url)) for entry in _ours(resident, alice)]
    assert sorted(team) == [
        ("note", "Visite faite, tout va bien.", True),  # the current version only
        ("note-summary", "Passer le matin.", False),  # the summary, without a link
    ]
    medical = sorted(entry.detail for entry in _ours(resident, nina))
    assert medical == ["Entretien long.", "Pansement.", "Visite faite, tout va bien."]


@pytest.mark.django_db
def test_it_shows_when_a_step_started_and_closed(alice):
    resident = ResidentFactory()
    StepFactory(
        resident=resident,
        kind="ame",
        status="obtained",
        closed_on=TODAY,
        followed_by=alice,
        details="Renouvellement",
    )
    titles = sorted(entry.title for entry in _ours(resident, alice))
    assert titles == [
        "Démarche engagée : Aide médicale de l’État (AME)",
        "Démarche obtenue : Aide médicale de l’État (AME)",
    ]


@pytest.mark.django_db
def test_it_shows_a_medical_referral_as_an_appointment_to_the_team(alice, nina):
    resident = ResidentFactory()
    ReferralFactory(resident=resident, service="cmp", is_medical=True, notes="Premier contact")
    (entry,) = _ours(resident, alice)
    assert (entry.title, entry.detail) == ("Orientation : Rendez-vous médical", "À venir")
    (medical,) = _ours(resident, nina)
    assert medical.title == "Orientation : CMP / psychiatrie"
    assert "Premier contact" in medical.detail


@pytest.mark.django_db
def test_it_keeps_the_resident_page_query_budget(client_for, alice, paul):
    resident = ResidentFactory()
    client = client_for(alice)
    url = reverse("residents:resident_detail", args=[resident.pk])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            services.note_create(resident=resident, kind="social", text="Note.", by=alice)
            services.note_create(
                resident=resident,
                kind="psychiatric",
                text="Entretien.",
                shared_summary="Rien à signaler.",
                by=paul,
            )
            StepFactory(resident=resident, status="refused", closed_on=TODAY)
            ReferralFactory(
                resident=resident,
                service="csapa",
                is_medical=True,
                appointment_at=timezone.now() - datetime.timedelta(days=2),
                accompanied_by=alice,
            )

    add(1)
    with_a_few = count_queries()
    add(12)
    assert len(entries_for(resident, alice)) > 50
    # one query for the days of each source of this app (notes, steps, referrals), and one for
    # the rows of each source on the page shown (notes with authors, steps with followers,
    # referrals with companions), whatever the number of entries: with more entries, a source
    # may fall off the first page.
    assert count_queries() <= with_a_few
