"""Control characters (a NUL byte, a terminal escape…) never reach the views: stripped from every
query parameter and every form field in one place (core.middleware.ControlCharactersMiddleware).
"""

import uuid

import pytest
from django.http import QueryDict
from django.urls import reverse

from core.params import without_control_characters
from residents.models import Resident
from tests.factories import ResidentFactory


@pytest.mark.django_db
def test_it_searches_residents_with_a_nul_byte_in_the_query(client_for, alice):
    ResidentFactory(nickname="Avantaprès")
    response = client_for(alice).get("/residents/?q=avant%00après")
    assert response.status_code == 200
    assert "Avantaprès" in response.content.decode()


@pytest.mark.django_db
def test_it_searches_accounts_with_a_nul_byte_in_the_query(client_for, marc):
    response = client_for(marc).get(reverse("accounts:account_list"), {"q": "ma\x00rc"})
    assert response.status_code == 200
    assert "marc" in response.content.decode()


@pytest.mark.django_db
def test_it_strips_control_characters_from_a_form_but_keeps_line_breaks(client_for, alice):
    response = client_for(alice).post(
        reverse("residents:resident_create"),
        {
            "nickname": "Zé\x00bu\x1b[31mlon\x7f",
            "birth_year": "1979",
            "gender": "man",
            "languages": "français",
            "consent_notes": "ligne 1\r\n\tligne 2\x0b",
            "confirm_minor": "False",
            "confirm_duplicate": "False",
            "form_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert resident.nickname == "Zébu[31mlon"
    assert resident.consent_notes == "ligne 1\r\n\tligne 2"


def test_it_cleans_names_and_every_value_of_a_parameter():
    params = QueryDict("q=a%00b&q=c%01d&x%00y=1&ok=%09tab")
    cleaned = without_control_characters(params)
    assert cleaned.getlist("q") == ["ab", "cd"]
    assert cleaned["xy"] == "1"
    assert cleaned["ok"] == "\ttab"
    assert not cleaned._mutable


def test_it_returns_clean_parameters_unchanged():
    params = QueryDict("q=avant+apr%C3%A8s&page=2")
    assert without_control_characters(params) is params
