"""Pages go out gzip-compressed to browsers that accept it; files go out as they are."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import PlacementFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.django_db
def test_it_compresses_the_pages(client_for, chloe):
    PlacementFactory.create_batch(3)
    response = client_for(chloe).get(reverse("placements:board"), **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert "Tableau d’occupation" in page and page.rstrip().endswith("</html>")
    assert len(response.content) < len(page) / 3


@pytest.mark.django_db
def test_it_sends_a_page_as_it_is_to_a_browser_that_does_not_accept_gzip(client_for, chloe):
    response = client_for(chloe).get(reverse("placements:board"))
    assert not response.has_header("Content-Encoding")
    assert "Tableau d’occupation" in response.content.decode()


@pytest.mark.django_db
def test_it_leaves_the_files_as_they_are(client_for, marc):
    client = client_for(marc)
    for name in ("placements:statement_xlsx", "placements:statement_csv"):
        response = client.get(reverse(name), **GZIP)
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding"), name
