"""The change history reads like the pages: labels, not column names; words, not codes or ids;
dates in Paris time and French format."""

import datetime
import re

import pytest
from django.urls import reverse

from placements.models import ExitDestination, ExitReason
from placements.services import placement_end
from tests.factories import PlacementFactory


@pytest.fixture
def ended_stay(chloe):
    today = datetime.date(2026, 11, 30)
    stay = PlacementFactory(
        resident__nickname="Caramel du Nord",
        place__hotel__name="Hôtel du Canal",
        place__room="12",
        start=today - datetime.timedelta(days=40),
    )
    placement_end(
        placement=stay,
        on=today - datetime.timedelta(days=2),
        destination=ExitDestination.INTERMEDIATE_HOUSING,
        reason=ExitReason.MOVE_ON,
        by=chloe,
    )
    return stay


def history_of(client, stay) -> str:
    response = client.get(reverse("history_object", args=["placements.placement", stay.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_names_the_fields_as_the_pages_do(client_for, marc, ended_stay):
    page = history_of(client_for(marc), ended_stay)

    assert "Clôturé par" in page and "Date de sortie" in page
    assert "Orientation de sortie" in page and "Motif de sortie" in page
    for column in ("ended_by_id", "exit_destination", "place_id", "resident_id"):
        assert column not in page


@pytest.mark.django_db
def test_it_shows_words_and_names_instead_of_codes_and_ids(client_for, marc, chloe, ended_stay):
    page = history_of(client_for(marc), ended_stay)

    assert "Logement intermédiaire (pension de famille, résidence sociale)" in page
    assert ">intermediate<" not in page
    assert str(chloe) in page  # who ended the stay, by name
    assert "Caramel du Nord" in page  # the person
    assert "Hôtel du Canal – Chambre 12" in page  # the place, with its hotel


@pytest.mark.django_db
def test_it_writes_dates_in_the_french_format(client_for, marc, ended_stay):
    page = history_of(client_for(marc), ended_stay)

    assert "28/11/2026" in page and "2026-11-28" not in page


@pytest.mark.django_db
def test_it_names_accounts_and_activity_in_the_accounts_history(client_for, ada, alice):
    alice.is_active = False
    alice.save()
    response = client_for(ada).get(reverse("history_object", args=["accounts.user", alice.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "is_active" not in page
    deactivated = r'Actif :\s*<span class="diff-old">oui</span> →\s*<span class="diff-new">non'
    assert re.search(deactivated, page)


@pytest.mark.django_db
def test_it_costs_the_same_queries_for_one_change_or_many(
    client_for, marc, chloe, django_assert_max_num_queries
):
    url = reverse("history_model", args=["placements.placement"])
    client = client_for(marc)
    # A request leaves its history context in the test's transaction: the rows made after it
    # have an author, as they would in real use. Made after one request on both sides.
    client.get(url)
    PlacementFactory.create_batch(2, created_by=chloe)
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    PlacementFactory.create_batch(10, created_by=chloe, admission=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_person_number_help_shows_an_example_address():
    from privacy.forms import HistoryFilter

    form = HistoryFilter(about_people=True)
    assert "/residents/42/" in str(form["personne"].help_text)
