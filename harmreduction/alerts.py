"""E-mails of this app: the daily stock alert to the coordinators (low stock, batches expiring,
low voucher stock), unexpected analysis results to the team."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import STAFF, Role
from core.mail import site_link, team_emails, templated_email
from harmreduction.models.activities import Sample
from harmreduction.models.supplies import ExpiryAlert, LowStockAlert, StockLevel
from harmreduction.models.vouchers import VoucherLowStockAlert
from harmreduction.selectors import supplies as supply_selectors
from harmreduction.selectors import vouchers as voucher_selectors
from harmreduction.selectors.supplies import BatchInStock
from harmreduction.selectors.vouchers import VoucherCover


def _message(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    return templated_email(f"harmreduction/email/{template}", context, to=to)


def check_low_stock(*, now: datetime.datetime | None = None) -> int:
    """The daily stock e-mail to the coordinators: the stock levels that fell below their
    threshold, the batches of dated material (naloxone) still in stock that entered the expiry
    window, and the voucher stock falling below the weeks it should cover. Returns how many new
    things were announced (0: no e-mail).

    Each is announced once: a level below its threshold gets an open `LowStockAlert` the first
    time it is seen there, and no other while it stays below; a level back at or above closes its
    alert, so falling again later is a new crossing (the voucher stock likewise, with
    `VoucherLowStockAlert`). A batch gets one `ExpiryAlert`, ever. The alerts and the e-mail share
    one transaction: if the e-mail cannot leave, nothing is recorded and the next run tries again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        crossed = _levels_crossed(now)
        expiring = _batches_expiring(now)
        vouchers = _voucher_stock_crossed(now)
        count = len(crossed) + len(expiring) + (vouchers is not None)
        if not count:
            return 0
        to = team_emails({Role.COORDINATOR})
        if to:
            context = {
                "levels": crossed,
                "expiring": expiring,
                "vouchers": vouchers,
                "count": count,
                "warning_days": settings.STOCK_EXPIRY_WARNING_DAYS,
                "today": timezone.localdate(now),
                "stock_url": site_link("harmreduction:stock"),
                "voucher_stock_url": site_link("harmreduction:voucher_stock"),
            }
            _message("low_stock", context, to).send()
    return count


def _levels_crossed(now: datetime.datetime) -> list[StockLevel]:
    """The levels newly below their threshold (alert opened); those back above are closed."""
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
    return crossed


def _batches_expiring(now: datetime.datetime) -> list[BatchInStock]:
    """The batches in stock newly within the expiry window (or expired), each recorded once."""
    batches = supply_selectors.expiring(
        supply_selectors.batches_in_stock(), timezone.localdate(now)
    )
    if not batches:
        return []
    known = set(
        ExpiryAlert.objects.filter(item__in={batch.item for batch in batches}).values_list(
            "item_id", "batch", "expires_on"
        )
    )
    new = [
        batch for batch in batches if (batch.item.pk, batch.batch, batch.expires_on) not in known
    ]
    ExpiryAlert.objects.bulk_create(
        [
            ExpiryAlert(
                item=batch.item,
                batch=batch.batch,
                expires_on=batch.expires_on,
                quantity=batch.remaining,
                noticed_at=now,
            )
            for batch in new
        ],
        ignore_conflicts=True,
    )
    return new


def _voucher_stock_crossed(now: datetime.datetime) -> VoucherCover | None:
    """The voucher stock when it newly fell below its weeks of cover (alert opened), else None;
    back above, its open alert is closed."""
    cover = voucher_selectors.voucher_cover(timezone.localdate(now))
    alert = (
        VoucherLowStockAlert.objects.select_for_update().filter(resolved_at__isnull=True).first()
    )
    if not cover.is_low:
        if alert is not None:
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])
        return None
    if alert is not None:
        return None
    VoucherLowStockAlert.objects.create(
        balance=cover.balance, weekly_rate=cover.weekly_rate, noticed_at=now
    )
    return cover


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
