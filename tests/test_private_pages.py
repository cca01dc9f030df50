"""Pages shown to a logged-in user may carry medical notes: no browser or shared cache keeps them.

Every answer to a logged-in user says `Cache-Control: private, no-store` (a page left in the
back-button cache of a shared computer, or on a proxy's disk, is a leak), whatever its status.
"""

import pytest
from django.urls import get_resolver
from django.utils.cache import get_max_age

from accounts.roles import Role
from tests.test_access_rules import POLICY, _url, _url_names, module_objects, objects  # noqa: F401

SAMPLE = [
    "home",
    "my_account",
    "residents:resident_list",
    "residents:resident_detail",
    "support:note_list",
    "support:note_detail",
    "placements:hotel_list",
    "placements:statement",
    "visits:today",
    "visits:visit_detail",
    "harmreduction:voucher_week",
    "harmreduction:voucher_week_pdf",
    "reports:report_list",
    "accounts:account_list",
]


def _directives(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in header.split(",") if part.strip()}


def _assert_private(response, where):
    directives = _directives(response)
    assert {"private", "no-store"} <= directives, (
        f"{where} ({response.status_code}) says Cache-Control: {response.get('Cache-Control')!r}"
    )
    assert "public" not in directives, where


@pytest.mark.parametrize("role", list(Role))
def test_it_forbids_caching_the_pages_of_every_role(role, personas, objects, client_for):  # noqa: F811
    client = client_for(personas[role])
    for name in SAMPLE:
        url = _url(name, POLICY[name][1], objects)
        # Pages this role may not open (403) or not see (404) are private too.
        _assert_private(client.get(url), f"{url} for {role}")


def test_it_forbids_caching_every_page_a_logged_in_user_opens(personas, objects, client_for):  # noqa: F811
    walked = 0
    for name, _pattern in sorted(_url_names(get_resolver().url_patterns)):
        allowed, kwargs = POLICY[name]
        role = Role.COORDINATOR if allowed == "public" else next(iter(sorted(allowed)))
        url = _url(name, kwargs, objects)
        client = client_for(personas[role])
        _assert_private(client.get(url), f"GET {url} for {role}")
        walked += 1
    assert walked > 100


def test_it_keeps_the_stricter_header_of_the_health_check(client_for, chloe):
    response = client_for(chloe).get("/healthz")
    _assert_private(response, "/healthz")
    assert get_max_age(response) == 0
