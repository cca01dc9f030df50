import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited

# How long the requester may download an export after asking for it. The file is built at each
# download and never stored; past this delay a new export must be asked for (and logged).
EXPORT_VALIDITY = datetime.timedelta(hours=1)


class ExportFormat(models.TextChoices):
    PDF = "pdf", _("PDF, to hand to the person")
    JSON = "json", _("JSON, to transfer the file to another service")


class SubjectAccessExportQuerySet(models.QuerySet):
    def valid(self, now: datetime.datetime | None = None):
        return self.filter(requested_at__gt=(now or timezone.now()) - EXPORT_VALIDITY)


@audited(readers=CASE_FILE_HISTORY)
class SubjectAccessExport(models.Model):
    """One export of a person's file under the right of access: who, when, in which format.

    Its id is a random UUID, the only id in the download URL: an export's address reveals
    neither the person nor how many exports were made.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="subject_access_exports",
        verbose_name=_("resident"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exported by"),
    )
    requested_at = models.DateTimeField(_("exported at"), default=timezone.now)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    includes_medical = models.BooleanField(
        _("includes medical data"),
        default=False,
        help_text=_("Made by the nurse or the psychiatrist: the medical notes are included."),
    )

    objects = SubjectAccessExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("right of access export")
        verbose_name_plural = _("right of access exports")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["resident", "-requested_at"], name="subject_export_resident_at")
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.requested_at + EXPORT_VALIDITY

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


# --- Who opened which file -----------------------------------------------------------------------


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")


@audited(readers=CASE_FILE_HISTORY)
class AccessLog(models.Model):
    """One line each time someone opens a case file: who, which file, when — never its content."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="access_logs",
        verbose_name=_("resident"),
    )
    at = models.DateTimeField(_("date and time"), default=timezone.now)
    kind = models.CharField(
        _("access"), max_length=8, choices=AccessKind.choices, default=AccessKind.VIEW
    )
    page = models.CharField(_("page"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("case file access")
        verbose_name_plural = _("case file accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident", "-at"], name="accesslog_resident_at")]

    def __str__(self) -> str:
        return f"{self.user} – {self.resident} – {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, *, user, resident, page: str = "", kind: str = AccessKind.VIEW) -> None:
        cls.objects.create(user=user, resident_id=resident.pk, page=page[:200], kind=kind)
