from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.backup import backup_create


class Command(BaseCommand):
    help = "Dump the database (pg_dump custom format) and keep the newest BACKUP_KEEP dumps."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=Path(settings.BACKUP_DIR))
        parser.add_argument("--keep", type=int, default=settings.BACKUP_KEEP)

    def handle(self, *args, directory, keep, **options):
        target = backup_create(directory, keep=keep)
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target}"))
