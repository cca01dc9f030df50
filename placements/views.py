import datetime
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, ListView, UpdateView
from openpyxl import Workbook

from accounts.policy import allow
from core import spreadsheets
from core.forms import add_validation_error
from core.http import file_response
from core.pagination import paginate
from core.params import id_param
from core.views import RoleViewMixin
from placements import hooks, occupancy, selectors, services, statement_cache
from placements.forms import (
    AbsenceForm,
    AbsenceReturnForm,
    AssignForm,
    EndStayForm,
    HotelForm,
    IncidentActionForm,
    IncidentForm,
    PlaceForm,
    PlaceOutageForm,
    ResidentAssignForm,
    StatementForm,
    TransferForm,
)
from placements.models import Absence, Hotel, Incident, Place, Placement, PlaceOutage
from placements.selectors import PlaceState
from privacy.access import PersonPageMixin, person_data_viewed
from residents.models import AdmissionRequest, AdmissionStatus, Resident
from residents.selectors import admitted_without_place, waiting_list

# Six hotels a page: the programme's six on one, ~75 places at the `assore` scale (15 a hotel).
BOARD_HOTELS_PER_PAGE = 6
FROM, FROM_BOARD = "depuis", "tableau"  # ?depuis=tableau: a form opened from the board


def _get_hotel(pk: int) -> Hotel:
    return get_object_or_404(Hotel, pk=pk)


def _get_place(pk: int) -> Place:
    return get_object_or_404(Place.objects.select_related("hotel"), pk=pk)


class HotelListView(RoleViewMixin, ListView):
    permission = "placements.read"
    paginate_by = 25

    def get_queryset(self):
        hotels = occupancy.hotels_with_place_counts(timezone.localdate())
        query = self.request.GET.get("q", "").strip()
        if query:
            hotels = hotels.filter(Q(name__unaccent__icontains=query) | Q(address__icontains=query))
        if self.request.GET.get("inactive") != "1":
            hotels = hotels.active()
        return hotels.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "")
        context["show_inactive"] = self.request.GET.get("inactive") == "1"
        return context


@require_GET
@allow("placements.read")
def hotel_detail(request, pk: int):
    hotel = _get_hotel(pk)
    (board,) = selectors.hotel_boards([hotel], last_visits=False)  # the cards do not show them
    return render(
        request,
        "placements/hotel_detail.html",
        {
            "hotel": hotel,
            "board": board,
            "rows": board.places,
            "out_of_service": board.totals[PlaceState.OUT_OF_SERVICE],
        },
    )


class HotelCreateView(RoleViewMixin, CreateView):
    permission = "placements.manage"
    model = Hotel
    form_class = HotelForm
    success_message = _("The hotel “%(name)s” was created.")

    def get_success_url(self):
        return reverse("placements:hotel_detail", args=[self.object.pk])


class HotelUpdateView(HotelCreateView, UpdateView):
    success_message = _("The hotel “%(name)s” was updated.")


class PlaceCreateView(RoleViewMixin, CreateView):
    permission = "placements.manage"
    model = Place
    form_class = PlaceForm
    success_message = _("The place was saved.")

    def get_hotel(self) -> Hotel:
        return _get_hotel(self.kwargs["hotel_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_hotel()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hotel": self.get_hotel()}

    def get_success_url(self):
        return reverse("placements:hotel_detail", args=[self.object.hotel_id])


class PlaceUpdateView(PlaceCreateView, UpdateView):
    def get_queryset(self):
        return Place.objects.filter(hotel_id=self.kwargs["hotel_pk"])


class OutageCreateView(RoleViewMixin, CreateView):
    permission = "placements.manage"
    model = PlaceOutage
    form_class = PlaceOutageForm
    success_message = _("The place is recorded as out of service.")

    def get_place(self) -> Place:
        return _get_place(self.kwargs["place_pk"])

    def get_initial(self):
        return {"start": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_place()}

    def from_board(self) -> bool:
        """Opened from the board's place card: back to the board afterwards."""
        return self.request.GET.get(FROM) == FROM_BOARD

    def get_context_data(self, **kwargs):
        place = self.get_place()
        cancel_url = (
            _place_url(place)
            if self.from_board()
            else reverse("placements:hotel_detail", args=[place.hotel_id])
        )
        return {**super().get_context_data(**kwargs), "place": place, "cancel_url": cancel_url}

    def form_valid(self, form):
        try:
            self.object = services.outage_save(form.save(commit=False))
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        if self.from_board():
            return _place_url(self.object.place)
        return reverse("placements:hotel_detail", args=[self.object.place.hotel_id])


class OutageUpdateView(OutageCreateView, UpdateView):
    success_message = _("The out-of-service period was updated.")

    def get_queryset(self):
        return PlaceOutage.objects.filter(place_id=self.kwargs["place_pk"])


@require_POST
@allow("placements.manage")
def outage_end(request, place_pk: int, pk: int):
    """Put a place back in service today, closing the period that covers today."""
    outage = get_object_or_404(
        PlaceOutage.objects.select_related("place"), pk=pk, place_id=place_pk
    )
    today = timezone.localdate()
    if not outage.covers(today) or outage.start == today:
        messages.error(
            request,
            gettext(
                "Only a period that started before today can be closed today; "
                "edit its dates instead."
            ),
        )
    else:
        outage.end = today
        outage.save(update_fields=["end"])
        messages.success(request, gettext("The place is back in service from today."))
    return redirect("placements:hotel_detail", pk=outage.place.hotel_id)


# --- The occupancy board --------------------------------------------------------------------------


@require_GET
@allow("placements.read")
def board(request):
    """Every place today, by hotel: the coordinator's home. Everyone on staff may look."""
    hotels = selectors.board_hotels()
    hotel_id = id_param(request.GET, "hotel")
    state = request.GET.get("state", "")
    if state not in PlaceState.LABELS:
        state = ""
    shown = [hotel for hotel in hotels if hotel_id is None or hotel.pk == hotel_id]
    # The whole scheme has dozens of hotels: a page of them at a time (the programme's six fit
    # on one), and only that page's places are loaded. A state filter pages through the hotels
    # that have such places. The totals count every hotel shown.
    if state:
        boards = selectors.hotel_boards(shown, state=state)
        page_obj = paginate(
            request, [board for board in boards if board.places], BOARD_HOTELS_PER_PAGE
        )
        totals = selectors.overall_totals(boards)
    else:
        page_obj = paginate(request, shown, per_page=BOARD_HOTELS_PER_PAGE)
        page_obj.object_list = selectors.hotel_boards(list(page_obj.object_list))
        totals = (
            selectors.overall_totals(page_obj.object_list)
            if hotel_id is not None
            else selectors.occupancy_totals()
        )
    query = {key: value for key, value in (("hotel", hotel_id), ("state", state)) if value}
    return render(
        request,
        "placements/board.html",
        {
            "boards": page_obj,
            "page_obj": page_obj,
            "extra_query": urlencode(query),
            "totals": totals,
            "hotels": hotels,
            "hotel_id": hotel_id,
            "state": state,
            "states": PlaceState.LABELS,
            "show_last_visit": hooks.last_visit_finder is not None,
            "can_assign": request.user.has_perm("placements.manage"),
        },
    )


# --- Assigning a place ----------------------------------------------------------------------------

ASSIGNABLE = (AdmissionStatus.WAITING, AdmissionStatus.ADMITTED)
WAITING_SHOWN = 10


def _posted(request):
    """The submitted data, or None to show the form unbound (an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def _place_url(place: Place) -> str:
    """The board at `place`: the page its hotel is on (the first, for the programme's six)."""
    hotel_ids = [hotel.pk for hotel in selectors.board_hotels()]
    position = hotel_ids.index(place.hotel_id) if place.hotel_id in hotel_ids else 0
    page = position // BOARD_HOTELS_PER_PAGE + 1
    return f"{reverse('placements:board')}{f'?page={page}' if page > 1 else ''}#place-{place.pk}"


def _assigned(request, stay: Placement):
    messages.success(
        request,
        gettext("%(resident)s is housed in %(place)s from %(date)s.")
        % {
            "resident": stay.resident.nickname,
            "place": stay.place,
            "date": date_format(stay.start, "SHORT_DATE_FORMAT"),
        },
    )
    return redirect(_place_url(stay.place))


@require_GET
@allow("placements.manage")
def assign_candidates(request, place_pk: int):
    """Step 2 of 3: who gets this free place — admitted people first, then the waiting list."""
    place = _get_place(place_pk)
    if not selectors.free_places().filter(pk=place.pk).exists():
        messages.warning(request, gettext("This place is not free today."))
        return redirect(_place_url(place))
    waiting = waiting_list()
    return render(
        request,
        "placements/assign_candidates.html",
        {
            "place": place,
            "admitted": admitted_without_place(),
            "waiting": waiting[:WAITING_SHOWN],
            "waiting_count": len(waiting),
        },
    )


@require_http_methods(["GET", "POST"])
@allow("placements.manage")
def assign_confirm(request, place_pk: int, admission_pk: int):
    """Step 3 of 3: the entry date, then the stay (admitting a waiting request on the way)."""
    place = _get_place(place_pk)
    admission = get_object_or_404(
        AdmissionRequest.objects.select_related("resident").filter(status__in=ASSIGNABLE),
        pk=admission_pk,
    )
    form = AssignForm(_posted(request), initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.placement_assign_from_request(
                admission=admission, place=place, start=form.cleaned_data["start"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _assigned(request, stay)
    person_data_viewed(request, admission.resident)
    return render(
        request,
        "placements/assign_confirm.html",
        {"form": form, "place": place, "admission": admission, "resident": admission.resident},
    )


def _request_to_link(resident: Resident) -> AdmissionRequest | None:
    """The request a new stay of `resident` answers: a waiting one, or one admitted and not yet
    followed by a place."""
    requests = resident.admission_requests.filter(status__in=ASSIGNABLE)
    admitted = requests.filter(status=AdmissionStatus.ADMITTED)
    linkable = requests.exclude(status=AdmissionStatus.ADMITTED) | (
        services.admitted_requests_without_place(admitted)
    )
    return linkable.order_by("-received_on", "-pk").first()


@require_http_methods(["GET", "POST"])
@allow("placements.manage")
def resident_assign(request, resident_pk: int):
    """Give a free place to a person, from their file."""
    resident = get_object_or_404(Resident, pk=resident_pk)
    admission = _request_to_link(resident)
    form = ResidentAssignForm(
        _posted(request),
        initial={"start": timezone.localdate()},
        places=selectors.free_places(),
    )
    if request.method == "POST" and form.is_valid():
        place, start = form.cleaned_data["place"], form.cleaned_data["start"]
        try:
            if admission is not None:
                stay = services.placement_assign_from_request(
                    admission=admission, place=place, start=start, by=request.user
                )
            else:
                stay = services.placement_assign(
                    resident=resident, place=place, start=start, by=request.user
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _assigned(request, stay)
    person_data_viewed(request, resident)
    return render(
        request,
        "placements/resident_assign.html",
        {"form": form, "resident": resident, "admission": admission},
    )


# --- Stays ----------------------------------------------------------------------------------------


def _get_placement(pk: int) -> Placement:
    return get_object_or_404(
        Placement.objects.select_related(
            "resident", "place__hotel", "admission", "created_by", "ended_by"
        ),
        pk=pk,
    )


def _already_ended(request, placement: Placement):
    messages.info(request, gettext("This stay has already ended."))
    return redirect("placements:placement_detail", pk=placement.pk)


@require_GET
@allow("placements.read")
def placement_detail(request, pk: int):
    placement = _get_placement(pk)
    person_data_viewed(request, placement.resident)
    chain = selectors.stay_chain(placement)
    absences = list(placement.absences.all())
    can_act = request.user.has_perm("placements.manage") and placement.end is None
    first, last = chain[0], chain[-1]
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "resident": placement.resident,
            "chain": chain,
            "programme_start": first.start,
            "programme_days": ((last.end or timezone.localdate()) - first.start).days,
            "absences": absences,
            "return_form": AbsenceReturnForm(initial={"end": timezone.localdate()}),
            "can_act": can_act,
        },
    )


@require_http_methods(["GET", "POST"])
@allow("placements.manage")
def placement_end(request, pk: int):
    placement = _get_placement(pk)
    if placement.end is not None:
        return _already_ended(request, placement)
    form = EndStayForm(_posted(request), initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(
                placement=placement,
                on=form.cleaned_data["end"],
                destination=form.cleaned_data["exit_destination"],
                reason=form.cleaned_data["exit_reason"],
                comment=form.cleaned_data["exit_comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("The stay of %(resident)s ended: %(place)s is free.")
                % {"resident": placement.resident.nickname, "place": placement.place},
            )
            return redirect(_place_url(placement.place))
    person_data_viewed(request, placement.resident)
    return render(request, "placements/placement_end.html", {"form": form, "placement": placement})


@require_http_methods(["GET", "POST"])
@allow("placements.manage")
def placement_transfer(request, pk: int):
    placement = _get_placement(pk)
    if placement.end is not None:
        return _already_ended(request, placement)
    form = TransferForm(
        _posted(request),
        initial={"on": timezone.localdate()},
        places=selectors.free_places().exclude(pk=placement.place_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.placement_transfer(
                placement=placement,
                to_place=form.cleaned_data["place"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("%(resident)s moves to %(place)s from %(date)s.")
                % {
                    "resident": stay.resident.nickname,
                    "place": stay.place,
                    "date": date_format(stay.start, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(_place_url(stay.place))
    person_data_viewed(request, placement.resident)
    return render(
        request, "placements/placement_transfer.html", {"form": form, "placement": placement}
    )


class AbsenceCreateView(PersonPageMixin, RoleViewMixin, CreateView):
    permission = "placements.manage"
    model = Absence
    form_class = AbsenceForm
    success_message = _("The absence was recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.placement = _get_placement(self.kwargs["placement_pk"])
        if self.placement.end is not None:
            return _already_ended(request, self.placement)
        return super().dispatch(request, *args, **kwargs)

    def get_resident(self) -> Resident:
        return self.placement.resident

    def get_initial(self):
        return {"start": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.placement}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "placement": self.placement}

    def get_success_url(self):
        return reverse("placements:placement_detail", args=[self.placement.pk])


@require_POST
@allow("placements.manage")
def absence_return(request, placement_pk: int, pk: int):
    """The person is back: the absence ends on the given day."""
    absence = get_object_or_404(
        Absence.objects.select_related("placement"),
        pk=pk,
        placement_id=placement_pk,
        end__isnull=True,
    )
    form = AbsenceReturnForm(request.POST)
    if form.is_valid():
        absence.end = form.cleaned_data["end"]
        try:
            absence.full_clean()
        except ValidationError as error:
            add_validation_error(form, error)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        absence.save(update_fields=["end"])
        messages.success(request, gettext("The return was recorded."))
    return redirect("placements:placement_detail", pk=placement_pk)


# --- The operator's monthly statement -------------------------------------------------------------

STATEMENT_HEADERS = (
    _("Hotel"),
    _("Place"),
    _("Nights"),
    _("Billable nights"),
    _("Available place-nights"),
    _("Occupancy rate (%)"),
    _("Entries"),
    _("Exits"),
)


def _statement_month(request) -> tuple[StatementForm, datetime.date]:
    default = selectors.last_month()
    if "month" not in request.GET:
        return StatementForm(initial={"month": default}), default
    form = StatementForm(request.GET)
    return form, form.cleaned_data["month"] if form.is_valid() else default


def _statement_cells(line: selectors.StatementRow) -> list:
    return [
        line.hotel,
        line.label,
        line.nights,
        line.billable,
        line.available,
        line.rate_percent,
        line.entries,
        line.exits,
    ]


@require_GET
@allow("placements.read")
def statement(request):
    """The month's figures by hotel (every hotel, each a link), then by place for one hotel at a
    time (`?hotel=`, else the first): the statement is checked and billed hotel by hotel, and the
    whole scheme has hundreds of places, which the files (CSV, XLSX) carry in full."""
    form, month = _statement_month(request)
    data = statement_cache.monthly_statement(month)
    month_query = urlencode({"month": f"{month:%Y-%m}"}) if "month" in request.GET else ""
    hotel_id = id_param(request.GET, "hotel")
    index = next(
        (index for index, hotel in enumerate(data.hotels) if hotel.hotel.pk == hotel_id), 0
    )
    links = [_statement_hotel_link(month_query, hotel) for hotel in data.hotels]

    def neighbour(at: int) -> tuple | None:
        return (data.hotels[at], links[at]) if 0 <= at < len(data.hotels) else None

    return render(
        request,
        "placements/statement.html",
        {
            "form": form,
            "month": month,
            "statement": data,
            "hotel_links": list(zip(data.hotels, links, strict=True)),
            "shown": data.hotels[index] if data.hotels else None,
            "previous_hotel": neighbour(index - 1),
            "next_hotel": neighbour(index + 1),
            "previous_month": selectors.last_month(month),
            "next_month": data.end if data.end <= timezone.localdate() else None,
        },
    )


def _statement_hotel_link(month_query: str, hotel: selectors.HotelStatement) -> str:
    """The statement by place of `hotel`, for the same month."""
    query = "&".join(part for part in (month_query, f"hotel={hotel.hotel.pk}") if part)
    return f"?{query}#statement-places"


@require_GET
@allow("placements.read")
def statement_csv(request):
    """The statement as CSV for a spreadsheet in French: semicolons, decimal commas, a BOM."""
    _form, month = _statement_month(request)
    data = statement_cache.monthly_statement(month)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = spreadsheets.csv_writer(buffer, delimiter=";")
    writer.writerow([str(header) for header in STATEMENT_HEADERS])
    for line in data.lines():
        cells = _statement_cells(line)
        cells[5] = "" if cells[5] is None else number_format(cells[5], 1)
        writer.writerow(cells)
    return file_response(
        buffer.getvalue(), filename=f"releve-{month:%Y-%m}.csv", content_type=spreadsheets.CSV
    )


@require_GET
@allow("placements.read")
def statement_xlsx(request):
    _form, month = _statement_month(request)
    content = statement_cache.cached(
        month, "xlsx", lambda: _statement_workbook(month, selectors.monthly_statement(month))
    )
    return file_response(
        content, filename=f"releve-{month:%Y-%m}.xlsx", content_type=spreadsheets.XLSX
    )


def _statement_workbook(month: datetime.date, data: selectors.Statement) -> bytes:
    # Written row after row (write-only): the headers and the totals bold as they are written.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{month:%Y-%m}")
    for column, width in zip("ABCDEFGH", (28, 22, 10, 14, 18, 16, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    spreadsheets.append_row(sheet, [str(header) for header in STATEMENT_HEADERS], bold=True)
    for line in data.lines():
        cells = _statement_cells(line)
        cells[5] = None if cells[5] is None else float(cells[5])
        spreadsheets.append_row(sheet, cells, bold=line.is_total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Hotel incidents ------------------------------------------------------------------------------

INCIDENT_STATUSES = {
    "open": _("Open incidents"),
    "closed": _("Closed incidents"),
    "all": _("All incidents"),
}


class IncidentListView(RoleViewMixin, ListView):
    permission = "placements.read"
    paginate_by = 25
    template_name = "placements/incident_list.html"

    def get_status(self) -> str:
        status = self.request.GET.get("status", "open")
        return status if status in INCIDENT_STATUSES else "open"

    def get_queryset(self):
        return selectors.incidents_for_list(
            status=self.get_status(), hotel_id=id_param(self.request.GET, "hotel")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hotel_id = id_param(self.request.GET, "hotel")
        extra = {"status": self.get_status()}
        if hotel_id:
            extra["hotel"] = hotel_id
        context.update(
            status=self.get_status(),
            statuses=INCIDENT_STATUSES,
            hotels=Hotel.objects.order_by("name").values("pk", "name"),
            hotel_id=hotel_id,
            extra_query=urlencode(extra),
        )
        return context


class IncidentCreateView(RoleViewMixin, CreateView):
    permission = "placements.record_incident"
    model = Incident
    form_class = IncidentForm
    success_message = _("The incident was recorded.")

    def get_initial(self):
        initial = {"occurred_on": timezone.localdate()}
        for name in ("hotel", "place", "resident"):
            value = id_param(self.request.GET, name)
            if value is not None:
                initial[name] = value
        return initial

    def get_form_kwargs(self):
        housed = Resident.objects.filter(
            pk__in=Placement.objects.current().values("resident_id")
        ).order_by("nickname", "pk")
        return {**super().get_form_kwargs(), "residents": housed}

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("placements:incident_detail", args=[self.object.pk])


def _get_incident(pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("hotel", "place__hotel", "resident", "created_by"), pk=pk
    )


def _incident_detail(request, incident: Incident, action_form: IncidentActionForm | None = None):
    can_record = request.user.has_perm("placements.record_incident")
    if can_record and action_form is None:
        action_form = IncidentActionForm(initial={"done_on": timezone.localdate()})
    return render(
        request,
        "placements/incident_detail.html",
        {
            "incident": incident,
            "actions": incident.actions.select_related("handled_by"),
            "action_form": action_form,
            "can_record": can_record,
        },
        status=400 if action_form is not None and action_form.errors else 200,
    )


@require_GET
@allow("placements.read")
def incident_detail(request, pk: int):
    incident = _get_incident(pk)
    person_data_viewed(request, incident.resident)
    return _incident_detail(request, incident)


@require_POST
@allow("placements.record_incident")
def incident_action_create(request, pk: int):
    incident = _get_incident(pk)
    form = IncidentActionForm(request.POST)
    if not form.is_valid():
        return _incident_detail(request, incident, form)
    action = form.save(commit=False)
    action.incident = incident
    action.handled_by = request.user
    action.save()
    messages.success(request, gettext("The action was recorded."))
    return redirect("placements:incident_detail", pk=incident.pk)


@require_POST
@allow("placements.record_incident")
def incident_close(request, pk: int):
    incident = _get_incident(pk)
    if incident.closed_on is None:
        incident.closed_on = timezone.localdate()
        incident.save(update_fields=["closed_on"])
        messages.success(request, gettext("The incident is closed."))
    return redirect("placements:incident_detail", pk=incident.pk)
