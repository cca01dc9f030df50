"""What the harmreduction app holds about a person, for the right of access
(privacy.subject_access): meal vouchers, material and naloxone handed out, advice, overdoses and
samples sent for analysis. Material handed out anonymously is counted, never named: it is not
about anyone and stays out."""

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from harmreduction.models import (
    AdviceSession,
    Overdose,
    Sample,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from privacy.subject_access import Section, row


def sections(resident, user) -> list[Section]:
    """Five sections, six queries."""
    return [
        Section("vouchers", _("Meal vouchers"), _vouchers(resident), order=65),
        Section(
            "supplies", _("Harm-reduction material and naloxone"), _supplies(resident), order=66
        ),
        Section("advice", _("Harm-reduction advice"), _advice(resident), order=67),
        Section("overdoses", _("Overdoses"), _overdoses(resident), order=68),
        Section("samples", _("Samples for analysis"), _samples(resident), order=69),
    ]


def _vouchers(resident) -> list[dict]:
    """Every weekly line, including those cancelled (a correction or a week caught up later)."""
    lines = VoucherDistribution.objects.filter(resident=resident).select_related(
        "recorded_by", "cancelled_by"
    )
    return [
        row(
            (_("Week of"), line.week),
            (_("Status"), line.get_status_display()),
            (_("Vouchers"), line.quantity if line.is_given else None),
            (_("Value"), line.value_display if line.is_given else ""),
            (_("Where"), line.get_given_where_display()),
            (_("Reason"), line.get_missed_reason_display()),
            (_("Comment"), line.missed_note),
            (_("Recorded at"), line.recorded_at),
            (_("Recorded by"), str(line.recorded_by)),
            (_("Cancelled at"), line.cancelled_at),
            (_("Cancelled because"), line.get_cancel_kind_display()),
        )
        for line in lines
    ]


def _supplies(resident) -> list[dict]:
    handouts = (
        SupplyDistribution.objects.filter(resident=resident)
        .select_related("given_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SupplyDistributionLine.objects.select_related("item", "naloxone_kit"),
            )
        )
    )
    rows = []
    for handout in handouts:
        items, kits = [], []
        for line in handout.lines.all():
            items.append(f"{line.item.name} × {line.quantity}")
            kit = getattr(line, "naloxone_kit", None)
            if kit is not None:
                kits.append(_kit(line, kit))
        rows.append(
            row(
                (_("Given at"), handout.given_at),
                (_("Where"), handout.get_setting_display()),
                (_("Given by"), str(handout.given_by)),
                (_("Items"), items),
                (_("Naloxone"), kits),
            )
        )
    return rows


def _kit(line, kit) -> str:
    parts = [line.item.name, kit.get_training_display()]
    if kit.expires_on:
        parts.append(
            _("expires on %(date)s") % {"date": date_format(kit.expires_on, "SHORT_DATE_FORMAT")}
        )
    if kit.batch:
        parts.append(_("batch %(batch)s") % {"batch": kit.batch})
    return " – ".join(str(part) for part in parts)


def _advice(resident) -> list[dict]:
    sessions = AdviceSession.objects.filter(resident=resident).select_related("held_by")
    return [
        row(
            (_("Date"), session.held_on),
            (_("Topic"), session.get_topic_display()),
            (_("Where"), session.get_setting_display()),
            (_("Comment"), session.note),
            (_("By"), str(session.held_by)),
        )
        for session in sessions
    ]


def _overdoses(resident) -> list[dict]:
    overdoses = Overdose.objects.filter(resident=resident).select_related("hotel", "recorded_by")
    return [
        row(
            (_("Date"), overdose.occurred_on),
            (_("Hotel"), str(overdose.hotel or "")),
            (_("Naloxone used"), overdose.naloxone_used),
            (_("Emergency services called (15)"), overdose.emergency_called),
            (_("Outcome"), overdose.get_outcome_display()),
            (_("Comment"), overdose.note),
            (_("Recorded by"), str(overdose.recorded_by)),
        )
        for overdose in overdoses
    ]


def _samples(resident) -> list[dict]:
    samples = Sample.objects.filter(resident=resident).select_related("collected_by")
    return [
        row(
            (_("Collected on"), sample.collected_on),
            (_("Collected by"), str(sample.collected_by)),
            (_("Presumed product"), sample.presumed_product),
            (_("What the person says about it"), sample.description),
            (_("Analysis network"), sample.get_network_display()),
            (_("Reference"), sample.reference),
            (_("Sent on"), sample.sent_on),
            (_("Result received on"), sample.result_on),
            (_("Result"), sample.result),
            (_("Unexpected result"), sample.result_unexpected),
            (_("Result given to the person on"), sample.returned_on),
        )
        for sample in samples
    ]
