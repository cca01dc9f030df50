from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import allow
from core import spreadsheets
from core.forms import save_once
from core.http import file_response
from core.pagination import paginate
from reports import rendering, services
from reports.forms import ReportRequestForm
from reports.models import Report, ReportStatus


def _get_report(pk: int, *, ready: bool = False) -> Report:
    """The report of this id; for a download, only once its build is complete."""
    report = get_object_or_404(Report.objects.select_related("requested_by"), pk=pk)
    if ready and (report.status != ReportStatus.READY or not report.pdf):
        raise Http404
    return report


def _list_context(request, form=None) -> dict:
    page = paginate(request, Report.objects.select_related("requested_by"), per_page=25)
    return {
        "page": page,
        "form": form,
        "pending": any(report.is_pending for report in page.object_list),
    }


@require_GET
@allow("reports.read")
def report_list(request):
    if request.htmx:
        return render(request, "reports/includes/report_rows.html", _list_context(request))
    form = ReportRequestForm() if request.user.has_perm("reports.generate") else None
    return render(request, "reports/report_list.html", _list_context(request, form))


@require_POST
@allow("reports.generate")
def report_create(request):
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        saved, _report = save_once(
            form,
            lambda: services.report_request(
                audience=form.cleaned_data["audience"],
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
                key=f"form-{form.cleaned_data['form_token']}",
                by=request.user,
            ),
        )
        if saved:
            messages.success(request, _("The report is queued: it will be ready in a moment."))
            return redirect("reports:report_list")
    return render(request, "reports/report_list.html", _list_context(request, form), status=400)


@require_POST
@allow("reports.generate")
def report_retry(request, pk: int):
    report = _get_report(pk)
    if report.status != ReportStatus.FAILED:
        messages.info(request, _("Only a failed report can be built again."))
        return redirect("reports:report_list")
    with transaction.atomic():
        services.report_retry(report)
    messages.success(request, _("The report is queued again."))
    return redirect("reports:report_list")


@require_GET
@allow("reports.read")
def report_pdf(request, pk: int):
    report = _get_report(pk, ready=True)
    with report.pdf.open("rb") as pdf:
        content = pdf.read()
    return file_response(
        content, filename=rendering.file_name(report, "pdf"), content_type="application/pdf"
    )


@require_GET
@allow("reports.read")
def report_csv(request, pk: int, key: str):
    report = _get_report(pk, ready=True)
    content = rendering.table_csv(report, key)
    if content is None:
        raise Http404
    # A byte-order mark so that spreadsheet software reads the accents as UTF-8.
    return file_response(
        "\ufeff" + content,
        filename=rendering.file_name(report, "csv", key),
        content_type=spreadsheets.CSV,
    )


@require_GET
@allow("reports.read")
def report_xlsx(request, pk: int):
    report = _get_report(pk, ready=True)
    return file_response(
        rendering.workbook(report),
        filename=rendering.file_name(report, "xlsx"),
        content_type=spreadsheets.XLSX,
    )
