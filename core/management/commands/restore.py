from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a dump made by `backup`, replacing the content of the target database."

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL"
        )
        parser.add_argument(
            "--yes", action="store_true", help="confirm replacing the data of DATABASE_URL"
        )

    def handle(self, *args, dump, database_url, yes, **options):
        if not dump.exists():
            raise CommandError(f"No such dump: {dump}")
        if database_url:
            database = dj_database_url.parse(database_url)
        elif yes:
            database = settings.DATABASES["default"]
        else:
            raise CommandError("This replaces all the data of DATABASE_URL: add --yes to confirm.")
        backup_restore(dump, database=database)
        self.stdout.write(self.style.SUCCESS(f"Restored {dump} into {database['NAME']}."))
