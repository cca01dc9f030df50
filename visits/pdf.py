"""Round sheets as PDF, for the team that prefers paper in the corridors."""

import datetime

from django.utils import timezone

from core.pdf import render_pdf


def round_sheet(*, worker, day: datetime.date, rounds) -> bytes:
    return render_pdf(
        "visits/round_sheet.html",
        {"worker": worker, "day": day, "rounds": rounds, "printed_at": timezone.localtime()},
        stylesheet="visits/round_sheet.css",
    )
