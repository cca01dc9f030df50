"""The manager generates last year's ARS report, waits for it, downloads the PDF and finds the
file active in it."""

import datetime
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, seed
from tests.browser import chromium_page, login
from tests.factories import PlacementFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile") as page:
        yield page


def test_it_generates_waits_and_downloads_the_ars_report(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the worker's part runs when the request commits
    seed(rng=random.Random(1), scale="demo")
    year = timezone.localdate().year - 1
    for month in range(1, 8):  # seven people housed last year: a file active of 7
        PlacementFactory(
            start=datetime.date(year, month, 1),
            end=datetime.date(year, month, 20),
            exit_destination="street",
        )

    login(page, live_server.url, "direction", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/rapports/")
    expect(page.locator("#id_period_start")).to_have_value(f"{year}-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Générer").click()

    download_link = page.get_by_test_id("download-pdf").first
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        download_link.click()
    path = tmp_path / "rapport.pdf"
    download_info.value.save_as(path)

    from pypdf import PdfReader

    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(path).pages).replace("\u00a0", " ").split()
    )
    assert "File active 7" in text
