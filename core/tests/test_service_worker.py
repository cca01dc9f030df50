"""The service worker at /sw.js and what the server lets a phone keep (issue 16)."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from core.offline import OFFLINE_HEADER, device_owner
from core.tests.test_static_files import COLLECTED
from tests.factories import PlacementFactory, VisitFactory
from visits.models import FollowUpReason


@pytest.mark.django_db
def test_it_serves_the_worker_from_the_root_to_anyone(client, client_for, alice):
    for visitor in (client, client_for(alice)):
        response = visitor.get("/sw.js")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/javascript; charset=utf-8"
        assert response["Service-Worker-Allowed"] == "/"
        assert "no-cache" in response["Cache-Control"]  # a new version reaches the next page
        assert "max-age=0" in response["Cache-Control"]
    assert reverse("service_worker") == "/sw.js"


def test_it_speaks_french_and_loads_the_store_by_its_collected_name(client, collected_site):
    body = client.get("/sw.js").content.decode()
    store = re.search(r'importScripts\("([^"]+)"\)', body).group(1)
    assert re.fullmatch(r"/static/js/offline-store\.[0-9a-f]{12}\.js", store)
    assert client.get(store).status_code == 200
    assert "Pas de connexion" in body


@pytest.fixture
def collected_site(tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES=COLLECTED,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    ):
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", "--verbosity", "0")
        yield


@pytest.mark.django_db
def test_pages_name_their_user_by_a_hash_and_the_login_page_by_nobody(
    client, client_for, alice, nina
):
    login_page = client.get(reverse("login")).content.decode()
    assert 'data-offline-owner=""' in login_page
    home = client_for(alice).get(reverse("home")).content.decode()
    owner = device_owner(alice)
    assert f'data-offline-owner="{owner}"' in home
    assert len(owner) == 20 and owner not in (str(alice.pk), alice.username)
    assert device_owner(nina) != owner
    words = re.search(r'<script id="offline-strings" type="application/json">(.*?)</script>', home)
    assert json.loads(words.group(1))["waiting"] == "{count} en attente d’envoi"


@pytest.mark.django_db
def test_only_todays_list_and_its_visit_forms_may_be_kept(client_for, alice, chloe):
    visit = VisitFactory(worker=alice)
    worker = client_for(alice)
    assert worker.get(reverse("visits:today"))[OFFLINE_HEADER] == "keep"
    visit_page = worker.get(reverse("visits:visit_detail", args=[visit.pk]))
    assert visit_page[OFFLINE_HEADER] == "keep"
    assert 'data-offline-drafts="true"' in visit_page.content.decode()
    # Another day, another worker's day, any other page: not kept.
    assert OFFLINE_HEADER not in worker.get(reverse("visits:today") + "?jour=2030-01-07")
    assert OFFLINE_HEADER not in client_for(chloe).get(
        reverse("visits:today") + f"?intervenant={alice.pk}"
    )
    assert OFFLINE_HEADER not in worker.get(reverse("home"))
    assert OFFLINE_HEADER not in worker.get(
        reverse("residents:resident_detail", args=[visit.resident_id])
    )


@pytest.mark.django_db
def test_a_visit_page_showing_a_medical_note_is_never_kept(client_for, nina, alice):
    visit = VisitFactory(worker=nina)
    nurse = client_for(nina)
    nurse.post(
        reverse("visits:visit_detail", args=[visit.pk]),
        {
            "outcome": "seen",
            "follow_up_reason": FollowUpReason.MEDICAL,
            "follow_up_note": "Plaie au pied",
            "form_token": "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f",
        },
    )
    page = nurse.get(reverse("visits:visit_detail", args=[visit.pk]))
    assert "Plaie au pied" in page.content.decode()
    assert OFFLINE_HEADER not in page


@pytest.mark.django_db
def test_visit_and_note_forms_keep_drafts_other_forms_do_not(client_for, alice):
    visit = VisitFactory(worker=alice)
    housed = PlacementFactory().resident
    worker = client_for(alice)
    for url in (
        reverse("visits:visit_detail", args=[visit.pk]),
        reverse("visits:unplanned_log", args=[housed.pk]),
        reverse("support:note_create", args=[housed.pk]),
    ):
        html = worker.get(url).content.decode()
        assert 'data-offline-drafts="true"' in html, url
        assert 'name="form_token"' in html, url  # what makes a queued form's replay harmless
    step_form = worker.get(reverse("support:step_create", args=[visit.resident_id]))
    assert 'data-offline-drafts="false"' in step_form.content.decode()
