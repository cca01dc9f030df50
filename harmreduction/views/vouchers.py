"""Meal vouchers: the weekly sheet (on screen, as a PDF, each line ticked or not given) and the
stock of vouchers (its ledger, receipts and removals)."""

import datetime
from html import escape as html_escape
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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import allow
from core.forms import add_validation_error
from core.http import file_response, safe_next
from core.pagination import paginate
from core.params import day_param, id_param, parse_day
from core.templatetags.icons import icon
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
from harmreduction.views import RowUrl
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


class SheetLineHtml:
    """The HTML of the sheet's lines, for the page (a hundred lines) and for the line redrawn
    alone after an htmx tick. Built in Python rather than by a template included per line: the
    template's nodes cost more than everything else on a 100-line page. So each word is
    translated once, each address reversed once (with a placeholder id), each person, place and
    minute formatted once. Every button posts the sheet's one form (`voucher-sheet-form`:
    token, week, place, return address) to its own address."""

    def __init__(self, *, week: datetime.date, here: str, is_open: bool, can_give: bool):
        self.is_open = is_open
        self.can_give = can_give
        self.resident_url = RowUrl("residents:resident_detail")
        self.give_url = RowUrl("harmreduction:voucher_give")
        self.cancel_url = RowUrl("harmreduction:voucher_cancel")
        self.missed_url = RowUrl(
            "harmreduction:voucher_missed",
            query=f"semaine={week.isoformat()}&next={quote(here, safe='/')}",
        )
        self.words = {
            key: conditional_escape(word)
            for key, word in {
                "given": gettext("Given"),
                "caught_up": gettext("caught up"),
                "not_given": gettext("Not given"),
                "to_do": gettext("To do"),
                "not_recorded": gettext("Not recorded"),
                "untick_confirm": gettext("Untick: the vouchers were not given?"),
                "untick": gettext("Untick"),
                "catch_up": gettext("Catch up"),
                "undo": gettext("Undo"),
                "not_given_link": gettext("Not given…"),
            }.items()
        }
        self.given_by = gettext("by %(by)s on %(at)s, %(where)s")
        self.caught_up_after = gettext("Not given (%(reason)s), then caught up")
        self.corrected_by = gettext("“%(status)s” corrected by %(by)s on %(at)s")
        # On one line for core/icons.py, which finds the icons named after `icon =`.
        self.icon = {n: icon(n) for n in ("check2", "check2-square", "arrow-counterclockwise")}
        # A hundred lines share a few people, places and days: each is formatted once.
        self._people, self._places, self._days = {}, {}, {}

    def _person(self, user) -> str:
        if user.pk not in self._people:
            self._people[user.pk] = conditional_escape(user)
        return self._people[user.pk]

    def _time(self, at: datetime.datetime, day_format: str) -> str:
        """`at` as `day_format` then "H:i": the day part formatted once per day."""
        local = timezone.localtime(at)
        key = (local.date(), day_format)
        if key not in self._days:
            self._days[key] = conditional_escape(dateformat.format(local, day_format))
        return f"{self._days[key]} {local:%H:%M}"

    def _place(self, row: VoucherDistribution) -> str:
        if row.given_where not in self._places:
            self._places[row.given_where] = conditional_escape(
                row.get_given_where_display().lower()
            )
        return self._places[row.given_where]

    def _status(self, line: selectors.SheetLine) -> str:
        words, row = self.words, line.active
        if line.is_given:
            text = self.given_by % {
                "by": self._person(row.recorded_by),
                "at": self._time(row.recorded_at, "D j b"),
                "where": self._place(row),
            }
            catch_up = f" · <em>{words['caught_up']}</em>" if row.is_catch_up else ""
            return (
                f'<span class="badge text-bg-success">{self.icon["check2"]} {words["given"]}'
                f"</span> {text}{catch_up}"
            )
        if line.is_not_given:
            note = f" – {html_escape(row.missed_note)}" if row.missed_note else ""
            return (
                f'<span class="badge text-bg-warning">{words["not_given"]}</span> '
                f"{html_escape(row.get_missed_reason_display())}{note} "
                f'<span class="text-body-secondary">({self._person(row.recorded_by)})</span>'
            )
        if self.is_open:
            return f'<span class="badge text-bg-primary">{words["to_do"]}</span>'
        return f'<span class="badge text-bg-light border">{words["not_recorded"]}</span>'

    def _correction(self, row: VoucherDistribution) -> str:
        if row.cancel_kind == "caught_up":
            text = self.caught_up_after % {
                "reason": conditional_escape(row.get_missed_reason_display())
            }
        else:
            text = self.corrected_by % {
                "status": conditional_escape(row.get_status_display().lower()),
                "by": self._person(row.cancelled_by),
                "at": self._time(row.cancelled_at, "D j N"),
            }
        return (
            f'<div class="text-body-secondary">{self.icon["arrow-counterclockwise"]} {text}</div>'
        )

    def _button(self, url: str, target: str, label: str, attrs: str) -> str:
        return (
            f'<button type="submit" form="voucher-sheet-form" formaction="{url}" '
            f'hx-post="{url}" hx-target="{target}" hx-swap="outerHTML" {attrs}>{label}</button>'
        )

    def _buttons(self, line: selectors.SheetLine, pk: int) -> str:
        words, target = self.words, f"#voucher-{pk}"
        if line.is_given:
            cancel_url = html_escape(self.cancel_url(line.active.pk))
            untick = self._button(
                cancel_url,
                target,
                words["untick"],
                f'hx-confirm="{words["untick_confirm"]}" class="btn btn-sm btn-outline-secondary"',
            )
            return f'<div class="d-flex gap-2">{untick}</div>'
        give = self._button(
            html_escape(self.give_url(pk)),
            target,
            f"{self.icon['check2-square']} "
            f"{words['catch_up'] if line.is_not_given else words['given']}",
            f'class="btn btn-success" data-testid="give-{pk}"',
        )
        if line.is_not_given:
            other = self._button(
                html_escape(self.cancel_url(line.active.pk)),
                target,
                words["undo"],
                'class="btn btn-sm btn-outline-secondary"',
            )
        else:
            other = (
                f'<a class="btn btn-outline-secondary" '
                f'href="{html_escape(self.missed_url(pk))}">{words["not_given_link"]}</a>'
            )
        return f'<div class="d-flex gap-2">{give}{other}</div>'

    def line(self, line: selectors.SheetLine, *, error: str = "") -> SafeString:
        """One person's line: `<li id="voucher-<resident id>">`, what htmx swaps."""
        return mark_safe(self._line(line, error=error))  # noqa: S308 - every value is escaped

    def _line(self, line: selectors.SheetLine, *, error: str = "") -> str:
        pk = line.resident_id
        corrections = "".join(self._correction(row) for row in line.corrections)
        alert = f'<div class="text-danger" role="alert">{html_escape(error)}</div>' if error else ""
        buttons = self._buttons(line, pk) if self.can_give else ""
        return (
            f'<li class="list-group-item" id="voucher-{pk}" data-testid="voucher-line">'
            '<div class="d-flex flex-wrap align-items-center gap-2"><div class="flex-grow-1">'
            f'<a class="fw-semibold" href="{html_escape(self.resident_url(pk))}">'
            f"{html_escape(line.nickname)}</a> "
            f'<span class="small text-body-secondary">· {html_escape(line.place_label)}</span>'
            f'<div class="small" data-testid="voucher-status">{self._status(line)}{corrections}'
            f"{alert}</div></div>{buttons}</div></li>"
        )

    def lines(self, lines) -> SafeString:
        """The lines of a page, each hotel's headed by its name."""
        parts, hotel_id = [], None
        for line in lines:
            hotel = line.hotel
            if hotel.pk != hotel_id:
                hotel_id = hotel.pk
                parts.append(
                    '<li class="list-group-item list-group-item-secondary fw-semibold py-1">'
                    f"{html_escape(hotel.name)}</li>"
                )
            parts.append(self._line(line))
        return mark_safe("".join(parts))  # noqa: S308 - each part is escaped


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
    may_give = request.user.has_perm("harmreduction.give")
    query = {"semaine": week.isoformat(), "lieu": where, **({"hotel": hotel.pk} if hotel else {})}
    here = request.get_full_path()
    can_give = may_give and sheet.is_open
    lines = SheetLineHtml(week=week, here=here, is_open=sheet.is_open, can_give=can_give)
    return render(
        request,
        "harmreduction/voucher_week.html",
        {
            "sheet": sheet,
            "page_obj": page_obj,
            "extra_query": urlencode(query),
            "hotel": hotel,
            "hotels": selectors.sheet_hotels(week),
            "where": where,
            "where_choices": Setting.choices,
            "can_give": can_give,
            "lines_html": lines.lines(page_obj),
            "this_week": this_week,
            "previous_url": _sheet_url(week - WEEK, hotel and hotel.pk, where),
            "next_url": _sheet_url(week + WEEK, hotel and hotel.pk, where),
            "this_week_url": _sheet_url(this_week, hotel and hotel.pk, where),
            "last_week_due": (
                selectors.residents_still_due(week - WEEK, hotel=hotel)
                if may_give and week == this_week
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
        lines = SheetLineHtml(week=week, here=here, is_open=sheet.is_open, can_give=sheet.is_open)
        return HttpResponse(lines.line(line, error=error))
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
