from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from placements import hooks, signals
        from residents import hooks as resident_hooks
        from residents import timeline
        from visits import selectors, services

        register_menu(
            NavItem(_("My visits"), "visits:today", icon="door-open"),
            NavItem(_("Roster"), "visits:week", icon="calendar-week"),
        )
        register_card(
            DashboardCard(
                "visits/card_today.html",
                selectors.today_card,
                reads=("visits.Visit", "visits.StaffAvailability"),
            ),
            DashboardCard(
                "visits/card_follow_ups.html",
                selectors.follow_up_card,
                reads=("visits.Visit", "residents.Resident", "placements.Hotel", "accounts.User"),
            ),
            DashboardCard(
                "visits/card_not_seen.html",
                selectors.not_seen_card,
                reads=(
                    "visits.Visit",
                    "residents.Resident",
                    "placements.Hotel",
                    "placements.Place",
                    "placements.Placement",
                    "placements.Absence",
                ),
            ),
        )
        timeline.sources.register(selectors.visit_entries)
        hooks.register_last_visit_finder(selectors.last_done_visits)
        resident_hooks.register_visit_dates(selectors.resident_visit_dates)
        signals.stay_started.connect(services.plan_started_stay, dispatch_uid="visits.plan")
        signals.stay_ended.connect(services.cancel_after_stay, dispatch_uid="visits.cancel")
        signals.stays_started.connect(services.plan_started_stays, dispatch_uid="visits.plan_all")
        signals.stays_ended.connect(services.cancel_after_stays, dispatch_uid="visits.cancel_all")
        from privacy import persondata
        from visits import persondata as held

        persondata.declare("visits", *held.HELD, sections=held.SECTIONS)
