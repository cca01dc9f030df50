"""The team's roles and what each may do.

Roles are Django groups (a user may hold several). Views declare the roles allowed to use them
(see `accounts.access`); the permission table below gives each group its model permissions so the
same rules also hold for anything that checks `user.has_perm`.
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

# role -> {app_label: actions}; an action grants that permission on every model of the app.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.SOCIAL_WORKER: {
        "placements": ("view",),
        "residents": ("view", "add", "change"),
        "support": ("view", "add", "change"),
        "visits": ("view", "add", "change"),
        "harmreduction": ("view", "add", "change"),
    },
    Role.NURSE: {
        "placements": ("view",),
        "residents": ("view", "add", "change"),
        "support": ("view", "add", "change"),
        "visits": ("view", "add", "change"),
        "harmreduction": ("view", "add", "change"),
    },
    Role.PSYCHIATRIST: {
        "placements": ("view",),
        "residents": ("view", "add", "change"),
        "support": ("view", "add", "change"),
        "visits": ("view", "add", "change"),
        "harmreduction": ("view", "add", "change"),
    },
    Role.COORDINATOR: {
        "placements": ("view", "add", "change"),
        "residents": ("view", "add", "change"),
        "support": ("view", "add", "change"),
        "visits": ("view", "add", "change"),
        "harmreduction": ("view", "add", "change"),
        "reports": ("view",),
    },
    Role.MANAGER: {
        "placements": ("view",),
        "accounts": ("view",),
        "residents": ("view",),
        "support": ("view",),
        "visits": ("view",),
        "harmreduction": ("view",),
        "reports": ("view", "add", "change"),
    },
    Role.ADMIN: {"accounts": ("view", "add", "change")},
}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create one group per role and give it exactly the permissions of ROLE_PERMISSIONS.

    Written for data migrations: each feature that adds models adds a migration that calls it
    again, so the groups always match the table above.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = Permission.objects.none()
        for app_label, actions in ROLE_PERMISSIONS.get(role, {}).items():
            for action in actions:
                wanted = wanted | Permission.objects.filter(
                    content_type__app_label=app_label, codename__startswith=f"{action}_"
                )
        group.permissions.set(wanted.distinct())
