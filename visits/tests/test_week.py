"""The coordinator's week: hotels × days, each round with its team."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    HotelFactory,
    PlacementFactory,
    StaffAvailabilityFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Leave, VisitStatus
from visits.tests.conftest import DAY, NEXT_MONDAY, THIS_MONDAY

URL = reverse("visits:week")


@pytest.mark.django_db
def test_it_shows_each_round_with_its_team_and_progress(client_for, chloe):
    lea = UserFactory(first_name="Léa")
    karim = UserFactory(first_name="Karim")
    hotel = HotelFactory(name="Hôtel du Canal", arrondissement=10)
    for status in (VisitStatus.PLANNED, VisitStatus.MISSED, VisitStatus.CANCELLED):
        VisitFactory(
            placement__place__hotel=hotel,
            planned_on=NEXT_MONDAY,
            worker=lea,
            partner=karim,
            status=status,
        )
    Leave.objects.create(user=karim, start=NEXT_MONDAY, end=NEXT_MONDAY + DAY)
    PlacementFactory(place__hotel__name="Hôtel Oublié")  # housed, no visit planned

    response = client_for(chloe).get(URL, {"semaine": (NEXT_MONDAY + 3 * DAY).isoformat()})

    grid = response.context["grid"]
    assert grid.monday == NEXT_MONDAY
    rows = {row.hotel.name: row for row in grid.rows}
    monday = rows["Hôtel du Canal"].cells[0]
    assert (monday.total, monday.missed, monday.teams) == (2, 1, [[lea, karim]])
    assert monday.on_leave == [karim]
    assert [row.hotel.name for row in grid.unplanned_hotels] == ["Hôtel Oublié"]
    assert grid.loads == [(karim, 2), (lea, 2)]
    page = response.content.decode()
    assert "Léa + Karim" in page and "Karim en congé" in page and "Hôtel Oublié" in page
    round_url = reverse("visits:round_detail", args=[hotel.pk, NEXT_MONDAY])
    sheet_url = reverse("visits:round_sheet", args=[NEXT_MONDAY, lea.pk])
    assert round_url in page and sheet_url in page
    assert reverse("visits:week_generate") in page


@pytest.mark.django_db
def test_it_lets_the_team_read_it_without_planning(client_for, alice, marc):
    for user in (alice, marc):
        response = client_for(user).get(URL)
        assert response.status_code == 200
        assert reverse("visits:week_generate") not in response.content.decode()


@pytest.mark.django_db
def test_it_forbids_the_admin_and_answers_only_get(client_for, ada, chloe):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(chloe).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, chloe):
    client = client_for(chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"semaine": THIS_MONDAY.isoformat()}).status_code == 200
        return len(queries)

    VisitFactory(planned_on=THIS_MONDAY)
    VisitFactory(planned_on=THIS_MONDAY + DAY)
    with_two = count_queries()
    workers = [StaffAvailabilityFactory().user for _ in range(6)]
    for n in range(48):
        VisitFactory(
            planned_on=THIS_MONDAY + (n % 6) * DAY,
            worker=workers[n % 6],
            partner=workers[(n + 1) % 6],
        )
    Leave.objects.create(user=workers[0], start=THIS_MONDAY, end=THIS_MONDAY + 2 * DAY)
    # session, user, groups; the week's visits counted by hotel, day and team; the hotels
    # housing someone; the hotels; their workers; their leave: nothing per hotel or visit.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_keeps_the_statements_of_the_week_but_reads_its_rows_each_time(client_for, chloe):
    """The counts, the housed hotels and the conflicts' visits are written once a week and
    process (`_week_grid_sql`, `_week_visits_sql`): a change shows on the next request."""
    client = client_for(chloe)
    week = {"semaine": NEXT_MONDAY.isoformat()}
    hotel = HotelFactory(name="Hôtel du Canal")
    VisitFactory(placement__place__hotel=hotel, planned_on=NEXT_MONDAY)
    first = client.get(URL, week).context["grid"]
    assert [row.hotel.name for row in first.rows] == ["Hôtel du Canal"]
    assert not any("Abdel" in message for _hotel, _day, message in first.conflicts)

    stay = PlacementFactory(place__hotel=hotel, resident__nickname="Abdel")
    VisitFactory(placement=stay, planned_on=NEXT_MONDAY, status=VisitStatus.MISSED)
    VisitFactory(placement=stay, planned_on=NEXT_MONDAY + DAY)
    PlacementFactory(place__hotel__name="Hôtel Oublié")  # housed, no visit planned
    grid = client.get(URL, week).context["grid"]

    rows = {row.hotel.name: row for row in grid.rows}
    assert set(rows) == {"Hôtel du Canal", "Hôtel Oublié"}
    monday = rows["Hôtel du Canal"].cells[0]
    assert (monday.total, monday.missed, rows["Hôtel du Canal"].cells[1].total) == (2, 1, 1)
    assert [row.hotel.name for row in grid.unplanned_hotels] == ["Hôtel Oublié"]
    assert any("Abdel" in message for _hotel, _day, message in grid.conflicts)


@pytest.mark.django_db
def test_it_draws_each_cell_with_its_progress_and_a_round_without_worker(client_for, chloe):
    hotel = HotelFactory(name="Hôtel <Étoile>")
    lea = UserFactory(first_name="Léa & Co")
    VisitFactory(placement__place__hotel=hotel, planned_on=NEXT_MONDAY, worker=lea)
    VisitFactory(
        placement__place__hotel=hotel,
        planned_on=NEXT_MONDAY,
        worker=lea,
        status=VisitStatus.MISSED,
    )
    VisitFactory(placement__place__hotel=hotel, planned_on=NEXT_MONDAY + DAY, worker=None)
    response = client_for(chloe).get(URL, {"semaine": NEXT_MONDAY.isoformat()})
    page = " ".join(response.content.decode().split())
    monday = reverse("visits:round_detail", args=[hotel.pk, NEXT_MONDAY])
    assert (
        f'<a class="d-block text-decoration-none" href="{monday}" data-testid="grid-cell">'
        '<div class="small fw-semibold">Léa &amp; Co</div>'
        '<div class="small">2 visites · <span class="text-danger">1 ✗</span></div></a>'
    ) in page
    assert '<span class="text-danger">sans intervenant</span>' in page
    assert "Hôtel &lt;Étoile&gt;" in page
