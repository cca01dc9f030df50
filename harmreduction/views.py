import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView

from accounts.access import allow_roles
from accounts.roles import CARE_TEAM, STAFF, Role
from core.forms import ALREADY_SUBMITTED, TokenAlreadyUsed
from core.pagination import paginate
from core.params import day_param, parse_day
from core.views import RoleViewMixin, SingleSubmissionMixin
from harmreduction import figures, pdf, selectors, services
from harmreduction.forms import (
    AdjustmentForm,
    AdviceSessionForm,
    CollectionForm,
    CountForm,
    DistributionForm,
    ItemForm,
    LocationForm,
    NaloxoneKitForm,
    OverdoseForm,
    ReceiptForm,
    ResidentChoiceMixin,
    SampleForm,
    SampleUpdateForm,
    ThresholdForm,
    TransferForm,
    VoucherMissedForm,
    VoucherReceiptForm,
    VoucherRemovalForm,
)
from harmreduction.models import (
    WEEK,
    AdviceSession,
    Category,
    Collection,
    Item,
    Location,
    LocationKind,
    Overdose,
    Sample,
    Setting,
    StockLevel,
    VoucherDistribution,
    VoucherLedgerLine,
    week_start,
)
from placements.models import Hotel
from privacy.access import PersonPageMixin, get_for_person_view, person_data_viewed
from residents.models import Resident

# Everyone on staff reads; the care team (coordinator included) hands out and counts; the
# coordinator manages the catalogue, the locations, receipts, transfers, adjustments, thresholds.
READ = STAFF
GIVE = CARE_TEAM
MANAGE = frozenset({Role.COORDINATOR})
SHEET_PER_PAGE = 100


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _save_once(form, action):
    """Spend the form's one-time token and run `action()` in one transaction.

    Returns `(result, None)`, or `(None, response_status)` after putting the reason on the form:
    a replayed form, or a ValidationError from the workflow (not enough stock…).
    """
    try:
        with transaction.atomic():
            form.spend_token()
            return action(), None
    except TokenAlreadyUsed:
        form.add_error(None, ALREADY_SUBMITTED)
    except ValidationError as error:
        _errors_to_form(form, error)
    form.renew_token()
    return None, 400


# --- Meal vouchers: the weekly sheet -------------------------------------------------------------


def _sheet_url(week: datetime.date, hotel_id: int | None = None, where: str = "") -> str:
    params = {"semaine": week.isoformat()}
    if hotel_id:
        params["hotel"] = hotel_id
    if where:
        params["lieu"] = where
    return f"{reverse('harmreduction:voucher_week')}?{urlencode(params)}"


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
    hotel_id = _int_param(request, "hotel")
    hotel = get_object_or_404(Hotel, pk=hotel_id) if hotel_id else None
    return week, hotel


@require_GET
@allow_roles(*READ)
def voucher_week(request):
    """The week's sheet: every person housed that week and their vouchers, hotel by hotel."""
    week, hotel = _week_and_hotel(request)
    where = request.GET.get("lieu")
    where = where if where in Setting.values else Setting.VISIT
    this_week = week_start(timezone.localdate())
    sheet = _sheet(week, hotel)
    hotels = Hotel.objects.filter(
        pk__in=selectors.housed_during(week).values("place__hotel_id")
    ).order_by("name")
    can_give = request.user.has_role(*GIVE)
    query = {"semaine": week.isoformat(), "lieu": where, **({"hotel": hotel.pk} if hotel else {})}
    return render(
        request,
        "harmreduction/voucher_week.html",
        {
            "sheet": sheet,
            # The whole scheme houses hundreds: its sheet comes in pages (a hotel's fits in one).
            "page_obj": paginate(request, sheet.lines, per_page=SHEET_PER_PAGE),
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
            "here": request.get_full_path(),
        },
    )


@require_GET
@allow_roles(*READ)
def voucher_week_pdf(request):
    week, hotel = _week_and_hotel(request)
    content = pdf.voucher_sheet(sheet=_sheet(week, hotel), hotel=hotel)
    response = HttpResponse(content, content_type="application/pdf")
    suffix = f"-hotel-{hotel.pk}" if hotel else ""
    response["Content-Disposition"] = f'inline; filename="tickets-{week.isoformat()}{suffix}.pdf"'
    return response


def _posted_week(request) -> datetime.date | None:
    return parse_day(request.POST.get("week"))


def _line_response(request, resident: Resident, week: datetime.date, *, error: str = ""):
    """After a change on a line: the line alone for htmx, else back to the sheet."""
    if request.htmx:
        sheet = _sheet(week, resident=resident)
        line = sheet.lines[0] if sheet.lines else None
        if line is None:
            return HttpResponse(error, status=400)
        return render(
            request,
            "harmreduction/includes/voucher_line.html",
            {
                "line": line,
                "sheet": sheet,
                "can_give": sheet.is_open,
                "where": request.POST.get("where", Setting.VISIT),
                "here": _safe_next(request, _sheet_url(week)),
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    return redirect(f"{_safe_next(request, _sheet_url(week))}#voucher-{resident.pk}")


@require_POST
@allow_roles(*GIVE)
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
@allow_roles(*GIVE)
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
@allow_roles(*GIVE)
def voucher_missed(request, resident_pk: int):
    """Record a week not given, with its reason: it can still be caught up."""
    resident = get_object_or_404(Resident, pk=resident_pk)
    source = request.POST if request.method == "POST" else request.GET
    week = week_start(day_param(source, "semaine", timezone.localdate()))
    back = _safe_next(request, _sheet_url(week))
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
            _errors_to_form(form, error)
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
@allow_roles(*READ)
def voucher_stock(request):
    """The voucher ledger: balance, the year month by month, and every movement."""
    today = timezone.localdate()
    year = _int_param(request, "annee") or today.year
    if not 2000 <= year <= today.year + 1:
        raise Http404
    lines = VoucherLedgerLine.objects.select_related("by", "distribution__resident")
    months = [
        month
        for month in selectors.voucher_reconciliation(year)
        if month.month <= today  # the months to come have nothing to show yet
    ]
    return render(
        request,
        "harmreduction/voucher_stock.html",
        {
            "balance": selectors.voucher_balance(),
            "year": year,
            "months": months,
            "year_received": sum(month.received for month in months),
            "year_distributed": sum(month.distributed for month in months),
            "year_lost": sum(month.lost for month in months),
            "year_returned": sum(month.returned for month in months),
            "weeks_left": selectors.voucher_balance() // settings.VOUCHERS_PER_WEEK,
            "page_obj": paginate(request, lines, per_page=50),
            "extra_query": urlencode({"annee": year}),
            "can_manage": request.user.has_role(*MANAGE),
            "today": today,
        },
    )


def _voucher_form_view(request, form_class, action, template: str, done: str):
    form = form_class(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
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
@allow_roles(*MANAGE)
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
@allow_roles(*MANAGE)
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


# --- Material: stock ------------------------------------------------------------------------------


@require_GET
@allow_roles(*READ)
def stock(request):
    """Every item's stock in each location, and what is below its threshold."""
    locations = list(Location.objects.active().order_by("kind", "name"))
    return render(
        request,
        "harmreduction/stock.html",
        {
            "locations": locations,
            "groups": selectors.stock_table(locations),
            "low": list(selectors.low_levels()),
            "can_manage": request.user.has_role(*MANAGE),
            "can_give": request.user.has_role(*GIVE),
            "inactive_locations": Location.objects.filter(active=False).order_by("name"),
        },
    )


def _get_location(pk: int, *, active: bool = False) -> Location:
    locations = Location.objects.active() if active else Location.objects.all()
    return get_object_or_404(locations, pk=pk)


@require_GET
@allow_roles(*READ)
def location_detail(request, pk: int):
    location = _get_location(pk)
    levels = {level.item_id: level for level in StockLevel.objects.filter(location=location)}
    rows = [(item, levels.get(item.pk)) for item in selectors.catalogue()]
    movements = location.movements.select_related("item", "by", "counterpart").order_by(
        "-at", "-pk"
    )
    return render(
        request,
        "harmreduction/location_detail.html",
        {
            "location": location,
            "groups": selectors.by_category(rows, key=lambda row: row[0]),
            "page_obj": paginate(request, movements, per_page=50),
            "counts": location.counts.select_related("counted_by").annotate(
                line_count=Count("lines")
            )[:5],
            "can_manage": request.user.has_role(*MANAGE),
            "can_count": request.user.has_role(*GIVE) and location.active,
        },
    )


class LocationCreateView(RoleViewMixin, CreateView):
    allowed_roles = MANAGE
    model = Location
    form_class = LocationForm
    success_message = _("The location “%(name)s” was saved.")

    def get_success_url(self):
        return reverse("harmreduction:location_detail", args=[self.object.pk])


class LocationUpdateView(LocationCreateView, UpdateView):
    pass


@require_GET
@allow_roles(*READ)
def item_list(request):
    items = selectors.catalogue(active_only=False)
    return render(
        request,
        "harmreduction/item_list.html",
        {"groups": selectors.by_category(items), "can_manage": request.user.has_role(*MANAGE)},
    )


class ItemCreateView(RoleViewMixin, CreateView):
    allowed_roles = MANAGE
    model = Item
    form_class = ItemForm
    success_message = _("The item “%(name)s” was saved.")

    def get_success_url(self):
        return reverse("harmreduction:item_list")


class ItemUpdateView(ItemCreateView, UpdateView):
    pass


def _quantity_form_view(request, form, action, *, title: str, done: str, back: str, extra=None):
    """GET shows `form`; a valid POST runs `action(form)` with the one-time token spent."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result, status = _save_once(form, lambda: action(form))
            if status is None:
                messages.success(request, done)
                return redirect(back)
        else:
            status = 400
    return render(
        request,
        "harmreduction/quantity_form.html",
        {"form": form, "title": title, "back": back, **(extra or {})},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*MANAGE)
def stock_receipt(request):
    form = ReceiptForm(request.POST or None, initial={"location": _int_param(request, "lieu")})
    return _quantity_form_view(
        request,
        form,
        lambda form: services.stock_receive(
            location=form.cleaned_data["location"],
            quantities=form.quantities(),
            note=form.cleaned_data["note"],
            by=request.user,
        ),
        title=gettext("Record material received"),
        done=gettext("The material received is in stock."),
        back=reverse("harmreduction:stock"),
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*MANAGE)
def stock_transfer(request):
    form = TransferForm(
        request.POST or None,
        initial={"source": _int_param(request, "de"), "destination": _int_param(request, "vers")},
    )
    return _quantity_form_view(
        request,
        form,
        lambda form: services.stock_transfer(
            source=form.cleaned_data["source"],
            destination=form.cleaned_data["destination"],
            quantities=form.quantities(),
            note=form.cleaned_data["note"],
            by=request.user,
        ),
        title=gettext("Transfer material between locations"),
        done=gettext("The transfer is recorded."),
        back=reverse("harmreduction:stock"),
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*MANAGE)
def stock_adjustment(request):
    form = AdjustmentForm(request.POST or None, initial={"location": _int_param(request, "lieu")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            movement, status = _save_once(
                form,
                lambda: services.stock_adjust(
                    location=data["location"],
                    item=data["item"],
                    quantity=data["quantity"],
                    reason=data["reason"],
                    by=request.user,
                ),
            )
            if status is None:
                messages.success(
                    request,
                    gettext("Stock of “%(item)s” adjusted: %(balance)s left in %(location)s.")
                    % {
                        "item": movement.item.name,
                        "balance": movement.balance_after,
                        "location": movement.location.name,
                    },
                )
                return redirect("harmreduction:location_detail", pk=movement.location_id)
        else:
            status = 400
    return render(
        request,
        "harmreduction/adjustment_form.html",
        {"form": form, "back": reverse("harmreduction:stock")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*GIVE)
def stock_count(request, pk: int):
    """Count what a location holds; each difference with the ledger becomes a ledger line."""
    location = _get_location(pk, active=True)
    form = CountForm(request.POST or None)
    expected = dict(StockLevel.objects.filter(location=location).values_list("item_id", "quantity"))
    back = reverse("harmreduction:location_detail", args=[location.pk])

    def count(form):
        return services.stock_count(
            location=location,
            counted=form.entered(),
            note=form.cleaned_data["note"],
            by=request.user,
        )

    return _quantity_form_view(
        request,
        form,
        count,
        title=gettext("Count the stock of %(location)s") % {"location": location.name},
        done=gettext("The count is recorded; the differences are in the ledger."),
        back=back,
        extra={"location": location, "expected": expected, "counting": True},
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*MANAGE)
def thresholds(request, pk: int):
    location = _get_location(pk, active=True)
    current = dict(StockLevel.objects.filter(location=location).values_list("item_id", "threshold"))
    form = ThresholdForm(request.POST or None, thresholds=current)
    back = reverse("harmreduction:location_detail", args=[location.pk])
    if request.method == "POST" and form.is_valid():
        wanted = {item.pk: form.cleaned_data[f"item_{item.pk}"] or 0 for item in form.items}
        with transaction.atomic():
            levels = services.lock_levels((location.pk, item_id) for item_id in wanted)
            for (_location_id, item_id), level in levels.items():
                if level.threshold != wanted[item_id]:
                    level.threshold = wanted[item_id]
                    level.save(update_fields=["threshold"])
        messages.success(request, gettext("The low-stock thresholds are saved."))
        return redirect(back)
    return render(
        request,
        "harmreduction/quantity_form.html",
        {
            "form": form,
            "title": gettext("Low-stock thresholds of %(location)s") % {"location": location.name},
            "help": gettext(
                "Coordinators get an e-mail and a dashboard card when the stock of an item falls "
                "below its threshold. Leave empty or 0 for no alert."
            ),
            "back": back,
            "location": location,
        },
        status=400 if form.errors else 200,
    )


# --- Material: handing out ------------------------------------------------------------------------


@require_GET
@allow_roles(*READ)
def distribution_list(request):
    handouts = selectors.distributions()
    location_id = _int_param(request, "lieu")
    if location_id:
        handouts = handouts.filter(location_id=location_id)
    today = timezone.localdate()
    month = today.replace(day=1)
    this_month = figures.supply_totals(month, today + datetime.timedelta(days=1))
    return render(
        request,
        "harmreduction/distribution_list.html",
        {
            "page_obj": paginate(request, handouts, per_page=25),
            "locations": Location.objects.order_by("kind", "name"),
            "location_id": location_id,
            "extra_query": urlencode({"lieu": location_id}) if location_id else "",
            "month": month,
            "this_month": this_month,
            "month_categories": [
                (Category(category).label, this_month.category_totals[category])
                for category in this_month.categories
            ],
            "can_give": request.user.has_role(*GIVE),
        },
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*GIVE)
def distribution_create(request):
    resident_id = _int_param(request, "resident")
    office = Location.objects.active().filter(kind=LocationKind.OFFICE).order_by("name").first()
    form = DistributionForm(
        request.POST or None,
        initial={"resident": resident_id, "location": office.pk if office else None},
        resident_id=resident_id,
    )

    def give(form):
        return services.supply_give(
            location=form.cleaned_data["location"],
            quantities=form.quantities(),
            resident=form.cleaned_data["resident"],
            setting=form.cleaned_data["setting"],
            by=request.user,
        )

    back = (
        reverse("residents:resident_detail", args=[resident_id])
        if resident_id
        else reverse("harmreduction:distribution_list")
    )
    return _quantity_form_view(
        request,
        form,
        give,
        title=gettext("Hand out material"),
        done=gettext("The material handed out is recorded and taken out of the stock."),
        back=_safe_next(request, back),
        extra={"active": "distributions"},
    )


@require_GET
@allow_roles(*READ)
def naloxone(request):
    today = timezone.localdate()
    return render(
        request,
        "harmreduction/naloxone.html",
        {
            "page_obj": paginate(request, selectors.naloxone_kits(), per_page=25),
            "expiring": list(selectors.kits_expiring(today)),
            "overdoses": Overdose.objects.select_related("hotel", "resident", "recorded_by")[:20],
            "today": today,
            "can_give": request.user.has_role(*GIVE),
        },
    )


@require_http_methods(["GET", "POST"])
@allow_roles(*GIVE)
def naloxone_create(request):
    office = Location.objects.active().filter(kind=LocationKind.OFFICE).order_by("name").first()
    resident_id = _int_param(request, "resident")
    form = NaloxoneKitForm(
        request.POST or None,
        resident_id=resident_id,
        initial={
            "resident": resident_id,
            "location": office.pk if office else None,
            "setting": Setting.OFFICE,
            "training": "short",
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _kit, status = _save_once(
                form,
                lambda: services.naloxone_give(
                    item=data["item"],
                    location=data["location"],
                    training=data["training"],
                    expires_on=data["expires_on"],
                    batch=data["batch"],
                    resident=data["resident"],
                    setting=data["setting"],
                    by=request.user,
                ),
            )
            if status is None:
                messages.success(request, gettext("The naloxone kit handed out is recorded."))
                return redirect("harmreduction:naloxone")
        else:
            status = 400
    return render(
        request,
        "harmreduction/naloxone_form.html",
        {"form": form, "title": gettext("Hand out a naloxone kit")},
        status=status,
    )


class RecordViewMixin(SingleSubmissionMixin, RoleViewMixin):
    """Create views of the care team: the author is the current user; ?resident= preselects."""

    allowed_roles = GIVE
    author_field = "recorded_by"
    template_name = "harmreduction/record_form.html"
    title = ""
    list_url_name = ""

    def get_initial(self):
        resident = _int_param(self.request, "resident")
        return {"resident": resident} if resident else {}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.form_class, ResidentChoiceMixin):
            kwargs["resident_id"] = _int_param(self.request, "resident")
        return kwargs

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "cancel_url": reverse(self.list_url_name),
        }

    def save_valid(self, form):
        setattr(form.instance, self.author_field, self.request.user)
        return super().save_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self):
        return reverse(self.list_url_name)


class OverdoseCreateView(RecordViewMixin, CreateView):
    model = Overdose
    form_class = OverdoseForm
    title = _("Report an overdose")
    list_url_name = "harmreduction:naloxone"
    success_message = _("The overdose is recorded.")


@require_GET
@allow_roles(*READ)
def collection_list(request):
    today = timezone.localdate()
    year = _int_param(request, "annee") or today.year
    if not 2000 <= year <= today.year + 1:
        raise Http404
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    activity = figures.activity_totals(start, end)
    hotel_names = dict(
        Hotel.objects.filter(pk__in=[pk for pk in activity.collections_by_hotel if pk]).values_list(
            "pk", "name"
        )
    )
    per_hotel = sorted(
        (
            (hotel_names.get(pk) or gettext("At the office"), boxes, items)
            for pk, (boxes, items) in activity.collections_by_hotel.items()
        ),
        key=lambda row: row[0],
    )
    collections = Collection.objects.select_related("hotel", "recorded_by")
    return render(
        request,
        "harmreduction/collection_list.html",
        {
            "year": year,
            "activity": activity,
            "per_hotel": per_hotel,
            "page_obj": paginate(request, collections, per_page=25),
            "can_give": request.user.has_role(*GIVE),
        },
    )


class CollectionCreateView(RecordViewMixin, CreateView):
    model = Collection
    form_class = CollectionForm
    title = _("Record used material collected")
    list_url_name = "harmreduction:collection_list"
    success_message = _("The used material collected is recorded.")

    def get_initial(self):
        hotel = _int_param(self.request, "hotel")
        return {"hotel": hotel} if hotel else {}


@require_GET
@allow_roles(*READ)
def advice_list(request):
    sessions = AdviceSession.objects.select_related("resident", "held_by")
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    by_topic = (
        AdviceSession.objects.filter(held_on__gte=year_start)
        .values("topic")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    labels = dict(AdviceSession._meta.get_field("topic").choices)
    return render(
        request,
        "harmreduction/advice_list.html",
        {
            "page_obj": paginate(request, sessions, per_page=25),
            "by_topic": [(labels[row["topic"]], row["count"]) for row in by_topic],
            "year": today.year,
            "can_give": request.user.has_role(*GIVE),
        },
    )


class AdviceCreateView(RecordViewMixin, CreateView):
    model = AdviceSession
    form_class = AdviceSessionForm
    author_field = "held_by"
    title = _("Record harm-reduction advice")
    list_url_name = "harmreduction:advice_list"
    success_message = _("The advice given is recorded.")


# --- Drug checking --------------------------------------------------------------------------------


@require_GET
@allow_roles(*READ)
def sample_list(request):
    samples = Sample.objects.select_related("resident", "collected_by")
    if request.GET.get("attente") == "1":
        samples = samples.awaiting_result()
    return render(
        request,
        "harmreduction/sample_list.html",
        {
            "page_obj": paginate(request, samples, per_page=25),
            "awaiting": request.GET.get("attente") == "1",
            "extra_query": "attente=1" if request.GET.get("attente") == "1" else "",
            "can_give": request.user.has_role(*GIVE),
        },
    )


def _samples():
    return Sample.objects.select_related("resident", "collected_by")


@require_GET
@allow_roles(*READ)
def sample_detail(request, pk: int):
    return render(
        request,
        "harmreduction/sample_detail.html",
        {
            "sample": get_for_person_view(request, _samples(), pk=pk),
            "can_give": request.user.has_role(*GIVE),
        },
    )


class SampleCreateView(RecordViewMixin, CreateView):
    model = Sample
    form_class = SampleForm
    author_field = "collected_by"
    title = _("Record a sample for analysis")
    list_url_name = "harmreduction:sample_list"
    success_message = _("The sample is recorded.")

    def get_success_url(self):
        return reverse("harmreduction:sample_detail", args=[self.object.pk])


class SampleUpdateView(PersonPageMixin, RoleViewMixin, UpdateView):
    allowed_roles = GIVE
    model = Sample
    form_class = SampleUpdateForm
    template_name = "harmreduction/record_form.html"
    success_message = _("The sample is updated.")

    def get_object(self, queryset=None):
        return get_object_or_404(_samples(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": gettext("Sample of %(resident)s: sending and result")
            % {"resident": self.object.resident.nickname},
            "cancel_url": reverse("harmreduction:sample_detail", args=[self.object.pk]),
        }

    def form_valid(self, form):
        already_alerted = self.object.alert_sent_at is not None
        with transaction.atomic():
            response = super().form_valid(form)
            services.sample_saved(self.object)
        if self.object.result_unexpected and not already_alerted:
            messages.warning(
                self.request, gettext("The whole team is alerted about this unexpected result.")
            )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self):
        return reverse("harmreduction:sample_detail", args=[self.object.pk])
