"""Every page about one person writes one access-log line; every other page writes none.

The pages are found by walking the URL patterns (the access policy of `test_access_rules` has
one line per URL, with its arguments taken from the `objects` fixture). A page is about one
person when an argument of its URL names a row that leads, by foreign keys, to a resident: the
person, their stay, visit, note, sample, an incident involving them… That is read from the
objects themselves, so a new page about a person is checked without being listed here. Each
page is opened (GET) as a role the policy allows.
"""

import pytest
from django.test import Client

from accounts.roles import Role
from privacy.models import AccessLog
from residents.models import Resident
from tests.test_access_rules import POLICY, _url, module_objects, objects  # noqa: F401

# The role that opens each page: the first of these the policy allows.
READERS = (
    Role.COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.NURSE,
    Role.PSYCHIATRIST,
    Role.MANAGER,
    Role.ADMIN,
)
# Pages that open to the author of their object only: (object, its author field).
AUTHOR_ONLY = {"support:note_correct": ("note", "author")}
# Pages about one person that show none of their data, with the reason: strict, they write none.
NOT_THE_PERSONS_DATA = {
    "residents:access_log": "who opened a file, for the manager: reading it opens no file",
}


def _people_reached(instance, seen=None) -> set[int]:
    """The residents `instance` leads to by foreign keys (itself, if it is one)."""
    seen = set() if seen is None else seen
    key = (type(instance), instance.pk)
    if key in seen:
        return set()
    seen.add(key)
    if isinstance(instance, Resident):
        return {instance.pk}
    people = set()
    for field in instance._meta.concrete_fields:
        if field.many_to_one:
            related = getattr(instance, field.name)
            if related is not None:
                people |= _people_reached(related, seen)
    return people


def _person_of(name, objects) -> int | None:  # noqa: F811
    _roles, kwargs = POLICY[name]
    people = set()
    for value in kwargs.values():
        instance = objects.instances.get(value) if isinstance(value, str) else None
        if instance is not None:
            people |= _people_reached(instance)
    assert len(people) <= 1, f"{name}: its arguments name several people {people}"
    return people.pop() if people else None


def _reader(name, personas):
    allowed = POLICY[name][0]
    if allowed == "public":
        return None
    return personas[next(role for role in READERS if role in allowed)]


@pytest.mark.parametrize("name", sorted(POLICY))
def test_it_logs_each_page_about_one_person_once(name, personas, objects, client_for):  # noqa: F811
    url = _url(name, POLICY[name][1], objects)
    user = _reader(name, personas)
    person = _person_of(name, objects)
    if name in AUTHOR_ONLY:
        key, field = AUTHOR_ONLY[name]
        instance = objects.instances[key]
        type(instance).objects.filter(pk=instance.pk).update(**{field: user})
    AccessLog.objects.all().delete()

    response = (client_for(user) if user else Client()).get(url)

    lines = list(AccessLog.objects.values_list("user", "resident", "page", "kind"))
    if person is None or name in NOT_THE_PERSONS_DATA:
        assert lines == [], f"{name} is about nobody's data, yet it wrote {lines}"
    elif response.status_code == 405:
        assert lines == [], f"{name} shows no page to a GET, yet it wrote {lines}"
    else:
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        assert lines == [(user.pk, person, url, "view")], (
            f"{name} shows one person's data: expected one access-log line"
        )


def test_it_checks_pages_about_a_person_in_each_app(objects):  # noqa: F811
    """The walk above finds the pages about a person by itself: a sample of them per app."""
    found = {name for name in POLICY if _person_of(name, objects) is not None}
    assert {
        "residents:resident_detail",
        "residents:admission_detail",
        "support:note_detail",
        "visits:visit_detail",
        "placements:placement_detail",
        "placements:absence_create",
        "placements:incident_detail",
        "harmreduction:sample_detail",
        "privacy:export_page",
    } <= found
    assert not found & {"placements:hotel_detail", "residents:resident_list", "visits:week"}


def test_it_keeps_its_exemptions_about_a_person(objects):  # noqa: F811
    for name in NOT_THE_PERSONS_DATA:
        assert _person_of(name, objects) is not None, f"{name}: no longer needs an exemption"
