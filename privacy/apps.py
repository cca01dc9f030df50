from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The data-protection duties that span every app: the access log, retention, the right of
    access, and the change history pages.

    It sits just above accounts and core, below every app that holds data about a person (the
    layers in pyproject.toml): those apps import it, never the reverse. Each declares what it
    holds about a person in its `<app>/persondata.py`, with the sections of the right-of-access
    export that show it (`privacy.persondata`, from which retention and `privacy.subject_access`
    are derived), from its own `ready()`; the residents app adds the right-of-access button to
    its page. This app reaches other apps' tables only through these declarations and the files
    themselves (`persondata.person_model()`, to find those past the delay).
    """

    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from core import audit
        from core.navigation import NavItem, register_menu
        from privacy import access, persondata

        register_menu(NavItem(_("Change history"), "history_index", icon="clock-history"))
        persondata.declare("privacy", access.HELD, sections=[access.SECTION])
        audit.hidden_fields.register(persondata.medical_fields)
