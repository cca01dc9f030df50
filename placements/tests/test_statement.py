"""The operator's monthly statement: page, CSV and XLSX, on the dataset of test_occupancy.

February 2025, by hand (see test_occupancy_by_place):
  hotel A: nights 28 + 10 = 38, billable 25 + 10 = 35, available 56, entries 1, exits 1
  hotel B: nights 9, billable 9, available 28 − 10 = 18, entries 0, exits 1
  total:   nights 47, billable 44, available 74, entries 1, exits 2
"""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from placements import occupancy
from placements.selectors import last_month
from placements.tests.test_occupancy import dataset  # noqa: F401 (fixture)
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory

URL = reverse("placements:statement")
FEB, MARCH = datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _empty_cache(own_cache):
    """The statement is kept (placements.statement_cache): each test builds it."""
    return own_cache


def _figures(row) -> tuple:
    return (row.nights, row.billable, row.available, row.entries, row.exits)


@pytest.mark.django_db
def test_it_shows_the_figures_of_the_month(client_for, marc, dataset):  # noqa: F811
    response = client_for(marc).get(URL, {"month": "2025-02"})
    assert response.status_code == 200
    statement = response.context["statement"]
    a, b = statement.hotels
    assert (a.hotel, b.hotel) == (dataset["A"], dataset["B"])
    assert _figures(a.total) == (38, 35, 56, 1, 1)
    assert _figures(b.total) == (9, 9, 18, 0, 1)
    assert _figures(statement.total) == (47, 44, 74, 1, 2)
    assert [_figures(row) for row in a.places] == [(28, 25, 28, 0, 0), (10, 10, 28, 1, 1)]
    assert a.total.rate == pytest.approx(35 / 56)
    html = response.content.decode()
    assert "62,5 %" in html

    def cells(*figures) -> str:
        return "".join(f'<td class="text-end">{figure}</td>' for figure in figures)

    page = re.sub(r">\s+<", "><", html)
    assert cells(38, 35, 56, "62,5 %", 1, 1) in page  # hotel A, in the table by hotel
    assert cells(9, 9, 18, "50,0 %", 0, 1) in page  # hotel B
    assert cells(47, 44, 74, "59,5 %", 1, 2) in page  # every hotel
    assert cells(28, 25, 28, "89,3 %", 0, 0) in page  # the first place of A, shown first


@pytest.mark.django_db
def test_it_agrees_with_the_occupancy_functions(client_for, marc, dataset):  # noqa: F811
    statement = client_for(marc).get(URL, {"month": "2025-02"}).context["statement"]
    for hotel in statement.hotels:
        assert hotel.total.rate == pytest.approx(
            occupancy.occupancy_rate(FEB, MARCH, hotel.hotel.pk)
        )
        assert hotel.total.available == occupancy.available_place_nights(FEB, MARCH, hotel.hotel.pk)
        assert hotel.total.billable == occupancy.nights_by_hotel(FEB, MARCH).get(hotel.hotel.pk, 0)
    assert statement.total.rate == pytest.approx(occupancy.occupancy_rate(FEB, MARCH))
    assert statement.total.entries == sum(occupancy.entries_by_month(FEB, MARCH).values())
    assert statement.total.exits == sum(occupancy.exits_by_month(FEB, MARCH).values())


@pytest.mark.django_db
def test_it_downloads_the_same_table_as_csv(client_for, marc, dataset):  # noqa: F811
    client = client_for(marc)
    page = client.get(URL, {"month": "2025-02"}).context["statement"]
    response = client.get(reverse("placements:statement_csv"), {"month": "2025-02"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="releve-2025-02.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Hôtel",
        "Place",
        "Nuitées",
        "Nuitées facturables",
        "Places-nuits disponibles",
        "Taux d’occupation (%)",
        "Entrées",
        "Sorties",
    ]
    lines = page.lines()
    assert len(rows) == 1 + len(lines)
    for row, line in zip(rows[1:], lines, strict=True):
        assert row[:2] == [line.hotel, line.label]
        assert [int(cell) for cell in row[2:5] + row[6:]] == list(_figures(line))
        assert row[5] == ("" if line.rate is None else str(line.rate_percent).replace(".", ","))
    assert rows[1][5] == "89,3"  # 25 ÷ 28, rounded as on the page
    assert rows[-1] == ["Tous les hôtels", "Total", "47", "44", "74", "59,5", "1", "2"]


@pytest.mark.django_db
def test_it_downloads_the_same_table_as_xlsx(client_for, marc, dataset):  # noqa: F811
    client = client_for(marc)
    page = client.get(URL, {"month": "2025-02"}).context["statement"]
    response = client.get(reverse("placements:statement_xlsx"), {"month": "2025-02"})
    assert response["Content-Disposition"] == 'attachment; filename="releve-2025-02.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Hôtel" and rows[0][5] == "Taux d’occupation (%)"
    lines = page.lines()
    assert len(rows) == 1 + len(lines)
    for row, line in zip(rows[1:], lines, strict=True):
        assert row[:2] == (line.hotel, line.label)
        assert row[2:5] + row[6:] == _figures(line)
        assert row[5] == (None if line.rate is None else float(line.rate_percent))
    assert rows[1][5] == 89.3


@pytest.mark.django_db
def test_it_shows_last_month_by_default(client_for, alice):
    response = client_for(alice).get(URL)
    assert response.context["month"] == last_month()
    today = timezone.localdate()
    assert last_month() < today.replace(day=1) and last_month().day == 1


@pytest.mark.django_db
def test_it_falls_back_to_last_month_when_the_month_cannot_be_read(client_for, alice):
    response = client_for(alice).get(URL, {"month": "février"})
    assert response.context["month"] == last_month()
    assert "Ce mois n’a pas pu être lu" in response.content.decode()
    csv_response = client_for(alice).get(reverse("placements:statement_csv"), {"month": "x"})
    assert f"releve-{last_month():%Y-%m}.csv" in csv_response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2025-13"])
def test_it_gives_last_months_statement_for_a_month_out_of_range(client_for, alice, month):
    client = client_for(alice)
    shown = last_month()

    page = client.get(URL, {"month": month})
    assert page.status_code == 200
    html = page.content.decode()
    with translation.override("fr"):
        assert f"Relevé mensuel – {date_format(shown, 'F Y')}" in html
    assert "Ce mois n’a pas pu être lu : le relevé du mois dernier est affiché." in html

    csv_file = client.get(reverse("placements:statement_csv"), {"month": month})
    assert csv_file.status_code == 200
    assert f'filename="releve-{shown:%Y-%m}.csv"' in csv_file["Content-Disposition"]

    xlsx = client.get(reverse("placements:statement_xlsx"), {"month": month})
    assert xlsx.status_code == 200
    assert f'filename="releve-{shown:%Y-%m}.xlsx"' in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == [f"{shown:%Y-%m}"]


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, marc, own_cache):
    month = last_month()
    client = client_for(marc)

    def add_places(hotels: int, places: int) -> None:
        for _ in range(hotels):
            for place in PlaceFactory.create_batch(places, hotel=HotelFactory()):
                PlacementFactory(place=place, start=month + datetime.timedelta(days=3))

    def count_queries(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"month": f"{month:%Y-%m}"}).status_code == 200
        return len(queries)

    def built_then_kept() -> list[int]:
        own_cache()  # empty: the first request of each builds
        return [count_queries(url) for url in urls for _ in range(2)]

    urls = [URL, reverse("placements:statement_csv"), reverse("placements:statement_xlsx")]
    add_places(1, 2)
    with_two = built_then_kept()
    add_places(2, 24)
    # Built: session, user, groups; the digest of the data; stay nights; released nights; the
    # counted places with their hotels; outage nights; entries; exits; the digest again; the
    # session saved. Kept: session, user, groups; the digest; the session saved. The CSV
    # reads the statement the page kept.
    built, kept = 3 + 1 + 6 + 1 + 3, 3 + 1 + 3
    assert built_then_kept() == with_two == [built, kept, kept, kept, built, kept]


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    for name in ("statement", "statement_csv", "statement_xlsx"):
        assert client_for(ada).get(reverse(f"placements:{name}")).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, marc):
    for name in ("statement", "statement_csv", "statement_xlsx"):
        assert client_for(marc).post(reverse(f"placements:{name}")).status_code == 405


@pytest.mark.django_db
def test_it_makes_the_totals_bold_in_the_xlsx(client_for, marc, dataset):  # noqa: F811
    response = client_for(marc).get(reverse("placements:statement_xlsx"), {"month": "2025-02"})
    header, *rows = load_workbook(io.BytesIO(response.content)).active.iter_rows()
    assert all(cell.font.b for cell in header)
    totals = [row[1].value.startswith("Total") for row in rows]  # the hotels' and the last
    assert sum(totals) == 3 and not all(totals)
    assert [all(cell.font.b for cell in row) for row in rows] == totals


@pytest.mark.django_db
def test_it_lists_the_places_one_hotel_at_a_time(client_for, marc):
    month = last_month()
    hotels = [HotelFactory(name=f"Hôtel {n:02}") for n in range(10)]
    for hotel in hotels:
        PlacementFactory(place=PlaceFactory(hotel=hotel, room=f"{hotel.pk}01"), start=month)
    client = client_for(marc)
    month_query = f"month={month:%Y-%m}"

    first = client.get(URL, {"month": f"{month:%Y-%m}"})
    page = first.content.decode()
    # The table by hotel: every hotel, each a link to its places.
    for hotel in hotels:
        assert f'href="?{month_query}&amp;hotel={hotel.pk}#statement-places"' in page
    assert first.context["shown"].hotel == hotels[0]
    assert f"Chambre {hotels[0].pk}01" in page and f"Chambre {hotels[1].pk}01" not in page
    assert first.context["previous_hotel"] is None
    assert first.context["next_hotel"][0].hotel == hotels[1]

    for index, hotel in enumerate(hotels):
        response = client.get(URL, {"month": f"{month:%Y-%m}", "hotel": hotel.pk})
        assert response.context["shown"].hotel == hotel
        assert f"Chambre {hotel.pk}01" in response.content.decode()
        assert response.context["statement"].total.nights == first.context["statement"].total.nights
        neighbours = response.context["previous_hotel"], response.context["next_hotel"]
        assert [n[0].hotel if n else None for n in neighbours] == [
            hotels[index - 1] if index > 0 else None,
            hotels[index + 1] if index < 9 else None,
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("hotel", ["0", "abc", "999999"])
def test_it_shows_the_first_hotel_for_a_hotel_not_in_the_statement(client_for, marc, hotel):
    month = last_month()
    first, second = HotelFactory(name="A"), HotelFactory(name="B")
    for one in (first, second):
        PlacementFactory(place=PlaceFactory(hotel=one), start=month)
    response = client_for(marc).get(URL, {"month": f"{month:%Y-%m}", "hotel": hotel})
    assert response.status_code == 200
    assert response.context["shown"].hotel == first


@pytest.mark.django_db
def test_it_says_so_when_no_place_counts(client_for, marc):
    response = client_for(marc).get(URL)
    assert response.context["shown"] is None
    assert "Aucune place sur cette période." in response.content.decode()
