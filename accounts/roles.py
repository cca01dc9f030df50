"""The team's roles.

Roles are Django groups (a user may hold several). What each role may do is written in each app's
`policy.py` (see `accounts.policy`), which the views, the menu and the templates read: that is the
only rule; the groups hold no Django model permission.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    NURSE = "nurse", _("Nurse")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    COORDINATOR = "coordinator", _("Coordinator")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


ALL_ROLES = frozenset(Role)
MEDICAL_TEAM = frozenset({Role.NURSE, Role.PSYCHIATRIST})
# The people who work with residents day to day and may edit case files.
CARE_TEAM = frozenset({Role.SOCIAL_WORKER, Role.NURSE, Role.PSYCHIATRIST, Role.COORDINATOR})
# Everyone who may read the programme's operational pages.
STAFF = CARE_TEAM | {Role.MANAGER}

# Who may read the change history of case-file data (identity, situation, consumption, incidents):
# the history shows every field, so it follows the case file's rules, not the admin's.
CASE_FILE_HISTORY = frozenset({Role.MANAGER})
# Who may read the change history of the accounts and their roles. The administrator manages
# accounts only: every other history (stays, stocks, hotels…) is the manager's alone.
ACCOUNT_HISTORY = frozenset({Role.MANAGER, Role.ADMIN})


def sync_role_groups(apps, schema_editor=None) -> None:
    """Ensure one group per role, holding no Django permission.

    Written for data migrations (older ones call it too). What a role may do is decided by the
    apps' policies alone (accounts.policy): a model permission on a group would be a second rule
    that could say otherwise.
    """
    Group = apps.get_model("auth", "Group")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.clear()
