"""The resident page's button to the right of access (privacy.subject_access), whose content is
derived from the apps' person-data declarations (`<app>/persondata.py`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.subject_access import EXPORT_OVERSEERS, EXPORTERS
from residents.actions import ResidentAction
from residents.models import Resident


def right_of_access_actions(resident: Resident, user) -> list[ResidentAction]:
    """The resident page's button to the right of access page, for whoever may use it."""
    if not user.has_role(*(EXPORTERS | EXPORT_OVERSEERS)):
        return []
    url = reverse("privacy:export_page", args=[resident.pk])
    if user.has_role(*EXPORTERS):
        return [ResidentAction(_("Export the data (right of access)"), url, icon="download")]
    return [ResidentAction(_("Right of access exports"), url, icon="download")]
