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
            NavItem(_("Steps"), "support:step_list", icon="list-check"),
            NavItem(_("Appointments"), "support:referral_list", icon="calendar-event"),
        )
        register_card(
            DashboardCard(
                "support/card_steps.html",
                selectors.steps_card,
                reads=("support.Step", "residents.Resident"),
            ),
            DashboardCard(
                "support/card_appointments.html",
                selectors.appointments_card,
                reads=("support.Referral", "residents.Resident"),
            ),
            DashboardCard(
                "support/card_reassessments.html",
                selectors.reassessments_card,
                reads=(
                    "residents.ConsumptionAssessment",
                    "residents.Resident",
                    "placements.Placement",
                ),
            ),
            DashboardCard(
                "support/card_outcomes.html",
                selectors.outcomes_card,
                reads=(
                    "residents.ConsumptionAssessment",
                    "residents.ConsumptionLine",
                    "placements.Placement",
                ),
            ),
        )
        for source in (selectors.note_entries, selectors.step_entries, selectors.referral_entries):
            timeline.sources.register(source)
        from privacy import persondata
        from support import persondata as held

        persondata.declare("support", *held.HELD, sections=held.SECTIONS)
