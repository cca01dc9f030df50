"""Which roles may use which view.

Every view declares its rule, and `RoleAccessMiddleware` enforces it before the view runs: a view
without a rule answers 403, so a page added without thinking about access is closed, not open.

- most views: a permission of their app's policy (accounts.policy), ``@allow("placements.manage")``
  on a function, ``permission = "placements.manage"`` on a class (see `core.views.RoleViewMixin`);
- any signed-in user: ``@allow_roles(AUTHENTICATED)``, ``allowed_roles = AUTHENTICATED``;
- public views: Django's ``@login_not_required``.

A view that names roles itself (``@allow_roles(Role.COORDINATOR)``) still works, but
tests/test_access_policy.py fails until its roles come from a declared permission.
"""

from collections.abc import Callable, Iterable

from accounts import policy

AUTHENTICATED = "authenticated"
PUBLIC = "public"


def allow_roles(*roles: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        view.allowed_roles = _normalise(roles)
        return view

    return decorator


def _normalise(roles: Iterable[str]) -> frozenset[str] | str:
    roles = frozenset(roles)
    if AUTHENTICATED in roles:
        return AUTHENTICATED
    if not roles:
        raise ValueError("A view must allow at least one role (or AUTHENTICATED).")
    return roles


def view_permission(view_func: Callable) -> str | None:
    """The permission a resolved view is declared with (`@allow`, or its class's `permission`)."""
    permission = getattr(view_func, "permission", None)
    view_class = getattr(view_func, "view_class", None)
    if permission is None and view_class is not None:
        permission = getattr(view_class, "permission", None)
    return permission


def view_rule(view_func: Callable) -> frozenset[str] | str | None:
    """The declared rule of a resolved view: PUBLIC, AUTHENTICATED, a set of roles, or None."""
    if getattr(view_func, "login_required", True) is False:
        return PUBLIC
    permission = view_permission(view_func)
    if permission is not None:
        return policy.roles(permission)
    rule = getattr(view_func, "allowed_roles", None)
    view_class = getattr(view_func, "view_class", None)
    if rule is None and view_class is not None:
        rule = getattr(view_class, "allowed_roles", None)
    if rule is None or rule in (PUBLIC, AUTHENTICATED):
        return rule
    return _normalise(rule)


def user_may_use(user, view_func: Callable) -> bool:
    rule = view_rule(view_func)
    if rule == PUBLIC:
        return True
    if rule is None or not user.is_authenticated or not user.is_active:
        return False
    if rule == AUTHENTICATED:
        return True
    return user.has_role(*rule)
