import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.services import supply_give
from tests.factories import LocationFactory, ResidentFactory

URL = reverse("harmreduction:distribution_list")


@pytest.mark.django_db
def test_it_lists_the_handouts_with_this_months_totals(
    client_for, marc, alice, office, bag, kit_base, pipe, stock
):
    stock(office, {kit_base: 10, pipe: 10})
    stock(bag, {kit_base: 10})
    supply_give(
        location=office,
        quantities={kit_base: 1, pipe: 3},
        by=alice,
        resident=(fifi := ResidentFactory(nickname="Fifi")),
    )
    supply_give(location=bag, quantities={kit_base: 2}, by=alice)

    response = client_for(marc).get(URL)

    assert len(response.context["page_obj"]) == 2
    body = response.content.decode()
    assert "Fifi" in body and "Anonyme" in body
    assert f'href="{reverse("residents:resident_detail", args=[fifi.pk])}">Fifi</a>' in body
    assert "Kit base × 1, Pipe (doseur) × 3" in body
    assert response.context["this_month"].category_totals == {"inhalation": 6}
    assert "Inhalation : 6" in body
    assert "Remettre du matériel" not in body


@pytest.mark.django_db
def test_it_filters_by_location(client_for, alice, office, bag, kit_base, stock):
    stock(office, {kit_base: 10})
    stock(bag, {kit_base: 10})
    supply_give(location=office, quantities={kit_base: 1}, by=alice)
    in_bag = supply_give(location=bag, quantities={kit_base: 2}, by=alice)
    response = client_for(alice).get(URL, {"lieu": bag.pk})
    assert list(response.context["page_obj"]) == [in_bag]


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice, office, kit_base, pipe, stock):
    stock(office, {kit_base: 1000, pipe: 1000})
    client = client_for(alice)

    def add(count: int) -> None:
        for n in range(count):
            supply_give(
                location=office,
                quantities={kit_base: 1, pipe: 2},
                by=alice,
                resident=ResidentFactory() if n % 2 else None,
            )

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)  # 25 rows: one page
    # session, user, groups; count and page of handouts with person, location, author and
    # visit; their lines with items; the month's totals (units per category, handouts); locations.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_writes_each_row_escaped_with_when_and_by_whom(client_for, alice, kit_base, stock):
    from django.utils import timezone
    from django.utils.formats import date_format

    bag = LocationFactory(name="Sac <A>")
    stock(bag, {kit_base: 10})
    given = supply_give(
        location=bag,
        quantities={kit_base: 2},
        by=alice,
        resident=ResidentFactory(nickname="<b>Lou</b>"),
        setting="visit",
    )

    body = " ".join(client_for(alice).get(URL).content.decode().split())

    at = date_format(timezone.localtime(given.given_at), "SHORT_DATETIME_FORMAT")
    assert '>&lt;b&gt;Lou&lt;/b&gt;</a> <span class="small text-body-secondary">· ' in body
    assert "· Sac &lt;A&gt;</span>" in body and "<b>Lou" not in body
    assert f'<div class="small text-body-secondary">{at} · {alice}</div>' in body
    assert '<div class="small">Kit base × 2</div>' in body
