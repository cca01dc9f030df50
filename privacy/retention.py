"""Retention of case files: anonymise the people the team has not met for RETENTION_DAYS.

The CNIL's reference for the social and medico-social sector keeps active data two years after
the last contact. Past that delay a case file is anonymised, not deleted: identity and every free
text about the person go; the coded facts the activity reports count (gender, year of birth,
stays and their dates, exits, visits, material and vouchers handed out, referrals and steps with
their outcomes, assessments' coded answers) stay, so that a past year's report still adds up.

What goes and what stays is declared table by table in each app's `<app>/persondata.py`
(see privacy.persondata): anonymising puts each declared field's erased value in place, and
deletes the change history of the rows about the person, since it keeps their old values. The
last contact of a file is the latest of the dates its tables declare as contacts (the file's
opening included), or `ONGOING` while something is still open (a current stay, a request on the
waiting list): such a file never expires. It is wider than the reports' file active (see
`last_contact_dates`).

The access log and the change history have their own delays (ACCESS_LOG_RETENTION_DAYS,
HISTORY_RETENTION_DAYS). The daily task is `privacy.tasks.apply_retention`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core.audit import event_models
from privacy import persondata
from privacy.models import AccessLog

ONGOING = persondata.ONGOING
REDACTED = persondata.REDACTED
BATCH_SIZE = 100


# --- Which files are past the delay ----------------------------------------------------------


@dataclass(frozen=True)
class ExpiredFile:
    resident_id: int
    last_contact: datetime.date


def cutoff(today: datetime.date | None = None) -> datetime.date:
    """Files whose last contact is before this day are past the retention delay."""
    return (today or timezone.localdate()) - datetime.timedelta(days=settings.RETENTION_DAYS)


def last_contact_dates(resident_ids: list[int]) -> dict[int, datetime.date]:
    """The last contact of each person: the latest date any table declares as a contact
    (privacy.persondata), or ONGOING while a stay or a waiting request is open.

    Wider than the reports' file active (reports.figures.file_active_ids), which counts the
    care given in a period: here anything dated with the person keeps the file alive — the
    file's opening, an admission request and its news, an absence, an incident, an overdose,
    advice, a sample, a step, and a referral's creation even when it has an appointment.
    """
    return persondata.merge(
        *(held.last_contacts(resident_ids) for held in persondata.declarations())
    )


def expired_files(today: datetime.date | None = None) -> list[ExpiredFile]:
    """The files not yet anonymised whose last contact is older than RETENTION_DAYS, oldest
    contact first. A file with a current stay or a request on the waiting list never is."""
    limit = cutoff(today)
    people = persondata.person_model()._default_manager
    # The file's opening is a contact: a file opened after the cut-off cannot have expired.
    candidates = list(
        people.filter(anonymised_at__isnull=True, created_at__date__lt=limit)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = []
    for start in range(0, len(candidates), 1000):
        chunk = candidates[start : start + 1000]
        for resident_id, day in last_contact_dates(chunk).items():
            if day < limit:
                expired.append(ExpiredFile(resident_id, day))
    return sorted(expired, key=lambda file: (file.last_contact, file.resident_id))


# --- Anonymising -------------------------------------------------------------------------------


def anonymise(resident_ids: Iterable[int]) -> list[int]:
    """Anonymise these files in one transaction; returns the ids actually anonymised.

    The rows are locked first and a file already anonymised (by a concurrent run) is left alone,
    so running twice has one effect. The history of every row about these people goes too,
    including the update events this anonymisation has just written.
    """
    people = persondata.person_model()._default_manager
    with transaction.atomic():
        ids = list(
            people.select_for_update()
            .filter(pk__in=list(resident_ids), anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        rows: list[models.QuerySet] = []
        for held in persondata.declarations():
            erased = held.erase(ids)
            if held.delete_history:
                rows.append(erased)
        people.filter(pk__in=ids).update(anonymised_at=timezone.now())
        _delete_history(rows)
    return ids


def anonymise_expired(today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Anonymise every file past the retention delay, one transaction per batch."""
    ids = [file.resident_id for file in expired_files(today)]
    return sum(
        len(anonymise(ids[start : start + batch_size])) for start in range(0, len(ids), batch_size)
    )


def _delete_history(rows: Iterable[models.QuerySet]) -> int:
    events = event_models()
    deleted = 0
    for queryset in rows:
        event_model = events.get(queryset.model)
        if event_model is None:
            continue
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if pks:
            deleted += event_model.objects.filter(pgh_obj_id__in=pks).delete()[0]
    return deleted


# --- The access log and the change history -----------------------------------------------------


def access_log_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)


def history_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.HISTORY_RETENTION_DAYS)


def old_access_log(now: datetime.datetime | None = None) -> models.QuerySet:
    return AccessLog.objects.filter(at__lt=access_log_cutoff(now))


def purge_access_log(now: datetime.datetime | None = None) -> int:
    """Delete the access log lines older than ACCESS_LOG_RETENTION_DAYS, with their history
    (the log is audited: its history would otherwise keep every line it deleted)."""
    with transaction.atomic():
        old = old_access_log(now)
        pks = [str(pk) for pk in old.values_list("pk", flat=True)]
        deleted, _by_model = old.delete()
        event_models()[AccessLog].objects.filter(pgh_obj_id__in=pks).delete()
    return deleted


def old_history_count(now: datetime.datetime | None = None) -> int:
    limit = history_cutoff(now)
    return sum(
        event.objects.filter(pgh_created_at__lt=limit).count() for event in event_models().values()
    )


def purge_history(now: datetime.datetime | None = None) -> int:
    """Delete the change-history events older than HISTORY_RETENTION_DAYS, in every table."""
    limit = history_cutoff(now)
    deleted = 0
    with transaction.atomic():
        for event in event_models().values():
            deleted += event.objects.filter(pgh_created_at__lt=limit).delete()[0]
    return deleted
