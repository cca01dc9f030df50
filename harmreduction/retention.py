"""What this app holds about a person, for the retention of case files (privacy.retention).

Kept: vouchers and material handed out with their quantities, values and dates, naloxone kits,
overdoses' outcome, advice topics, samples' product, network, dates and alert (the reports'
figures). Removed: comments, what the person said about a sample, its lab reference and the
result's text.
"""

from harmreduction.models import (
    AdviceSession,
    NaloxoneKit,
    Overdose,
    Sample,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from privacy import retention


def last_contacts(resident_ids: list[int]) -> dict:
    def of(model):
        return model.objects.filter(resident_id__in=resident_ids)

    return retention.merge(
        retention.latest(of(VoucherDistribution).given(), "recorded_at"),
        retention.latest(of(SupplyDistribution), "given_at"),
        retention.latest(of(Overdose), "occurred_on"),
        retention.latest(of(AdviceSession), "held_on"),
        retention.latest(of(Sample), "collected_on", "returned_on"),
    )


def anonymise(resident_ids: list[int]) -> list:
    vouchers = VoucherDistribution.objects.filter(resident_id__in=resident_ids)
    vouchers.update(missed_note="")
    overdoses = Overdose.objects.filter(resident_id__in=resident_ids)
    overdoses.update(note="")
    advice = AdviceSession.objects.filter(resident_id__in=resident_ids)
    advice.update(note="")
    samples = Sample.objects.filter(resident_id__in=resident_ids)
    samples.update(description="", reference="")
    # A result received keeps a (blank) result: the sample still counts as analysed.
    samples.exclude(result="").update(result=retention.REDACTED)
    return [
        vouchers,
        SupplyDistribution.objects.filter(resident_id__in=resident_ids),
        SupplyDistributionLine.objects.filter(distribution__resident_id__in=resident_ids),
        NaloxoneKit.objects.filter(line__distribution__resident_id__in=resident_ids),
        overdoses,
        advice,
        samples,
    ]


def register() -> None:
    retention.register("harmreduction", last_contacts=last_contacts, anonymise=anonymise)
