from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The data-protection duties that span every app: retention and the right of access.

    Each app declares what it holds about a person in its `<app>/persondata.py`
    (`privacy.persondata`, which retention reads) and its right-of-access sections
    (`privacy.subject_access`), both registered from its own `ready()`. This app reads no other
    app's tables but the files themselves (`Resident`, to find those past the delay) and the
    access log it purges.
    """

    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from core.navigation import NavItem, register_menu
        from privacy import access, persondata, subject_access

        register_menu(NavItem(_("Change history"), "history_index", icon="clock-history"))
        persondata.declare("privacy", access.HELD)
        subject_access.providers.register(access.sections)
        from residents import actions

        # A person who left (an archived file) keeps the right of access.
        actions.providers.register(
            actions.Provider(subject_access.resident_actions, on_archived=True)
        )
