"""Meal vouchers: the weekly sheet (on screen, as a PDF, each line ticked or not given) and the
stock of vouchers (its ledger, receipts and removals)."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import allow
from core.forms import add_validation_error
from core.http import file_response, safe_next
from core.pagination import paginate
from core.params import day_param, id_param, parse_day
from harmreduction import pdf
from harmreduction.forms.vouchers import (
    VoucherMissedForm,
    VoucherReceiptForm,
    VoucherRemovalForm,
)
from harmreduction.models.common import WEEK, Setting, week_start
from harmreduction.models.vouchers import VoucherDistribution, VoucherLedgerLine
from harmreduction.selectors import vouchers as selectors
from harmreduction.services import vouchers as services
from placements.models import Hotel
from privacy.access import person_data_viewed
from residents.models import Resident

SHEET_PER_PAGE = 100


# --- Meal vouchers: the weekly sheet -------------------------------------------------------------


def _sheet_url(week: datetime.date, hotel_id: int | None = None, where: str = "") -> str:
    params = {"semaine": week.isoformat()}
    if hotel_id:
        params["hotel"] = hotel_id
    if where:
        params["lieu"] = where
    return f"{reverse('harmreduction:voucher_week')}?{urlencode(params)}"


# A number no row has, reversed in place of the real one then replaced by it on each line.
PLACEHOLDER_PK = 987654321


def _placeholder_url(name: str) -> str:
    return reverse(name, args=[PLACEHOLDER_PK])


def _present(lines, *, week: datetime.date, here: str) -> None:
    """Give each line shown its links and its "given by" text. Each address is reversed once
    and each text translated once: `{% url %}` and `{% blocktranslate %}` on every line cost
    more than the rest of a 100-line page."""
    placeholder = str(PLACEHOLDER_PK)
    resident_url = _placeholder_url("residents:resident_detail")
    give_url = _placeholder_url("harmreduction:voucher_give")
    cancel_url = _placeholder_url("harmreduction:voucher_cancel")
    missed_url = (
        f"{_placeholder_url('harmreduction:voucher_missed')}"
        f"?semaine={week.isoformat()}&next={quote(here, safe='/')}"
    )
    given_by = gettext("by %(by)s on %(at)s, %(where)s")
    # A hundred lines share a few people, places and minutes: each is formatted once.
    people, places, times = {}, {}, {}
    for line in lines:
        pk = str(line.resident.pk)
        line.resident_url = resident_url.replace(placeholder, pk)
        line.give_url = give_url.replace(placeholder, pk)
        line.missed_url = missed_url.replace(placeholder, pk)
        row = line.active
        if row is not None:
            line.cancel_url = cancel_url.replace(placeholder, str(row.pk))
        if line.is_given:
            if row.recorded_by_id not in people:
                people[row.recorded_by_id] = conditional_escape(row.recorded_by)
            if row.given_where not in places:
                places[row.given_where] = conditional_escape(row.get_given_where_display().lower())
            if row.recorded_at not in times:
                at = dateformat.format(timezone.localtime(row.recorded_at), "D j b H:i")
                times[row.recorded_at] = conditional_escape(at)
            line.given_text = mark_safe(  # noqa: S308 - every value is escaped
                given_by
                % {
                    "by": people[row.recorded_by_id],
                    "at": times[row.recorded_at],
                    "where": places[row.given_where],
                }
            )


def _sheet(week: datetime.date, hotel=None, resident=None):
    return selectors.voucher_sheet(
        week,
        hotel=hotel,
        resident=resident,
        per_week=settings.VOUCHERS_PER_WEEK,
        unit_value_cents=settings.VOUCHER_UNIT_VALUE_CENTS,
    )


def _week_and_hotel(request) -> tuple[datetime.date, Hotel | None]:
    week = week_start(day_param(request.GET, "semaine", timezone.localdate()))
    hotel_id = id_param(request.GET, "hotel")
    hotel = get_object_or_404(Hotel, pk=hotel_id) if hotel_id else None
    return week, hotel


@require_GET
@allow("harmreduction.read")
def voucher_week(request):
    """The week's sheet: every person housed that week and their vouchers, hotel by hotel."""
    week, hotel = _week_and_hotel(request)
    where = request.GET.get("lieu")
    where = where if where in Setting.values else Setting.VISIT
    this_week = week_start(timezone.localdate())
    # The whole scheme houses hundreds: its sheet comes in pages (a hotel's fits in one), and
    # only the lines of the page shown are built.
    sheet, page_obj = selectors.voucher_sheet_page(
        week,
        page_number=request.GET.get("page"),
        per_page=SHEET_PER_PAGE,
        hotel=hotel,
        per_week=settings.VOUCHERS_PER_WEEK,
        unit_value_cents=settings.VOUCHER_UNIT_VALUE_CENTS,
    )
    hotels = Hotel.objects.filter(
        pk__in=selectors.housed_during(week).values("place__hotel_id")
    ).order_by("name")
    can_give = request.user.has_perm("harmreduction.give")
    query = {"semaine": week.isoformat(), "lieu": where, **({"hotel": hotel.pk} if hotel else {})}
    here = request.get_full_path()
    _present(page_obj, week=week, here=here)
    return render(
        request,
        "harmreduction/voucher_week.html",
        {
            "sheet": sheet,
            "page_obj": page_obj,
            "extra_query": urlencode(query),
            "hotel": hotel,
            "hotels": hotels,
            "where": where,
            "where_choices": Setting.choices,
            "can_give": can_give and sheet.is_open,
            "this_week": this_week,
            "previous_url": _sheet_url(week - WEEK, hotel and hotel.pk, where),
            "next_url": _sheet_url(week + WEEK, hotel and hotel.pk, where),
            "this_week_url": _sheet_url(this_week, hotel and hotel.pk, where),
            "last_week_due": (
                selectors.residents_still_due(week - WEEK, hotel=hotel)
                if can_give and week == this_week
                else 0
            ),
            "last_week_url": _sheet_url(week - WEEK, hotel and hotel.pk, where),
            "pdf_url": reverse("harmreduction:voucher_week_pdf")
            + "?"
            + urlencode({"semaine": week.isoformat(), **({"hotel": hotel.pk} if hotel else {})}),
            "here": here,
        },
    )


@require_GET
@allow("harmreduction.read")
def voucher_week_pdf(request):
    week, hotel = _week_and_hotel(request)
    content = pdf.voucher_sheet(sheet=_sheet(week, hotel), hotel=hotel)
    suffix = f"-hotel-{hotel.pk}" if hotel else ""
    return file_response(
        content,
        filename=f"tickets-{week.isoformat()}{suffix}.pdf",
        content_type="application/pdf",
        inline=True,
    )


def _posted_week(request) -> datetime.date | None:
    return parse_day(request.POST.get("week"))


def _line_response(request, resident: Resident, week: datetime.date, *, error: str = ""):
    """After a change on a line: the line alone for htmx, else back to the sheet."""
    if request.htmx:
        sheet = _sheet(week, resident=resident)
        line = sheet.lines[0] if sheet.lines else None
        if line is None:
            return HttpResponse(error, status=400)
        here = safe_next(request, _sheet_url(week))
        _present([line], week=week, here=here)
        return render(
            request,
            "harmreduction/includes/voucher_line.html",
            {
                "line": line,
                "sheet": sheet,
                "can_give": sheet.is_open,
                "where": request.POST.get("where", Setting.VISIT),
                "here": here,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    return redirect(f"{safe_next(request, _sheet_url(week))}#voucher-{resident.pk}")


@require_POST
@allow("harmreduction.give")
def voucher_give(request, resident_pk: int):
    """Tick a line: the person's vouchers of the week are handed out, here and now."""
    resident = get_object_or_404(Resident, pk=resident_pk)
    week = _posted_week(request)
    if week is None:
        return HttpResponse(gettext("Which week?"), status=400)
    try:
        distribution = services.voucher_give(
            resident=resident, week=week, by=request.user, where=request.POST.get("where", "")
        )
    except ValidationError as error:
        return _line_response(request, resident, week, error=" ".join(error.messages))
    if not request.htmx:
        messages.success(
            request,
            gettext("%(count)s vouchers given to %(resident)s.")
            % {"count": distribution.quantity, "resident": resident.nickname},
        )
    return _line_response(request, resident, week)


@require_POST
@allow("harmreduction.give")
def voucher_cancel(request, pk: int):
    """Untick a line recorded by mistake: a correction, kept with who made it and when."""
    distribution = get_object_or_404(VoucherDistribution.objects.select_related("resident"), pk=pk)
    try:
        services.voucher_cancel(distribution=distribution, by=request.user)
    except ValidationError as error:
        return _line_response(
            request, distribution.resident, distribution.week, error=" ".join(error.messages)
        )
    if not request.htmx:
        messages.success(
            request,
            gettext("The line of %(resident)s is corrected.")
            % {"resident": distribution.resident.nickname},
        )
    return _line_response(request, distribution.resident, distribution.week)


@require_http_methods(["GET", "POST"])
@allow("harmreduction.give")
def voucher_missed(request, resident_pk: int):
    """Record a week not given, with its reason: it can still be caught up."""
    resident = get_object_or_404(Resident, pk=resident_pk)
    source = request.POST if request.method == "POST" else request.GET
    week = week_start(day_param(source, "semaine", timezone.localdate()))
    back = safe_next(request, _sheet_url(week))
    form = VoucherMissedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.voucher_record_missed(
                resident=resident,
                week=week,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("The vouchers of %(resident)s are recorded as not given this week.")
                % {"resident": resident.nickname},
            )
            return redirect(f"{back}#voucher-{resident.pk}")
    person_data_viewed(request, resident)
    return render(
        request,
        "harmreduction/voucher_missed.html",
        {"form": form, "resident": resident, "week": week, "back": back},
        status=400 if form.errors else 200,
    )


# --- Meal vouchers: the stock ---------------------------------------------------------------------


@require_GET
@allow("harmreduction.read")
def voucher_stock(request):
    """The voucher ledger: balance, the year month by month, and every movement."""
    today = timezone.localdate()
    year = id_param(request.GET, "annee") or today.year
    if not 2000 <= year <= today.year + 1:
        raise Http404
    lines = VoucherLedgerLine.objects.select_related("by", "distribution__resident")
    cover = selectors.voucher_cover(today)
    months = [
        month
        for month in selectors.voucher_reconciliation(year)
        if month.month <= today  # the months to come have nothing to show yet
    ]
    return render(
        request,
        "harmreduction/voucher_stock.html",
        {
            "balance": cover.balance,
            "cover": cover,
            "year": year,
            "months": months,
            "year_received": sum(month.received for month in months),
            "year_distributed": sum(month.distributed for month in months),
            "year_lost": sum(month.lost for month in months),
            "year_returned": sum(month.returned for month in months),
            "page_obj": paginate(request, lines, per_page=50),
            "extra_query": urlencode({"annee": year}),
            "today": today,
        },
    )


def _voucher_form_view(request, form_class, action, template: str, done: str):
    form = form_class(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect("harmreduction:voucher_stock")
    return render(
        request,
        template,
        {"form": form, "balance": selectors.voucher_balance()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.manage")
def voucher_receipt(request):
    def receive(data):
        return services.voucher_receive(
            quantity=data["quantity"],
            on=data["on"],
            series=data["series"],
            note=data["note"],
            by=request.user,
        )

    return _voucher_form_view(
        request,
        VoucherReceiptForm,
        receive,
        "harmreduction/voucher_receipt.html",
        gettext("The vouchers received are recorded."),
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.manage")
def voucher_removal(request):
    def remove(data):
        return services.voucher_remove(
            kind=data["kind"],
            quantity=data["quantity"],
            on=data["on"],
            series=data["series"],
            note=data["note"],
            by=request.user,
        )

    return _voucher_form_view(
        request,
        VoucherRemovalForm,
        remove,
        "harmreduction/voucher_removal.html",
        gettext("The vouchers are taken out of the stock."),
    )
