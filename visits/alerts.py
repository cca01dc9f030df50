"""E-mails of this app: a medical or psychiatric concern flagged during a visit, to the nurse and
the psychiatrist (their dashboard shows it too, but they are not always at a desk)."""

from django.db import transaction
from django.utils import timezone

from accounts.roles import MEDICAL_TEAM
from core.mail import site_link, team_emails, templated_email
from visits.models import Visit


def send_medical_follow_up_alert(visit_id: int) -> bool:
    """E-mail the medical team that a medical or psychiatric concern was flagged, once a flag.

    The e-mail names the person by their nickname and links to the visit: no health content
    (neither the note nor the observations), e-mail not being a place for it. Returns whether an
    e-mail left. Tolerates a visit that no longer exists, whose flag was changed or handled.
    """
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("resident", "hotel", "logged_by")
            .filter(pk=visit_id)
            .first()
        )
        if (
            visit is None
            or not visit.has_medical_follow_up
            or not visit.needs_follow_up
            or visit.follow_up_alert_sent_at is not None
        ):
            return False
        visit.follow_up_alert_sent_at = timezone.now()
        visit.save(update_fields=["follow_up_alert_sent_at"])
        to = team_emails(MEDICAL_TEAM)
        if to:
            context = {"visit": visit, "visit_url": site_link("visits:visit_detail", visit.pk)}
            templated_email("visits/email/medical_follow_up", context, to=to).send()
    return True
