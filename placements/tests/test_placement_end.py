import datetime

import pytest
from django.urls import reverse

from placements.models import Absence, ExitDestination
from tests.factories import PlacementFactory

TODAY = datetime.date.today()
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
        {"end": TODAY.isoformat(), "exit_destination": "chrs", "exit_comment": "SIAO"},
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
    client_for(chloe).post(_url(stay), {"end": TODAY.isoformat(), "exit_destination": "hospital"})
    absence.refresh_from_db()
    assert absence.end == TODAY


@pytest.mark.django_db
def test_it_does_not_offer_transfer_as_a_destination(client_for, chloe, stay):
    choices = dict(
        client_for(chloe).get(_url(stay)).context["form"].fields["exit_destination"].choices
    )
    assert "transfer" not in choices and "chrs" in choices
    response = client_for(chloe).post(
        _url(stay), {"end": TODAY.isoformat(), "exit_destination": "transfer"}
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
        _url(stay), {"end": end.isoformat(), "exit_destination": "street"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
def test_it_sends_an_ended_stay_back_to_its_page(client_for, chloe):
    ended = PlacementFactory(start=TODAY - 9 * DAY, end=TODAY - DAY, exit_destination="street")
    response = client_for(chloe).post(
        _url(ended), {"end": TODAY.isoformat(), "exit_destination": "chrs"}, follow=True
    )
    assert "Ce séjour est déjà terminé." in response.content.decode()
    ended.refresh_from_db()
    assert (ended.end, ended.exit_destination) == (TODAY - DAY, "street")


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_end_a_stay(client_for, alice, marc, stay):
    for user in (alice, marc):
        response = client_for(user).post(
            _url(stay), {"end": TODAY.isoformat(), "exit_destination": "chrs"}
        )
        assert response.status_code == 403
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, chloe, stay):
    client = client_for(chloe)
    assert client.get(reverse("placements:placement_end", args=[999999])).status_code == 404
    assert client.put(_url(stay)).status_code == 405
