"""Time the yearly activity report at the benchmark's scale (run bench/run.py once to seed it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench .venv/bin/python bench/report.py

Prints, for each audience: the time to compute the figures, to render the HTML, to render the
PDF, and the ratio of the whole build to rendering the same HTML alone. Nothing is written to
the database: the report is built in memory.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ancrage_bench")
os.environ.setdefault("SECRET_KEY", "bench-report")


def main() -> None:
    import django

    django.setup()
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from reports import comparison, rendering
    from reports.models import Report

    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    args = parser.parse_args()
    start, end = datetime.date(args.year, 1, 1), datetime.date(args.year + 1, 1, 1)
    for audience in ("ars", "operator"):
        began = time.perf_counter()
        with translation.override("fr"), CaptureQueriesContext(connection) as queries:
            # What a build stores: the year's tables, the previous year's beside them, the summary.
            computed = comparison.compute_with_previous(audience, start, end)
        figures_s = time.perf_counter() - began
        report = Report(
            audience=audience,
            period_start=start,
            period_end=end - datetime.timedelta(days=1),
            figures=json.loads(json.dumps(computed, cls=DjangoJSONEncoder)),
            built_at=timezone.now(),
        )
        began = time.perf_counter()
        html = rendering.report_html(report)
        html_s = time.perf_counter() - began
        began = time.perf_counter()
        pdf = rendering.render_pdf(html)
        pdf_s = time.perf_counter() - began
        whole = figures_s + html_s + pdf_s
        print(
            f"{audience:9} figures {figures_s:6.2f} s ({len(queries)} queries) · "
            f"HTML {html_s:5.2f} s · PDF {pdf_s:5.2f} s ({len(pdf) // 1024} KiB) · "
            f"whole {whole:5.2f} s = {whole / pdf_s:4.2f} × rendering alone"
        )


if __name__ == "__main__":
    main()
