"""Switching day: the coordinator (or the administrator) brings the team's spreadsheets in.

Upload a file, read its preview (each row as it will be recorded, each problem with its sheet,
row and column), import, download the summary. Nothing is recorded before the import.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policy import allow
from core import spreadsheets
from core.forms import save_once
from core.http import file_response
from core.pagination import paginate
from imports import selectors, services, uploads, workbooks
from imports.checks import shown_columns
from imports.columns import SHEET_BY_SLUG, SHEETS
from imports.forms import ImportRunForm, ImportUploadForm
from imports.models import BatchStatus, ImportBatch, RowOutcome, RowStatus

ROWS_PER_PAGE = 50  # a screen or two on a laptop; the XLSX has every row
PROBLEMS = "problemes"


@require_http_methods(["GET", "POST"])
@allow("imports.run")
def import_start(request):
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(
            request.POST,
            request.FILES,
            refused_as_too_large=uploads.refused_as_too_large(request),
        )
        if form.is_valid():
            services.purge_expired()
            batch = services.import_preview(
                parsed=form.parsed, file_name=form.cleaned_data["file"].name, by=request.user
            )
            return redirect("imports:batch_detail", pk=batch.pk)
        status = 400
    else:
        form = ImportUploadForm()
    batches = paginate(
        request,
        ImportBatch.objects.select_related("created_by", "imported_by").defer("rows", "notes"),
        per_page=20,
    )
    return render(
        request,
        "imports/import_start.html",
        {"form": form, "page": batches, "sheets": SHEETS},
        status=status,
    )


def _get_batch(pk: int, *, with_rows: bool = True) -> ImportBatch:
    batches = ImportBatch.objects.select_related("created_by", "imported_by")
    return get_object_or_404(batches if with_rows else batches.defer("rows"), pk=pk)


def _tabs(with_problems: int, by_kind: dict[str, int]) -> list[dict]:
    """The tables of the page: the problems, then one per kind of row the file holds."""
    tabs = []
    if with_problems:
        tabs.append({"key": PROBLEMS, "label": _("Problems"), "count": with_problems})
    for sheet in SHEETS:
        if count := by_kind.get(sheet.kind):
            tabs.append({"key": sheet.slug, "label": str(sheet.label), "count": count})
    return tabs


def _table(request, batch: ImportBatch, with_problems: int, by_kind: dict[str, int]) -> dict:
    """The current tab's page of rows, read from the database (imports.selectors)."""
    tabs = _tabs(with_problems, by_kind)
    keys = [tab["key"] for tab in tabs]
    wanted = request.GET.get("type", "")
    current = wanted if wanted in keys else (keys[0] if keys else "")
    if current == PROBLEMS:
        rows = selectors.BatchRows(batch, count=with_problems)
        columns = []
    elif current:
        kind = SHEET_BY_SLUG[current].kind
        rows = selectors.BatchRows(batch, count=by_kind[kind], kind=kind)
        columns = shown_columns(kind)
    else:
        rows, columns = [], []
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["result_label"] = services.outcome_label(row)
    return {
        "tabs": tabs,
        "current": current,
        "page": page,
        "columns": columns,
        "extra_query": f"type={current}" if current else "",
    }


def _counts(batch: ImportBatch) -> list[dict]:
    """Per kind of row: how many rows in each state (the preview's, or the import's outcome)."""
    imported = batch.status == BatchStatus.IMPORTED
    labels = dict((RowOutcome if imported else RowStatus).choices)
    counts = []
    for sheet in SHEETS:
        found = batch.counts.get(sheet.kind)
        if found:
            counts.append(
                {
                    "label": str(sheet.label),
                    "states": [
                        (key, str(label), found[key])
                        for key, label in labels.items()
                        if key in found
                    ],
                }
            )
    return counts


@require_http_methods(["GET", "POST"])
@allow("imports.run")
def batch_detail(request, pk: int):
    batch = _get_batch(pk, with_rows=False)
    with_problems, by_kind, has_duplicates = selectors.batch_row_counts(batch)
    form = None
    status = 200
    if batch.may_import:
        form = ImportRunForm(
            request.POST if request.method == "POST" else None, has_duplicates=has_duplicates
        )
        if request.method == "POST":
            if form.is_valid():
                saved, _imported = save_once(
                    form,
                    lambda: services.import_run(
                        batch=batch,
                        by=request.user,
                        all_or_nothing=form.cleaned_data["all_or_nothing"],
                        create_duplicates=form.cleaned_data.get("create_duplicates", False),
                    ),
                )
                if saved:
                    messages.success(request, _("The file was imported: its summary is below."))
                    return redirect("imports:batch_detail", pk=batch.pk)
            status = 400
    elif request.method == "POST":
        if batch.status == BatchStatus.IMPORTED:
            messages.info(request, _("This file was already imported: see its summary below."))
        else:
            messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("imports:batch_detail", pk=batch.pk)
    context = {
        "batch": batch,
        "form": form,
        "counts": _counts(batch),
        "has_rows": bool(by_kind),
        **_table(request, batch, with_problems, by_kind),
    }
    return render(request, "imports/batch_detail.html", context, status=status)


@require_GET
@allow("imports.run")
def template_xlsx(request):
    return file_response(
        workbooks.template_xlsx(),
        filename="ancrage-modele-import.xlsx",
        content_type=spreadsheets.XLSX,
    )


@require_GET
@allow("imports.run")
def template_csv(request, kind: str):
    sheet = SHEET_BY_SLUG.get(kind)
    if sheet is None:
        raise Http404
    return file_response(
        workbooks.template_csv(sheet),
        filename=f"ancrage-modele-{sheet.slug}.csv",
        content_type=spreadsheets.CSV,
    )


def _summary_batch(pk: int) -> ImportBatch:
    batch = _get_batch(pk)
    if not batch.rows:
        raise Http404  # emptied after IMPORT_PREVIEW_HOURS
    return batch


@require_GET
@allow("imports.run")
def batch_summary_xlsx(request, pk: int):
    batch = _summary_batch(pk)
    return file_response(
        workbooks.summary_xlsx(batch),
        filename=f"ancrage-import-{batch.pk}-bilan.xlsx",
        content_type=spreadsheets.XLSX,
    )


@require_GET
@allow("imports.run")
def batch_summary_csv(request, pk: int):
    batch = _summary_batch(pk)
    return file_response(
        workbooks.summary_csv(batch),
        filename=f"ancrage-import-{batch.pk}-bilan.csv",
        content_type=spreadsheets.CSV,
    )
