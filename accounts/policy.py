"""Who may do what: each app's permissions, by name, and the roles that hold them.

An app writes its whole access policy in one module, `<app>/policy.py`::

    from accounts.policy import declare
    from accounts.roles import STAFF, Role

    declare(
        "placements",
        # Everyone on staff: the board, the hotels, the stays, the incidents.
        read=STAFF,
        # The coordinator: assigns, ends and transfers stays, keeps the hotels and their outages.
        manage={Role.COORDINATOR},
    )

Everything else reads a permission by its name, "placements.manage":

- a view: ``@allow("placements.manage")``, or ``permission = "placements.manage"`` on a
  class-based view (core.views.RoleViewMixin); accounts.access makes it the view's rule, which
  RoleAccessMiddleware enforces and the menu reads;
- a button: ``{% if perms.placements.manage %}`` in a template,
  ``request.user.has_perm("placements.manage")`` in a view (`PolicyBackend` answers both);
- any other code: `may(user, "placements.manage")`, `roles("placements.manage")`.

A name nobody declared raises `UnknownPermission`, never a quiet yes or no: a typo must neither
open nor close a page. The policy modules are found as Django finds the apps' admin.py: every
installed app's `policy` module is imported at start-up (AccountsConfig.ready()), or on the first
lookup if that comes earlier.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.module_loading import autodiscover_modules

from accounts.roles import Role
from core.registry import Registry


class UnknownPermission(ImproperlyConfigured):
    """A permission name that no `<app>/policy.py` declares.

    Not a KeyError on purpose: the template engine takes one for a missing variable and would
    quietly hide the button (`{% if perms.placements.manaeg %}`).
    """


@dataclass(frozen=True)
class Permission:
    name: str  # "<app label>.<permission>"
    roles: frozenset[str]

    @property
    def app_label(self) -> str:
        return self.name.partition(".")[0]


permissions: Registry[Permission] = Registry("permissions")
_discovered = False


def declare(app_label: str, **rules: Iterable[str]) -> None:
    """Declare `app_label`'s permissions: each keyword is a permission, its value the roles."""
    for name, allowed in rules.items():
        allowed = frozenset(allowed)
        unknown = allowed - set(Role)
        if unknown or not allowed:
            raise ImproperlyConfigured(
                f"{app_label}.{name}: roles must be some of {sorted(Role)}, not {sorted(allowed)}"
            )
        permissions.register(Permission(f"{app_label}.{name}", allowed))


def autodiscover() -> None:
    """Import every installed app's `policy` module (once), which declares its permissions."""
    global _discovered
    if not _discovered:
        autodiscover_modules("policy")
        _discovered = True


def declared() -> list[Permission]:
    autodiscover()
    return list(permissions)


def roles(permission: str) -> frozenset[str]:
    """The roles that hold `permission`; UnknownPermission if no policy declares it."""
    autodiscover()
    found = permissions.get(permission)
    if found is None:
        app_label = permission.partition(".")[0]
        raise UnknownPermission(
            f"No permission {permission!r}: declare it in {app_label}/policy.py "
            f"(declared: {', '.join(permissions.names())})"
        )
    return found.roles


def may(user, permission: str) -> bool:
    """Whether `user` holds one of the roles of `permission` (an inactive account: none)."""
    allowed = roles(permission)
    return bool(user.is_authenticated and user.is_active and user.has_role(*allowed))


def allow(permission: str) -> Callable:
    """View decorator: the roles of `permission` may use the view (see accounts.access)."""
    allowed = roles(permission)

    def decorator(view: Callable) -> Callable:
        view.allowed_roles = allowed
        view.permission = permission
        return view

    return decorator


def _answers_for(app_label: str) -> bool:
    """The policy answers for the apps that declare one, and for names of no app at all (a typo,
    which `roles()` rejects); an installed app without a policy keeps Django's model
    permissions, which ModelBackend answers (none is granted: the groups hold none)."""
    autodiscover()
    if any(permission.app_label == app_label for permission in permissions):
        return True
    try:
        apps.get_app_config(app_label)
    except LookupError:
        return True
    return False


class PolicyBackend:
    """Answers `user.has_perm("placements.manage")` and so `{% if perms.placements.manage %}`
    from the apps' policies. It authenticates nobody.

    Listed before ModelBackend: for a permission of the policy its answer is final (a "no" raises
    PermissionDenied, which ends Django's search), so ModelBackend never queries the database
    for permissions that no group holds.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is not None or not _answers_for(perm.partition(".")[0]):
            return False
        if may(user_obj, perm):
            return True
        raise PermissionDenied

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not _answers_for(app_label):
            return False
        if any(
            permission.app_label == app_label and may(user_obj, permission.name)
            for permission in declared()
        ):
            return True
        raise PermissionDenied


# --- The accounts' own policy ---------------------------------------------------------------------

declare(
    "accounts",
    # The manager and the administrator open, change, (de)activate accounts, reset a second factor.
    manage={Role.MANAGER, Role.ADMIN},
)
