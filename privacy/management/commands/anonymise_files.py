import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Anonymise the case files whose last contact is older than RETENTION_DAYS, and delete "
        "the access log and change history past their delays (what the nightly task does). "
        "With --dry-run, list what would be done and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the files, change nothing")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="YYYY-MM-DD: count the delay from this day (default: today)",
        )

    def handle(self, *args, dry_run, today, **options):
        expired = retention.expired_files(today)
        limit = retention.cutoff(today)
        self.stdout.write(
            f"Retention: {settings.RETENTION_DAYS} days; files whose last contact is before "
            f"{limit.isoformat()}."
        )
        if dry_run:
            # File numbers only: the output may land in a log, names never do.
            for file in expired:
                self.stdout.write(
                    f"  file #{file.resident_id}  last contact {file.last_contact.isoformat()}"
                )
            self.stdout.write(
                f"{len(expired)} file(s) would be anonymised; "
                f"{retention.old_access_log().count()} access log line(s) and "
                f"{retention.old_history_count()} history event(s) would be deleted. "
                "Nothing was changed (dry run)."
            )
            return
        anonymised = retention.anonymise_expired(today)
        access = retention.purge_access_log()
        history = retention.purge_history()
        self.stdout.write(
            self.style.SUCCESS(
                f"{anonymised} file(s) anonymised; {access} access log line(s) and "
                f"{history} history event(s) deleted."
            )
        )
