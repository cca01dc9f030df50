"""Every protected page sends a user who gave only the password to the second factor."""

import pytest
from django.urls import reverse

from tests.test_access_rules import POLICY, _url, module_objects, objects  # noqa: F401  (fixtures)

# Pages a half-logged-in user still needs.
EXEMPT = {"second_factor_verify", "second_factor_setup", "logout", "set_language"}
PROTECTED = sorted(
    name
    for name, (allowed, _kwargs) in POLICY.items()
    if allowed != "public" and name not in EXEMPT
)


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.mark.parametrize("name", PROTECTED)
def test_it_redirects_to_the_second_factor(name, objects, client_for, personas):  # noqa: F811
    url = _url(name, POLICY[name][1], objects)
    for user in personas.values():
        response = client_for(user).get(url)
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        assert response["Location"].startswith(reverse("second_factor_setup")), name
