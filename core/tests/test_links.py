"""object_url() gives the address reverse() gives, and follows what changes addresses."""

import datetime

import pytest
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    get_script_prefix,
    path,
    reverse,
    set_script_prefix,
)

from core.links import id_url, object_url, url_maker
from core.views import baseline


@pytest.mark.parametrize(
    ("name", "pks"),
    [
        ("residents:resident_detail", (7,)),
        ("placements:placement_detail", (123456,)),
        ("placements:outage_update", (12, 3)),
        ("visits:round_detail", (4, datetime.date(2026, 3, 9))),
        ("visits:round_sheet", (datetime.date(2026, 12, 31), 15)),
        ("history_index", ()),
    ],
)
def test_it_gives_the_address_reverse_gives(name, pks):
    assert object_url(name, *pks) == reverse(name, args=pks)


def test_it_follows_the_script_prefix():
    before = object_url("residents:resident_detail", 7)
    previous = get_script_prefix()
    set_script_prefix("/ancrage/")
    try:
        assert object_url("residents:resident_detail", 7) == "/ancrage" + before
    finally:
        clear_script_prefix()
        set_script_prefix(previous)
    assert object_url("residents:resident_detail", 7) == before


urlpatterns = [path("autre/<int:pk>/", baseline, name="resident_detail")]


def test_it_follows_the_urlconf():
    with override_settings(ROOT_URLCONF=__name__):
        assert object_url("resident_detail", 7) == "/autre/7/"
    with pytest.raises(NoReverseMatch):  # no such name in the project's URLconf
        object_url("resident_detail", 7)


@pytest.mark.parametrize(
    "name", ["residents:resident_detail", "placements:placement_detail", "visits:visit_detail"]
)
def test_id_url_gives_the_address_reverse_gives(name):
    address = id_url(name)
    for pk in (1, 7, 123456):
        assert address(pk) == reverse(name, args=[pk])


def test_id_url_learns_the_address_under_the_script_prefix_of_the_moment():
    """A page asks for it once, under the script prefix of its request."""
    before = id_url("residents:resident_detail")(7)
    previous = get_script_prefix()
    set_script_prefix("/ancrage/")
    try:
        assert id_url("residents:resident_detail")(7) == "/ancrage" + before
    finally:
        clear_script_prefix()
        set_script_prefix(previous)


@pytest.mark.parametrize(
    ("name", "kinds", "args"),
    [
        ("visits:round_detail", (int, datetime.date), (4, datetime.date(2026, 3, 9))),
        ("visits:round_sheet", (datetime.date, int), (datetime.date(2026, 12, 31), 15)),
        ("placements:outage_update", (int, int), (12, 3)),
    ],
)
def test_url_maker_gives_the_address_reverse_gives(name, kinds, args):
    assert url_maker(name, *kinds)(*args) == reverse(name, args=args)


def test_url_maker_learns_the_address_under_the_script_prefix_of_the_moment():
    day = datetime.date(2026, 3, 9)
    before = url_maker("visits:round_detail", int, datetime.date)(4, day)
    previous = get_script_prefix()
    set_script_prefix("/ancrage/")
    try:
        assert url_maker("visits:round_detail", int, datetime.date)(4, day) == "/ancrage" + before
    finally:
        clear_script_prefix()
        set_script_prefix(previous)
