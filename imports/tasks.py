from celery import shared_task

from imports.services import purge_expired


@shared_task
def purge_import_previews() -> int:
    """Empty the rows of the imports older than IMPORT_PREVIEW_HOURS (they name people)."""
    return purge_expired()
