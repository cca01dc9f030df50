"""Account workflows: a departing worker loses access at once; no account is ever deleted;
nobody changes their own roles (every role added or removed is in the change history)."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from accounts.roles import MEDICAL_TEAM
from accounts.tasks import send_medical_role_change
from accounts.twofactor import second_factor_reset
from core.mail import templated_email

SELF_ROLE_CHANGE = _lazy("You cannot change your own roles: ask another manager or administrator.")


def _end_sessions(user: User) -> int:
    """Delete the user's open sessions (a team holds tens of sessions: a scan is fine)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def account_deactivate(*, user: User, by: User) -> int:
    """Close a departing worker's account in one action: no login, open sessions ended now."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return _end_sessions(user)


@transaction.atomic
def account_set_roles(*, user: User, roles: Iterable[str], by: User) -> None:
    """Give `user` exactly these roles. Nobody changes their own: a manager or an administrator
    adding "nurse" to their account would read the medical notes. A medical role given or taken
    is e-mailed to the medical team once the change is committed."""
    roles = set(roles)
    before = own_roles(user)
    if user.pk is not None and user.pk == by.pk and roles != before:
        raise ValidationError(SELF_ROLE_CHANGE)
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    added, removed = (roles - before) & MEDICAL_TEAM, (before - roles) & MEDICAL_TEAM
    if added or removed:
        change = {
            "user_id": user.pk,
            "by_id": by.pk,
            "added": sorted(added),
            "removed": sorted(removed),
            "at": timezone.now().isoformat(),
        }
        transaction.on_commit(lambda: send_medical_role_change.delay(**change))


def own_roles(user: User) -> set[str]:
    """The roles an account holds, active or not (`User.role_names` is empty when inactive)."""
    return set(user.groups.values_list("name", flat=True)) if user.pk else set()


@transaction.atomic
def account_reactivate(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def account_reset_second_factor(*, user: User) -> None:
    """For a lost phone: the next login asks the person to set up a new authenticator."""
    second_factor_reset(user)
    _end_sessions(user)


def account_send_welcome(*, user: User, request) -> None:
    """E-mail a new colleague the link to choose a password (valid as a password-reset link)."""
    link = request.build_absolute_uri(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    context = {"user": user, "link": link}
    templated_email("accounts/email/welcome", context, to=[user.email]).send()
