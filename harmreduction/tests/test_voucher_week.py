"""The weekly sheet: every person housed that week, hotel by hotel, with their vouchers."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.services import voucher_cancel, voucher_give, voucher_record_missed
from harmreduction.tests.conftest import DAY, LAST_MONDAY, THIS_MONDAY, WEEK
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory, ResidentFactory

URL = reverse("harmreduction:voucher_week")


def _names(response) -> list[str]:
    return [line.nickname for line in response.context["sheet"].lines]


@pytest.fixture
def canal(db):
    return HotelFactory(name="Hôtel du Canal")


@pytest.mark.django_db
def test_it_lists_everyone_housed_during_the_week(client_for, alice, canal):
    place = lambda room: PlaceFactory(hotel=canal, room=room)  # noqa: E731
    PlacementFactory(resident__nickname="Ancien", place=place("1"), start=THIS_MONDAY - 9 * WEEK)
    PlacementFactory(
        resident__nickname="Parti lundi",
        place=place("2"),
        start=THIS_MONDAY - 9 * WEEK,
        end=THIS_MONDAY + DAY,
        exit_destination="chrs",
    )
    PlacementFactory(
        resident__nickname="Arrivé dimanche", place=place("3"), start=THIS_MONDAY + 6 * DAY
    )
    PlacementFactory(
        resident__nickname="Parti avant",
        place=place("4"),
        start=THIS_MONDAY - 9 * WEEK,
        end=THIS_MONDAY,
        exit_destination="chrs",
    )

    response = client_for(alice).get(URL, {"semaine": (THIS_MONDAY + 3 * DAY).isoformat()})

    assert response.context["sheet"].week == THIS_MONDAY
    assert _names(response) == ["Ancien", "Parti lundi", "Arrivé dimanche"]
    assert response.context["sheet"].to_do == 3


@pytest.mark.django_db
def test_it_shows_a_transferred_person_once_at_their_last_hotel(client_for, alice, canal):
    person = ResidentFactory(nickname="Bambou")
    first = PlacementFactory(
        resident=person,
        start=THIS_MONDAY - 4 * WEEK,
        end=THIS_MONDAY + 2 * DAY,
        exit_destination="transfer",
    )
    PlacementFactory(
        resident=person,
        place=PlaceFactory(hotel=canal),
        start=THIS_MONDAY + 2 * DAY,
        previous=first,
    )
    response = client_for(alice).get(URL)
    assert _names(response) == ["Bambou"]
    assert response.context["sheet"].lines[0].hotel == canal
    filtered = client_for(alice).get(URL, {"hotel": first.place.hotel_id})
    assert _names(filtered) == ["Bambou"]


@pytest.mark.django_db
def test_it_filters_by_hotel_and_shows_each_status(client_for, alice, nina, canal, vouchers):
    vouchers(50)
    given = PlacementFactory(
        resident__nickname="Coco", place=PlaceFactory(hotel=canal), start=LAST_MONDAY
    )
    missed = PlacementFactory(
        resident__nickname="Dédé", place=PlaceFactory(hotel=canal), start=LAST_MONDAY
    )
    PlacementFactory(resident__nickname="Ailleurs", start=LAST_MONDAY)
    voucher_give(resident=given.resident, week=THIS_MONDAY, by=nina, where="visit")
    voucher_record_missed(resident=missed.resident, week=THIS_MONDAY, reason="refused", by=nina)

    response = client_for(alice).get(URL, {"hotel": canal.pk})

    assert _names(response) == ["Coco", "Dédé"]
    sheet = response.context["sheet"]
    assert (sheet.due, sheet.given, sheet.not_given, sheet.to_do) == (2, 1, 1, 0)
    body = response.content.decode()
    assert "Remis" in body and "Refusé·e" in body
    assert sheet.value_given == "35,00 €"


@pytest.mark.django_db
def test_it_lets_the_manager_read_without_ticking(client_for, marc, housed):
    response = client_for(marc).get(URL)
    assert _names(response) == ["Caramel"]
    assert response.context["can_give"] is False
    assert reverse("harmreduction:voucher_give", args=[housed.resident_id]) not in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_it_closes_old_weeks(client_for, alice, housed):
    response = client_for(alice).get(URL, {"semaine": (THIS_MONDAY - 3 * WEEK).isoformat()})
    assert response.context["can_give"] is False
    body = response.content.decode()
    assert "Cette feuille est close" in body
    assert 'form="voucher-sheet-form"' not in body and "Non remis…" not in body


@pytest.mark.django_db
def test_it_points_to_last_weeks_vouchers_still_due(client_for, alice, housed):
    response = client_for(alice).get(URL)
    assert response.context["last_week_due"] == 1
    assert "1 personne hébergée la semaine dernière n’a pas encore eu ses tickets." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_hotel(client_for, alice):
    assert client_for(alice).get(URL, {"hotel": 999999}).status_code == 404


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_residents(
    client_for, alice, nina, vouchers
):
    vouchers(1000)
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            stay = PlacementFactory(start=LAST_MONDAY)
            voucher_give(resident=stay.resident, week=THIS_MONDAY, by=nina, where="visit")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(48)
    # session, user, groups; the stays with residents, places and hotels; the week's rows with
    # their authors; the hotels of the filter; last week's count still due: none per line.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_prints_the_sheet_to_sign(client_for, marc, canal, housed):
    from pypdf import PdfReader

    PlacementFactory(resident__nickname="Zaza", place=PlaceFactory(hotel=canal), start=LAST_MONDAY)
    url = reverse("harmreduction:voucher_week_pdf")
    response = client_for(marc).get(url, {"hotel": canal.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Zaza" in text and "Caramel" not in text
    assert "Signature" in text


@pytest.mark.django_db
def test_it_forbids_the_sheet_to_the_admin_and_other_methods(client_for, ada, alice):
    url = reverse("harmreduction:voucher_week_pdf")
    assert client_for(ada).get(url).status_code == 403
    assert client_for(alice).post(url).status_code == 405


@pytest.mark.django_db
def test_it_pages_a_long_sheet_but_counts_the_whole_week(client_for, alice, canal, monkeypatch):
    from harmreduction.views import vouchers

    monkeypatch.setattr(vouchers, "SHEET_PER_PAGE", 2)
    for name in ["Aa", "Bb", "Cc"]:
        PlacementFactory(
            resident__nickname=name, place=PlaceFactory(hotel=canal), start=LAST_MONDAY
        )
    first = client_for(alice).get(URL)
    assert [line.nickname for line in first.context["page_obj"]] == ["Aa", "Bb"]
    assert first.context["sheet"].due == 3
    second = client_for(alice).get(URL, {"page": 2})
    assert [line.nickname for line in second.context["page_obj"]] == ["Cc"]
    assert "semaine=" in first.context["extra_query"]


@pytest.mark.django_db
def test_it_counts_the_lines_of_other_pages(client_for, alice, nina, canal, vouchers, monkeypatch):
    from harmreduction.views import vouchers as views

    monkeypatch.setattr(views, "SHEET_PER_PAGE", 1)
    vouchers(50)
    stays = {
        name: PlacementFactory(
            resident__nickname=name, place=PlaceFactory(hotel=canal, room=room), start=LAST_MONDAY
        )
        for name, room in [("Aa", "1"), ("Bb", "2"), ("Cc", "3")]
    }
    voucher_give(resident=stays["Bb"].resident, week=THIS_MONDAY, by=nina, where="visit")
    voucher_record_missed(resident=stays["Cc"].resident, week=THIS_MONDAY, reason="absent", by=nina)

    response = client_for(alice).get(URL)

    assert [line.nickname for line in response.context["page_obj"]] == ["Aa"]
    sheet = response.context["sheet"]
    assert (sheet.due, sheet.given, sheet.not_given, sheet.to_do) == (3, 1, 1, 1)
    assert sheet.vouchers_given == stays["Bb"].resident.voucher_distributions.get().quantity
    assert response.context["page_obj"].paginator.num_pages == 3


@pytest.mark.django_db
def test_it_sorts_by_hotel_floor_room_bed_and_name(client_for, alice, canal):
    other = HotelFactory(name="Autre hôtel")
    for name, hotel, floor, room, bed in [
        ("Sans étage", canal, None, "1", ""),
        ("Deuxième B", canal, 2, "20", "B"),
        ("Deuxième A", canal, 2, "20", "A"),
        ("Premier", canal, 1, "9", ""),
        ("Ailleurs", other, 5, "1", ""),
    ]:
        place = PlaceFactory(hotel=hotel, floor=floor, room=room, bed=bed)
        PlacementFactory(resident__nickname=name, place=place, start=LAST_MONDAY)

    response = client_for(alice).get(URL)

    assert _names(response) == ["Ailleurs", "Premier", "Deuxième A", "Deuxième B", "Sans étage"]


@pytest.mark.django_db
def test_it_writes_the_week_as_french_abbreviations(client_for, marc):
    response = client_for(marc).get(URL, {"semaine": "2026-11-30"})
    page = " ".join(response.content.decode().split())
    assert "Semaine 49, du 30 nov. au 6 déc. 2026" in page, page[page.index("week-label") :][:300]


def _line_html(body: str, resident_pk: int) -> str:
    start = body.index(f'<li class="list-group-item" id="voucher-{resident_pk}"')
    return body[start : body.index("</li>", start) + len("</li>")]


@pytest.mark.django_db
def test_it_redraws_a_ticked_line_as_the_sheet_shows_it(client_for, nina, housed, vouchers):
    vouchers(10)
    client = client_for(nina)
    give = reverse("harmreduction:voucher_give", args=[housed.resident_id])

    redrawn = client.post(
        give, {"week": THIS_MONDAY.isoformat(), "where": "visit"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert redrawn == _line_html(client.get(URL).content.decode(), housed.resident_id)
    assert "Remis" in redrawn and "Décocher" in redrawn


@pytest.mark.django_db
def test_it_shows_each_status_of_a_line_with_its_buttons(client_for, alice, nina, canal, vouchers):
    vouchers(50)
    stays = {
        name: PlacementFactory(
            resident__nickname=name, place=PlaceFactory(hotel=canal, room=room), start=LAST_MONDAY
        )
        for name, room in [("<b>Aa</b>", "1"), ("Bb", "2"), ("Cc", "3"), ("Dd", "4")]
    }
    voucher_give(resident=stays["Bb"].resident, week=THIS_MONDAY, by=nina, where="visit")
    voucher_record_missed(
        resident=stays["Cc"].resident, week=THIS_MONDAY, reason="absent", note="<i>x</i>", by=nina
    )
    corrected = voucher_give(
        resident=stays["Dd"].resident, week=THIS_MONDAY, by=nina, where="visit"
    )

    voucher_cancel(distribution=corrected, by=alice)

    body = client_for(alice).get(URL).content.decode()

    to_do = _line_html(body, stays["<b>Aa</b>"].resident_id)
    assert "&lt;b&gt;Aa&lt;/b&gt;" in to_do and "<b>" not in to_do
    assert "À faire" in to_do and "Non remis…" in to_do
    given = _line_html(body, stays["Bb"].resident_id)
    assert "Remis" in given and "Décocher" in given and str(nina) in given
    missed = _line_html(body, stays["Cc"].resident_id)
    assert "Non remis" in missed and "&lt;i&gt;x&lt;/i&gt;" in missed and "Rattraper" in missed
    again = _line_html(body, stays["Dd"].resident_id)
    assert "corrigé par" in again and "À faire" in again
    assert body.count('data-testid="voucher-line"') == 4


@pytest.mark.django_db
def test_it_labels_each_line_with_its_room_as_the_place_does(client_for, alice, canal):
    places = [PlaceFactory(hotel=canal, room="12", bed="B"), PlaceFactory(hotel=canal, room="7")]
    for place in places:
        PlacementFactory(place=place, start=LAST_MONDAY)

    lines = client_for(alice).get(URL).context["sheet"].lines

    assert sorted(line.place_label for line in lines) == sorted(place.label for place in places)
    assert "Chambre 12 B" in {line.place_label for line in lines}
    assert {line.hotel for line in lines} == {canal}


@pytest.mark.django_db
def test_it_counts_again_on_every_call_only_its_statements_being_kept(nina, canal, vouchers):
    """The sheet's statements are kept per week and hotel (`functools.lru_cache`), never
    what they read: a change shows on the next call."""
    from harmreduction.selectors.vouchers import residents_still_due, sheet_hotels, sheet_totals

    vouchers(10)
    stay = PlacementFactory(place=PlaceFactory(hotel=canal), start=LAST_MONDAY)
    assert sheet_totals(THIS_MONDAY, hotel=canal).given == 0
    assert residents_still_due(THIS_MONDAY, hotel=canal) == 1
    assert sheet_hotels(THIS_MONDAY) == [(canal.pk, canal.name)]

    voucher_give(resident=stay.resident, week=THIS_MONDAY, by=nina, where="visit")
    other = PlacementFactory(start=LAST_MONDAY)

    totals = sheet_totals(THIS_MONDAY, hotel=canal)
    assert (totals.due, totals.given, totals.vouchers_given) == (
        1,
        1,
        stay.resident.voucher_distributions.get().quantity,
    )
    assert sheet_totals(THIS_MONDAY).due == 2
    assert residents_still_due(THIS_MONDAY, hotel=canal) == 0
    assert residents_still_due(THIS_MONDAY) == 1
    assert {hotel.pk for hotel in sheet_hotels(THIS_MONDAY)} == {canal.pk, other.place.hotel_id}


@pytest.mark.django_db
def test_it_names_who_recorded_and_who_corrected_a_line(client_for, alice, nina, canal, vouchers):
    vouchers(10)
    stay = PlacementFactory(
        resident__nickname="Aa", place=PlaceFactory(hotel=canal), start=LAST_MONDAY
    )
    corrected = voucher_give(resident=stay.resident, week=THIS_MONDAY, by=nina, where="visit")
    voucher_cancel(distribution=corrected, by=alice)
    voucher_give(resident=stay.resident, week=THIS_MONDAY, by=alice, where="visit")

    (line,) = client_for(alice).get(URL).context["sheet"].lines

    assert line.active.recorded_by == alice and str(line.active.recorded_by) == str(alice)
    (correction,) = line.corrections
    assert (str(correction.recorded_by), str(correction.cancelled_by)) == (str(nina), str(alice))
    assert correction.pk == corrected.pk and line.active.quantity == corrected.quantity
