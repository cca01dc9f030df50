import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents import hooks
from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory, ResidentFactory

URL = reverse("residents:waiting_list")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _waiting(response) -> list[str]:
    return [row.request.resident.nickname for row in response.context["page_obj"]]


@pytest.fixture
def restore_place_finder():
    previous = hooks.register_without_place_filter(hooks._nobody_placed_yet)
    yield
    hooks.register_without_place_filter(previous)


@pytest.mark.django_db
def test_it_ranks_by_priority_then_by_waiting_time(client_for, alice):
    AdmissionRequestFactory(
        resident__nickname="Low", psychic_situation=1, received_on=TODAY - 50 * DAY
    )
    AdmissionRequestFactory(
        resident__nickname="High recent", psychic_situation=4, received_on=TODAY - 2 * DAY
    )
    AdmissionRequestFactory(
        resident__nickname="High older", psychic_situation=4, received_on=TODAY - 9 * DAY
    )
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    assert _waiting(response) == ["High older", "High recent", "Low"]
    rows = list(response.context["page_obj"])
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.days_waiting for row in rows] == [9, 2, 50]
    assert [row.score.total for row in rows] == [20, 20, 11]


@pytest.mark.django_db
def test_it_leaves_out_decided_requests(client_for, alice):
    AdmissionRequestFactory(resident__nickname="Waiting")
    AdmissionRequestFactory(
        resident__nickname="Refused",
        status=AdmissionStatus.REFUSED,
        decided_on=TODAY,
        decision_reason="x",
    )
    AdmissionRequestFactory(
        resident__nickname="Lost", status=AdmissionStatus.LOST, decided_on=TODAY
    )
    assert _waiting(client_for(alice).get(URL)) == ["Waiting"]


@pytest.mark.django_db
def test_it_flags_requests_without_news_for_review(client_for, alice, settings):
    settings.ADMISSION_REVIEW_DAYS = 90
    AdmissionRequestFactory(resident__nickname="Quiet", received_on=TODAY - 90 * DAY)
    AdmissionRequestFactory(
        resident__nickname="News", received_on=TODAY - 200 * DAY, last_news_on=TODAY - 89 * DAY
    )
    AdmissionRequestFactory(resident__nickname="Recent", received_on=TODAY - 89 * DAY)
    response = client_for(alice).get(URL)
    flagged = {
        row.request.resident.nickname for row in response.context["page_obj"] if row.to_review
    }
    assert flagged == {"Quiet"}
    assert response.context["to_review_count"] == 1
    assert "à revoir" in response.content.decode()


@pytest.mark.django_db
def test_it_reads_the_review_delay_from_the_settings(client_for, alice, settings):
    settings.ADMISSION_REVIEW_DAYS = 30
    AdmissionRequestFactory(received_on=TODAY - 31 * DAY)
    assert client_for(alice).get(URL).context["to_review_count"] == 1


@pytest.mark.django_db
def test_it_shows_admitted_people_without_a_place(client_for, alice):
    AdmissionRequestFactory(
        resident__nickname="Admitted", status=AdmissionStatus.ADMITTED, decided_on=TODAY
    )
    response = client_for(alice).get(URL)
    assert [request.resident.nickname for request in response.context["admitted"]] == ["Admitted"]
    assert "admis·e, sans place" in response.content.decode()


@pytest.mark.django_db
def test_it_asks_the_placements_hook_who_got_a_place(client_for, alice, restore_place_finder):
    placed = AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    waiting = AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    seen = []

    def without_place(requests):
        seen.append(sorted(requests.values_list("pk", flat=True)))
        return requests.exclude(pk=placed.pk)

    hooks.register_without_place_filter(without_place)
    response = client_for(alice).get(URL)
    assert response.context["admitted"] == [waiting]
    assert seen == [sorted([placed.pk, waiting.pk])]


@pytest.mark.django_db
def test_it_says_when_nobody_is_waiting(client_for, marc):
    assert "Personne n’est en attente." in client_for(marc).get(URL).content.decode()


@pytest.mark.django_db
def test_it_offers_a_new_request_to_care_staff_only(client_for, alice, marc):
    create = reverse("residents:admission_create")
    assert create in client_for(alice).get(URL).content.decode()
    assert create not in client_for(marc).get(URL).content.decode()


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, alice):
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    AdmissionRequestFactory.create_batch(2)
    AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    with_two = count_queries()
    for n in range(48):
        AdmissionRequestFactory(received_on=TODAY - n * DAY, vulnerability=1 + n % 4)
    for _ in range(5):
        AdmissionRequestFactory(
            status=AdmissionStatus.ADMITTED, decided_on=TODAY, resident=ResidentFactory()
        )
    # session, user, groups, savepoint pair; the waiting requests with their person; the admitted
    # requests with their person: nothing per row.
    assert count_queries() == with_two
    assert with_two <= 8


@pytest.mark.django_db
def test_it_shows_each_level_of_the_score(client_for, alice):
    request = AdmissionRequestFactory(psychic_situation=3, isolation=2, vulnerability=4)
    page = client_for(alice).get(URL).content.decode()
    assert 'title="Situation psychique 3, Isolement 2, Vulnérabilité 4">S3 · I2 · V4<' in page
    assert f'href="{reverse("residents:admission_detail", args=[request.pk])}"' in page


@pytest.mark.django_db
def test_each_row_shows_its_referrer_and_links_to_its_request(client_for, alice):
    request = AdmissionRequestFactory(referring_structure="hospital")
    page = client_for(alice).get(URL).content.decode()
    assert f'href="{reverse("residents:admission_detail", args=[request.pk])}"' in page
    assert '<td class="d-none d-lg-table-cell">Hôpital</td>' in page


@pytest.mark.django_db
def test_it_shows_25_requests_a_page_and_keeps_their_rank_on_the_next(client_for, alice):
    for n in range(30):
        AdmissionRequestFactory(resident__nickname=f"P{n:02}", received_on=TODAY - n * DAY)
    first, second = client_for(alice).get(URL), client_for(alice).get(URL, {"page": 2})
    assert [cell.rank for cell in first.context["cells"]] == [str(n) for n in range(1, 26)]
    assert [cell.nickname for cell in second.context["cells"]] == [
        f"P{n:02}" for n in range(4, -1, -1)
    ]
    assert [cell.rank for cell in second.context["cells"]] == ["26", "27", "28", "29", "30"]
    assert first.context["waiting_count"] == 30
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.django_db
def test_its_badge_shows_the_requests_to_review_alone_with_their_rank(client_for, alice, settings):
    settings.ADMISSION_REVIEW_DAYS = 90
    AdmissionRequestFactory(resident__nickname="First", psychic_situation=4)
    AdmissionRequestFactory(resident__nickname="Quiet", received_on=TODAY - 100 * DAY)
    AdmissionRequestFactory(resident__nickname="Recent")
    page = client_for(alice).get(URL).content.decode()
    assert 'href="?a-revoir=1"' in page
    response = client_for(alice).get(URL, {"a-revoir": "1"})
    assert [(cell.rank, cell.nickname) for cell in response.context["cells"]] == [("2", "Quiet")]
    assert response.context["waiting_count"] == 3
    assert "Afficher tout le monde" in response.content.decode()
