"""The main pages pass axe-core's checks with no serious or critical finding (contrast, names of
controls and links, labels, landmarks), on the desktop and for each role's own pages.

axe-core is vendored for the tests (tests/vendor/axe-core): the browser gets it from the disk,
never from a network.
"""

import random
from pathlib import Path

import pytest

from accounts import demo as accounts_demo
from accounts.demo import DEMO_PASSWORD
from placements import demo as placements_demo
from residents import demo as residents_demo
from tests.browser import chromium_page, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") + "\n;window.axe !== undefined"
BLOCKING = {"serious", "critical"}
# Each role's main pages (the coordinator's cover the board, lists and forms).
PAGES = {
    "coordination": [
        "/",
        "/hotels/tableau/",
        "/hotels/",
        "/residents/",
        "/admissions/",
        "/residents/nouveau/",
        "/visites/semaine/",
        "/tickets/",
        "/rdr/",
        "/demarches/",
        "/orientations/",
        "/importer/",
    ],
    "direction": ["/", "/rapports/", "/historique/"],
}


@pytest.fixture
def demo(db):
    for seed, name in (
        (accounts_demo.seed, "accounts"),
        (placements_demo.seed, "placements"),
        (residents_demo.seed, "residents"),
        (placements_demo.seed_stays, "stays"),
    ):
        seed(rng=random.Random(f"2024-{name}"), scale="demo")


def _findings(page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} "
        f"{node.get('failureSummary', '')[:160]}"
        for violation in violations
        if violation["impact"] in BLOCKING
        for node in violation["nodes"][:3]
    ]


def test_the_main_pages_have_no_serious_accessibility_finding(tmp_path, live_server, demo):
    findings = {}
    for username, paths in PAGES.items():
        with chromium_page(tmp_path / username) as page:
            login(page, live_server.url, username, DEMO_PASSWORD)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                found = _findings(page)
                if found:
                    findings[f"{username} {path}"] = found
    assert findings == {}
