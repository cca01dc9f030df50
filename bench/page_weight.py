"""What a phone on hotel Wi-Fi downloads, and how long it waits, under `make run`.

    .venv/bin/python bench/page_weight.py            # DATABASE_URL, else the benchmark database
    .venv/bin/python bench/page_weight.py --json out.json

It prepares the database as `make run` does (migrate, collectstatic, seed_demo), starts the same
web server (runserver, DEBUG, collected static files), then drives Debian's Chromium (headless,
Playwright) on a 390×844 screen with the network emulated through the DevTools protocol: 400 kbps
each way, 400 ms latency. As the demo social worker it opens the login page with an empty cache,
logs in, then opens the pages of a round one after the other, and reports for each the bytes
transferred (headers and compressed bodies, what the radio carries) and the time until the page
is usable (its `load` event: the stylesheets applied, the deferred scripts run). Budgets (issue
#16, README "Benchmarks"): the cold login page at most 150 KB and 4 s; every later page at most
15 KB; a visit logged "Vu·e" at most 2 s from the tap to the confirmation (it logs one of the
demo worker's visits of today in that database). It exits with 1 when a budget is exceeded.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from run import DEFAULT_DATABASE_URL, create_database, manage  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
USERNAME = "travailleur"
PASSWORD = "demo-ancrage"  # accounts.demo.DEMO_PASSWORD
KBPS = 400
LATENCY_MS = 400
COLD_BUDGET = 150 * 1024  # bytes
COLD_SECONDS = 4.0
LATER_BUDGET = 15 * 1024  # bytes
# The pages of a round after logging in, by the links a worker follows (None: found on the page).
LATER_PAGES = ["/", "/visites/", "visit", "resident", "/visites/", "/residents/"]


def server_env(database_url: str) -> dict[str, str]:
    """The environment `make run` gives its web server (config.devservices.run)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "true",
        "STATIC_COLLECTED": "true",
        "TWO_FACTOR_REQUIRED": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f}s")


class Meter:
    """Bytes received per page load, from the DevTools protocol's network events."""

    def __init__(self, cdp):
        self.requests: dict[str, dict] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self.requests = {}

    def _response(self, event) -> None:
        response = event["response"]
        self.requests.setdefault(event["requestId"], {}).update(
            url=response["url"], status=response["status"], bytes=0,
            cached=response.get("fromDiskCache", False) or response.get("fromMemoryCache", False),
        )  # fmt: skip

    def _finished(self, event) -> None:
        self.requests.setdefault(event["requestId"], {})["bytes"] = event["encodedDataLength"]

    def total(self) -> int:
        return sum(request.get("bytes", 0) for request in self.requests.values())

    def files(self) -> list[tuple[str, int, int]]:
        return [
            (request.get("url", "?").split("/", 3)[-1], request.get("status", 0), request["bytes"])
            for request in self.requests.values()
            if "bytes" in request
        ]


def measure(page, meter, label: str, action) -> dict:
    meter.reset()
    start = time.monotonic()
    action()
    page.wait_for_load_state("load")
    seconds = time.monotonic() - start
    page.wait_for_timeout(300)  # late requests (the icon sprite of a <use>) are counted too
    return {
        "page": label,
        "path": page.url.split("/", 3)[-1],
        "bytes": meter.total(),
        "seconds": round(seconds, 2),
        "requests": meter.files(),
    }


def run_browser(base_url: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        # The service worker's own requests go out of its target, neither throttled nor counted
        # by the page's network emulation: blocked here, every page comes over the (slow)
        # network, the case the budgets are about.
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, service_workers="block"
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": KBPS * 1000 / 8,
                "uploadThroughput": KBPS * 1000 / 8,
            },
        )
        meter = Meter(cdp)
        results.append(
            measure(page, meter, "login (cold)", lambda: page.goto(f"{base_url}/connexion/"))
        )

        def log_in():
            form = page.locator("main form")
            form.locator("input[name=username]").fill(USERNAME)
            form.locator("input[name=password]").fill(PASSWORD)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()

        results.append(measure(page, meter, "log in → home", log_in))
        for target in LATER_PAGES:
            if target == "visit":
                link = page.locator("main a[href^='/visites/']").filter(has_text="")
                hrefs = [h for h in link.evaluate_all("els => els.map(e => e.pathname)")]
                path = next((h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()), None)
            elif target == "resident":
                hrefs = page.locator("main a[href^='/residents/']").evaluate_all(
                    "els => els.map(e => e.pathname)"
                )
                path = next((h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()), None)
            else:
                path = target
            if path is None:
                print(f"  (no {target} link on {page.url}: skipped)")
                continue
            results.append(measure(page, meter, path, lambda p=path: page.goto(f"{base_url}{p}")))
        results.append(log_a_visit_seen(page, meter, base_url))
        browser.close()
    return [result for result in results if result]


def log_a_visit_seen(page, meter, base_url: str) -> dict | None:
    """Open the first of today's visits not logged yet and tap "Vu·e": the time from the tap to
    the page that confirms it (the visit page itself is one of the later pages above)."""
    page.goto(f"{base_url}/visites/")
    paths = page.locator("main a[href^='/visites/']").evaluate_all(
        "els => els.map(e => e.pathname)"
    )
    for path in dict.fromkeys(p for p in paths if p.rstrip("/").split("/")[-1].isdigit()):
        page.goto(f"{base_url}{path}")
        seen = page.locator("button[name=outcome][data-testid=outcome-seen][aria-pressed=false]")
        if seen.count() and not page.locator("[data-testid=visit-status].text-bg-success").count():

            def tap(button=seen.first):
                with page.expect_navigation():
                    button.click()

            return measure(page, meter, "visit logged “Vu·e”", tap)
    print("  (no visit left to log today: the “Vu·e” figure is skipped)")
    return None


def report(results: list[dict]) -> bool:
    print(f"\nNetwork: {KBPS} kbps each way, {LATENCY_MS} ms latency; Chromium 390×844\n")
    print(f"{'page':<28} {'transferred':>12} {'usable':>8}  requests")
    within = True
    for index, result in enumerate(results):
        budget = COLD_BUDGET if index == 0 else LATER_BUDGET
        over = result["bytes"] > budget or (index == 0 and result["seconds"] > COLD_SECONDS)
        over = over or (result["page"].startswith("visit logged") and result["seconds"] > 2)
        within = within and not over
        print(
            f"{result['page']:<28} {result['bytes'] / 1024:>9.1f} KB {result['seconds']:>6.2f} s"
            f"  {len(result['requests'])}{'  OVER BUDGET' if over else ''}"
        )
    print("\nFirst load, file by file:")
    for path, status, size in sorted(results[0]["requests"], key=lambda r: -r[2]):
        print(f"  {size / 1024:>7.1f} KB  {status}  /{path}")
    return within


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/collect/seed")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = server_env(database_url)
    if not args.skip_setup:
        create_database(database_url, fresh=False)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        results = run_browser(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(10)
    within = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
