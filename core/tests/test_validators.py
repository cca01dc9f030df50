"""not_in_the_future: the shared "cannot be in the future" rule, on Paris's calendar."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.validators import not_in_the_future

# 23:30 UTC on the 10th is already 01:30 on the 11th in Paris (summer time).
AFTER_MIDNIGHT_IN_PARIS = datetime.datetime(2025, 6, 10, 23, 30, tzinfo=datetime.UTC)
PARIS_TODAY = datetime.date(2025, 6, 11)


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("django.utils.timezone.now", return_value=AFTER_MIDNIGHT_IN_PARIS):
        yield


def test_it_accepts_today_in_paris_and_earlier():
    assert not_in_the_future(PARIS_TODAY) == PARIS_TODAY
    assert not_in_the_future(PARIS_TODAY - datetime.timedelta(days=1))
    assert not_in_the_future(None) is None


def test_it_refuses_tomorrow_in_paris_in_french():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        not_in_the_future(PARIS_TODAY + datetime.timedelta(days=1))
    assert refused.value.messages == ["Cette date ne peut pas être dans le futur."]


def test_it_says_which_date_and_puts_the_error_on_its_field():
    with pytest.raises(ValidationError) as refused:
        not_in_the_future(datetime.date(2025, 6, 12), "Not ahead.", field="done_on")
    assert refused.value.message_dict == {"done_on": ["Not ahead."]}
