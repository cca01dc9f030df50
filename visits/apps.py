from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from placements import hooks
        from residents import timeline
        from visits import selectors, services

        register_menu(
            NavItem(_("My visits"), "visits:today", icon="door-open", order=3),
            NavItem(_("Roster"), "visits:week", icon="calendar-week", order=35),
        )
        register_card(
            DashboardCard("visits/card_today.html", selectors.today_card, order=3),
            DashboardCard("visits/card_follow_ups.html", selectors.follow_up_card, order=12),
            DashboardCard("visits/card_not_seen.html", selectors.not_seen_card, order=15),
        )
        timeline.register(selectors.visit_entries)
        hooks.register_last_visit_finder(selectors.last_done_visits)
        hooks.register_stay_listener(
            on_started=services.plan_started_stay, on_ended=services.cancel_after_stay
        )
        from privacy import persondata
        from visits import persondata as held

        persondata.declare("visits", *held.HELD)
        from privacy import subject_access
        from visits import exports

        subject_access.register(exports.sections)
