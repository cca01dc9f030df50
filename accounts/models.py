from django.contrib.auth.models import AbstractUser
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import ACCOUNT_HISTORY, MEDICAL_TEAM, Role
from core.audit import audited


@audited(readers=ACCOUNT_HISTORY, exclude=["password", "last_login"])
class User(AbstractUser):
    """A member of the team. Roles are held as groups named after `accounts.roles.Role`."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        # groups.all() rather than values_list(): lists that prefetch the groups stay at one query.
        return frozenset(group.name for group in self.groups.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_medical(self) -> bool:
        return self.has_role(*MEDICAL_TEAM)

    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role in self.role_names]


@audited(readers=ACCOUNT_HISTORY)
class UserRole(User.groups.through):
    """The table of who holds which role (`User.groups`), audited: adding a role is an insert,
    removing one a delete, each with who did it and when."""

    class Meta:
        proxy = True
        verbose_name = _("role of an account")
        verbose_name_plural = _("roles of the accounts")
