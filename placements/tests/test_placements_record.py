"""Stays recorded together (past records brought in by an import): checked as assignments, saved
all or none, and announced once with `stays_started` / `stays_ended`."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from placements import signals
from placements.models import Placement, PlaceOutage
from placements.services import placement_record_ended, placements_record
from tests.factories import PlaceFactory, PlacementFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


@pytest.fixture
def chloe_(db):
    return UserFactory(username="chloe", roles=["coordinator"])


def stay(resident, place, start, end=None, destination="", previous=None) -> Placement:
    return Placement(
        resident=resident,
        place=place,
        start=start,
        end=end,
        exit_destination=destination,
        exit_reason="unknown" if end and destination != "transfer" else "",
        transfer_reason="request" if destination == "transfer" else "",
        previous=previous,
    )


def test_it_saves_current_and_past_stays_with_their_transfers(chloe_):
    abdel, lea = ResidentFactory(), ResidentFactory()
    room_12, room_15 = PlaceFactory(), PlaceFactory()
    first = stay(abdel, room_12, D(2025, 1, 1), D(2025, 3, 1), "transfer")
    following = stay(abdel, room_15, D(2025, 3, 1), previous=first)
    past = stay(lea, room_12, D(2025, 4, 1), D(2025, 5, 1), "street")
    started, ended = [], []
    signals.stays_started.connect(
        lambda placements, **kw: started.append(placements), weak=False, dispatch_uid="t1"
    )
    signals.stays_ended.connect(
        lambda placements, **kw: ended.append(placements), weak=False, dispatch_uid="t2"
    )
    try:
        saved = placements_record([following, first, past], by=chloe_)
    finally:
        signals.stays_started.disconnect(dispatch_uid="t1")
        signals.stays_ended.disconnect(dispatch_uid="t2")

    assert all(placement.pk for placement in saved)
    assert Placement.objects.get(pk=following.pk).previous_id == first.pk
    assert Placement.objects.entries().count() == 2
    assert {placement.created_by for placement in saved} == {chloe_}
    assert Placement.objects.get(pk=past.pk).ended_by == chloe_
    assert started == [[following, first, past]]
    assert ended == [[first, past]]


def test_it_refuses_them_all_when_one_clashes(chloe_):
    taken = PlacementFactory(start=D(2025, 1, 1))
    ok = stay(ResidentFactory(), PlaceFactory(), D(2025, 1, 1), D(2025, 2, 1), "street")
    clash = stay(
        ResidentFactory(nickname="Léa"), taken.place, D(2025, 2, 1), D(2025, 3, 1), "street"
    )
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        placements_record([ok, clash], by=chloe_)
    assert error.value.messages == [
        f"Cette place est déjà occupée par {taken.resident.nickname} depuis le 01/01/2025 "
        "(en cours)."
    ]
    assert Placement.objects.count() == 1


def test_it_checks_them_as_assignments(chloe_):
    resident = ResidentFactory(nickname="Abdel")
    place = PlaceFactory()
    PlaceOutage.objects.create(
        place=place, start=D(2025, 1, 10), end=D(2025, 1, 20), reason="Travaux"
    )
    cases = [
        [stay(resident, place, D(2025, 1, 1), D(2025, 2, 1), "street")],  # out of service
        [
            stay(
                resident,
                PlaceFactory(),
                D(2025, 3, 1),
                TODAY + datetime.timedelta(days=1),
                "street",
            )
        ],
        [stay(resident, PlaceFactory(), D(2025, 3, 1), D(2025, 3, 1), "street")],
        [stay(resident, PlaceFactory(), D(2025, 3, 1), D(2025, 4, 1), "nowhere")],
        [  # the same person twice at once
            stay(resident, PlaceFactory(), D(2025, 3, 1), D(2025, 5, 1), "street"),
            stay(resident, PlaceFactory(), D(2025, 4, 1), None),
        ],
    ]
    for stays in cases:
        with pytest.raises(ValidationError):
            placements_record(stays, by=chloe_)
    assert not Placement.objects.exists()


def test_recording_one_ended_stay_plans_no_visit(chloe_):
    from visits.models import Visit

    stay_ = placement_record_ended(
        resident=ResidentFactory(),
        place=PlaceFactory(),
        start=D(2025, 1, 1),
        end=D(2025, 2, 1),
        destination="street",
        by=chloe_,
    )
    assert (stay_.end, stay_.ended_by) == (D(2025, 2, 1), chloe_)
    assert not Visit.objects.exists()
