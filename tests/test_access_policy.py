"""Each app's policy.py is the one place that says who may do what (accounts.policy): every view
takes its rule from a declared permission, the buttons read the same permission, and every
permission named in the templates and the code is declared.

tests/test_access_rules.py states the intended policy independently, role by role and URL by URL.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import policy
from accounts.access import AUTHENTICATED, PUBLIC, view_permission, view_rule
from accounts.policy import Permission, roles
from accounts.roles import Role
from tests.factories import PlaceFactory

ROOT = Path(settings.BASE_DIR)


def _views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_view_takes_its_rule_from_a_declared_permission():
    """No view names roles itself: a view is public, open to any signed-in user, or allowed to
    the roles of one permission of its app's policy."""
    raw = []
    for name, view in _views(get_resolver().url_patterns):
        rule = view_rule(view)
        if rule in (PUBLIC, AUTHENTICATED):
            continue
        permission = view_permission(view)
        if permission is None:
            raw.append(name)
            continue
        assert rule == roles(permission), name
        app, _colon, _name = name.rpartition(":")
        if app:
            assert permission.startswith(f"{app}."), f"{name} uses another app's {permission}"
    assert raw == [], f"views that name roles instead of a permission of their app's policy: {raw}"


def test_every_app_declares_its_policy_in_its_own_module():
    declared = {permission.app_label for permission in policy.declared()}
    modules = {path.parent.name for path in ROOT.glob("*/policy.py")}
    assert declared <= modules
    assert declared == {
        "accounts",
        "residents",
        "support",
        "placements",
        "visits",
        "harmreduction",
        "reports",
        "privacy",
        "imports",
    }


def _template_permissions() -> dict[str, set[str]]:
    found = {}
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            for app, name in re.findall(r"\bperms\.(\w+)\.(\w+)", path.read_text()):
                found.setdefault(f"{app}.{name}", set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_permission_a_template_reads_is_declared():
    found = _template_permissions()
    assert len(found) >= 8  # the pattern still finds what the templates write
    declared = {permission.name for permission in policy.declared()}
    unknown = {name: files for name, files in found.items() if name not in declared}
    assert unknown == {}, "templates read permissions that no policy.py declares"


# How the code names a permission: has_perm("x.y"), may(user, "x.y"), @allow("x.y"),
# permission = "x.y", and the permissions a model reads (NOTE_WRITERS, TEAM_READERS…).
CODE_PATTERNS = [
    r"has_perm\(\s*\"([\w.]*)\"",
    r"\bmay\([^,()]+,\s*\"([\w.]*)\"",
    r"@allow\(\s*\"([\w.]*)\"",
    r"\bpermission = \"([\w.]*)\"",
    r"_READERS = \"([\w.]*)\"",
    r"NoteKind\.\w+: \"([\w.]*)\"",
]


def test_every_permission_the_code_names_is_declared():
    found = {}
    for app in [*settings.PROJECT_APPS, "config"]:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for pattern in CODE_PATTERNS:
                for name in re.findall(pattern, path.read_text()):
                    found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert len(found) >= 25  # the patterns still find what the code writes
    declared = {permission.name for permission in policy.declared()}
    unknown = {name: files for name, files in found.items() if name not in declared}
    assert unknown == {}, "the code names permissions that no policy.py declares"


@pytest.mark.django_db
def test_a_button_shows_to_the_roles_of_its_permission(client_for, alice, chloe):
    """The hotel page's "put out of service" button (templates' `perms`) and the board's assign
    button (`has_perm` in the view) follow placements.manage, as the pages they lead to do."""
    place = PlaceFactory()
    hotel_page = reverse("placements:hotel_detail", args=[place.hotel.pk])
    outage = reverse("placements:outage_create", args=[place.pk])
    assign = reverse("placements:assign_candidates", args=[place.pk])
    board = reverse("placements:board")

    def offered(user):
        client = client_for(user)
        found = {
            outage in client.get(hotel_page).content.decode(),
            assign in client.get(board).content.decode(),
            client.get(outage).status_code == 200,
        }
        assert len(found) == 1, "the buttons and the page they lead to disagree"
        return found.pop()

    assert offered(chloe) and not offered(alice)
    # Giving the permission to the social workers instead, in the policy alone, moves the buttons
    # and the page together.
    moved = Permission("placements.manage", frozenset({Role.SOCIAL_WORKER}))
    with policy.permissions.temporarily(moved):
        assert offered(alice) and not offered(chloe)
