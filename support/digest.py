"""The weekly e-mail that reminds each worker of the steps they follow that are overdue."""

import datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from accounts.roles import CARE_TEAM
from core.mail import site_link, templated_email
from residents.models import open_file
from support.models import Step, StepDigest


def send_step_digests(*, on: datetime.date | None = None) -> int:
    """E-mail each active member of the care team the open steps they follow that are overdue on
    `on`; return how many e-mails were sent.

    Once per ISO week: the digest row is written in the transaction that sends the e-mail, so a
    second run the same week sends nothing, and an e-mail that fails to leave rolls its row back
    for the next attempt.
    """
    on = on or timezone.localdate()
    iso_year, iso_week, _weekday = on.isocalendar()
    already = set(
        StepDigest.objects.filter(iso_year=iso_year, iso_week=iso_week).values_list(
            "user_id", flat=True
        )
    )
    workers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(CARE_TEAM))
        .exclude(email="")
        .exclude(pk__in=already)
    )
    overdue = (
        Step.objects.overdue(on)
        .filter(open_file("resident"), followed_by__in=workers)
        .select_related("resident", "followed_by")
        .order_by("followed_by_id", "due_on", "pk")
    )
    sent = 0
    for _user_id, group in groupby(overdue, key=lambda step: step.followed_by_id):
        steps = list(group)
        user = steps[0].followed_by
        with transaction.atomic():
            _digest, created = StepDigest.objects.get_or_create(
                user=user,
                iso_year=iso_year,
                iso_week=iso_week,
                defaults={"step_count": len(steps)},
            )
            if not created:  # another run got there first
                continue
            _message(user, steps, on).send()
        sent += 1
    return sent


def _message(user, steps: list[Step], on: datetime.date) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "steps": [(step, (on - step.due_on).days) for step in steps],
        "count": len(steps),
        "steps_url": site_link("support:step_list"),
    }
    return templated_email("support/email/step_digest", context, to=[user.email])
