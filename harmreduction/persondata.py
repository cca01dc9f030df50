"""What the harm-reduction app holds about a person (privacy.persondata).

Kept: vouchers and material handed out with their quantities, values and dates, naloxone kits,
overdoses' outcome, advice topics, samples' product, network, dates and alert (the reports'
figures). Erased: comments, what the person said about a sample, its lab reference and the
result's text. The stock ledgers' lines of what was handed out are declared for the guard test:
they hold no free text about the person, and stay whole. The right of access shows the weeks of
vouchers with their value, the material and naloxone kits handed out, advice, overdoses and
samples; what was handed out anonymously names no one and is not in it.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from harmreduction.models import (
    AdviceSession,
    NaloxoneKit,
    Overdose,
    Sample,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
    VoucherLedgerLine,
    VoucherStatus,
)
from privacy.persondata import ExportSection, Held, redacted_if_written

LEDGER_LINE = (
    "a stock ledger's comment, written for a delivery, a transfer or a loss: the application "
    "leaves it empty on the lines of what a person was handed"
)

GIVEN_DURING_A_VISIT = (
    "the home visit during which it was handed out: `where` says so, and the visits section "
    "lists the visit"
)

HELD = (
    Held(
        VoucherDistribution,
        resident="resident_id",
        erased={"missed_note": ""},
        contacts=("recorded_at",),
        # The weeks given (`VoucherDistribution.objects.given()`).
        contact_rows=Q(status=VoucherStatus.GIVEN, cancelled_at__isnull=True),
        section="vouchers",
        not_exported={"visit": GIVEN_DURING_A_VISIT},
    ),
    Held(
        VoucherLedgerLine,
        resident="distribution__resident_id",
        kept={"series": LEDGER_LINE, "note": LEDGER_LINE},
        delete_history=False,
    ),
    Held(
        SupplyDistribution,
        resident="resident_id",
        contacts=("given_at",),
        section="supplies",
        not_exported={
            "location": "the stock the material was taken from (the office, a visit bag): "
            "stock keeping, not about the person",
            "visit": GIVEN_DURING_A_VISIT,
        },
    ),
    Held(SupplyDistributionLine, resident="distribution__resident_id", section="supplies"),
    Held(
        NaloxoneKit,
        resident="line__distribution__resident_id",
        kept={
            "batch": "the batch printed on the kit's box, to recall it: nothing about the person"
        },
        section="supplies",
    ),
    Held(
        StockMovement,
        resident="distribution_line__distribution__resident_id",
        kept={
            "reason": LEDGER_LINE,
            "batch": "a delivery's batch number, printed on the box (the lines of what a person "
            "was handed have none): nothing about the person",
        },
        delete_history=False,
    ),
    Held(
        Overdose,
        resident="resident_id",
        erased={"note": ""},
        contacts=("occurred_on",),
        section="overdoses",
    ),
    Held(
        AdviceSession,
        resident="resident_id",
        erased={"note": ""},
        contacts=("held_on",),
        section="advice",
    ),
    Held(
        Sample,
        resident="resident_id",
        erased={
            "description": "",
            "reference": "",
            # A result received keeps a (blank) result: the sample still counts as analysed.
            "result": redacted_if_written,
        },
        kept={
            "presumed_product": 'a product\'s name ("crack", "héroïne"), not words about '
            "the person: the sample list and the team's drug-checking alert name a sample by it"
        },
        contacts=("collected_on", "returned_on"),
        section="samples",
    ),
)


def voucher_value(line: VoucherDistribution) -> list[tuple]:
    """The value of the vouchers given, in euros."""
    return [(_("Value"), line.value_display if line.is_given else "")]


SECTIONS = (
    ExportSection("vouchers", _("Meal vouchers"), order=65, columns=voucher_value),
    ExportSection("supplies", _("Harm-reduction material and naloxone"), order=66),
    ExportSection("advice", _("Harm-reduction advice"), order=67),
    ExportSection("overdoses", _("Overdoses"), order=68),
    ExportSection("samples", _("Samples for analysis"), order=69),
)
