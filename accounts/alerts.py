"""The medical team is told whenever someone gains or loses a role that reads the medical and
psychiatric notes: a grant they did not expect is theirs to question."""

import datetime

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import MEDICAL_TEAM, Role
from core.mail import team_emails, templated_email


def send_medical_role_change(
    *, user_id: int, by_id: int | None, added: list[str], removed: list[str], at: str
) -> bool:
    """E-mail the medical team as it stands now (the person just given the role included, the
    one who lost it no longer) who changed whose medical roles, and when (`at`, ISO 8601).

    Returns whether an e-mail left. Tolerates an account that no longer exists.
    """
    user = User.objects.filter(pk=user_id).first()
    to = team_emails(MEDICAL_TEAM)
    if user is None or not to:
        return False
    context = {
        "user": user,
        "by": User.objects.filter(pk=by_id).first() if by_id else None,
        "at": datetime.datetime.fromisoformat(at),
        "added": [Role(role).label for role in added],
        "removed": [Role(role).label for role in removed],
        "accounts_url": f"{settings.SITE_URL}{reverse('accounts:account_list')}"
        if settings.SITE_URL
        else "",
    }
    templated_email("accounts/email/medical_role_change", context, to=to).send()
    return True
