import pytest

from placements import services
from residents import hooks


@pytest.fixture(autouse=True)
def place_finder():
    """This app's answer to `residents.hooks`, as AppConfig.ready() registers it.

    Registered again for each test: another app's test may have swapped it for its own.
    """
    previous = hooks.register_without_place_filter(services.admitted_requests_without_place)
    yield
    hooks.register_without_place_filter(previous)
