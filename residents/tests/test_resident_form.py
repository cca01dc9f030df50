import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import Resident
from tests.factories import ResidentFactory

CREATE = reverse("residents:resident_create")
TODAY = timezone.localdate()


def _data(**overrides):
    data = {
        "nickname": "Zébulon",
        "first_name": "",
        "last_name": "",
        "birth_date": "",
        "birth_year": "1979",
        "gender": "man",
        "nationality": "",
        "languages": "français",
        "phone": "",
        "emergency_contact": "",
        "informed_on": "",
        "informed_by": "",
        "consent_notes": "",
        "confirm_minor": "False",
        "confirm_duplicate": "False",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_opens_a_file_with_a_nickname_only(client_for, alice):
    response = client_for(alice).post(CREATE, _data(birth_year=""), follow=True)
    resident = Resident.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "residents:resident_detail", args=[resident.pk]
    )
    assert "Le dossier de « Zébulon » a été créé." in response.content.decode()
    assert resident.created_by == alice
    assert resident.birth_year is None


@pytest.mark.django_db
def test_it_takes_the_year_of_birth_from_the_date(client_for, alice):
    client_for(alice).post(CREATE, _data(birth_date="1984-06-02", birth_year="1990"))
    assert Resident.objects.get().birth_year == 1984


@pytest.mark.django_db
def test_it_records_information_and_consent(client_for, alice, nina):
    client_for(alice).post(
        CREATE,
        _data(informed_on=TODAY.isoformat(), informed_by=nina.pk, objects_to_sharing="on"),
    )
    resident = Resident.objects.get()
    assert (resident.informed_on, resident.informed_by, resident.objects_to_sharing) == (
        TODAY,
        nina,
        True,
    )


@pytest.mark.django_db
def test_it_refuses_a_birth_date_in_the_future(client_for, alice):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client_for(alice).post(CREATE, _data(birth_date=tomorrow.isoformat()))
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_year_of_birth_in_the_future(client_for, alice):
    response = client_for(alice).post(CREATE, _data(birth_year=str(TODAY.year + 1)))
    assert "L’année de naissance ne peut pas être dans le futur." in response.content.decode()
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_asks_to_confirm_a_person_who_may_be_a_minor(client_for, chloe):
    client = client_for(chloe)
    data = _data(birth_year=str(TODAY.year - 17))
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cette personne a peut-être moins de 18 ans" in page
    assert 'type="checkbox" name="confirm_minor"' in page
    assert not Resident.objects.exists()

    response = client.post(CREATE, {**data, "confirm_minor": "on"})
    assert response.status_code == 302
    assert Resident.objects.get().birth_year == TODAY.year - 17


@pytest.mark.django_db
def test_it_hides_the_minor_confirmation_for_an_adult(client_for, alice):
    page = client_for(alice).get(CREATE).content.decode()
    assert 'type="hidden" name="confirm_minor"' in page
    response = client_for(alice).post(CREATE, _data(birth_year=str(TODAY.year - 19)))
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_refuses_a_consent_date_in_the_future(client_for, alice):
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client_for(alice).post(
        CREATE, _data(informed_on=tomorrow.isoformat(), informed_by=alice.pk)
    )
    assert (
        "La date d’information de la personne ne peut pas être dans le futur."
        in response.content.decode()
    )
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_consent_date_before_the_file_existed(client_for, alice):
    response = client_for(alice).post(
        CREATE,
        _data(informed_on=(TODAY - datetime.timedelta(days=3)).isoformat(), informed_by=alice.pk),
    )
    assert "ne peut pas précéder l’ouverture du dossier" in response.content.decode()
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_warns_of_a_possible_duplicate_and_links_to_it(client_for, alice):
    existing = ResidentFactory(nickname="Zébulon", first_name="Paul", birth_year=1979)
    client = client_for(alice)
    data = _data(nickname="Zebulon")
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Doublon possible." in page
    assert reverse("residents:resident_detail", args=[existing.pk]) in page
    assert Resident.objects.count() == 1

    response = client.post(CREATE, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Resident.objects.count() == 2


@pytest.mark.django_db
def test_it_does_not_call_a_different_birth_year_a_duplicate(client_for, alice):
    ResidentFactory(nickname="Zébulon", birth_year=1960)
    response = client_for(alice).post(CREATE, _data(nickname="Zebulon", birth_year="1979"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, alice):
    client = client_for(alice)
    data = _data()
    assert client.post(CREATE, data).status_code == 302
    replay = client.post(CREATE, data)
    assert replay.status_code == 200
    assert "Ce formulaire a déjà été envoyé" in replay.content.decode()
    assert Resident.objects.count() == 1
    fresh_token = replay.context["form"]["form_token"].value()
    assert fresh_token != data["form_token"]


@pytest.mark.django_db
def test_it_refuses_a_form_without_token(client_for, alice):
    response = client_for(alice).post(CREATE, _data(form_token=""))
    assert "Ce formulaire a déjà été envoyé" in response.content.decode()
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_updates_a_file_without_asking_again_about_age_or_duplicates(client_for, nina):
    ResidentFactory(nickname="Zébulon", birth_year=1979)
    resident = ResidentFactory(nickname="Zebulon", birth_year=1979)
    url = reverse("residents:resident_update", args=[resident.pk])
    response = client_for(nina).post(url, _data(nickname="Zebulon", phone="06 00 00 00 01"))
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.phone == "06 00 00 00 01"


@pytest.mark.django_db
def test_it_refuses_a_consent_date_before_an_old_file_was_opened(client_for, nina):
    resident = ResidentFactory(created_at=timezone.now() - datetime.timedelta(days=30))
    url = reverse("residents:resident_update", args=[resident.pk])
    ok = (TODAY - datetime.timedelta(days=10)).isoformat()
    too_early = (TODAY - datetime.timedelta(days=40)).isoformat()
    assert (
        client_for(nina).post(url, _data(informed_on=too_early, informed_by=nina.pk)).status_code
        == 200
    )
    assert client_for(nina).post(url, _data(informed_on=ok, informed_by=nina.pk)).status_code == 302


@pytest.mark.django_db
def test_it_forbids_the_manager_and_the_admin(client_for, marc, ada):
    for user in (marc, ada):
        assert client_for(user).post(CREATE, _data()).status_code == 403
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_archived_file(client_for, chloe, alice):
    archived = ResidentFactory()
    archived.archive(by=chloe)
    for pk in (archived.pk, 999999):
        url = reverse("residents:resident_update", args=[pk])
        assert client_for(alice).post(url, _data()).status_code == 404


@pytest.mark.django_db
def test_it_logs_opening_the_edit_form(client_for, alice):
    resident = ResidentFactory()
    client_for(alice).get(reverse("residents:resident_update", args=[resident.pk]))
    assert resident.access_logs.get().user == alice


@pytest.mark.django_db
def test_it_keeps_who_informed_the_person_after_they_left(client_for, alice, nina):
    resident = ResidentFactory(informed_on=TODAY, informed_by=nina)
    nina.is_active = False
    nina.save()
    url = reverse("residents:resident_update", args=[resident.pk])
    response = client_for(alice).post(
        url, _data(informed_on=TODAY.isoformat(), informed_by=nina.pk)
    )
    assert response.status_code == 302
    assert nina not in client_for(alice).get(CREATE).context["form"].fields["informed_by"].queryset
