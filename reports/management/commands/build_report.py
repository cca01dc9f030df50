import datetime
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import services
from reports.models import Audience, Report, ReportStatus


class Command(BaseCommand):
    help = (
        "Build an activity report now, in this process (for cron or support), store it like one "
        "generated from the site, and optionally copy its PDF to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--audience", choices=Audience.values, required=True)
        parser.add_argument("--year", type=int, help="a calendar year (default: last year)")
        parser.add_argument("--start", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--end", type=datetime.date.fromisoformat, help="last day, included")
        parser.add_argument("--output", type=Path, help="where to write the PDF")

    def handle(self, *args, audience, year, start, end, output, **options):
        if year and (start or end):
            raise CommandError("Give either --year or --start and --end.")
        if year:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        elif not (start and end):
            start, end = services.last_year()
        if end < start:
            raise CommandError("--end must not be before --start.")
        report, _created = Report.request(
            audience=audience,
            period_start=start,
            period_end=end,
            idempotency_key=f"command-{uuid.uuid4()}",
        )
        try:
            services.report_build(report.pk)
        except Exception as exc:
            services.report_fail(report.pk, services.BUILD_FAILED)
            raise CommandError(f"The report could not be built: {exc}") from exc
        report.refresh_from_db()
        if report.status != ReportStatus.READY:
            raise CommandError(f"The report is {report.status}: {report.error}")
        if output:
            with report.pdf.open("rb") as pdf:
                output.write_bytes(pdf.read())
        self.stdout.write(
            f"Report {report.pk} ({audience}, {start} to {end}, version {report.version}) "
            f"built in {report.build_seconds} s"
            + (f", PDF written to {output}" if output else f": {report.pdf.name}")
        )
