"""The place cards of the board and of a hotel's page, written by placements/cards.py."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from placements import cards
from placements.models import Absence, Incident, IncidentKind, PlaceOutage
from tests.factories import (
    HotelFactory,
    IncidentFactory,
    PlaceFactory,
    PlacementFactory,
)

BOARD = reverse("placements:board")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _card(page: str, place) -> str:
    """The markup of one place's card."""
    match = re.search(rf'<article [^>]*id="place-{place.pk}".*?</article>', page, re.DOTALL)
    assert match, f"no card for place {place.pk}"
    return match.group(0)


@pytest.fixture
def hotel():
    """Hôtel du Canal: 1 free, 2 occupied for a day, 3 held (released), 4 out, 5 with a
    nickname to escape."""
    hotel = HotelFactory(name="Hôtel du Canal")
    places = {
        name: PlaceFactory(hotel=hotel, room=str(n))
        for n, name in enumerate(("free", "occupied", "held", "out", "escaped"), start=1)
    }
    occupied = PlacementFactory(
        place=places["occupied"], resident__nickname="Bambou", start=TODAY - DAY
    )
    held = PlacementFactory(place=places["held"], resident__nickname="Coco")
    Absence.objects.create(
        placement=held,
        start=TODAY - DAY,
        planned_return=TODAY + 5 * DAY,
        reason="hospital",
        released=True,
    )
    PlaceOutage.objects.create(
        place=places["out"], start=TODAY - DAY, end=TODAY + 9 * DAY, reason="Dégât des eaux"
    )
    PlacementFactory(place=places["escaped"], resident__nickname="<b>Zed</b>", start=TODAY)
    IncidentFactory(hotel=hotel, place=places["occupied"], kind="noise", occurred_on=TODAY)
    return {"hotel": hotel, "stay": occupied, "held": held, **places}


@pytest.mark.django_db
def test_it_writes_each_state_on_the_board(client_for, chloe, hotel):
    page = client_for(chloe).get(BOARD).content.decode()

    free = _card(page, hotel["free"])
    assert 'data-state="free"' in free and ">Libre</span>" in free
    assert reverse("placements:assign_candidates", args=[hotel["free"].pk]) in free
    outage_create = reverse("placements:outage_create", args=[hotel["free"].pk])
    assert f'href="{outage_create}?depuis=tableau"' in free

    occupied = _card(page, hotel["occupied"])
    stay = hotel["stay"]
    assert reverse("residents:resident_detail", args=[stay.resident_id]) in occupied
    assert reverse("placements:placement_detail", args=[stay.pk]) in occupied
    assert f"depuis le {_day(stay.start)} (1 jour)" in occupied
    assert f"Bruit ({_day(TODAY)})" in occupied
    assert "assign" not in occupied

    held = _card(page, hotel["held"])
    assert 'data-state="held"' in held
    assert f"Hospitalisation, retour prévu le {_day(TODAY + 5 * DAY)}" in held
    assert "place libérée" in held

    out = _card(page, hotel["out"])
    assert 'data-state="out"' in out and "Dégât des eaux" in out
    assert f"jusqu’au {_day(TODAY + 9 * DAY)}" in out

    escaped = _card(page, hotel["escaped"])
    assert "&lt;b&gt;Zed&lt;/b&gt;" in escaped and "<b>Zed" not in escaped
    assert "(0 jour)" in escaped


@pytest.mark.django_db
def test_it_leaves_the_buttons_out_for_care_staff(client_for, alice, hotel):
    page = client_for(alice).get(BOARD).content.decode()
    assert 'data-testid="assign"' not in page and 'data-testid="outage-create"' not in page
    assert "Bambou" in _card(page, hotel["occupied"])


@pytest.mark.django_db
def test_it_puts_a_place_back_in_service_from_the_hotel_page(chloe, hotel):
    """The card's form carries the page's CSRF token: the post goes through with the checks."""
    PlaceOutage.objects.filter(place=hotel["out"]).update(start=TODAY - 3 * DAY)
    client = Client(enforce_csrf_checks=True)
    client.force_login(chloe)
    page = client.get(reverse("placements:hotel_detail", args=[hotel["hotel"].pk]))
    card = _card(page.content.decode(), hotel["out"])
    assert "Modifier les dates" in card and "Remettre en service" in card
    outage = PlaceOutage.objects.get(place=hotel["out"])
    action = reverse("placements:outage_end", args=[hotel["out"].pk, outage.pk])
    assert f'action="{action}"' in card
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    outage.refresh_from_db()
    assert outage.end == TODAY
    edit = reverse("placements:place_update", args=[hotel["hotel"].pk, hotel["free"].pk])
    assert edit in _card(page.content.decode(), hotel["free"])


@pytest.mark.django_db
def test_the_kind_label_is_the_kind_display():
    for kind in IncidentKind.values:
        incident = Incident(kind=kind)
        assert incident.kind_label == incident.get_kind_display()
    assert Incident(kind="retired").kind_label == "retired"


@pytest.mark.parametrize(
    "date_format", ["d/m/Y", "m/d/Y", "j.n.y", "Y-m-d", "d M Y", "j F Y", r"d \d\e m", "{d}/m"]
)
def test_the_days_are_written_as_django_writes_them(date_format):
    write = cards.day_writer(date_format)
    for day in (datetime.date(2026, 1, 2), datetime.date(2026, 11, 30), datetime.date(905, 7, 4)):
        assert write(day) == dateformat.format(day, date_format)


@pytest.mark.django_db
def test_a_free_place_is_named_as_its_page_names_it(client_for, chloe, hotel):
    free = _card(client_for(chloe).get(BOARD).content.decode(), hotel["free"])
    assert f'id="place-{hotel["free"].pk}-label">{hotel["free"].label}</strong>' in free
    assert f'<span class="visually-hidden"> {hotel["free"]}</span>' in free
