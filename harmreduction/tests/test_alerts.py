"""The daily low-stock check (once per crossing) and the drug-checking alert task."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from harmreduction import alerts, tasks
from harmreduction.models import ExpiryAlert, LowStockAlert, StockLevel, VoucherLowStockAlert
from harmreduction.services import Lot, stock_adjust, stock_receive, voucher_remove
from harmreduction.tests.conftest import DAY, TODAY
from tests.factories import SampleFactory


@pytest.fixture
def low_bag(bag, kit_base, stock, chloe):
    stock(bag, {kit_base: 10})
    StockLevel.objects.filter(location=bag, item=kit_base).update(threshold=5)
    stock_adjust(
        location=bag, item=kit_base, quantity=-7, reason="Distribué hors registre", by=chloe
    )
    return StockLevel.objects.get(location=bag, item=kit_base)


@pytest.mark.django_db
def test_it_tells_the_coordinators_once_per_crossing(chloe, alice, bag, kit_base, low_bag):
    assert alerts.check_low_stock() == 1

    alert = LowStockAlert.objects.get()
    assert (alert.location, alert.item, alert.quantity, alert.threshold) == (bag, kit_base, 3, 5)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [chloe.email]
    assert message.subject == "Ancrage : 1 article sous son seuil de stock"
    assert "Kit base (Sac équipe A) – reste 3, seuil 5" in message.body
    assert "Kit base" in message.alternatives[0][0]

    assert alerts.check_low_stock() == 0  # still below: no second e-mail
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_tells_again_after_the_stock_went_back_up_and_down(chloe, bag, kit_base, low_bag):
    alerts.check_low_stock()
    stock_receive(location=bag, quantities={kit_base: 10}, by=chloe)
    assert alerts.check_low_stock() == 0
    assert LowStockAlert.objects.get().resolved_at is not None

    stock_adjust(location=bag, item=kit_base, quantity=-12, reason="Inventaire", by=chloe)
    assert alerts.check_low_stock() == 1
    assert LowStockAlert.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_it_ignores_levels_without_threshold_and_retired_locations(chloe, bag, kit_base, stock):
    stock(bag, {kit_base: 1})
    assert alerts.check_low_stock() == 0
    StockLevel.objects.update(threshold=5)
    bag.active = False
    bag.save()
    assert alerts.check_low_stock() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_runs_as_a_daily_task_with_an_expiry(chloe, low_bag):
    entry = settings.CELERY_BEAT_SCHEDULE["harmreduction-low-stock"]
    assert entry["task"] == "harmreduction.tasks.check_low_stock"
    assert entry["options"]["expires"] > 0
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert tasks.check_low_stock.delay().get() == 1


@pytest.mark.django_db
def test_it_alerts_about_a_sample_once_and_tolerates_a_missing_one(alice, nina):
    sample = SampleFactory(sent_on=None)
    assert alerts.send_sample_alert(sample.pk) is False  # not flagged
    sample.sent_on = sample.collected_on
    sample.result_on, sample.result, sample.result_unexpected = (
        sample.collected_on,
        "Fentanyl",
        True,
    )
    sample.save()
    assert tasks.send_sample_alert.delay(sample.pk).get() is True
    assert tasks.send_sample_alert.delay(sample.pk).get() is False
    assert len(mail.outbox) == 1
    assert alerts.send_sample_alert(999999) is False


# --- Batches expiring and the voucher stock, in the same daily e-mail ---------------------------


def _receive_dated(location, item, quantity, batch, days_left, by):
    stock_receive(
        location=location,
        quantities={item: quantity},
        lots={item: Lot(batch, TODAY + days_left * DAY)},
        by=by,
    )


@pytest.mark.django_db
def test_it_announces_each_batch_entering_the_expiry_window_once(chloe, office, nyxoid):
    _receive_dated(office, nyxoid, 4, "NX-SOON", 45, chloe)
    _receive_dated(office, nyxoid, 4, "NX-LATER", 90, chloe)

    assert alerts.check_low_stock() == 1
    alert = ExpiryAlert.objects.get()
    assert (alert.item, alert.batch, alert.quantity) == (nyxoid, "NX-SOON", 4)
    message = mail.outbox[0]
    assert message.subject == ("Ancrage : 1 alerte de stock (matériel, péremptions, tickets)")
    expiry = (TODAY + 45 * DAY).strftime("%d/%m/%Y")
    assert "Lots en stock qui périment dans les 60 jours (à remettre en premier) :" in message.body
    assert f"- Nyxoid (nasal) – lot NX-SOON – environ 4 restants, périme le {expiry}" in (
        message.body
    )
    assert "NX-LATER" not in message.body
    assert "NX-SOON" in message.alternatives[0][0]

    assert alerts.check_low_stock(now=timezone.now()) == 0  # the next morning: nothing new
    assert len(mail.outbox) == 1
    later = timezone.now() + 31 * DAY  # the second batch enters the window
    assert alerts.check_low_stock(now=later) == 1
    assert "NX-LATER" in mail.outbox[1].body and "NX-SOON" not in mail.outbox[1].body


@pytest.mark.django_db
def test_it_tells_when_the_voucher_stock_runs_low_once_per_crossing(chloe, housed, vouchers):
    # One person housed: 5 vouchers a week; low below 3 weeks, 15 vouchers.
    vouchers(14)
    assert alerts.check_low_stock() == 1
    alert = VoucherLowStockAlert.objects.get()
    assert (alert.balance, alert.weekly_rate, alert.resolved_at) == (14, 5, None)
    body = mail.outbox[0].body
    assert (
        "Tickets service : il en reste 14, moins de 3 semaines de remises à 5 tickets par "
        "semaine. Commandez des carnets au financeur."
    ) in body

    assert alerts.check_low_stock() == 0  # still low: no second e-mail
    vouchers(10)
    assert alerts.check_low_stock() == 0
    assert VoucherLowStockAlert.objects.get().resolved_at is not None
    voucher_remove(kind="lost", quantity=20, on=TODAY, note="Carnets perdus", by=chloe)
    assert alerts.check_low_stock() == 1
    assert VoucherLowStockAlert.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_it_ignores_the_voucher_stock_when_nobody_is_housed(chloe, vouchers):
    vouchers(1)
    assert alerts.check_low_stock() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_puts_everything_new_in_one_e_mail(chloe, office, nyxoid, housed, low_bag):
    _receive_dated(office, nyxoid, 2, "NX1", 10, chloe)
    assert alerts.check_low_stock() == 3  # a level, a batch, the vouchers (none in the safe)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Kit base (Sac équipe A) – reste 3, seuil 5" in body
    assert "lot NX1" in body
    assert "Tickets service : il en reste 0" in body
