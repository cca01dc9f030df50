"""A drop-down list says what to choose: its empty choice reads "Choisir…", never "---------".

Every select of the project renders through templates/django/forms/widgets/select_option.html
(settings.FORM_RENDERER), so no form can forget it.
"""

import pytest
from django.urls import reverse

FORM_PAGES = [
    reverse("placements:incident_create"),
    reverse("residents:resident_create"),
    reverse("residents:admission_create"),
    reverse("placements:hotel_create"),
]


@pytest.mark.django_db
def test_every_empty_choice_says_what_to_do(client_for, chloe):
    client = client_for(chloe)
    prompts = 0
    for url in FORM_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "---------" not in page, url
        prompts += page.count(">Choisir…</option>")
    assert prompts >= 3  # the optional lists of these forms


@pytest.mark.django_db
def test_it_keeps_the_empty_choice_selectable_and_blank(client_for, chloe):
    page = client_for(chloe).get(reverse("placements:incident_create")).content.decode()
    assert '<option value="" selected>Choisir…</option>' in page
