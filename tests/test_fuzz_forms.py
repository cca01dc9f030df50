"""Hostile input against every page and form of the project, found by walking the URL patterns.

For each URL name, the page is opened (GET) as a persona the access policy allows. Every page is
opened again with hostile query strings (see `_fuzz_query_strings`). The forms and formsets of
its context are the fields to attack, unless they are not sent back to it by POST (a filter
form, a page that only lists). Each form page then gets:

- a sweep: every field at once set to each hostile value of `HOSTILE` (and every field missing),
  so that each field meets each value at least once;
- hypothesis examples mixing, field by field, the value the form shows, a hostile value, a
  missing field and a duplicated field (two values for one name).

Every POST runs in a savepoint rolled back afterwards, so each example starts from the same data
(and a one-time form token stays unspent). The answer must be a redirect or the form shown
again, never a 500; the raw script payload never comes back unescaped, neither in the answer nor
in the page the redirect leads to; every error message on the page is French.
"""

import datetime
import functools
import re
import sys
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.core.signals import got_request_exception
from django.db import transaction
from django.forms import BaseForm, BaseFormSet, CheckboxInput, MultiWidget
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from tests.test_access_rules import POLICY, _url, _url_names, module_objects, objects  # noqa: F401

SCRIPT = "<script>alert(1)</script>"
NUL = "avant\x00après"
HOSTILE = [
    "x" * 10_000,
    "\x00",
    "nul\x00byte",
    NUL,
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "'; DROP TABLE x; --",
    "1 OR 1=1",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "31/12/9999 25:61",
    "-1",
    str(10**20),
    "-" + str(10**20),
    "1e308",
    "NaN",
    "0",
    "",
    "   ",
    "\u202e\u200b\ufeff",
    "😀" * 50,
]
# The sweep sets every field at once to each of these; hypothesis draws from all of HOSTILE.
SWEEP = [
    "x" * 10_000,
    "nul\x00byte",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "'; DROP TABLE x; --",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "-1",
    str(10**20),
    "",
]
# Forms that crash today (the fix belongs in the app): strict, so the fix makes this list fail.
# Pages known to crash on hostile input, with the reason (strict xfail: fixed means remove it).
KNOWN_CRASHES: dict[str, str] = {}
# Who fuzzes a page: the first of these roles the policy allows (the nurse sees every note kind).
PREFERRED_ROLES = [
    Role.NURSE,
    Role.COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.PSYCHIATRIST,
    Role.MANAGER,
    Role.ADMIN,
]
ENGLISH = re.compile(
    r"\b(this field|enter a|ensure this|select a valid|is required|the|must|should|cannot|"
    r"please|invalid)\b",
    re.IGNORECASE,
)
FRENCH = re.compile(
    r"\b(ce|cette|le|la|les|un|une|des|du|de|est|sont|pas|doit|saisissez|sélectionnez|"
    r"assurez-vous|invalide|obligatoire|champ)\b|[éèêàùç]",
    re.IGNORECASE,
)
MAX_EXAMPLES = 10


def _url_names_of_the_project():
    return sorted(dict(_url_names(get_resolver().url_patterns)))


def _forms_in(response) -> list[BaseForm]:
    """The bound-able forms of the page: forms, and the management form and forms of formsets."""
    found, seen = [], set()
    for context in response.context or []:
        values = context.flatten() if hasattr(context, "flatten") else dict(context)
        for value in values.values():
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, BaseFormSet):
                found.append(value.management_form)
                found.extend(value.forms)
            elif isinstance(value, BaseForm):
                found.append(value)
    return found


def _shown_values(form: BaseForm) -> dict[str, list[str]]:
    """What a browser would send back for the form as shown: {html name: [values]}."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        key, widget, value = bound.html_name, field.widget, bound.value()
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[f"{key}{suffix}"] = [] if part is None else [_text(part)]
        elif isinstance(widget, CheckboxInput):
            data[key] = ["on"] if value else []
        elif isinstance(value, list | tuple):
            data[key] = [_text(item) for item in value]
        else:
            data[key] = [] if value is None else [_text(value)]
    return data


def _text(value) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _post(client, url, data: dict[str, list[str]], exceptions: list):
    """POST in a savepoint rolled back afterwards; also GET the page a redirect leads to."""
    exceptions.clear()
    with transaction.atomic():
        response = client.post(url, {key: values for key, values in data.items() if values})
        followed = None
        location = response.get("Location", "")
        if response.status_code == 302 and location.startswith("/"):
            followed = client.get(location)
        transaction.set_rollback(True)
    return response, followed


def _error_messages(response) -> list[str]:
    messages = []
    for form in _forms_in(response):
        if not form.is_bound:
            continue
        for errors in form.errors.values():
            messages.extend(str(message) for message in errors)
    return messages


def _check(name, url, data, response, followed, exceptions, tally):
    tally[response.status_code] += 1
    where = f"{name} ({url}) with {_summary(data)}"
    assert response.status_code != 500, f"500 on {where}: {exceptions!r}"
    # 400 is how several views show a form again with its errors.
    assert response.status_code in (200, 302, 400), f"{response.status_code} on {where}"
    for answer in (response, followed):
        if answer is None:
            continue
        assert answer.status_code != 500, f"500 after the redirect of {where}: {exceptions!r}"
        assert SCRIPT.encode() not in answer.content, f"unescaped script on {where}"
    if response.status_code in (200, 400):
        for message in _error_messages(response):
            tally["error messages"] += 1
            assert FRENCH.search(message) and not ENGLISH.search(message), (
                f"error message not in French on {where}: {message!r}"
            )


def _summary(data: dict[str, list[str]]) -> str:
    def short(value: str) -> str:
        return repr(value if len(value) <= 40 else f"{value[:20]}…({len(value)} chars)")

    return "{" + ", ".join(f"{k}: [{', '.join(map(short, v))}]" for k, v in data.items()) + "}"


def _hostile_submission(shown: dict[str, list[str]]):
    """Per field: the shown value, a hostile one, the field missing, or two values for it."""
    hostile = st.sampled_from(HOSTILE)
    per_field = {
        key: st.one_of(
            st.just(values),
            hostile.map(lambda value: [value]),
            st.just([]),
            st.tuples(hostile, hostile).map(list),
            st.text(max_size=30).map(lambda value: [value]),
        )
        for key, values in shown.items()
    }
    return st.fixed_dictionaries(per_field)


def _open(name, personas, objects):  # noqa: F811
    """The page `name` as the first preferred role the policy allows: (client, url, answer)."""
    if name not in POLICY:
        pytest.fail(f"{name} has no line in the access policy (tests/test_access_rules.py)")
    allowed, kwargs = POLICY[name]
    url = _url(name, kwargs, objects)
    client = Client(raise_request_exception=False)
    if allowed != "public":
        role = next(role for role in PREFERRED_ROLES if role in allowed)
        client.force_login(personas[role])
    return client, url, client.get(url)


@pytest.mark.parametrize("name", _url_names_of_the_project())
def test_it_survives_hostile_input_on_every_page(name, personas, objects, request):  # noqa: F811
    """Every page of the project: its query strings, then its forms if it has any that post
    back to it (a page that only lists, or whose forms post elsewhere, has only the first)."""
    if name in KNOWN_CRASHES:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_CRASHES[name], strict=True))
    client, url, page = _open(name, personas, objects)
    _fuzz_query_strings(name, client, url, page)
    forms = _forms_in(page) if page.status_code == 200 else []
    if forms:
        _fuzz_forms(name, client, url, forms)


def _fuzz_forms(name, client, url, forms) -> None:
    """Hostile POSTs to a page's forms (see the module's docstring); nothing if the page does
    not take its forms back by POST (405: they post to another URL, fuzzed there)."""
    shown = {}
    for form in forms:
        shown.update(_shown_values(form))

    exceptions, tally = [], Counter()

    def record(sender, request, **kwargs):
        exceptions.append(sys.exc_info()[1])

    got_request_exception.connect(record, weak=False)
    try:
        probe, _followed = _post(client, url, shown, exceptions)
        if probe.status_code == 405:
            return

        # Every field at once, with each hostile value, then with every field missing.
        for value in SWEEP:
            data = {key: [value] for key in shown}
            _check(name, url, data, *_post(client, url, data, exceptions), exceptions, tally)
        _check(name, url, {}, *_post(client, url, {}, exceptions), exceptions, tally)

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: CI time stays bounded
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=_hostile_submission(shown))
        def fuzz(data):
            _check(name, url, data, *_post(client, url, data, exceptions), exceptions, tally)

        fuzz()
        print(f"{name}: {len(shown)} fields, {sum(tally[s] for s in (200, 302, 400))} POSTs", tally)
        # Hostile values in every field must be refused somewhere, in French: the check above
        # has then read at least one message.
        assert tally["error messages"] > 0, f"{name}: no error message in {tally}"
    finally:
        got_request_exception.disconnect(record)


def test_it_finds_the_forms_of_a_page_and_their_values(client_for, chloe, objects):  # noqa: F811
    """The discovery itself: the hotel form is found, with the values a browser would send."""
    url = _url("placements:hotel_update", POLICY["placements:hotel_update"][1], objects)
    response = client_for(chloe).get(url)
    forms = _forms_in(response)
    assert forms, "the hotel form was not found in the context"
    shown = _shown_values(forms[0])
    assert "name" in shown and shown["name"] != []


def test_it_tells_french_from_english_messages():
    assert FRENCH.search("Ce champ est obligatoire.") and not ENGLISH.search(
        "Ce champ est obligatoire."
    )
    assert ENGLISH.search("This field is required.")


# --- Query strings -------------------------------------------------------------------------------

QUERY_PARAMETER = re.compile(r"""(?:GET\.get|GET\.getlist|_param\(request,)\(?\s*["'](\w+)["']""")


@functools.cache
def _query_parameters() -> tuple[str, ...]:
    """Every query parameter a view reads (found in the code), and the fields of filter forms."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    names = {"page", "q"}
    for package in django_settings.PROJECT_APPS:
        for path in (root / package).rglob("*.py"):
            if "tests" not in path.parts:
                names.update(QUERY_PARAMETER.findall(path.read_text()))
    return tuple(sorted(names))


def _fuzz_query_strings(name, client, url, page) -> None:
    """The page, opened with every query parameter of the project (and its filter forms'
    fields) set at once to each hostile value: never a 500, never the script echoed unescaped.
    A page that answers POST only must say so (405) whatever the query."""
    if page.status_code == 405:
        assert client.get(url, {"q": NUL, "page": SCRIPT}).status_code == 405
        return
    parameters = set(_query_parameters())
    for form in _forms_in(page) if page.status_code == 200 else []:
        if not form.is_bound:
            parameters.update(form[field].html_name for field in form.fields)
    exceptions: list = []

    def record(sender, request, **kwargs):
        exceptions.append(sys.exc_info()[1])

    # Every parameter at once with each hostile value; then each parameter alone with a NUL
    # byte, which a parameter refused first (an invalid page number: 404) would otherwise hide.
    queries = [
        (f"every parameter = {value[:30]!r}", dict.fromkeys(parameters, value)) for value in SWEEP
    ]
    queries += [(f"{parameter} = {NUL!r}", {parameter: NUL}) for parameter in sorted(parameters)]
    got_request_exception.connect(record, weak=False)
    try:
        for described, query in queries:
            exceptions.clear()
            with transaction.atomic():
                response = client.get(url, query)
                transaction.set_rollback(True)
            where = f"{name} ({url}) with {described}"
            assert response.status_code != 500, f"500 on {where}: {exceptions!r}"
            assert response.status_code in (200, 302, 400, 403, 404, 410) or name == "healthz", (
                where
            )
            assert SCRIPT.encode() not in response.content, f"unescaped script on {where}"
    finally:
        got_request_exception.disconnect(record)
