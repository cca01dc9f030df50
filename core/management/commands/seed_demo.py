import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import import_string

# Each app seeds its own demo data, in this order (later ones use earlier ones' rows).
SEEDERS = [
    "accounts.demo.seed",
    "placements.demo.seed",
    "residents.demo.seed",
    "placements.demo.seed_stays",
    "support.demo.seed",
    "visits.demo.seed",
    "harmreduction.demo.seed",
    "reports.demo.seed",
]

SCALES = {
    "demo": "the programme: 6 hotels, 70 places",
    "assore": "the whole scheme: ~40 hotels, 610 places",
}


class Command(BaseCommand):
    help = "Load fictional demo data. Idempotent: running it again adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--seed", type=int, default=2024, help="random seed (deterministic data)"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="allow loading fictional data with DEBUG off (benchmarks only)",
        )

    def handle(self, *args, scale, seed, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DEBUG off (use --allow-production)."
            )
        # One transaction, and no savepoint when called inside one (the tests' shared demo): rows
        # written inside a savepoint make every history trigger several times slower (44 s
        # instead of 14 s for the whole demo).
        with transaction.atomic(savepoint=False):
            for path in SEEDERS:
                summary = import_string(path)(rng=random.Random(f"{seed}-{path}"), scale=scale)
                self.stdout.write(f"{path.split('.')[0]}: {summary}")
        # Thousands of rows just arrived: refresh the planner's statistics now rather than when
        # autovacuum gets to it, or the first pages are planned for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({SCALES[scale]})."))
