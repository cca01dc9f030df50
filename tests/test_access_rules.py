"""Every URL of the project declares who may use it, and the declaration is enforced.

The table below is the project's access policy, written by hand. A new URL pattern that is not
in it makes `test_it_has_a_rule_for_every_url` fail, so no page can ship without a decision.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.access import PUBLIC, view_rule
from accounts.roles import Role
from placements.models import PlaceOutage
from tests.factories import PlaceFactory

SW, NURSE, PSY, COORD, MANAGER, ADMIN = (
    Role.SOCIAL_WORKER,
    Role.NURSE,
    Role.PSYCHIATRIST,
    Role.COORDINATOR,
    Role.MANAGER,
    Role.ADMIN,
)
EVERYONE = {SW, NURSE, PSY, COORD, MANAGER, ADMIN}
STAFF = {SW, NURSE, PSY, COORD, MANAGER}

# url name -> (roles allowed, or "public"; the URL's arguments from the objects fixture)
POLICY = {
    "home": (EVERYONE, {}),
    "healthz": ("public", {}),
    "baseline": (EVERYONE, {}),
    "login": ("public", {}),
    "logout": (EVERYONE, {}),
    "set_language": ("public", {}),
    "history_index": ({MANAGER, ADMIN}, {}),
    "history_model": ({MANAGER, ADMIN}, {"label": "placements.hotel"}),
    "history_object": ({MANAGER, ADMIN}, {"label": "placements.hotel", "pk": "hotel"}),
    "placements:hotel_list": (STAFF, {}),
    "placements:hotel_create": ({COORD}, {}),
    "placements:hotel_detail": (STAFF, {"pk": "hotel"}),
    "placements:hotel_update": ({COORD}, {"pk": "hotel"}),
    "placements:place_create": ({COORD}, {"hotel_pk": "hotel"}),
    "placements:place_update": ({COORD}, {"hotel_pk": "hotel", "pk": "place"}),
    "placements:outage_create": ({COORD}, {"place_pk": "place"}),
    "placements:outage_update": ({COORD}, {"place_pk": "place", "pk": "outage"}),
    "placements:outage_end": ({COORD}, {"place_pk": "place", "pk": "outage"}),
}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern


@pytest.fixture
def objects(db):
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(
        place=place,
        start=datetime.date.today() - datetime.timedelta(days=3),
        end=datetime.date.today() + datetime.timedelta(days=3),
        reason="Travaux",
    )
    return {"hotel": place.hotel.pk, "place": place.pk, "outage": outage.pk}


def _url(name, kwargs, objects):
    return reverse(name, kwargs={key: objects.get(value, value) for key, value in kwargs.items()})


def test_it_has_a_rule_for_every_url():
    patterns = dict(_url_names(get_resolver().url_patterns))
    unnamed = [str(pattern.pattern) for name, pattern in patterns.items() if name.endswith("None")]
    assert unnamed == [], "every URL pattern needs a name to appear in the access policy"
    missing = sorted(set(patterns) - set(POLICY))
    assert missing == [], f"URLs without a line in the access policy: {missing}"
    undeclared = sorted(
        name for name, pattern in patterns.items() if view_rule(pattern.callback) is None
    )
    assert undeclared == [], f"views that declare no allowed roles: {undeclared}"


def test_it_has_no_stale_policy_lines():
    patterns = dict(_url_names(get_resolver().url_patterns))
    assert sorted(set(POLICY) - set(patterns)) == []


@pytest.mark.parametrize("name", sorted(POLICY))
def test_it_declares_the_policy_in_the_view(name):
    patterns = dict(_url_names(get_resolver().url_patterns))
    allowed, _kwargs = POLICY[name]
    rule = view_rule(patterns[name].callback)
    if allowed == "public":
        assert rule == PUBLIC
    else:
        assert rule != PUBLIC, f"{name} must require a login"


@pytest.mark.parametrize("name", sorted(POLICY))
def test_it_enforces_the_policy_for_each_role(name, personas, objects, client_for):
    allowed, kwargs = POLICY[name]
    url = _url(name, kwargs, objects)
    for role, user in personas.items():
        response = client_for(user).get(url)
        if allowed == "public" or role in allowed:
            assert response.status_code != 403, f"{role} should reach {url}"
        else:
            assert response.status_code == 403, f"{role} must not reach {url}"
            assert "403.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    "name", sorted(n for n, (allowed, _k) in POLICY.items() if allowed != "public")
)
def test_it_sends_anonymous_visitors_to_the_login_page(name, client, objects):
    url = _url(name, POLICY[name][1], objects)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_denies_a_user_without_any_role(client_for, objects):
    from tests.factories import UserFactory

    nobody = UserFactory(username="sans-role")
    client = client_for(nobody)
    assert client.get(reverse("placements:hotel_list")).status_code == 403
    assert client.get(reverse("home")).status_code == 200


def test_it_denies_a_deactivated_user(client_for, chloe):
    client = client_for(chloe)
    chloe.is_active = False
    chloe.save()
    response = client.get(reverse("placements:hotel_list"))
    assert response.status_code in (302, 403)
