"""E-mails of this app: low stock to the coordinators, unexpected analysis results to the team."""

import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import STAFF, Role
from core.mail import site_link, team_emails, templated_email
from harmreduction.models.activities import Sample
from harmreduction.models.supplies import LowStockAlert, StockLevel


def _message(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    return templated_email(f"harmreduction/email/{template}", context, to=to)


def check_low_stock(*, now: datetime.datetime | None = None) -> int:
    """Tell the coordinators, once per crossing, which stock levels fell below their threshold;
    return how many new crossings were announced.

    A level below its threshold gets an open `LowStockAlert` the first time it is seen there, and
    no other while it stays below; a level back at or above closes its alert, so falling again
    later is a new crossing. The alerts and the e-mail share one transaction: if the e-mail cannot
    leave, nothing is recorded and the next run tries again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        open_alerts = {
            (alert.location_id, alert.item_id): alert
            for alert in LowStockAlert.objects.select_for_update().filter(resolved_at__isnull=True)
        }
        low = list(
            StockLevel.objects.filter(threshold__gt=0, quantity__lt=F("threshold"))
            .filter(location__active=True, item__active=True)
            .select_related("location", "item")
            .order_by("location__name", "item__name")
        )
        low_keys = {(level.location_id, level.item_id) for level in low}
        back_above = [alert.pk for key, alert in open_alerts.items() if key not in low_keys]
        LowStockAlert.objects.filter(pk__in=back_above).update(resolved_at=now)
        crossed = [level for level in low if (level.location_id, level.item_id) not in open_alerts]
        if not crossed:
            return 0
        LowStockAlert.objects.bulk_create(
            [
                LowStockAlert(
                    location=level.location,
                    item=level.item,
                    quantity=level.quantity,
                    threshold=level.threshold,
                    noticed_at=now,
                )
                for level in crossed
            ]
        )
        to = team_emails({Role.COORDINATOR})
        if to:
            context = {
                "levels": crossed,
                "count": len(crossed),
                "stock_url": site_link("harmreduction:stock"),
            }
            _message("low_stock", context, to).send()
    return len(crossed)


def send_sample_alert(sample_id: int) -> bool:
    """E-mail the whole team about a sample whose result is flagged unexpected, once.

    Returns whether an e-mail left. Tolerates a sample that no longer exists or was unflagged.
    """
    with transaction.atomic():
        sample = (
            Sample.objects.select_for_update(of=("self",))
            .select_related("resident", "collected_by")
            .filter(pk=sample_id)
            .first()
        )
        if sample is None or not sample.result_unexpected or sample.alert_sent_at is not None:
            return False
        sample.alert_sent_at = timezone.now()
        sample.save(update_fields=["alert_sent_at"])
        to = team_emails(STAFF)
        if to:
            context = {
                "sample": sample,
                "sample_url": site_link("harmreduction:sample_detail", sample.pk),
            }
            _message("sample_alert", context, to).send()
    return True
