from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Activity reports")

    def ready(self):
        from core.navigation import NavItem, register_menu

        register_menu(
            NavItem(
                _("Activity reports"),
                "reports:report_list",
                icon="file-earmark-bar-graph",
            )
        )
