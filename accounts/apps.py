from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from core.navigation import NavItem, register_menu

        register_menu(NavItem(_("Team accounts"), "accounts:account_list", icon="people"))
