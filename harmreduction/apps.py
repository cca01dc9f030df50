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
                order=50,
            ),
            NavItem(
                _("Supplies"),
                "harmreduction:stock",
                icon="bag-heart",
                order=55,
            ),
        )
        register_card(
            DashboardCard("harmreduction/card_vouchers.html", selectors.voucher_card, order=25),
            DashboardCard("harmreduction/card_samples.html", selectors.sample_alert_card, order=8),
            DashboardCard("harmreduction/card_low_stock.html", selectors.low_stock_card, order=55),
        )
        for source in selectors.TIMELINE_SOURCES:
            timeline.register(source)
        if not any(
            extension.name == MaterialGivenOut.name for extension in extensions.registered()
        ):
            extensions.register(MaterialGivenOut())
        from harmreduction import persondata as held
        from privacy import persondata

        persondata.declare("harmreduction", *held.HELD)
        from harmreduction import exports
        from privacy import subject_access

        subject_access.register(exports.sections)
