"""The weekly voucher sheet as PDF, for signatures when the team wants paper."""

from django.utils import timezone

from core.pdf import render_pdf


def voucher_sheet(*, sheet, hotel=None) -> bytes:
    return render_pdf(
        "harmreduction/voucher_sheet_pdf.html",
        {"sheet": sheet, "hotel": hotel, "printed_at": timezone.localtime()},
        stylesheet="harmreduction/voucher_sheet.css",
    )
