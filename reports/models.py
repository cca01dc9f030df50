import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited
from core.validators import validate_period


class Audience(models.TextChoices):
    ARS = "ars", _("ARS Île-de-France (health report)")
    OPERATOR = "operator", _("The operator (hotel housing)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(status=ReportStatus.READY)


def _pdf_path(report: "Report", filename: str) -> str:
    return f"reports/{report.period_start.year}/{filename}"


@audited(exclude=["figures"])
class Report(models.Model):
    """One build of the activity report for an audience and a period (both days included).

    `figures` holds the exact tables printed (reports.figures); the PDF, the CSV and the XLSX are
    made from them, so a report downloads unchanged after data are corrected. Regenerating the
    same period makes a new version.
    """

    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text=_("Last day of the period, included."))
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    figures = models.JSONField(_("figures printed"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (seconds)"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "period_start", "period_end", "version"],
                name="report_one_version_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_audience_display()} {self.period_start}–{self.period_end} v{self.version}"
        )

    def clean(self):
        if self.period_start and self.period_end:
            validate_period(self.period_start, self.end_exclusive, end_field="period_end")

    @property
    def end_exclusive(self) -> datetime.date:
        """The figures count the half-open period [period_start, end_exclusive)."""
        return self.period_end + datetime.timedelta(days=1)

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.BUILDING)

    @classmethod
    def request(
        cls,
        *,
        audience: str,
        period_start: datetime.date,
        period_end: datetime.date,
        idempotency_key: str,
        by=None,
    ) -> tuple["Report", bool]:
        """The report of this key, created as queued with the next version number if new.

        Returns (report, created): the same key twice gives the same report.
        """
        for _attempt in range(3):
            existing = cls.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
            version = (
                cls.objects.filter(
                    audience=audience, period_start=period_start, period_end=period_end
                ).aggregate(last=Max("version"))["last"]
                or 0
            ) + 1
            report = cls(
                audience=audience,
                period_start=period_start,
                period_end=period_end,
                idempotency_key=idempotency_key,
                requested_by=by,
                version=version,
            )
            report.full_clean()
            try:
                with transaction.atomic():
                    report.save()
                return report, True
            except IntegrityError:  # a concurrent request took the key or the version
                continue
        raise IntegrityError("Could not number the report's version.")

    def tables(self) -> list[tuple[str, str]]:
        """(key, title) of each table stored, in the report's order: the CSV downloads."""
        from reports.figures import SECTIONS

        return [
            (figure.key, str(figure.title))
            for section in SECTIONS[self.audience]
            for figure in section.figures
            if self.figures.get(figure.key) is not None
        ]

    def retry(self) -> None:
        """Put a failed build back in the queue."""
        self.status = ReportStatus.QUEUED
        self.error = ""
        self.save(update_fields=["status", "error"])
