"""Exits record their destination and, apart, their reason (placements 0004): the report's
figures about exits are the same before and after the existing exits are mapped."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count

from placements.models import MAINSTREAM_HOUSING, Placement
from reports import figures
from tests.factories import PlacementFactory

mapping = importlib.import_module("placements.migrations.0004_exit_reason_apart_from_destination")

START, END = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)
# Each destination exits were recorded with before reasons were apart, and how many.
OLD_EXITS = {
    "social_housing": 3,
    "intermediate": 1,
    "chrs": 2,
    "hospital": 1,
    "prison": 1,
    "street": 2,
    "voluntary": 3,
    "exclusion": 2,
    "death": 1,
    "unknown": 1,
}


def _old_exits() -> None:
    """The exits as recorded before 0004, with their reason left empty (the constraint 0005
    adds is dropped for the length of the test's transaction), and a transfer."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE placements_placement DROP CONSTRAINT placement_exit_has_reason")
    day = datetime.date(2025, 2, 1)
    for destination, count in OLD_EXITS.items():
        for _n in range(count):
            PlacementFactory(
                start=day - datetime.timedelta(days=30),
                end=day,
                exit_destination=destination,
                exit_reason="",
            )
            day += datetime.timedelta(days=3)
    PlacementFactory(
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 4, 1),
        exit_destination="transfer",
        transfer_reason="",
    )


def _old_figures() -> dict:
    """The figures as the report computed them before 0004: everything from the destination."""
    exits = dict(
        Placement.objects.exits()
        .filter(end__gte=START, end__lt=END)
        .values_list("exit_destination")
        .annotate(count=Count("pk"))
        .order_by()
    )
    total = sum(exits.values())
    return {
        "exits": total,
        "mainstream_share": sum(exits.get(value, 0) for value in MAINSTREAM_HOUSING) / total,
        "deaths": exits.get("death", 0),
        "exclusions": exits.get("exclusion", 0),
    }


def _rows(table: dict) -> dict:
    return {row[0]: row[1] for row in table["rows"]}


def _new_figures() -> dict:
    stays = _rows(figures.stays(START, END))
    return {
        "exits": stays["exits"],
        "mainstream_share": stays["mainstream_share"],
        "deaths": _rows(figures.deaths(START, END))["stay_exit"],
        "exclusions": _rows(figures.incidents(START, END))["exclusions"],
    }


@pytest.mark.django_db
def test_it_keeps_the_exit_figures_through_the_mapping():
    _old_exits()
    before = _old_figures()
    assert before == {"exits": 17, "mainstream_share": 4 / 17, "deaths": 1, "exclusions": 2}

    mapping.split_destination_and_reason(apps, None)

    assert _new_figures() == before
    by_destination = _rows(figures.exits_by_destination(START, END))
    by_reason = _rows(figures.exits_by_reason(START, END))
    # Both tables count every exit once.
    assert sum(by_destination.values()) == sum(by_reason.values()) == 17
    # Exclusions and voluntary departures said only why: where the person went is unknown.
    assert "exclusion" not in by_destination and "voluntary" not in by_destination
    assert by_destination["unknown"] == 1 + 3 + 2
    assert by_destination["street"] == 2
    assert by_reason == {"move_on": 6, "voluntary": 3, "exclusion": 2, "death": 1, "unknown": 5}
    transfer = Placement.objects.get(exit_destination="transfer")
    assert (transfer.exit_reason, transfer.transfer_reason) == ("", "not_recorded")


@pytest.mark.django_db
def test_it_leaves_every_row_valid_for_the_constraint():
    _old_exits()
    mapping.split_destination_and_reason(apps, None)
    # The constraint 0005 adds holds for every mapped row.
    assert not Placement.objects.filter(end__isnull=False, exit_reason="", transfer_reason="")
    assert not Placement.objects.filter(exit_destination__in=["exclusion", "voluntary"])


@pytest.mark.django_db
def test_it_puts_the_reasons_back_into_the_destinations_when_migrating_backwards():
    _old_exits()
    before = dict(Placement.objects.values_list("pk", "exit_destination"))
    mapping.split_destination_and_reason(apps, None)
    mapping.merge_reason_into_destination(apps, None)
    assert dict(Placement.objects.values_list("pk", "exit_destination")) == before
