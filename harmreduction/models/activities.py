"""The harm-reduction work recorded without moving stock: collections of used material,
overdoses, advice sessions and samples sent for analysis (drug checking)."""

import datetime
from collections import Counter

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from core.validators import FUTURE_DATE, not_in_the_future
from harmreduction.models.common import Setting


@audited()
class Collection(models.Model):
    """Used material collected: full sharps boxes (collecteurs DASRI) and loose items returned."""

    hotel = models.ForeignKey(
        "placements.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collections",
        verbose_name=_("hotel"),
        help_text=_("Leave empty for material brought back to the office."),
    )
    collected_on = models.DateField(_("date"), default=timezone.localdate)
    sharps_boxes = models.PositiveIntegerField(_("sharps boxes (DASRI)"), default=0)
    returned_items = models.PositiveIntegerField(
        _("used items returned"),
        default=0,
        help_text=_("Syringes, pipes and other used material brought back loose."),
    )
    note = models.CharField(_("comment"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("collection of used material")
        verbose_name_plural = _("collections of used material")
        ordering = ["-collected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sharps_boxes__gt=0) | Q(returned_items__gt=0),
                name="collection_counts_something",
                violation_error_message=_("Count at least one sharps box or one item."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hotel or _('Office')} – {self.collected_on}"

    def clean(self):
        not_in_the_future(self.collected_on, field="collected_on")


class OverdoseOutcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered on site")
    HOSPITAL = "hospital", _("Taken to hospital")
    DIED = "died", _("Died")
    UNKNOWN = "unknown", _("Outcome unknown")


@audited(readers=CASE_FILE_HISTORY)
class Overdose(models.Model):
    """An overdose the team witnessed or was told about."""

    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    hotel = models.ForeignKey(
        "placements.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdoses",
        verbose_name=_("hotel"),
        help_text=_("Leave empty if it happened elsewhere."),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdoses",
        verbose_name=_("resident"),
        help_text=_("Leave empty for someone who is not a resident."),
    )
    naloxone_used = models.BooleanField(_("naloxone used"), default=False)
    emergency_called = models.BooleanField(_("emergency services called (15)"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OverdoseOutcome.choices)
    note = models.CharField(_("comment"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdose")
        verbose_name_plural = _("overdoses")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.occurred_on} – {self.get_outcome_display()}"

    def clean(self):
        not_in_the_future(self.occurred_on, field="occurred_on")


class AdviceTopic(models.TextChoices):
    SAFER_SMOKING = "safer_smoking", _("Safer smoking (crack)")
    SAFER_INJECTION = "safer_injection", _("Safer injection, veins and wounds")
    OVERDOSE = "overdose", _("Overdose prevention")
    MIXING = "mixing", _("Mixing products")
    INFECTIONS = "infections", _("HIV, hepatitis, screening")
    SEXUAL_HEALTH = "sexual_health", _("Sexual health")
    REDUCING = "reducing", _("Reducing or stopping")
    OTHER = "other", _("Other")


def topic_counts(sessions) -> Counter:
    """How many of `sessions` (a queryset) covered each topic."""
    return Counter(
        topic for topics in sessions.values_list("topics", flat=True) for topic in topics
    )


@audited(readers=CASE_FILE_HISTORY)
class AdviceSession(models.Model):
    """A harm-reduction talk with a person, on one topic or several.

    Given during a home visit, it belongs to that visit (one per visit): reopening the visit
    shows the topics, and a correction of the visit changes them.
    """

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advice_sessions",
        verbose_name=_("resident"),
        help_text=_("Leave empty for someone who is not a resident."),
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    topics = ArrayField(
        models.CharField(max_length=16, choices=AdviceTopic.choices),
        verbose_name=_("topics"),
    )
    visit = models.OneToOneField(
        "visits.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advice_session",
        verbose_name=_("home visit"),
    )
    setting = models.CharField(
        _("where"), max_length=8, choices=Setting.choices, default=Setting.OFFICE
    )
    note = models.CharField(_("comment"), max_length=300, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("harm-reduction advice")
        verbose_name_plural = _("harm-reduction advice")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(topics__len__gt=0), name="advice_has_a_topic"),
            models.CheckConstraint(
                condition=Q(visit__isnull=True) | Q(setting="visit", resident__isnull=False),
                name="advice_visit_session_is_to_its_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} – {self.topic_labels}"

    @property
    def topic_labels(self) -> str:
        return ", ".join(str(AdviceTopic(topic).label) for topic in self.topics)

    def clean(self):
        not_in_the_future(self.held_on, field="held_on")


class AnalysisNetwork(models.TextChoices):
    SINTES = "sintes", _("SINTES (OFDT)")
    ANALYSE_TON_PROD = "atp", _("Analyse ton prod'")
    OTHER_LAB = "other_lab", _("Another laboratory")


class SampleQuerySet(models.QuerySet):
    def awaiting_result(self):
        return self.filter(result_on__isnull=True)

    def unexpected_since(self, day: datetime.date):
        return self.filter(result_unexpected=True, result_on__gte=day)


@audited(readers=CASE_FILE_HISTORY)
class Sample(models.Model):
    """A product sample collected from a resident and sent for analysis (drug checking)."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="samples",
        verbose_name=_("resident"),
    )
    collected_on = models.DateField(_("collected on"), default=timezone.localdate)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("collected by"),
    )
    presumed_product = models.CharField(_("presumed product"), max_length=80)
    description = models.CharField(
        _("what the person says about it"),
        max_length=300,
        blank=True,
        help_text=_("Where it was bought, effects felt, why analyse it."),
    )
    network = models.CharField(
        _("analysis network"), max_length=10, choices=AnalysisNetwork.choices
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    result_on = models.DateField(_("result received on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    result_unexpected = models.BooleanField(
        _("unexpected result"),
        default=False,
        help_text=_(
            "Another product than expected, a dangerous cut or an unusual strength: the whole "
            "team is alerted."
        ),
    )
    returned_on = models.DateField(_("result given to the person on"), null=True, blank=True)
    alert_sent_at = models.DateTimeField(_("team alerted at"), null=True, blank=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sample for analysis")
        verbose_name_plural = _("samples for analysis")
        ordering = ["-collected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(sent_on__gte=F("collected_on")),
                name="sample_sent_after_collected",
                violation_error_message=_("A sample cannot be sent before it was collected."),
            ),
            models.CheckConstraint(
                condition=Q(result_on__isnull=True)
                | (Q(sent_on__isnull=False) & Q(result_on__gte=F("sent_on"))),
                name="sample_result_after_sent",
                violation_error_message=_("A result comes back after the sample was sent."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | (Q(result_on__isnull=False) & Q(returned_on__gte=F("result_on"))),
                name="sample_returned_after_result",
                violation_error_message=_("The result is given to the person after it came back."),
            ),
            models.CheckConstraint(
                condition=Q(result_unexpected=False) | Q(result_on__isnull=False),
                name="sample_unexpected_only_with_a_result",
                violation_error_message=_("Only a result can be unexpected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.presumed_product} – {self.collected_on}"

    def get_absolute_url(self) -> str:
        return reverse("harmreduction:sample_detail", args=[self.pk])

    @property
    def stage(self) -> str:
        if self.returned_on:
            return _("Result given to the person")
        if self.result_on:
            return _("Result received")
        if self.sent_on:
            return _("Sent, awaiting the result")
        return _("Collected, to send")

    def clean(self):
        today = timezone.localdate()
        errors = {}
        for name in ("collected_on", "sent_on", "result_on", "returned_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = FUTURE_DATE
        if self.result_on and not self.result.strip():
            errors["result"] = _("Write the result that came back.")
        if self.result.strip() and not self.result_on:
            errors["result_on"] = _("Give the date the result came back.")
        if errors:
            raise ValidationError(errors)
