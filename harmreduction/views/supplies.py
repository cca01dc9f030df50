"""Harm-reduction material: the stock pages (locations, catalogue, receipts, transfers,
adjustments, counts, thresholds) and handing out (material, naloxone kits)."""

import datetime
from html import escape as html_escape

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Count, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import CreateView, UpdateView

from accounts.policy import allow
from core.forms import save_once
from core.http import safe_next
from core.pagination import paginate
from core.params import id_param
from core.templatetags import icons
from core.views import RoleViewMixin
from harmreduction import figures
from harmreduction.forms.common import (
    CHOICE_FIELDS,
    SEARCH_LIMIT,
    residents_matching,
    residents_offered,
)
from harmreduction.forms.supplies import (
    ANONYMOUS,
    AdjustmentForm,
    CountForm,
    DistributionForm,
    ItemForm,
    LocationForm,
    NaloxoneKitForm,
    ReceiptForm,
    ThresholdForm,
    TransferForm,
)
from harmreduction.models.activities import Overdose
from harmreduction.models.common import Setting
from harmreduction.models.supplies import Category, Item, Location, LocationKind, StockLevel
from harmreduction.selectors import supplies as selectors
from harmreduction.services import supplies as services
from harmreduction.views import RowUrl

# --- Material: stock ------------------------------------------------------------------------------


def _present_stock_cells(groups, *, icon: str) -> None:
    """Give each row of the stock table the `<td>` of its levels, one per location: the table
    has a cell per item and location, and the `icon` and words marking a level below its
    threshold are the same in each (drawn once here rather than by template tags per cell)."""
    low_mark = format_html(
        ' {}<span class="visually-hidden">{}</span>',
        icons.icon(icon),
        gettext("below the threshold"),
    )
    for _label, rows in groups:
        for row in rows:
            row.cells_html = mark_safe(  # noqa: S308 - the quantities are integers
                "".join(
                    f'<td class="text-end text-danger-emphasis fw-semibold">{cell.quantity}'
                    f"{low_mark}</td>"
                    if cell is not None and cell.is_low
                    else f'<td class="text-end">{cell.quantity if cell is not None else 0}</td>'
                    for cell in row.cells
                )
            )


@require_GET
@allow("harmreduction.read")
def stock(request):
    """Every item's stock in each location, what is below its threshold, and the batches of
    dated material in stock (those expiring soon first)."""
    # One query: the locations in use by kind and name, then those no longer in use by name.
    every_location = list(
        Location.objects.order_by("-active", Case(When(active=True, then="kind")), "name")
    )
    locations = [location for location in every_location if location.active]
    today = timezone.localdate()
    groups = selectors.stock_table(locations)
    catalogue = {row.item.pk: row.item for _label, rows in groups for row in rows}
    batches = selectors.batches_in_stock(items=catalogue)
    _present_stock_cells(groups, icon="exclamation-triangle")
    return render(
        request,
        "harmreduction/stock.html",
        {
            "locations": locations,
            "groups": groups,
            "low": list(selectors.low_levels()),
            "batches": batches,
            "expiring": selectors.expiring(batches, today),
            "warning_days": settings.STOCK_EXPIRY_WARNING_DAYS,
            "today": today,
            "inactive_locations": [loc for loc in every_location if not loc.active],
        },
    )


def _get_location(pk: int, *, active: bool = False) -> Location:
    locations = Location.objects.active() if active else Location.objects.all()
    return get_object_or_404(locations, pk=pk)


@require_GET
@allow("harmreduction.read")
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
            # Newest first: a GROUP BY query does not take the model's default ordering.
            "counts": location.counts.select_related("counted_by")
            .annotate(line_count=Count("lines"))
            .order_by("-counted_at", "-pk")[:5],
            "can_count": request.user.has_perm("harmreduction.give") and location.active,
        },
    )


class LocationCreateView(RoleViewMixin, CreateView):
    permission = "harmreduction.manage"
    model = Location
    form_class = LocationForm
    success_message = _("The location “%(name)s” was saved.")

    def get_success_url(self):
        return reverse("harmreduction:location_detail", args=[self.object.pk])


class LocationUpdateView(LocationCreateView, UpdateView):
    pass


@require_GET
@allow("harmreduction.read")
def item_list(request):
    items = selectors.catalogue(active_only=False)
    return render(
        request,
        "harmreduction/item_list.html",
        {"groups": selectors.by_category(items)},
    )


class ItemCreateView(RoleViewMixin, CreateView):
    permission = "harmreduction.manage"
    model = Item
    form_class = ItemForm
    success_message = _("The item “%(name)s” was saved.")

    def get_success_url(self):
        return reverse("harmreduction:item_list")


class ItemUpdateView(ItemCreateView, UpdateView):
    pass


def _quantity_form_view(request, form, action, *, title: str, done: str, back: str, extra=None):
    """GET shows `form`; a valid POST runs `action(form)` with the one-time token spent."""
    if request.method == "POST":
        if form.is_valid():
            saved, _result = save_once(form, lambda: action(form))
            if saved:
                messages.success(request, done)
                return redirect(back)
    return render(
        request,
        "harmreduction/quantity_form.html",
        {"form": form, "title": title, "back": back, **(extra or {})},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.manage")
def stock_receipt(request):
    form = ReceiptForm(request.POST or None, initial={"location": id_param(request.GET, "lieu")})
    return _quantity_form_view(
        request,
        form,
        lambda form: services.stock_receive(
            location=form.cleaned_data["location"],
            quantities=form.quantities(),
            lots=form.lots(),
            note=form.cleaned_data["note"],
            by=request.user,
        ),
        title=gettext("Record material received"),
        done=gettext("The material received is in stock."),
        back=reverse("harmreduction:stock"),
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.manage")
def stock_transfer(request):
    form = TransferForm(
        request.POST or None,
        initial={
            "source": id_param(request.GET, "de"),
            "destination": id_param(request.GET, "vers"),
        },
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
@allow("harmreduction.manage")
def stock_adjustment(request):
    form = AdjustmentForm(request.POST or None, initial={"location": id_param(request.GET, "lieu")})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            saved, movement = save_once(
                form,
                lambda: services.stock_adjust(
                    location=data["location"],
                    item=data["item"],
                    quantity=data["quantity"],
                    reason=data["reason"],
                    by=request.user,
                ),
            )
            if saved:
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
    return render(
        request,
        "harmreduction/adjustment_form.html",
        {"form": form, "back": reverse("harmreduction:stock")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.give")
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
@allow("harmreduction.manage")
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


def _handout_rows(handouts) -> SafeString:
    """The `<li>` of each handout of the list: who (linked to their file) or "Anonymous",
    where (and the visit, linked), the location, when, by whom, and the lines' text. Written
    here rather than by the template (a dozen lookups and filters a row, 25 rows): each word
    translated once, each address reversed once, each setting and person formatted once."""
    resident_url, visit_url = RowUrl("residents:resident_detail"), RowUrl("visits:visit_detail")
    anonymous = f'<span class="fw-semibold">{conditional_escape(gettext("Anonymous"))}</span>'
    visit = conditional_escape(gettext("visit"))
    settings_, people = {}, {}
    rows = []
    for handout in handouts:
        if handout.setting not in settings_:
            settings_[handout.setting] = conditional_escape(handout.get_setting_display().lower())
        if handout.given_by_id not in people:
            people[handout.given_by_id] = conditional_escape(handout.given_by)
        who = (
            f'<a class="fw-semibold" href="{html_escape(resident_url(handout.resident_id))}">'
            f"{html_escape(handout.resident.nickname)}</a>"
            if handout.resident_id
            else anonymous
        )
        seen = (
            f' (<a href="{html_escape(visit_url(handout.visit_id))}">{visit}</a>)'
            if handout.visit_id
            else ""
        )
        at = date_format(timezone.localtime(handout.given_at), "SHORT_DATETIME_FORMAT")
        rows.append(
            '<li class="list-group-item"><div class="d-flex flex-wrap justify-content-between '
            f'gap-2"><div>{who} <span class="small text-body-secondary">· '
            f"{settings_[handout.setting]}{seen} · {html_escape(handout.location.name)}</span>"
            f'</div><div class="small text-body-secondary">{html_escape(at)} · '
            f"{people[handout.given_by_id]}</div></div>"
            f'<div class="small">{html_escape(handout.lines_text)}</div></li>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped


@require_GET
@allow("harmreduction.read")
def distribution_list(request):
    handouts = selectors.distributions()
    location_id = id_param(request.GET, "lieu")
    if location_id:
        handouts = handouts.filter(location_id=location_id)
    today = timezone.localdate()
    month = today.replace(day=1)
    this_month = figures.handout_summary(month, today + datetime.timedelta(days=1))
    page_obj = paginate(request, handouts, per_page=25)
    page_obj.object_list = list(page_obj.object_list)
    selectors.describe_lines(page_obj.object_list)
    return render(
        request,
        "harmreduction/distribution_list.html",
        {
            "page_obj": page_obj,
            "rows_html": _handout_rows(page_obj.object_list),
            "locations": Location.objects.order_by("kind", "name"),
            "location_id": location_id,
            "extra_query": urlencode({"lieu": location_id}) if location_id else "",
            "month": month,
            "this_month": this_month,
            "month_categories": [
                (Category(category).label, this_month.category_totals[category])
                for category in this_month.categories
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.give")
def distribution_create(request):
    resident_id = id_param(request.GET, "resident")
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
        back=safe_next(request, back),
        extra={"active": "distributions"},
    )


@require_GET
@allow("harmreduction.give")
def resident_search(request):
    """The people whose name holds the text typed, for the person of a handout (htmx): those the
    form accepts (housed lately), the one already chosen kept first."""
    text = request.GET.get("q", "")
    chosen = id_param(request.GET, "resident")
    kept = list(residents_offered(include=chosen).filter(pk=chosen or 0).only(*CHOICE_FIELDS))
    found = [person for person in residents_matching(text) if person.pk != chosen]
    people = kept + found[:SEARCH_LIMIT]
    return render(
        request,
        "harmreduction/includes/resident_choices.html",
        {
            "name": "resident",
            "people": people,
            "chosen": str(chosen or ""),
            "empty_label": ANONYMOUS,
            "nobody": bool(text.replace("\x00", "").strip()) and not found,
            "more": len(found) > SEARCH_LIMIT,
        },
    )


@require_GET
@allow("harmreduction.read")
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
        },
    )


@require_http_methods(["GET", "POST"])
@allow("harmreduction.give")
def naloxone_create(request):
    office = Location.objects.active().filter(kind=LocationKind.OFFICE).order_by("name").first()
    resident_id = id_param(request.GET, "resident")
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
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            saved, _kit = save_once(
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
            if saved:
                messages.success(request, gettext("The naloxone kit handed out is recorded."))
                return redirect("harmreduction:naloxone")
    return render(
        request,
        "harmreduction/naloxone_form.html",
        {"form": form, "title": gettext("Hand out a naloxone kit")},
        status=400 if form.errors else 200,
    )
