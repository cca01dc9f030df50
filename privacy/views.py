"""The pages that account for what was done with people's data.

- The change history of the audited tables (core.audit): who changed what, and when. Reading the
  history of a row about one person is an access to that person's data, and is logged.
- The right of access: a page per person to export their file, and the download of an export.
  The download URL carries only the export's random UUID, and answers to the user who made the
  export, for EXPORT_VALIDITY: anyone else gets 404, as for an id that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import allow
from core import audit
from core.forms import save_once
from core.http import file_response
from core.pagination import paginate
from privacy import subject_access
from privacy.access import person_data_viewed
from privacy.forms import HistoryFilter, SubjectAccessExportForm
from privacy.models import EXPORT_VALIDITY, ExportFormat, SubjectAccessExport
from privacy.persondata import person_model

EXPORTS_SHOWN = 50


# --- The change history ----------------------------------------------------------------------


@require_GET
@allow("privacy.read_history")
def history_index(request):
    return render(
        request,
        "privacy/history_index.html",
        {
            "models": audit.tracked_models(request.user),
            "journal_url": reverse("residents:access_journal")
            if request.user.has_perm("residents.read_access_log")
            else None,
        },
    )


@require_GET
@allow("privacy.read_history")
def history_model(request, label: str, pk: str | None = None):
    model = audit.tracked_model(label, request.user)
    if model is None:
        raise Http404
    form = HistoryFilter(request.GET or None, about_people=audit.person_field(model) is not None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit.events_for(
        model,
        pk=pk,
        user_id=filters["utilisateur"].pk if filters.get("utilisateur") else None,
        person_id=filters.get("personne"),
    )
    if form.is_bound and not form.is_valid():
        events = events.none()
    if pk is not None:
        person_data_viewed(request, audit.person_of_row(model, pk))
    page = paginate(request, events, per_page=50)
    page.object_list = audit.describe_events(page.object_list, model, user=request.user)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "privacy/history_model.html",
        {
            "model_name": model._meta.verbose_name_plural,
            "label": label,
            "object_pk": pk,
            "page": page,
            "form": form,
            "extra_query": urlencode(query),
        },
    )


# --- The right of access ----------------------------------------------------------------------


def _get_resident_for(user, pk: int, *, permission: str):
    if not user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(person_model(), pk=pk)


def _page(request, resident, form, *, status: int = 200):
    user = request.user
    exports = resident.subject_access_exports.select_related("requested_by")
    if not user.has_perm("privacy.see_all_exports"):
        exports = exports.filter(requested_by=user)
    context = {
        "resident": resident,
        "form": form,
        "exports": exports[:EXPORTS_SHOWN],
        "validity_minutes": int(EXPORT_VALIDITY.total_seconds() // 60),
        "includes_medical": subject_access.includes_medical(user),
        "sees_all_exports": user.has_perm("privacy.see_all_exports"),
    }
    return render(request, "privacy/subject_access_page.html", context, status=status)


@require_GET
@allow("privacy.open_exports_page")
def export_page(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk, permission="privacy.open_exports_page")
    person_data_viewed(request, resident)
    form = SubjectAccessExportForm() if request.user.has_perm("privacy.export") else None
    return _page(request, resident, form)


@require_POST
@allow("privacy.export")
def export_create(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk, permission="privacy.export")
    form = SubjectAccessExportForm(request.POST)
    if form.is_valid():
        saved, export = save_once(
            form,
            lambda: subject_access.export_create(
                resident=resident, by=request.user, format=form.cleaned_data["format"]
            ),
        )
        if saved:
            return redirect("privacy:export_download", token=export.pk)
    return _page(request, resident, form, status=400)


@require_GET
@allow("privacy.export")
def export_download(request, token):
    """The export built now, for its requester only (anyone else: 404), until it expires."""
    export = get_object_or_404(
        SubjectAccessExport.objects.select_related("resident", "requested_by"),
        pk=token,
        requested_by=request.user,
    )
    if export.is_expired():
        return render(
            request, "privacy/subject_access_expired.html", {"export": export}, status=410
        )
    document = subject_access.document_for(export)
    if export.format == ExportFormat.PDF:
        content, content_type = subject_access.render_pdf(document), "application/pdf"
    else:
        content, content_type = (
            subject_access.render_json(document),
            "application/json; charset=utf-8",
        )
    return file_response(
        content,
        filename=subject_access.file_name(export, export.format),
        content_type=content_type,
    )
