from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import allow
from core import spreadsheets
from core.forms import save_once
from core.http import file_response
from core.pagination import paginate
from reports import exports, rendering, services
from reports.forms import (
    COMMENTARY_MAX_LENGTH,
    CommentaryForm,
    CsvFormatForm,
    FinaliseForm,
    OrganisationForm,
    ReportRequestForm,
)
from reports.models import Organisation, Report, ReportStatus


def _get_report(pk: int, *, ready: bool = False) -> Report:
    """The report of this id; for a download, only once its build is complete."""
    report = get_object_or_404(Report.objects.select_related("requested_by"), pk=pk)
    if ready and (report.status != ReportStatus.READY or not report.pdf):
        raise Http404
    return report


def _list_context(request, form=None) -> dict:
    page = paginate(request, Report.objects.listed().select_related("requested_by"), per_page=25)
    for report in page.object_list:
        if report.status == ReportStatus.READY:
            report.csv_links = _csv_links(report)
    return {
        "page": page,
        "form": form,
        "pending": any(report.is_pending for report in page.object_list),
    }


def _csv_links(report: Report) -> list[tuple[str, str]]:
    """(title, address) of each table's CSV: the address is looked up once per report."""
    address = reverse("reports:report_csv", args=[report.pk, "KEY"])
    return [(title, address.replace("/KEY.csv", f"/{key}.csv")) for key, title in report.tables()]


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
    options = CsvFormatForm(request.GET)
    if not options.is_valid():
        return HttpResponseBadRequest(_("Unknown CSV format: choose French or international."))
    content = exports.table_csv(report, key, iso=options.cleaned_data["format"] == options.ISO)
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
        exports.workbook(report),
        filename=rendering.file_name(report, "xlsx"),
        content_type=spreadsheets.XLSX,
    )


def _posted(request):
    """The form data of a POST (even an empty one, which must not look unsent), else None."""
    return request.POST if request.method == "POST" else None


def _redirect_with_error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect("reports:report_list")


@require_http_methods(["GET", "POST"])
@allow("reports.finalise")
def report_commentary(request, pk: int):
    """The team's commentary of a draft, section by section; saving builds its PDF again."""
    report = _get_report(pk, ready=True)
    if not report.is_draft:
        return _redirect_with_error(request, ValidationError(services.ALREADY_FINAL))
    form = CommentaryForm(_posted(request), report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_comment(report=report, commentary=form.cleaned_data)
        except ValidationError as error:
            return _redirect_with_error(request, error)
        messages.success(
            request, _("The commentary is saved: the PDF is being built again with it.")
        )
        return redirect("reports:report_list")
    context = {"report": report, "form": form, "max_length": COMMENTARY_MAX_LENGTH}
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/report_commentary.html", context, status=status)


@require_http_methods(["GET", "POST"])
@allow("reports.finalise")
def report_finalise(request, pk: int):
    """Ask for a confirmation, then freeze the draft as this version."""
    report = _get_report(pk, ready=True)
    if not report.is_draft:
        return _redirect_with_error(request, ValidationError(services.ALREADY_FINAL))
    form = FinaliseForm(_posted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_finalise(report=report, by=request.user)
            except ValidationError as error:
                return _redirect_with_error(request, error)
            messages.success(
                request,
                _("Version %(version)s is finalised: its final PDF is being built.")
                % {"version": report.version},
            )
            return redirect("reports:report_list")
        status = 400
    else:
        status = 200
    return render(
        request, "reports/report_finalise.html", {"report": report, "form": form}, status=status
    )


@require_POST
@allow("reports.finalise")
def report_revise(request, pk: int):
    """A new draft version of a finalised report; the finalised one stays downloadable."""
    report = _get_report(pk)
    try:
        with transaction.atomic():
            revision, created = services.report_revise(report=report, by=request.user)
    except ValidationError as error:
        return _redirect_with_error(request, error)
    if created:
        messages.success(
            request,
            _("Version %(version)s is a new draft: write its commentary once it is built.")
            % {"version": revision.version},
        )
    else:
        messages.info(
            request,
            _("This version was already revised: version %(version)s.")
            % {"version": revision.version},
        )
    return redirect("reports:report_list")


@require_http_methods(["GET", "POST"])
@allow("reports.configure")
def organisation_edit(request):
    """The organisation printed on the reports, set by the manager."""
    organisation = Organisation.current()
    form = OrganisationForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        instance=organisation,
    )
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(
                request,
                _("The organisation is saved: the next reports built print it."),
            )
            return redirect("reports:organisation_edit")
        status = 400
    else:
        status = 200
    return render(
        request,
        "reports/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=status,
    )
