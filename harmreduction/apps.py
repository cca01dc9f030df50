from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarmreductionConfig(AppConfig):
    name = "harmreduction"
    verbose_name = _("Vouchers and harm reduction")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from harmreduction import selectors
        from harmreduction.extensions import MaterialGivenOut
        from residents import timeline
        from visits import extensions

        register_menu(
            # Short labels: the menu bar is crowded on a laptop screen.
            NavItem(
                _("Vouchers"),
                "harmreduction:voucher_week",
                icon="ticket-perforated",
            ),
            NavItem(
                _("Supplies"),
                "harmreduction:stock",
                icon="bag-heart",
            ),
        )
        register_card(
            DashboardCard(
                "harmreduction/card_vouchers.html",
                selectors.voucher_card,
                reads=("harmreduction.VoucherDistribution", "placements.Placement"),
            ),
            DashboardCard(
                "harmreduction/card_samples.html",
                selectors.sample_alert_card,
                reads=("harmreduction.Sample", "residents.Resident"),
            ),
            DashboardCard(
                "harmreduction/card_low_stock.html",
                selectors.low_stock_card,
                reads=("harmreduction.StockLevel", "harmreduction.Item", "harmreduction.Location"),
            ),
            DashboardCard(
                "harmreduction/card_voucher_low_stock.html",
                selectors.voucher_low_stock_card,
                reads=("harmreduction.VoucherStock", "placements.Placement"),
            ),
        )
        for source in selectors.TIMELINE_SOURCES:
            timeline.sources.register(source)
        extensions.registry.register(MaterialGivenOut())
        from harmreduction import persondata as held
        from privacy import persondata

        persondata.declare("harmreduction", *held.HELD, sections=held.SECTIONS)
