from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Hotels and placements")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from placements.selectors import places_card

        register_menu(NavItem(_("Hotels"), "placements:hotel_list", icon="building", order=30))
        register_card(DashboardCard("placements/card_places.html", places_card, order=50))
