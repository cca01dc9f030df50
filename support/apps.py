from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Social support and referrals")

    def ready(self):
        from core.navigation import DashboardCard, NavItem, register_card, register_menu
        from residents import timeline
        from support import selectors

        register_menu(
            NavItem(_("Steps"), "support:step_list", icon="list-check", order=40),
            NavItem(_("Appointments"), "support:referral_list", icon="calendar-event", order=45),
        )
        register_card(
            DashboardCard("support/card_steps.html", selectors.steps_card, order=30),
            DashboardCard("support/card_appointments.html", selectors.appointments_card, order=35),
            DashboardCard(
                "support/card_reassessments.html", selectors.reassessments_card, order=40
            ),
            DashboardCard("support/card_outcomes.html", selectors.outcomes_card, order=60),
        )
        for source in (selectors.note_entries, selectors.step_entries, selectors.referral_entries):
            timeline.register(source)
        from privacy import persondata
        from support import persondata as held

        persondata.declare("support", *held.HELD)
        from privacy import subject_access
        from support import exports

        subject_access.register(exports.sections)
