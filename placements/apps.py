from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Hotels and placements")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from placements import selectors, services
        from residents import actions, hooks, timeline

        register_menu(
            NavItem(_("Board"), "placements:board", icon="grid-3x3-gap"),
            NavItem(_("Hotels"), "placements:hotel_list", icon="building"),
        )
        register_card(
            DashboardCard(
                "placements/card_occupancy.html",
                selectors.occupancy_card,
                reads=selectors.BOARD_MODELS,
            ),
            DashboardCard(
                "placements/card_places.html", selectors.places_card, reads=selectors.BOARD_MODELS
            ),
        )
        hooks.register_without_place_filter(services.admitted_requests_without_place)
        hooks.register_current_place_annotator(selectors.residents_with_current_place)
        hooks.register_assign_place_url(selectors.assign_place_url)
        timeline.sources.register(selectors.stay_entries)
        actions.providers.register(actions.Provider(selectors.resident_actions))
        from placements import persondata as held
        from privacy import persondata

        persondata.declare("placements", *held.HELD, sections=held.SECTIONS)
