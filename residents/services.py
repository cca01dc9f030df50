"""Workflows of the residents app that touch several rows or must not run twice at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from residents.models import AdmissionRequest, Resident


@transaction.atomic
def admission_request_create(
    *, request: AdmissionRequest, new_person: Resident | None = None, by
) -> AdmissionRequest:
    """Save a request, first opening the file of the person it is for when they are new."""
    if new_person is not None:
        new_person.created_by = by
        new_person.full_clean(exclude=["search_text"])
        new_person.save()
        request.resident = new_person
    request.created_by = by
    request.full_clean()
    request.save()
    return request


def _locked(request: AdmissionRequest) -> AdmissionRequest:
    # Two coordinators deciding the same request at once: the second sees the first's decision.
    return (
        AdmissionRequest.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=request.pk)
    )


@transaction.atomic
def admission_admit(*, request: AdmissionRequest, by, reason: str = "") -> AdmissionRequest:
    """Admit the person: the request leaves the ranking and waits for a place."""
    request = _locked(request)
    request.admit(by=by, reason=reason)
    return request


@transaction.atomic
def admission_refuse(*, request: AdmissionRequest, by, reason: str) -> AdmissionRequest:
    request = _locked(request)
    request.refuse(by=by, reason=reason)
    return request


@transaction.atomic
def admission_mark_lost(*, request: AdmissionRequest, by, reason: str = "") -> AdmissionRequest:
    """Close a request whose person can no longer be reached (sans suite / perdu·e de vue)."""
    request = _locked(request)
    request.mark_lost(by=by, reason=reason)
    return request


@transaction.atomic
def resident_archive(*, resident: Resident, by) -> Resident:
    """Archive a file, unless the person still waits on the list: decide the request first."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.admission_requests.waiting().exists():
        raise ValidationError(
            _("This person is on the waiting list: decide or close the request before archiving.")
        )
    resident.archive(by=by)
    return resident
