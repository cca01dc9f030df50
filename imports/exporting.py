"""Ancrage's own records written in the import template's format.

What the template carries — people, stays, admission requests, stock levels — is written as a
team would have filled it in, so that importing the file into a database with the same hotels,
places, stock locations and catalogue gives back the same records (the round trip the tests
check against the activity reports). People are named by their file number as reference.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harmreduction.models import StockLevel, VoucherStock
from imports import workbooks
from imports.models import RowKind
from placements.models import ExitDestination, ExitReason, Placement, TransferReason
from residents.models import AdmissionRequest, AdmissionStatus, Gender, ReferringStructure, Resident


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def export_rows() -> dict[str, list[list]]:
    """{kind: rows of cells in the order of the template's columns}."""
    with translation.override("fr"):
        people = [
            [
                str(resident.pk),
                "",
                resident.nickname,
                resident.first_name,
                resident.last_name,
                resident.birth_year,
                resident.birth_date,
                _label(Gender, resident.gender),
                resident.phone,
                resident.languages,
                resident.informed_on,
                _("yes") if resident.objects_to_sharing else "",
                timezone.localdate(resident.created_at),
            ]
            for resident in Resident.objects.filter(anonymised_at__isnull=True).order_by("pk")
        ]
        stays = [
            [
                str(stay.resident_id),
                stay.place.hotel.name,
                stay.place.room,
                stay.place.bed,
                stay.start,
                stay.end,
                _label(ExitDestination, stay.exit_destination),
                _label(ExitReason, stay.exit_reason),
                stay.exit_comment,
                stay.admission.received_on if stay.admission else None,
                _label(TransferReason, stay.transfer_reason)
                if stay.transfer_reason != TransferReason.NOT_RECORDED
                else "",
            ]
            for stay in Placement.objects.filter(resident__anonymised_at__isnull=True)
            .select_related("place__hotel", "admission")
            .order_by("start", "pk")
        ]
        requests = [
            [
                str(request.resident_id),
                request.received_on,
                _label(ReferringStructure, request.referring_structure),
                request.referrer_name,
                request.psychic_situation,
                request.isolation,
                request.vulnerability,
                _label(AdmissionStatus, request.status),
                request.decided_on,
                request.decision_reason,
                request.last_news_on,
            ]
            for request in AdmissionRequest.objects.filter(
                resident__anonymised_at__isnull=True
            ).order_by("received_on", "pk")
        ]
        stocks = [
            [level.location.name, level.item.name, level.quantity, None]
            for level in StockLevel.objects.filter(quantity__gt=0)
            .select_related("location", "item")
            .order_by("location__name", "item__name")
        ]
        vouchers = VoucherStock.objects.filter(pk=1).first()
        if vouchers and vouchers.balance:
            stocks.append(["", _("Meal vouchers"), vouchers.balance, None])
    return {
        RowKind.PERSON: people,
        RowKind.STAY: stays,
        RowKind.ADMISSION: requests,
        RowKind.STOCK: stocks,
    }


def export_xlsx() -> bytes:
    """Ancrage's people, stays, admission requests and stock levels, as a filled template."""
    return workbooks.filled_xlsx(export_rows())
