"""Another app adds its form to the visit page and saves it with the visit, in one transaction."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import VisitFactory
from visits import extensions
from visits.models import Visit, VisitStatus


class KitsForm(forms.Form):
    kits = forms.IntegerField(label="Kits base", min_value=0, required=False)


class KitsGiven(extensions.VisitExtension):
    """A test double of the harm-reduction app: kits given out during the visit."""

    name = "kits"
    template = "visits/includes/extension_form.html"

    def __init__(self):
        self.saved = []

    def is_available(self, user) -> bool:
        return user.username != "paul"

    def get_form(self, *, visit, user, data, prefix):
        return KitsForm(data, prefix=prefix)

    def save(self, form, *, visit, user) -> None:
        kits = form.cleaned_data["kits"] or 0
        if kits > 5:
            raise ValidationError("Stock insuffisant : il reste 5 kits base.")
        # The visit is already saved and logged when the extension runs, in the same transaction.
        self.saved.append((Visit.objects.get(pk=visit.pk).status, kits, user.username))


@pytest.fixture
def kits():
    with extensions.registry.temporarily(KitsGiven()) as extension:
        yield extension


def _url(visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def _token(client, visit) -> str:
    return str(client.get(_url(visit)).context["form"].initial["form_token"])


@pytest.mark.django_db
def test_it_shows_the_extensions_form_in_the_visit_form(client_for, alice, paul, kits):
    visit = VisitFactory()
    page = client_for(alice).get(_url(visit)).content.decode()
    assert 'name="kits-kits"' in page and "matériel" in page
    assert 'name="kits-kits"' not in client_for(paul).get(_url(visit)).content.decode()


@pytest.mark.django_db
def test_it_saves_the_extension_with_the_visit(client_for, alice, kits):
    visit = VisitFactory()
    client = client_for(alice)
    data = {"form_token": _token(client, visit), "outcome": "seen", "kits-kits": "2"}
    assert client.post(_url(visit), data).status_code == 302
    assert kits.saved == [(VisitStatus.DONE, 2, "alice")]


@pytest.mark.django_db
def test_one_tap_still_records_the_visit_with_the_extension_left_empty(client_for, alice, kits):
    visit = VisitFactory()
    client = client_for(alice)
    assert client.post(_url(visit), {"form_token": _token(client, visit), "outcome": "seen"})
    assert kits.saved == [(VisitStatus.DONE, 0, "alice")]


@pytest.mark.django_db
def test_an_invalid_extension_form_saves_nothing(client_for, alice, kits):
    visit = VisitFactory()
    client = client_for(alice)
    data = {"form_token": _token(client, visit), "outcome": "seen", "kits-kits": "-1"}
    response = client.post(_url(visit), data)
    assert response.status_code == 400
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED
    assert kits.saved == []


@pytest.mark.django_db
def test_an_extension_that_refuses_rolls_the_visit_back(client_for, alice, kits):
    visit = VisitFactory()
    client = client_for(alice)
    data = {"form_token": _token(client, visit), "outcome": "seen", "kits-kits": "9"}

    response = client.post(_url(visit), data)

    assert response.status_code == 400
    assert "Stock insuffisant : il reste 5 kits base." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.logged_at) == (VisitStatus.PLANNED, None)
    retry = client.post(_url(visit), {**data, "kits-kits": "1"})  # the token was not spent
    assert retry.status_code == 302
    assert kits.saved == [(VisitStatus.DONE, 1, "alice")]


def test_the_same_name_registered_again_replaces_the_extension_in_its_place(kits):
    names = extensions.registry.names()
    again = KitsGiven()
    with extensions.registry.temporarily(again):
        assert extensions.registry.names() == names
        assert again in extensions.registry and kits not in extensions.registry
    assert kits in extensions.registry
