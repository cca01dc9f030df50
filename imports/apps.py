from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing a team's spreadsheets into Ancrage. It uses the other apps' workflows; no other
    app imports it."""

    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from core.navigation import NavItem, register_menu
        from imports import persondata as held
        from privacy import persondata

        register_menu(NavItem(_("Import"), "imports:import_start", icon="upload"))
        persondata.declare("imports", *held.HELD)
