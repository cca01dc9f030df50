import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence
from tests.factories import PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(absence):
    return reverse("placements:absence_return", args=[absence.placement_id, absence.pk])


@pytest.fixture
def absence(db):
    stay = PlacementFactory(start=TODAY - 30 * DAY)
    return Absence.objects.create(
        placement=stay, start=TODAY - 5 * DAY, planned_return=TODAY, reason="hospital"
    )


@pytest.mark.django_db
def test_it_records_the_return(client_for, chloe, absence):
    response = client_for(chloe).post(_url(absence), {"end": TODAY.isoformat()}, follow=True)
    absence.refresh_from_db()
    assert absence.end == TODAY
    assert "Le retour a été enregistré." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "placements:placement_detail", args=[absence.placement_id]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "message"),
    [
        (TODAY - 5 * DAY, "La date de fin doit être postérieure à la date de début."),
        (TODAY + DAY, "Le retour ne peut pas être enregistré à l’avance."),
        (None, "Ce champ est obligatoire."),
    ],
)
def test_it_explains_a_wrong_date(client_for, chloe, absence, end, message):
    response = client_for(chloe).post(
        _url(absence), {"end": end.isoformat() if end else ""}, follow=True
    )
    assert message in response.content.decode()
    absence.refresh_from_db()
    assert absence.end is None


@pytest.mark.django_db
def test_it_answers_404_for_a_closed_absence_or_another_stay(client_for, chloe, absence):
    client = client_for(chloe)
    other = PlacementFactory()
    url = reverse("placements:absence_return", args=[other.pk, absence.pk])
    assert client.post(url, {"end": TODAY.isoformat()}).status_code == 404
    absence.end = TODAY - DAY
    absence.save()
    assert client.post(_url(absence), {"end": TODAY.isoformat()}).status_code == 404


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_record_the_return(client_for, alice, marc, absence):
    for user in (alice, marc):
        assert client_for(user).post(_url(absence), {"end": TODAY.isoformat()}).status_code == 403
    absence.refresh_from_db()
    assert absence.end is None


@pytest.mark.django_db
def test_it_only_answers_post(client_for, chloe, absence):
    assert client_for(chloe).get(_url(absence)).status_code == 405
