"""Playwright helpers for browser tests: Debian's Chromium, a fresh profile, and the login form.

Browser tests carry `@pytest.mark.browser` (skipped when Chromium or Playwright is missing, failing
under CI=true) and use pytest-django's `live_server` with `django_db(transaction=True)`, so the
server thread sees the rows the test creates. Typical use::

    @pytest.fixture
    def page(tmp_path):
        with chromium_page(tmp_path / "profile") as page:
            yield page


    def test_it_...(page, live_server):
        login(page, live_server.url, "alice", "correct horse battery")
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright cannot download its own browsers here: drive Debian's, quietly (no network calls
# home, no first-run pages, no GPU in containers).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 800}
TIMEOUT_MS = 10_000


@contextmanager
def chromium_page(profile_dir: Path, *, viewport: dict = DESKTOP) -> Iterator[Page]:
    """A headless Chromium page with a fresh profile in `profile_dir`, set up like the team's.

    The browser asks for French pages, as the team's do. While it runs, Playwright's event loop
    occupies the test's thread, so Django would refuse the test's own ORM calls as "async unsafe":
    the check is lifted for this block only and restored afterwards. Database connections opened
    inside the block belong to the loop's context, which nothing else will close: left open, they
    stop pytest-django from dropping the test database. So the block closes them on the way out
    (use it in `django_db(transaction=True)` tests, as `live_server` requires anyway).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile_dir,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=viewport,
                locale="fr-FR",
                timezone_id="Europe/Paris",
            )
            context.set_default_timeout(TIMEOUT_MS)
            try:
                yield context.pages[0] if context.pages else context.new_page()
            finally:
                context.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def login(page: Page, live_server_url: str, username: str, password: str) -> None:
    """Log in through the real form at /connexion/ and wait for the page it leads to.

    It does not check the outcome: a refused login stays on /connexion/, which the caller asserts.
    """
    page.goto(f"{live_server_url}/connexion/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
