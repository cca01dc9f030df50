"""French first: the interface, the errors and the formats are French; English is one click away."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from tests.factories import HotelFactory


@pytest.mark.django_db
def test_it_serves_the_login_page_in_french(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à Ancrage" in page
    assert "Nom d’utilisateur" in page


@pytest.mark.django_db
def test_it_answers_403_and_404_in_french(client_for, alice):
    client = client_for(alice)
    forbidden = client.get(reverse("placements:hotel_create"))
    assert forbidden.status_code == 403
    assert "Accès refusé" in forbidden.content.decode()
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.content.decode()


def test_it_has_a_french_500_page():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert '<html lang="fr">' in page
    assert "Une erreur est survenue" in page


@pytest.mark.django_db
def test_it_switches_to_english_and_back(client_for, chloe):
    client = client_for(chloe)
    client.post(reverse("set_language"), {"language": "en", "next": "/hotels/"})
    page = client.get(reverse("placements:hotel_list")).content.decode()
    assert '<html lang="en">' in page
    assert "New hotel" in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/hotels/"})
    assert "Nouvel hôtel" in client.get(reverse("placements:hotel_list")).content.decode()


@pytest.mark.django_db
def test_it_translates_role_names_in_the_header(client_for, chloe):
    page = client_for(chloe).get(reverse("home")).content.decode()
    assert "Coordinateur·rice" in page


def test_it_formats_dates_and_numbers_the_french_way():
    with translation.override("fr"):
        assert formats.date_format(datetime.date(2025, 1, 2), "SHORT_DATE_FORMAT") == "02/01/2025"
        assert formats.number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"


@pytest.mark.django_db
def test_it_labels_every_model_field_in_french(client_for, chloe):
    HotelFactory()
    page = client_for(chloe).get(reverse("placements:hotel_create")).content.decode()
    for label in ("Nom", "Adresse", "Arrondissement", "Téléphone", "Contact à l’hôtel"):
        assert label in page


def test_it_has_a_complete_french_catalogue():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parent.parent / "locale/fr/LC_MESSAGES/django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and not (all(message.string) if isinstance(message.id, tuple) else message.string)
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.django_db
def test_it_ignores_the_browsers_language(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à Ancrage" in page
