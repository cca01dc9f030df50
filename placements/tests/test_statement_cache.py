"""The kept statement and XLSX file (placements.statement_cache): used again only on the same
data. Each change the statement depends on — stays, absences, places, outages, hotels — is
made after both were kept, and the page and the file must then show the new figures, as the
statement computed afresh does. The dataset is test_occupancy's, February 2025."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from placements import selectors, statement_cache
from placements.models import Absence, ExitDestination, ExitReason, Placement, PlaceOutage
from placements.tests.test_occupancy import (
    d,
    dataset,  # noqa: F401 (fixture)
)
from tests.factories import PlaceFactory, ResidentFactory

FEB, MARCH = datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)
PAGE, XLSX = reverse("placements:statement"), reverse("placements:statement_xlsx")


@pytest.fixture(autouse=True)
def _empty_cache(own_cache):
    return own_cache


def _lines(statement) -> list[tuple]:
    return [
        (line.hotel, line.label, line.nights, line.billable, line.available)
        + (line.entries, line.exits)
        for line in statement.lines()
    ]


def _page_lines(client) -> list[tuple]:
    return _lines(client.get(PAGE, {"month": "2025-02"}).context["statement"])


def _xlsx_lines(client) -> list[tuple]:
    response = client.get(XLSX, {"month": "2025-02"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [row[:5] + row[6:] for row in rows[1:]]


def _start_a_stay(data):
    Placement.objects.create(resident=ResidentFactory(), place=data["b1"], start=d(2, 22))


def _end_a_stay_earlier(data):
    stay = Placement.objects.get(place=data["a1"], end__isnull=True)
    stay.end, stay.exit_destination = d(2, 25), ExitDestination.STREET
    stay.exit_reason = ExitReason.VOLUNTARY
    stay.save()


def _remove_a_stay(data):
    Placement.objects.filter(place=data["a2"], start=d(2, 3)).delete()


def _release_an_absence(data):
    Absence.objects.filter(start=d(2, 20)).update(released=True)


def _record_an_absence(data):
    stay = Placement.objects.get(place=data["a1"], end__isnull=True)
    Absence.objects.create(placement=stay, start=d(2, 25), end=d(2, 27), released=True)


def _add_a_place(data):
    PlaceFactory(hotel=data["A"], room="999")


def _rename_a_place(data):
    data["a1"].room = "1 bis"
    data["a1"].save()


def _record_an_outage(data):
    PlaceOutage.objects.create(place=data["a2"], start=d(2, 20), end=d(2, 25), reason="Travaux")


def _end_an_outage_earlier(data):
    PlaceOutage.objects.filter(place=data["b1"]).update(end=d(2, 15))


def _rename_a_hotel(data):
    data["B"].name = "Hôtel du Canal"
    data["B"].save()


def _hotel_leaves_the_scheme(data):
    data["B"].left_on = d(2, 15)
    data["B"].save()


def _hotel_joins_later(data):
    data["A"].joined_on = d(2, 10)
    data["A"].save()


CHANGES = [
    _start_a_stay,
    _end_a_stay_earlier,
    _remove_a_stay,
    _release_an_absence,
    _record_an_absence,
    _add_a_place,
    _rename_a_place,
    _record_an_outage,
    _end_an_outage_earlier,
    _rename_a_hotel,
    _hotel_leaves_the_scheme,
    _hotel_joins_later,
]


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_it_shows_the_new_figures_after_a_change(client_for, marc, dataset, change):  # noqa: F811
    client = client_for(marc)
    before = _lines(selectors.monthly_statement(FEB))
    assert _page_lines(client) == _xlsx_lines(client) == before  # both kept now
    change(dataset)
    after = _lines(selectors.monthly_statement(FEB))
    assert after != before  # the change is one the statement shows
    assert _page_lines(client) == after
    assert _xlsx_lines(client) == after


@pytest.mark.django_db
def test_it_uses_the_kept_statement_while_nothing_changes(
    client_for,
    marc,
    dataset,  # noqa: F811
    monkeypatch,
):
    client = client_for(marc)
    before = _page_lines(client), _xlsx_lines(client)
    built = []
    monkeypatch.setattr(selectors, "monthly_statement", lambda month: built.append(month))
    assert (_page_lines(client), _xlsx_lines(client)) == before
    assert built == []


@pytest.mark.django_db
def test_it_keeps_a_statement_per_month_and_language(dataset):  # noqa: F811
    with translation.override("fr"):
        february = statement_cache.monthly_statement(FEB)
        assert statement_cache.monthly_statement(MARCH).start == MARCH
        assert february.total.label == "Total"
        assert february.hotels[0].places[0].label.startswith("Chambre")
    with translation.override("en"):
        assert statement_cache.monthly_statement(FEB).hotels[0].places[0].label.startswith("Room")
    with translation.override("fr"):
        assert _lines(statement_cache.monthly_statement(FEB)) == _lines(february)


@pytest.mark.django_db
def test_it_does_not_keep_a_statement_whose_data_changed_while_it_was_built(
    dataset,  # noqa: F811
):
    def build_during_a_change():
        _start_a_stay(dataset)
        return "built"

    assert statement_cache.cached(FEB, "test", build_during_a_change) == "built"
    assert statement_cache.cached(FEB, "test", lambda: "again") == "again"  # not kept
    assert statement_cache.cached(FEB, "test", lambda: "third") == "again"  # kept now
