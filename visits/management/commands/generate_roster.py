import datetime
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from visits.roster import roster_generate, week_start


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Plan the missing home visits of a week, as celery beat does every week (idempotent). "
        "--dry-run measures the planning and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week",
            type=datetime.date.fromisoformat,
            help="any day of the week to plan, YYYY-MM-DD (default: next week)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="plan, then roll back: the time and queries only"
        )

    def handle(self, *args, week, dry_run, **options):
        week = week_start(week or timezone.localdate() + datetime.timedelta(days=7))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            try:
                with transaction.atomic():
                    result = roster_generate(week=week)
                    elapsed = time.perf_counter() - started
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
        self.stdout.write(
            f"Week of {week}: {result.created} visits for {result.residents} people "
            f"({result.unassigned} without a worker) in {elapsed:.2f} s and {len(queries)} queries"
            + (" — dry run, nothing saved." if dry_run else ".")
        )
