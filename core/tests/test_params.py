import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.params import FIRST_DAY, LAST_DAY, day_param, parse_day, parse_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-26", datetime.date(2026, 11, 26)),
        ("0001-01-01", None),  # a week before it does not exist
        ("9999-12-31", None),  # nor a week after this one
        ("2025-02-30", None),
        ("26/11/2026", None),
        ("", None),
        (None, None),
        (FIRST_DAY.isoformat(), FIRST_DAY),
        (LAST_DAY.isoformat(), LAST_DAY),
    ],
)
def test_it_reads_only_days_the_programme_can_have(value, expected):
    assert parse_day(value) == expected


def test_it_falls_back_to_the_default():
    today = datetime.date(2026, 11, 26)
    assert day_param({"jour": "9999-12-31"}, "jour", today) == today
    assert day_param({}, "jour", today) == today


def _shown_dates(url: str, today: datetime.date) -> list[str]:
    """The dates the page prints at its top for the current day (or week)."""
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    with translation.override("fr"):
        if url == "visits:today":
            return [date_format(today, "l j F Y")]
        if url == "visits:week":
            return [f"Visites du {date_format(monday, 'j F')} au {date_format(sunday, 'j F Y')}"]
        week = date_format(monday, "W")
        return [
            f"Semaine {week}, du {date_format(monday, 'j N')} au {date_format(sunday, 'j N Y')}"
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["visits:today", "visits:week", "harmreduction:voucher_week"])
def test_a_day_out_of_range_shows_the_current_one(client_for, chloe, url):
    expected = _shown_dates(url, timezone.localdate())
    for value in ("0001-01-01", "9999-12-31"):
        response = client_for(chloe).get(reverse(url), {"jour": value, "semaine": value})
        assert response.status_code == 200
        page = " ".join(response.content.decode().split())
        for text in expected:
            assert text in page


@pytest.mark.parametrize(
    "value, expected",
    [("12", 12), ("0012", 12), ("²", None), ("١٢", None), ("-3", None), ("1.5", None)]
    + [("2147483647", 2147483647), ("2147483648", None), ("99999999999", None), ("", None)],
)
def test_it_reads_only_ids_a_table_can_hold(value, expected):
    assert parse_id(value) == expected


@pytest.mark.django_db
def test_a_superscript_digit_in_the_address_is_ignored_not_a_crash(client_for, chloe):
    response = client_for(chloe).get(reverse("placements:board"), {"hotel": "²"})
    assert response.status_code == 200
