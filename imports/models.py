"""What an import leaves behind: who imported which file when, and the key of each row brought in.

The uploaded file itself is never stored. Its rows, read and checked, wait in the `ImportBatch`
(`rows`) until the coordinator imports them; each row then records its outcome there, which the
downloadable summary reads. Those rows name people, so they do not outlive
`IMPORT_PREVIEW_HOURS`: `purge_expired()` empties them (the batch keeps its counts).

Each row imported keeps its source key (`ImportedRow`): the same row sent again, in the same file
or another, is found there and adds nothing.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, not imported")
    IMPORTED = "imported", _("Imported")
    EXPIRED = "expired", _("Preview expired")


class RowStatus(models.TextChoices):
    """What the preview found for a row (imports.checks)."""

    NEW = "new", _("To create")
    DUPLICATE = "duplicate", _("Probable duplicate")
    EXISTING = "existing", _("Existing file")
    ALREADY = "already", _("Already imported")
    ERROR = "error", _("Not imported: problem")


class RowOutcome(models.TextChoices):
    """What the import did with a row (imports.services)."""

    CREATED = "created", _("Created")
    UNCHANGED = "unchanged", _("Nothing to create")
    ALREADY = "already", _("Already imported")
    SKIPPED = "skipped", _("Not imported")


class RowKind(models.TextChoices):
    PERSON = "person", _("Person")
    STAY = "stay", _("Stay")
    ADMISSION = "admission", _("Admission request")
    STOCK = "stock", _("Stock level")


class ImportBatchQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime | None = None):
        """Batches whose rows are older than IMPORT_PREVIEW_HOURS and still held."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
        return self.filter(created_at__lt=limit).exclude(rows=[])


class ImportBatch(models.Model):
    """One file uploaded: its rows as read and checked, then what became of each."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    file_format = models.CharField(_("format"), max_length=4)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREVIEWED
    )
    # The rows read from the file, checked: a list of JSON objects (see imports.checks).
    rows = models.JSONField(_("rows"), default=list, blank=True)
    # What the reading found about the file as a whole (sheets ignored, columns not used).
    notes = models.JSONField(_("notes on the file"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Import no. %(number)s") % {"number": self.pk}

    @property
    def is_expired(self) -> bool:
        limit = self.created_at + datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
        return self.status == BatchStatus.EXPIRED or timezone.now() >= limit

    @property
    def may_import(self) -> bool:
        return self.status == BatchStatus.PREVIEWED and not self.is_expired


class ImportedRow(models.Model):
    """A row brought in by an import, by its source key: found again, it is not imported twice.

    The key is a hash of the cells that identify the row (see imports.checks.source_key).
    """

    key = models.CharField(_("source key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RowKind.choices)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="imported_rows",
        verbose_name=_("import"),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stay"),
    )
    admission = models.ForeignKey(
        "residents.AdmissionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admission request"),
    )

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:12]}"
