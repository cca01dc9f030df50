from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import policy
        from core.navigation import NavItem, register_menu

        policy.autodiscover()

        register_menu(NavItem(_("Team accounts"), "accounts:account_list", icon="people"))
