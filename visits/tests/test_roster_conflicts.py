"""A change the roster would never make is refused until confirmed, with its reason in French,
and the week grid lists the conflicts left: two visits of a person on consecutive days, a worker
on a day they do not work, a worker who is not on the roster."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from tests.factories import (
    HotelFactory,
    PlacementFactory,
    StaffAvailabilityFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Visit
from visits.tests.conftest import DAY, NEXT_MONDAY

TUESDAY, WEDNESDAY, THURSDAY = (NEXT_MONDAY + n * DAY for n in (1, 2, 3))


def _day(day) -> str:
    return date_format(day, "l j F")


@pytest.fixture
def week(db):
    """Hôtel Crimée, visited on Monday and Thursday; Léa works Monday to Friday, Wanda on
    Wednesdays only, Omar is in the care team but not on the roster."""
    hotel = HotelFactory(name="Hôtel Crimée")
    lea = StaffAvailabilityFactory(user__first_name="Léa", user__last_name="Roy").user
    wanda = StaffAvailabilityFactory(
        user__first_name="Wanda", user__last_name="Ivry", weekdays=[2]
    ).user
    omar = UserFactory(roles=["nurse"], first_name="Omar", last_name="Sy")
    stays = [
        PlacementFactory(place__hotel=hotel, resident__nickname=name) for name in ("Abdel", "Bao")
    ]
    rounds = {
        day: [VisitFactory(placement=stay, planned_on=day, worker=lea) for stay in stays]
        for day in (NEXT_MONDAY, THURSDAY)
    }
    return {"hotel": hotel, "lea": lea, "wanda": wanda, "omar": omar, "rounds": rounds}


def _move_round(client, week, to_day, worker, **extra):
    url = reverse("visits:round_move", args=[week["hotel"].pk, THURSDAY])
    return client.post(url, {"planned_on": to_day, "worker": worker.pk, **extra})


def _confirm(client, response, week, to_day, worker):
    """Send the form again as shown, with the box ticked."""
    reasons = response.context["form"].data["confirmed_reasons"]
    return _move_round(client, week, to_day, worker, confirm="on", confirmed_reasons=reasons)


def _thursday_round_moved() -> bool:
    return not Visit.objects.filter(planned_on=THURSDAY).exists()


@pytest.mark.django_db
def test_a_round_moved_to_the_day_after_the_other_round_asks_for_confirmation(
    client_for, chloe, week
):
    client = client_for(chloe)
    response = _move_round(client, week, TUESDAY, week["lea"])
    assert response.status_code == 400
    reason = (
        f"Deux visites deux jours de suite pour Abdel, Bao : {_day(NEXT_MONDAY)} et "
        f"{_day(TUESDAY)}."
    )
    page = response.content.decode()
    assert "Confirmer malgré : " in page and reason.replace("'", "&#x27;") in page
    assert not _thursday_round_moved()

    confirmed = _confirm(client, response, week, TUESDAY, week["lea"])
    assert confirmed.status_code == 302
    assert _thursday_round_moved()


@pytest.mark.django_db
def test_a_worker_on_a_day_they_do_not_work_asks_for_confirmation(client_for, chloe, week):
    visit = week["rounds"][THURSDAY][0]
    url = reverse("visits:visit_move", args=[visit.pk])
    client = client_for(chloe)
    response = client.post(url, {"planned_on": THURSDAY, "worker": week["wanda"].pk})
    assert response.status_code == 400
    assert "Wanda Ivry ne travaille pas le jeudi (jours travaillés : mercredi)." in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.worker == week["lea"]
    reasons = response.context["form"].data["confirmed_reasons"]
    confirmed = client.post(
        url,
        {
            "planned_on": THURSDAY,
            "worker": week["wanda"].pk,
            "confirm": "on",
            "confirmed_reasons": reasons,
        },
    )
    assert confirmed.status_code == 302
    visit.refresh_from_db()
    assert visit.worker == week["wanda"]


@pytest.mark.django_db
def test_a_worker_not_on_the_roster_asks_for_confirmation(client_for, chloe, week):
    client = client_for(chloe)
    response = _move_round(client, week, THURSDAY, week["omar"])
    assert response.status_code == 400
    assert "Omar Sy ne fait pas partie du planning des visites." in response.content.decode()
    assert not Visit.objects.filter(worker=week["omar"]).exists()
    assert _confirm(client, response, week, THURSDAY, week["omar"]).status_code == 302
    assert Visit.objects.filter(worker=week["omar"]).count() == 2


@pytest.mark.django_db
def test_a_confirmation_covers_only_the_reasons_shown(client_for, chloe, week):
    client = client_for(chloe)
    shown = _move_round(client, week, THURSDAY, week["omar"])
    # The box ticked for “Omar is not on the roster”, sent for Wanda on a Thursday.
    response = _confirm(client, shown, week, THURSDAY, week["wanda"])
    assert response.status_code == 400
    assert "Wanda Ivry ne travaille pas le jeudi" in response.content.decode()
    assert not Visit.objects.filter(worker=week["wanda"]).exists()


@pytest.mark.django_db
def test_a_move_within_the_rules_needs_no_confirmation(client_for, chloe, week):
    response = _move_round(client_for(chloe), week, WEDNESDAY, week["wanda"])
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_week_grid_lists_the_conflicts_left(client_for, chloe, week):
    client = client_for(chloe)
    url = reverse("visits:week")
    calm = client.get(url, {"semaine": NEXT_MONDAY.isoformat()})
    assert calm.context["grid"].conflicts == []
    assert 'data-testid="roster-conflicts"' not in calm.content.decode()

    Visit.objects.filter(planned_on=THURSDAY).update(planned_on=TUESDAY, worker=week["omar"])
    response = client.get(url, {"semaine": NEXT_MONDAY.isoformat()})
    messages = [message for _hotel, _day, message in response.context["grid"].conflicts]
    assert messages == [
        f"Deux visites deux jours de suite pour Abdel, Bao : {_day(NEXT_MONDAY)} et "
        f"{_day(TUESDAY)}.",
        "Omar Sy ne fait pas partie du planning des visites.",
    ]
    page = response.content.decode()
    assert "2 conflits restants dans le planning de la semaine" in page
    assert 'data-testid="cell-conflicts"' in page


@pytest.mark.django_db
def test_it_is_for_the_coordinator(client_for, alice, marc, week):
    for user in (alice, marc):
        response = _move_round(client_for(user), week, TUESDAY, week["lea"], confirm="on")
        assert response.status_code == 403
    assert not _thursday_round_moved()
