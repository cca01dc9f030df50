"""Drug checking: a sample collected, sent, its result, given back; unexpected: the team knows."""

import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import Sample
from harmreduction.tests.conftest import DAY, TODAY
from privacy.models import AccessLog
from tests.factories import PlacementFactory, ResidentFactory, SampleFactory, UserFactory

LIST = reverse("harmreduction:sample_list")
CREATE = reverse("harmreduction:sample_create")


def _update_url(sample) -> str:
    return reverse("harmreduction:sample_update", args=[sample.pk])


def _result(**overrides):
    data = {
        "network": "atp",
        "reference": "ATP-2031",
        "sent_on": (TODAY - 20 * DAY).isoformat(),
        "result_on": TODAY.isoformat(),
        "result": "Héroïne coupée au fentanyl.",
        "result_unexpected": "on",
        "returned_on": "",
    }
    return {**data, **overrides}


@pytest.fixture
def sample(db):
    return SampleFactory(
        resident=ResidentFactory(nickname="Pépito"),
        collected_on=TODAY - 25 * DAY,
        presumed_product="Héroïne",
    )


@pytest.mark.django_db
def test_it_records_a_sample(client_for, alice):
    person = PlacementFactory().resident
    response = client_for(alice).post(
        CREATE,
        {
            "resident": person.pk,
            "collected_on": TODAY.isoformat(),
            "presumed_product": "Cocaïne",
            "description": "Effets bizarres, très forte",
            "network": "sintes",
            "reference": "",
            "sent_on": "",
            "form_token": str(uuid.uuid4()),
        },
        follow=True,
    )
    sample = Sample.objects.get()
    assert (sample.resident, sample.collected_by, sample.presumed_product, sample.network) == (
        person,
        alice,
        "Cocaïne",
        "sintes",
    )
    assert str(sample.stage) == "Recueilli, à envoyer"
    assert "L’échantillon est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_explains_a_bad_sample(client_for, alice):
    response = client_for(alice).post(
        CREATE,
        {
            "resident": PlacementFactory().resident_id,
            "collected_on": TODAY.isoformat(),
            "presumed_product": "",
            "network": "sintes",
            "sent_on": (TODAY - DAY).isoformat(),
            "form_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body
    assert "Un échantillon ne peut pas être envoyé avant d’avoir été recueilli." in body
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_it_alerts_the_whole_team_once_about_an_unexpected_result(
    client_for, alice, nina, marc, chloe, sample, django_capture_on_commit_callbacks
):
    UserFactory(username="sans-role", email="sans-role@ancrage.invalid")
    client = client_for(nina)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_update_url(sample), _result(), follow=True)

    sample.refresh_from_db()
    assert sample.result_unexpected and sample.alert_sent_at is not None
    assert "Toute l’équipe est alertée de ce résultat inattendu." in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == (
        "Ancrage – alerte analyse de produits : résultat inattendu pour « Héroïne »"
    )
    assert sorted(message.to) == sorted(user.email for user in (alice, nina, marc, chloe))
    assert "Héroïne coupée au fentanyl." in message.body
    assert "Pépito" not in message.body  # the alert is about the product, not the person
    assert "fentanyl" in message.alternatives[0][0]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(_update_url(sample), _result(returned_on=TODAY.isoformat()))
    assert callbacks == [] and len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_does_not_alert_about_an_expected_result(
    client_for, nina, sample, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(nina).post(_update_url(sample), _result(result_unexpected=""))
    sample.refresh_from_db()
    assert (sample.result, sample.alert_sent_at) == ("Héroïne coupée au fentanyl.", None)
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"result": ""}, "Écrivez le résultat reçu."),
        ({"result_on": "", "result_unexpected": ""}, "Indiquez la date de retour du résultat."),
        ({"sent_on": ""}, "Un résultat revient après l’envoi de l’échantillon."),
        (
            {"returned_on": (TODAY - DAY).isoformat()},
            "Le résultat est rendu à la personne après son retour.",
        ),
    ],
)
def test_it_explains_a_bad_update(client_for, nina, sample, overrides, message):
    response = client_for(nina).post(_update_url(sample), _result(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    sample.refresh_from_db()
    assert sample.result == "" and mail.outbox == []


@pytest.mark.django_db
def test_it_shows_the_sample(client_for, marc, sample):
    response = client_for(marc).get(reverse("harmreduction:sample_detail", args=[sample.pk]))
    assert response.context["sample"] == sample
    assert "Pépito" in response.content.decode()
    assert _update_url(sample) not in response.content.decode()


@pytest.mark.django_db
def test_it_lists_samples_and_those_awaiting_a_result(client_for, alice, sample):
    done = SampleFactory(
        collected_on=TODAY - 40 * DAY,
        sent_on=TODAY - 39 * DAY,
        result_on=TODAY - DAY,
        result="Conforme",
    )
    client = client_for(alice)
    assert set(client.get(LIST).context["page_obj"]) == {sample, done}
    assert list(client.get(LIST, {"attente": "1"}).context["page_obj"]) == [sample]


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            SampleFactory()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)
    # session, user, groups; count and page of samples with person and author.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_keeps_recording_to_the_care_team(client_for, marc, ada, sample):
    assert client_for(marc).post(_update_url(sample), _result()).status_code == 403
    assert client_for(marc).get(CREATE).status_code == 403
    assert client_for(ada).get(LIST).status_code == 403
    sample.refresh_from_db()
    assert sample.result == ""


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_sample(client_for, alice):
    assert (
        client_for(alice).get(reverse("harmreduction:sample_detail", args=[999999])).status_code
        == 404
    )
    assert (
        client_for(alice).get(reverse("harmreduction:sample_update", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice, sample):
    assert client_for(alice).post(LIST).status_code == 405
    assert (
        client_for(alice).post(reverse("harmreduction:sample_detail", args=[sample.pk])).status_code
        == 405
    )
    assert client_for(alice).delete(_update_url(sample)).status_code == 405


@pytest.mark.django_db
def test_it_logs_who_opened_the_sample_of_a_person(client_for, marc, sample):
    url = reverse("harmreduction:sample_detail", args=[sample.pk])
    client_for(marc).get(url)
    access = AccessLog.objects.get()
    assert (access.user, access.resident, access.page) == (marc, sample.resident, url)
