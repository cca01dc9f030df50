from django.contrib.auth.models import AbstractUser, Group
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def account_names(ids: set[int]) -> dict[int, str]:
    """The history page shows whose account a row is about by name, not by number."""
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}


def role_labels(group_ids: set[int]) -> dict[int, str]:
    """The history page shows a role's French label, not its group's number."""
    names = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    return {pk: str(Role(name).label) if name in Role else name for pk, name in names.items()}


@audited(
    readers=ACCOUNT_HISTORY,
    value_labels={"user_id": account_names, "group_id": role_labels},
    field_labels={"user_id": _("account"), "group_id": _("role")},
)
class UserRole(User.groups.through):
    """The table of who holds which role (`User.groups`), audited: adding a role is an insert,
    removing one a delete, each with who did it and when."""

    class Meta:
        proxy = True
        verbose_name = _("role of an account")
        verbose_name_plural = _("roles of the accounts")


# Written at every login (the last code used, the clock drift, failed attempts): not a change
# anyone made to the account, so left out of the history of the second factor.
LOGIN_BOOKKEEPING = [
    "last_used_at",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "drift",
    "last_t",
]


# django-otp's fields, named in French on the history page.
DEVICE_FIELD_LABELS = {
    "user_id": _("account"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created at"),
}


@audited(
    readers=ACCOUNT_HISTORY,
    value_labels={"user_id": account_names},
    field_labels=DEVICE_FIELD_LABELS,
    exclude=["key", *LOGIN_BOOKKEEPING],  # the key is the secret itself: never copied
)
class AuthenticatorApp(TOTPDevice):
    """The authenticator app (TOTP) paired with an account, audited: pairing it and a manager's
    reset each leave who did it and when."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps of the accounts")


@audited(
    readers=ACCOUNT_HISTORY,
    value_labels={"user_id": account_names},
    field_labels=DEVICE_FIELD_LABELS,
    exclude=[name for name in LOGIN_BOOKKEEPING if name not in ("drift", "last_t")],
)
class RecoveryCodeList(StaticDevice):
    """An account's list of single-use recovery codes (the codes are `RecoveryCode`)."""

    class Meta:
        proxy = True
        verbose_name = _("recovery code list")
        verbose_name_plural = _("recovery code lists of the accounts")


@audited(readers=ACCOUNT_HISTORY, exclude=["token"])  # the code itself: never copied
class RecoveryCode(StaticToken):
    """One recovery code: created with its list, deleted when used or replaced."""

    class Meta:
        proxy = True
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes of the accounts")
