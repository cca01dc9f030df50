"""Which roles may use which view.

Every view declares its rule, and `RoleAccessMiddleware` enforces it before the view runs: a view
without a rule answers 403, so a page added without thinking about access is closed, not open.

- function views: ``@allow_roles(Role.COORDINATOR)`` or ``@allow_roles(AUTHENTICATED)``;
- class-based views: ``allowed_roles = {...}`` (see `core.views.RoleViewMixin`);
- public views: Django's ``@login_not_required``.
"""

from collections.abc import Callable, Iterable

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


def view_rule(view_func: Callable) -> frozenset[str] | str | None:
    """The declared rule of a resolved view: PUBLIC, AUTHENTICATED, a set of roles, or None."""
    if getattr(view_func, "login_required", True) is False:
        return PUBLIC
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
