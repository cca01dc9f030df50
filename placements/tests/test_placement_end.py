import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence, ExitDestination
from tests.factories import PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(stay):
    return reverse("placements:placement_end", args=[stay.pk])


@pytest.fixture
def stay(db):
    return PlacementFactory(resident__nickname="Bambou", start=TODAY - 20 * DAY)


@pytest.mark.django_db
def test_it_ends_a_stay_with_its_destination(client_for, chloe, stay):
    client = client_for(chloe)
    form = client.get(_url(stay))
    assert form.context["form"].initial["end"] == TODAY
    assert "data-confirm=" in form.content.decode()
    response = client.post(
        _url(stay),
        {
            "end": TODAY.isoformat(),
            "exit_destination": "chrs",
            "exit_reason": "voluntary",
            "exit_comment": "SIAO",
        },
        follow=True,
    )
    stay.refresh_from_db()
    assert (stay.end, stay.exit_destination, stay.exit_comment, stay.ended_by) == (
        TODAY,
        ExitDestination.CHRS,
        "SIAO",
        chloe,
    )
    assert "Le séjour de Bambou est terminé" in response.content.decode()
    rows = {row.place.pk: row for b in response.context["boards"] for row in b.places}
    assert rows[stay.place_id].state == "free"


@pytest.mark.django_db
def test_it_closes_the_open_absence(client_for, chloe, stay):
    absence = Absence.objects.create(placement=stay, start=TODAY - 3 * DAY, reason="hospital")
    client_for(chloe).post(
        _url(stay),
        {"end": TODAY.isoformat(), "exit_destination": "hospital", "exit_reason": "voluntary"},
    )
    absence.refresh_from_db()
    assert absence.end == TODAY


@pytest.mark.django_db
def test_it_does_not_offer_transfer_as_a_destination(client_for, chloe, stay):
    choices = dict(
        client_for(chloe).get(_url(stay)).context["form"].fields["exit_destination"].choices
    )
    assert "transfer" not in choices and "chrs" in choices
    response = client_for(chloe).post(
        _url(stay),
        {"end": TODAY.isoformat(), "exit_destination": "transfer", "exit_reason": "voluntary"},
    )
    assert "Sélectionnez un choix valide." in response.content.decode()
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "message"),
    [
        (TODAY + DAY, "Un séjour ne peut pas être clôturé à l’avance."),
        (TODAY - 20 * DAY, "La date de sortie doit être postérieure à la date d’entrée."),
        (TODAY - 30 * DAY, "La date de sortie doit être postérieure à la date d’entrée."),
    ],
)
def test_it_explains_a_wrong_date(client_for, chloe, stay, end, message):
    response = client_for(chloe).post(
        _url(stay),
        {"end": end.isoformat(), "exit_destination": "street", "exit_reason": "voluntary"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
def test_it_sends_an_ended_stay_back_to_its_page(client_for, chloe):
    ended = PlacementFactory(start=TODAY - 9 * DAY, end=TODAY - DAY, exit_destination="street")
    response = client_for(chloe).post(
        _url(ended),
        {"end": TODAY.isoformat(), "exit_destination": "chrs", "exit_reason": "voluntary"},
        follow=True,
    )
    assert "Ce séjour est déjà terminé." in response.content.decode()
    ended.refresh_from_db()
    assert (ended.end, ended.exit_destination) == (TODAY - DAY, "street")


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_end_a_stay(client_for, alice, marc, stay):
    for user in (alice, marc):
        response = client_for(user).post(
            _url(stay),
            {"end": TODAY.isoformat(), "exit_destination": "chrs", "exit_reason": "voluntary"},
        )
        assert response.status_code == 403
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, chloe, stay):
    client = client_for(chloe)
    assert client.get(reverse("placements:placement_end", args=[999999])).status_code == 404
    assert client.put(_url(stay)).status_code == 405


class _OsDateType(type):
    """Lets real dates still pass `isinstance(value, datetime.date)` once `datetime.date` is
    swapped for the fake below (Django's date fields check that)."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, _REAL_DATE)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, _REAL_DATE)


_REAL_DATE = datetime.date


class _UtcServerDate(_REAL_DATE, metaclass=_OsDateType):
    """The operating system's calendar on a UTC server: still the 10th."""

    @classmethod
    def today(cls):
        return _REAL_DATE(2025, 6, 10)


@pytest.fixture
def past_midnight_in_paris_on_a_utc_server():
    """2025-06-10 23:30 UTC: already 01:30 on the 11th in Paris, still the 10th for the OS."""
    now = datetime.datetime(2025, 6, 10, 23, 30, tzinfo=datetime.UTC)
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        mock.patch("datetime.date", _UtcServerDate),
    ):
        yield _REAL_DATE(2025, 6, 11)


@pytest.mark.django_db
def test_it_ends_a_stay_today_in_paris_after_midnight(
    client_for, chloe, past_midnight_in_paris_on_a_utc_server
):
    today = past_midnight_in_paris_on_a_utc_server
    stay = PlacementFactory(resident__nickname="Bambou", start=today - 20 * DAY)
    client = client_for(chloe)
    assert client.get(_url(stay)).context["form"].initial["end"] == today
    response = client.post(
        _url(stay),
        {"end": today.isoformat(), "exit_destination": "chrs", "exit_reason": "voluntary"},
        follow=True,
    )
    assert "Un séjour ne peut pas être clôturé à l’avance." not in response.content.decode()
    assert "Le séjour de Bambou est terminé" in response.content.decode()
    stay.refresh_from_db()
    assert stay.end == today


@pytest.mark.django_db
def test_it_records_the_reason_apart_from_the_destination(client_for, chloe, stay):
    client = client_for(chloe)
    reasons = dict(client.get(_url(stay)).context["form"].fields["exit_reason"].choices)
    assert "exclusion" in reasons and "exclusion" not in dict(ExitDestination.choices)
    client.post(
        _url(stay),
        {"end": TODAY.isoformat(), "exit_destination": "chrs", "exit_reason": "exclusion"},
    )
    stay.refresh_from_db()
    assert (stay.exit_destination, stay.exit_reason) == ("chrs", "exclusion")
    page = client.get(reverse("placements:placement_detail", args=[stay.pk])).content.decode()
    assert "CHRS" in page and "Exclusion" in page and "Motif de sortie" in page


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "transfer", "retour"])
def test_it_asks_for_a_valid_reason_and_saves_nothing(client_for, chloe, stay, reason):
    response = client_for(chloe).post(
        _url(stay), {"end": TODAY.isoformat(), "exit_destination": "chrs", "exit_reason": reason}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page or "Sélectionnez un choix valide." in page
    stay.refresh_from_db()
    assert (stay.end, stay.exit_destination, stay.exit_reason) == (None, "", "")
