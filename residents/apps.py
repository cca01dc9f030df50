from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents and admissions")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from residents import selectors, timeline

        register_menu(
            NavItem(_("Residents"), "residents:resident_list", icon="people"),
            NavItem(_("Waiting list"), "residents:waiting_list", icon="hourglass-split"),
        )
        register_card(
            DashboardCard(
                "residents/card_waiting_list.html",
                selectors.waiting_list_card,
                reads=("residents.AdmissionRequest", "residents.Resident", "placements.Placement"),
            )
        )
        for source in (
            selectors.file_entries,
            selectors.admission_entries,
            selectors.situation_entries,
            selectors.consumption_entries,
        ):
            timeline.sources.register(source)
        from privacy import persondata
        from residents import persondata as held

        persondata.declare("residents", *held.HELD, sections=held.SECTIONS)
        from residents import actions, exports

        # A person who left (an archived file) keeps the right of access.
        actions.providers.register(
            actions.Provider(exports.right_of_access_actions, on_archived=True)
        )
