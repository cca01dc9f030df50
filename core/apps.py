from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Ancrage")

    def ready(self):
        from core.navigation import NavItem, register_menu

        register_menu(NavItem(_("Change history"), "history_index", icon="clock-history"))
