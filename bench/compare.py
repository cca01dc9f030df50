"""Put two runs of bench/run.py side by side: p50/base and p95 of each page, before and after.

    .venv/bin/python bench/compare.py bench/results/BEFORE.json bench/results/AFTER.json

A page measured in one run only shows "–" in the other. The goal column says whether the
after run meets issue #20's goal for the page: p50 at most 5 × the baseline's and p95 at most
100 ms.
"""

import json
import sys
from pathlib import Path

GOAL_RATIO, GOAL_P95_MS = 5.0, 100.0


def pages(path: Path) -> dict[str, dict]:
    return {page["name"]: page for page in json.loads(path.read_text())["pages"]}


def cell(page: dict | None, key: str, digits: int) -> str:
    return "–" if page is None else f"{page[key]:.{digits}f}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = (pages(Path(name)) for name in argv)
    header = (
        f"{'page':<22}{'p50/base before':>16}{'after':>8}{'p95 ms before':>15}{'after':>8}"
        f"{'goal':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in [*after, *(name for name in before if name not in after)]:
        old, new = before.get(name), after.get(name)
        goal = ""
        if new is not None and not name.startswith("baseline"):
            met = new["p50_ratio_to_baseline"] <= GOAL_RATIO and new["p95_ms"] <= GOAL_P95_MS
            goal = "yes" if met else "NO"
        print(
            f"{name:<22}{cell(old, 'p50_ratio_to_baseline', 2):>16}"
            f"{cell(new, 'p50_ratio_to_baseline', 2):>8}{cell(old, 'p95_ms', 1):>15}"
            f"{cell(new, 'p95_ms', 1):>8}{goal:>6}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
