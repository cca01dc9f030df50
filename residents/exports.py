"""The resident page's button to the right of access (privacy.subject_access), whose content is
derived from the apps' person-data declarations (`<app>/persondata.py`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import may
from residents.actions import ResidentAction
from residents.models import Resident


def right_of_access_actions(resident: Resident, user) -> list[ResidentAction]:
    """The resident page's button to the right of access page, for whoever may use it."""
    if not may(user, "privacy.open_exports_page"):
        return []
    url = reverse("privacy:export_page", args=[resident.pk])
    if may(user, "privacy.export"):
        return [ResidentAction(_("Export the data (right of access)"), url, icon="download")]
    return [ResidentAction(_("Right of access exports"), url, icon="download")]
