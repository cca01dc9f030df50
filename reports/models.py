import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models.expressions import RawSQL
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


LOGO_MAX_BYTES = 500 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def validate_logo(file) -> None:
    """A logo is a PNG or JPEG image of at most 500 KB: read by Pillow, not by its file name."""
    from PIL import Image, UnidentifiedImageError

    if getattr(file, "_committed", False):  # the logo already saved: checked when uploaded
        return
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must weigh 500 KB at most."), code="logo_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        file.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_format")


def _logo_path(organisation: "Organisation", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"organisation/logo.{extension}"


@audited()
class Organisation(models.Model):
    """Who publishes the reports: printed on their cover, in their footer and on the workbook's
    cover sheet. One row, set by the manager on the organisation page (`Organisation.current`)."""

    name = models.CharField(_("name"), max_length=150)
    address = models.TextField(_("address"), blank=True, max_length=400)
    finess = models.CharField(
        _("FINESS number"),
        max_length=9,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9][0-9AB][0-9]{7}$", _("A FINESS number has 9 characters."))
        ],
        help_text=_("9 characters, e.g. 750012345."),
    )
    signatory = models.CharField(
        _("signatory"), max_length=150, blank=True, help_text=_("Name of the person who signs.")
    )
    signatory_title = models.CharField(
        _("signatory's title"), max_length=150, blank=True, help_text=_("E.g. Head of service.")
    )
    logo = models.FileField(
        _("logo"),
        upload_to=_logo_path,
        blank=True,
        validators=[validate_logo],
        help_text=_("Optional: a PNG or JPEG image of 500 KB at most."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="organisation_one")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Organisation":
        """The organisation as set by the manager, or one named by REPORT_ORGANISATION (unsaved)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1, name=settings.REPORT_ORGANISATION)

    def identity(self) -> dict:
        """What a report prints of the organisation, kept with the report when it is built."""
        return {
            "name": self.name,
            "address": self.address,
            "finess": self.finess,
            "signatory": self.signatory,
            "signatory_title": self.signatory_title,
            "logo": self.logo.name or "",  # a new logo is a new file: old reports keep theirs
        }


class ReportQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(status=ReportStatus.READY)

    def listed(self):
        """For the list of reports: without their figures (tens of KB of JSON each, decoded for
        nothing), with the keys of the tables the figures hold (what `tables()` needs)."""
        return self.defer("figures").annotate(
            table_keys=RawSQL(
                "ARRAY(SELECT key FROM jsonb_each(reports_report.figures)"
                " WHERE jsonb_typeof(value) <> 'null')",
                (),
            )
        )


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
    # The organisation as printed (Organisation.identity()), kept as the figures are.
    organisation = models.JSONField(_("organisation printed"), default=dict, blank=True)
    # The team's analysis of each section, by section key, printed beside its tables.
    commentary = models.JSONField(_("commentary"), default=dict, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
        editable=False,
    )

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

    @property
    def is_draft(self) -> bool:
        """A draft until the manager finalises it: its commentary can still be written."""
        return self.finalised_at is None

    @property
    def is_final(self) -> bool:
        """Finalised and its final PDF built: frozen, changes make a new version."""
        return self.finalised_at is not None

    @classmethod
    def request(
        cls,
        *,
        audience: str,
        period_start: datetime.date,
        period_end: datetime.date,
        idempotency_key: str,
        by=None,
        figures: dict | None = None,
    ) -> tuple["Report", bool]:
        """The report of this key, created as queued with the next version number if new.

        The new version starts with the commentary of the latest one, and with `figures` when
        given (a new version of the same figures: only its PDF is built again).
        Returns (report, created): the same key twice gives the same report.
        """
        for _attempt in range(3):
            existing = cls.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
            latest = (
                cls.objects.filter(
                    audience=audience, period_start=period_start, period_end=period_end
                )
                .order_by("-version")
                .only("version", "commentary")
                .first()
            )
            report = cls(
                audience=audience,
                period_start=period_start,
                period_end=period_end,
                idempotency_key=idempotency_key,
                requested_by=by,
                version=latest.version + 1 if latest else 1,
                commentary=dict(latest.commentary) if latest else {},
                figures=figures or {},
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

        if hasattr(self, "table_keys"):  # listed(): the keys without the figures
            held = set(self.table_keys)
        else:
            held = {key for key, table in self.figures.items() if table is not None}
        return [
            (figure.key, str(figure.title))
            for section in SECTIONS[self.audience]
            for figure in section.figures
            if figure.key in held
        ]

    def queue_again(self) -> None:
        """Back in the queue to build its PDF again, from the figures it keeps if it has any."""
        self.status = ReportStatus.QUEUED
        self.error = ""
        self.save(update_fields=["status", "error"])

    def retry(self) -> None:
        """Put a failed build back in the queue."""
        self.queue_again()
