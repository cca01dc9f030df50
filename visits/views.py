import datetime
import functools
from html import escape as _escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView

from accounts.policy import allow
from accounts.roles import MEDICAL_TEAM
from core.forms import TokenAlreadyUsed, add_validation_error
from core.http import file_response, safe_next
from core.links import object_url
from core.offline import keep_off_device
from core.pagination import paginate
from core.params import day_param, id_param
from core.templatetags.icons import icon
from core.views import RoleViewMixin
from placements.models import Hotel, Placement
from privacy.access import person_data_viewed
from residents.models import Resident
from visits import extensions, pdf, selectors, services
from visits.forms import (
    FollowUpCloseForm,
    LeaveForm,
    PeriodForm,
    RoundMoveForm,
    StaffAvailabilityForm,
    VisitLogForm,
    VisitMoveForm,
    care_workers,
)
from visits.models import (
    NOT_MADE,
    Leave,
    Outcome,
    StaffAvailability,
    Visit,
    VisitStatus,
    follow_up_reasons_for,
)
from visits.roster import roster_generate, week_start

User = get_user_model()

WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
STATS_DAYS = 28


def _day_url(day: datetime.date, worker=None, user=None) -> str:
    params = {}
    if day != timezone.localdate():
        params["jour"] = day.isoformat()
    if worker is not None and worker != user:
        params["intervenant"] = worker.pk
    url = reverse("visits:today")
    return f"{url}?{urlencode(params)}" if params else url


VISIT_ACCOUNTS = ("worker", "partner", "logged_by", "corrected_by", "follow_up_closed_by")
VISIT_RELATED = ("resident", "hotel", "placement__place")

# Stand for the visit's and the reader's ids in the visit page's statement (see _visit_statement).
_VISIT_ID, _READER_ID = -987_654_321, -987_654_322


@functools.cache
def _visit_statement(medical_team: bool):
    """The visit page's statement (the visit, its person, hotel, stay and place, the medical
    note's annotations), built by the ORM once a process for each of the two shapes
    `with_medical_note_for` gives (the medical team reads every note, anyone else their own):
    building it took ~2 ms of CPU a page, more than the database takes to run it. Only the
    statement and where each column goes are kept: each page reads the visit."""
    reader = User(pk=_READER_ID)
    reader.has_role = lambda *roles: medical_team
    visits = Visit.objects.with_medical_note_for(reader).select_related(*VISIT_RELATED)
    compiler = visits.filter(pk=_VISIT_ID).query.get_compiler(using=visits.db)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return sql, params, compiler, converters


def _build(klass_info: dict, select: list, row: tuple):
    """The object of `klass_info` (a compiler's, see Django's RelatedPopulator) and those
    selected with it, from `row`; None when its primary key is null."""
    model = klass_info["model"]
    indexes = klass_info["select_fields"]
    values = [row[index] for index in indexes]
    if values[[select[index][0].target for index in indexes].index(model._meta.pk)] is None:
        return None
    obj = model.from_db("default", [select[index][0].target.attname for index in indexes], values)
    for related in klass_info.get("related_klass_infos", []):
        other = _build(related, select, row)
        related["local_setter"](obj, other)
        if other is not None:
            related["remote_setter"](other, obj)
    return obj


def _read_visit(pk: int, user) -> Visit:
    """`Visit.objects.with_medical_note_for(user).select_related(*VISIT_RELATED).get(pk=pk)`,
    through the statement kept for the process; 404 when there is no such visit."""
    sql, params, compiler, converters = _visit_statement(user.has_role(*MEDICAL_TEAM))
    substitutes = {_VISIT_ID: pk, _READER_ID: user.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(substitutes.get(param, param) for param in params))
        rows = cursor.fetchall()
    if not rows:
        raise Http404("No Visit matches the given query.")
    (row,) = compiler.apply_converters(rows, converters) if converters else rows
    visit = _build(compiler.klass_info, compiler.select, row)
    for name, index in compiler.annotation_col_map.items():
        setattr(visit, name, row[index])
    return visit


def _get_visit(pk: int, user=None) -> Visit:
    """The visit with what its page shows; with `user`, the note of a medical follow-up if
    they may read it (see `VisitQuerySet.with_medical_note_for`)."""
    if user is not None:
        visit = _read_visit(pk, user)
    else:
        visit = get_object_or_404(Visit.objects.select_related(*VISIT_RELATED), pk=pk)
    # The five accounts in a query of their own: joined to the visit, they made PostgreSQL
    # weigh ten tables' join orders, which took longer than reading the visit itself.
    accounts = User.objects.in_bulk(
        {getattr(visit, f"{field}_id") for field in VISIT_ACCOUNTS} - {None}
    )
    for field in VISIT_ACCOUNTS:
        setattr(visit, field, accounts.get(getattr(visit, f"{field}_id")))
    return visit


# --- A worker's day -------------------------------------------------------------------------------


def _day_visit_html(visit, words: dict) -> str:
    """One visit of "My visits" (the template's loop, written out here: fifty of them on a busy
    day). `words`: the labels and badges, translated once for the page."""
    if visit.status == VisitStatus.PLANNED:
        badge = words["to_do"]
    elif visit.status == VisitStatus.DONE:
        outcome = words["outcomes"].get(visit.outcome, visit.outcome)
        badge = f'<span class="badge text-bg-success">{words["done_icon"]} {outcome}</span>'
    else:
        status = words["statuses"].get(visit.status, visit.status)
        badge = f'<span class="badge text-bg-secondary">{status}</span>'
    light = " list-group-item-light" if visit.status != "planned" else ""
    unplanned = f" · {words['unplanned']}" if visit.unplanned else ""
    url = object_url("visits:visit_detail", visit.pk)
    return (
        '\n            <a class="list-group-item list-group-item-action d-flex'
        f' justify-content-between align-items-center gap-2 py-3{light}"'
        f'\n               href="{_escape(url)}"'
        '\n               data-testid="visit"'
        f'\n               data-status="{_escape(visit.status)}">'
        "\n              <span>"
        '\n                <span class="fs-5 fw-semibold d-block">'
        f"{_escape(visit.resident.nickname)}</span>"
        '\n                <span class="small text-body-secondary">'
        f"{_escape(visit.placement.place.label)}{unplanned}</span>"
        "\n              </span>"
        f"\n              \n                {badge}\n              "
        "\n            </a>\n          "
    )


@require_GET
@allow("visits.log")
def today(request):
    """ "My visits of the day": the rounds of the day, hotel by hotel in route order.

    The coordinator may look at another worker's day (`?intervenant=`); anyone may look at
    another day (`?jour=`).
    """
    day = day_param(request.GET, "jour", timezone.localdate())
    worker = request.user
    worker_pk = id_param(request.GET, "intervenant")
    if worker_pk is not None and worker_pk != request.user.pk:
        if not request.user.has_perm("visits.plan"):
            raise PermissionDenied
        worker = get_object_or_404(User, pk=worker_pk)
    visits = list(selectors.day_list(worker, day))
    to_do = sum(visit.status == VisitStatus.PLANNED for visit in visits)
    rounds = selectors.rounds(visits)
    words = {
        "unplanned": _escape(gettext("unplanned")),
        "to_do": f'<span class="badge text-bg-primary">{_escape(gettext("To do"))}</span>',
        "done_icon": icon("check-lg"),
        "outcomes": {value: _escape(str(label)) for value, label in Outcome.choices},
        "statuses": {value: _escape(str(label)) for value, label in VisitStatus.choices},
    }
    for round_ in rounds:
        round_.visits_html = mark_safe("".join(_day_visit_html(v, words) for v in round_.visits))
    return render(
        request,
        "visits/today.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "worker": worker,
            "is_me": worker == request.user,
            "rounds": rounds,
            "to_do": to_do,
            "logged": len(visits) - to_do,
            "previous_url": _day_url(day - DAY, worker, request.user),
            "next_url": _day_url(day + DAY, worker, request.user),
            "today_url": _day_url(timezone.localdate(), worker, request.user),
        },
    )


def _render_visit(
    request, visit: Visit, form, bound, *, status: int = 200, creating=False, meanwhile=False
):
    can_log = form is not None
    response = render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "form": form,
            "extensions": bound,
            "seen": (Outcome.SEEN.value, Outcome.SEEN.label),
            "other_outcomes": [choice for choice in Outcome.choices if choice[0] != Outcome.SEEN],
            "not_made": NOT_MADE,
            "can_log": can_log,
            "creating": creating,
            "recorded_meanwhile": meanwhile,
            "can_plan": not creating
            and request.user.has_perm("visits.plan")
            and visit.status == VisitStatus.PLANNED,
            "can_close_follow_up": visit.needs_follow_up
            and visit.follow_up_reason in follow_up_reasons_for(request.user),
            "next": safe_next(request, ""),
            "back_url": safe_next(
                request,
                _day_url(visit.planned_on)
                if request.user.has_perm("visits.log")
                else reverse("visits:round_detail", args=[visit.hotel_id, visit.planned_on]),
            ),
        },
        status=status,
    )
    if getattr(visit, "medical_note", None):
        keep_off_device(response)  # the medical team's text stays off the phone
    return response


def _already_recorded(request, visit: Visit):
    messages.info(
        request,
        gettext("This visit was already recorded: nothing was saved a second time."),
    )
    return redirect(safe_next(request, _day_url(visit.planned_on)))


def _recorded_message(visit: Visit, recorded: list[str]) -> str:
    """The confirmation: the outcome, then what was recorded with it (vouchers, material,
    advice topics, the follow-up flagged), so the worker sees at once what was saved."""
    if visit.status == VisitStatus.MISSED:
        text = gettext("The visit to %(resident)s is recorded as not made.")
    else:
        text = gettext("Visit to %(resident)s recorded: %(outcome)s.")
    text %= {"resident": visit.resident.nickname, "outcome": visit.get_outcome_display().lower()}
    if visit.follow_up_reason:
        recorded = [
            *recorded,
            gettext("follow-up flagged: %(reason)s")
            % {"reason": visit.get_follow_up_reason_display().lower()},
        ]
    if recorded:
        text += " " + gettext("Also recorded: %(what)s.") % {"what": " · ".join(recorded)}
    return text


def _log(request, visit: Visit, form: VisitLogForm, *, creating: bool = False):
    """Save the outcome, the observations and every extension's form in one transaction."""
    bound = extensions.bind(visit=visit, user=request.user, data=request.POST)
    forms_valid = form.is_valid()
    if all([forms_valid, *(item.form.is_valid() for item in bound)]):
        try:
            with transaction.atomic():
                form.spend_token()
                if not creating:
                    services.visit_lock_for_recording(visit=visit, seen=form.seen_version())
                saved = form.save_for(request.user)
                for item in bound:
                    try:
                        item.extension.save(item.form, visit=saved, user=request.user)
                    except ValidationError as error:
                        item.errors = error.messages
                        raise
        except TokenAlreadyUsed:
            return _already_recorded(request, visit)
        except services.RecordedMeanwhile as error:
            form.add_error(None, error)
            form.renew_token()
            form.show_version(error.visit.recorded_version)
            return _render_visit(
                request, _get_visit(visit.pk), form, bound, status=409, meanwhile=True
            )
        except ValidationError:
            form.renew_token()
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
            return _render_visit(
                request, _get_visit(visit.pk, request.user) if not creating else visit, form, bound,
                status=400, creating=creating,
            )  # fmt: skip
        messages.success(
            request, _recorded_message(saved, extensions.summaries(bound, visit=saved))
        )
        return redirect(safe_next(request, _day_url(saved.planned_on)))
    if form.has_error(NON_FIELD_ERRORS, "already_submitted"):
        return _already_recorded(request, visit)
    return _render_visit(request, visit, form, bound, status=400, creating=creating)


@require_http_methods(["GET", "POST"])
@allow("visits.read")
def visit_detail(request, pk: int):
    """The visit page: outcome buttons first, optional details below (the care team logs; the
    manager reads). Logging a visit already logged corrects it."""
    visit = _get_visit(pk, request.user)
    person_data_viewed(request, visit.resident)
    may_log = request.user.has_perm("visits.log")
    loggable = visit.status != VisitStatus.CANCELLED and visit.planned_on <= timezone.localdate()
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied
        if not loggable:
            messages.error(request, gettext("This visit cannot be logged."))
            return redirect("visits:visit_detail", pk=visit.pk)
        return _log(request, visit, VisitLogForm(request.POST, instance=visit, user=request.user))
    if may_log and loggable:
        form = VisitLogForm(instance=visit, user=request.user)
        bound = extensions.bind(visit=visit, user=request.user)
    else:
        form, bound = None, []
    return _render_visit(request, visit, form, bound)


@require_GET
@allow("visits.log")
def unplanned_start(request):
    """An unplanned visit: the hotel, then the person (housed there today)."""
    today_ = timezone.localdate()
    housing = Placement.objects.current(today_)
    hotels = Hotel.objects.filter(pk__in=housing.values("place__hotel_id")).order_by(
        "arrondissement", "name"
    )
    hotel_id = id_param(request.GET, "hotel")
    hotel = get_object_or_404(hotels, pk=hotel_id) if hotel_id is not None else None
    stays = []
    if hotel is not None:
        stays = (
            housing.filter(place__hotel=hotel)
            .select_related("resident", "place")
            .order_by("place__floor", "place__room", "place__bed")
        )
    return render(
        request,
        "visits/unplanned_start.html",
        {"hotels": hotels, "hotel": hotel, "stays": stays},
    )


@require_http_methods(["GET", "POST"])
@allow("visits.log")
def unplanned_log(request, resident_pk: int):
    resident = get_object_or_404(Resident.objects.active(), pk=resident_pk)
    today_ = timezone.localdate()
    stay = (
        Placement.objects.current(today_)
        .filter(resident=resident)
        .select_related("place__hotel")
        .first()
    )
    if stay is None:
        messages.error(
            request,
            gettext("%(resident)s is not housed today: a home visit cannot be logged.")
            % {"resident": resident.nickname},
        )
        return redirect("visits:unplanned_start")
    planned = Visit.objects.filter(
        resident=resident, planned_on=today_, unplanned=False, status=VisitStatus.PLANNED
    ).first()
    if planned is not None:
        messages.info(
            request,
            gettext("%(resident)s has a visit planned today: log it here.")
            % {"resident": resident.nickname},
        )
        return redirect("visits:visit_detail", pk=planned.pk)
    visit = Visit(
        resident=resident,
        placement=stay,
        hotel=stay.place.hotel,
        planned_on=today_,
        unplanned=True,
        worker=request.user,
    )
    if request.method == "POST":
        form = VisitLogForm(request.POST, instance=visit, user=request.user)
        return _log(request, visit, form, creating=True)
    form = VisitLogForm(instance=visit, user=request.user)
    bound = extensions.bind(visit=visit, user=request.user)
    person_data_viewed(request, resident)
    return _render_visit(request, visit, form, bound, creating=True)


@require_GET
@allow("visits.log")
def alerts(request):
    """Open follow-up alerts for the reader's roles (a medical concern: the medical team…)."""
    return render(
        request,
        "visits/alert_list.html",
        {"page_obj": paginate(request, selectors.follow_ups_for(request.user), per_page=25)},
    )


@require_POST
@allow("visits.log")
def follow_up_close(request, pk: int):
    """Mark a follow-up handled, saying what was done (required)."""
    visit = get_object_or_404(Visit.objects.select_related("resident"), pk=pk)
    if visit.follow_up_reason not in follow_up_reasons_for(request.user):
        raise PermissionDenied
    back = redirect(safe_next(request, reverse("visits:alerts")))
    if not visit.needs_follow_up:
        return back  # handled meanwhile: nothing to add
    form = FollowUpCloseForm(request.POST)
    if not form.is_valid():
        for error in form.errors["what_was_done"]:
            messages.error(request, error)
        return back
    with transaction.atomic():
        visit.close_follow_up(by=request.user, what_was_done=form.cleaned_data["what_was_done"])
    messages.success(
        request,
        gettext("The follow-up for %(resident)s is marked as handled.")
        % {"resident": visit.resident.nickname},
    )
    return back


# --- The coordinator's week -----------------------------------------------------------------------


def _cell_html(cell, today_: datetime.date, words: dict) -> str:
    """One cell of the week grid: 280 of them, written out here rather than by the template
    (whose nodes cost more than the rest of the page), with f-strings and `html.escape` rather
    than `format_html`, whose lazy-string checks cost more than the cell. What it shows: the
    team of each round, the visits, done and missed, the conflicts left and who is on leave."""
    opening = '<td class="table-primary">' if cell.day == today_ else "<td>"
    if not cell.total:
        return f"{opening}</td>"
    html = [
        opening,
        f'<a class="d-block text-decoration-none" href="{_escape(cell.url)}"'
        ' data-testid="grid-cell">',
    ]
    for names in cell.team_names:
        html.append(
            f'<div class="small fw-semibold">{_escape(names)}</div>'
            if names
            else words["no_worker"]
        )
    progress = [_escape(cell.visits_label)]
    if cell.done:
        progress.append(f'<span class="text-success">{cell.done} ✓</span>')
    if cell.missed:
        progress.append(f'<span class="text-danger">{cell.missed} ✗</span>')
    html.append(f'<div class="small">{" · ".join(progress)}</div></a>')
    if cell.conflicts:
        count = len(cell.conflicts)
        label = ngettext("%(counter)s conflict", "%(counter)s conflicts", count) % {
            "counter": count
        }
        html.append(
            '<span class="badge text-bg-warning" data-testid="cell-conflicts" '
            f'title="{_escape(" ".join(cell.conflicts))}">{words["warning"]} {_escape(label)}'
            "</span>"
        )
    for member in cell.on_leave:
        name = words["on_leave"] % {"name": member.first_name or member.username}
        html.append(f'<span class="badge text-bg-danger">{_escape(name)}</span>')
    html.append("</td>")
    return "".join(html)


def _sheet_link(user, url: str) -> str:
    return f'<a href="{_escape(url)}">{_escape(str(user))}</a>'


def _grid_html(grid, today_: datetime.date) -> None:
    """Give the week grid its rows' HTML (`rows_html`: the hotel and its seven cells, the
    arrondissements' labels translated once) and the links to the round sheets of each day
    (`sheets_html`)."""
    words = {
        "no_worker": format_html(
            '<div class="small fw-semibold"><span class="text-danger">{}</span></div>',
            gettext("no worker"),
        ),
        "warning": icon("exclamation-triangle"),
        "on_leave": gettext("%(name)s on leave"),
    }
    arrondissements = {
        value: _escape(str(label))
        for value, label in Hotel._meta.get_field("arrondissement").flatchoices
    }
    rows = []
    for row in grid.rows:
        hotel = row.hotel
        arrondissement = arrondissements.get(hotel.arrondissement)
        if arrondissement is None:
            arrondissement = _escape(str(hotel.arrondissement))
        cells = "".join(_cell_html(cell, today_, words) for cell in row.cells)
        rows.append(
            '\n          <tr data-testid="grid-row">'
            '\n            <th scope="row" class="text-nowrap">'
            f'{_escape(hotel.name)}<div class="small fw-normal text-body-secondary">'
            f"{arrondissement}</div></th>\n            {cells}\n          </tr>\n        "
        )
    grid.rows_html = mark_safe("".join(rows))
    # A link to each worker's round sheet, day by day: over a hundred links.
    grid.sheets_html = [
        (day, mark_safe(", ".join(_sheet_link(user, url) for user, url in people)))
        for day, people in grid.sheets.items()
    ]


@require_GET
@allow("visits.read")
def week(request):
    today_ = timezone.localdate()
    monday = week_start(day_param(request.GET, "semaine", today_))
    grid = selectors.week_grid(monday)
    _grid_html(grid, today_)
    return render(
        request,
        "visits/week.html",
        {
            "grid": grid,
            "monday": monday,
            "sunday": monday + 6 * DAY,
            "previous_week": monday - WEEK,
            "next_week": monday + WEEK,
            "this_week": week_start(today_),
            "today": today_,
            "can_generate": monday + 6 * DAY >= today_,
        },
    )


@require_POST
@allow("visits.plan")
def week_generate(request):
    today_ = timezone.localdate()
    monday = week_start(day_param(request.POST, "semaine", today_))
    if monday + 6 * DAY < today_:
        messages.error(request, gettext("A past week cannot be planned."))
    else:
        result = roster_generate(week=monday, from_day=max(today_, monday))
        if result.created:
            messages.success(
                request,
                ngettext(
                    "%(visits)s visits planned for %(residents)s person.",
                    "%(visits)s visits planned for %(residents)s people.",
                    result.residents,
                )
                % {"visits": result.created, "residents": result.residents},
            )
        else:
            messages.info(
                request, gettext("Nothing to add: every housed person has their visits planned.")
            )
        if result.unassigned:
            messages.warning(
                request,
                ngettext(
                    "%(count)s visit has no worker: nobody on the roster is available that day. "
                    "Check the availabilities.",
                    "%(count)s visits have no worker: nobody on the roster is available those "
                    "days. Check the availabilities.",
                    result.unassigned,
                )
                % {"count": result.unassigned},
            )
    return redirect(f"{reverse('visits:week')}?semaine={monday.isoformat()}")


def _round_context(request, hotel, day, form=None):
    visits = list(selectors.round_visits(hotel, day))
    planned = [visit for visit in visits if visit.status == VisitStatus.PLANNED]
    can_plan = request.user.has_perm("visits.plan") and bool(planned)
    if can_plan and form is None:
        first = planned[0]
        form = RoundMoveForm(
            initial={"planned_on": day, "worker": first.worker_id, "partner": first.partner_id}
        )
    return {
        "hotel": hotel,
        "day": day,
        "visits": visits,
        "teams": {tuple(visit.team) for visit in visits if visit.status != VisitStatus.CANCELLED},
        "form": form if can_plan else None,
        "week_url": f"{reverse('visits:week')}?semaine={week_start(day).isoformat()}",
    }


@require_GET
@allow("visits.read")
def round_detail(request, hotel_pk: int, day: datetime.date):
    hotel = get_object_or_404(Hotel, pk=hotel_pk)
    return render(request, "visits/round_detail.html", _round_context(request, hotel, day))


@require_POST
@allow("visits.plan")
def round_move(request, hotel_pk: int, day: datetime.date):
    hotel = get_object_or_404(Hotel, pk=hotel_pk)
    form = RoundMoveForm(request.POST)
    if form.is_valid():
        to_day = form.cleaned_data["planned_on"]
        try:
            moved = services.round_move(
                hotel=hotel,
                day=day,
                to_day=to_day,
                worker=form.cleaned_data["worker"],
                partner=form.cleaned_data["partner"],
                accepted=form.accepted(),
            )
        except services.RosterConflict as conflict:
            form.ask_confirmation(conflict.reasons)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s visit at %(hotel)s moved to %(day)s.",
                    "%(count)s visits at %(hotel)s moved to %(day)s.",
                    moved,
                )
                % {"count": moved, "hotel": hotel, "day": date_format(to_day, "DATE_FORMAT")},
            )
            return redirect("visits:round_detail", hotel_pk=hotel.pk, day=to_day)
    return render(
        request,
        "visits/round_detail.html",
        _round_context(request, hotel, day, form),
        status=400,
    )


@require_http_methods(["GET", "POST"])
@allow("visits.plan")
def visit_move(request, pk: int):
    visit = _get_visit(pk)
    if visit.status != VisitStatus.PLANNED:
        messages.info(request, gettext("Only a planned visit can be moved."))
        return redirect("visits:visit_detail", pk=visit.pk)
    form = VisitMoveForm(
        request.POST or None,
        initial={"planned_on": visit.planned_on, "worker": visit.worker, "partner": visit.partner},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.visit_move(
                visit=visit,
                to_day=form.cleaned_data["planned_on"],
                worker=form.cleaned_data["worker"],
                partner=form.cleaned_data["partner"],
                accepted=form.accepted(),
            )
        except services.RosterConflict as conflict:
            form.ask_confirmation(conflict.reasons)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                gettext("The visit to %(resident)s is moved to %(day)s.")
                % {
                    "resident": visit.resident.nickname,
                    "day": date_format(moved.planned_on, "DATE_FORMAT"),
                },
            )
            return redirect("visits:round_detail", hotel_pk=moved.hotel_id, day=moved.planned_on)
    person_data_viewed(request, visit.resident)
    return render(
        request,
        "visits/visit_move.html",
        {"visit": visit, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@allow("visits.plan")
def visit_cancel(request, pk: int):
    visit = _get_visit(pk)
    try:
        services.visit_cancel(visit=visit)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            gettext("The visit to %(resident)s is cancelled.")
            % {"resident": visit.resident.nickname},
        )
    return redirect("visits:round_detail", hotel_pk=visit.hotel_id, day=visit.planned_on)


@require_GET
@allow("visits.read")
def round_sheet(request, day: datetime.date, worker_pk: int):
    """A worker's round sheet for a day, as a PDF to print."""
    worker = get_object_or_404(User, pk=worker_pk)
    visits = list(selectors.day_visits(worker, day))
    content = pdf.round_sheet(worker=worker, day=day, rounds=selectors.rounds(visits))
    return file_response(
        content,
        filename=f"tournee-{day.isoformat()}-{worker.username}.pdf",
        content_type="application/pdf",
        inline=True,
    )


# --- Follow-up ------------------------------------------------------------------------------------


def _follow_up_row_html(row, never: str, away: str, dates: dict) -> str:
    """One line of the follow-up table (fifty to a page), written out here rather than by the
    template, whose nodes cost more than the rest of the page (f-strings and `html.escape`:
    `format_html`'s lazy-string checks cost more than the line). `dates`: the short dates
    already formatted for the page."""
    hotel = _escape(row.hotel_name)
    if row.last_seen:
        last = dates.get(row.last_seen)
        if last is None:
            last = dates[row.last_seen] = _escape(date_format(row.last_seen, "SHORT_DATE_FORMAT"))
    else:
        last = never
    if row.away:
        last += (
            f' <span class="badge text-bg-light border">{_escape(away)}: '
            f"{_escape(row.away.get_reason_display())}</span>"
        )
    elif row.alert:
        days = ngettext("%(days)s day", "%(days)s days", row.days_unseen) % {
            "days": row.days_unseen
        }
        last += f' <span class="badge text-bg-danger">{_escape(days)}</span>'
    danger = " text-danger" if row.done < 2 else ""
    return (
        f'<tr data-testid="follow-up-row"><td><a href="{_escape(row.resident_url)}">'
        f"{_escape(row.nickname)}</a>"
        f'<div class="small text-body-secondary d-md-none">{hotel}</div></td>'
        f'<td class="d-none d-md-table-cell">{hotel} <span class="small text-body-secondary">'
        f"{_escape(row.place_label)}</span>"
        f'</td><td class="text-end">{row.planned}</td><td class="text-end{danger}">{row.done}'
        f"</td><td>{last}</td></tr>"
    )


@require_GET
@allow("visits.read")
def follow_up(request):
    """Per person for a week: visits planned and made, and for how long they were not met."""
    today_ = timezone.localdate()
    monday = week_start(day_param(request.GET, "semaine", today_))
    only_alerts = request.GET.get("alerte") == "1"
    totals = selectors.follow_up_totals(monday, today_, alerts_only=only_alerts)
    extra = {"semaine": monday.isoformat()}
    if only_alerts:
        extra["alerte"] = "1"
    # The paginator pages the lines' numbers (counted with the totals); the page reads its own.
    page_obj = Paginator(range(totals["housed"]), 50).get_page(request.GET.get("page"))
    numbers = page_obj.object_list
    page_obj.object_list = selectors.follow_up_rows(
        monday, today_, alerts_only=only_alerts, offset=numbers.start, limit=len(numbers)
    )
    never = format_html('<span class="text-body-secondary">{}</span>', gettext("never"))
    away = gettext("away")
    dates: dict = {}
    rows_html = mark_safe("".join(_follow_up_row_html(row, never, away, dates) for row in page_obj))
    return render(
        request,
        "visits/follow_up.html",
        {
            "page_obj": page_obj,
            "rows_html": rows_html,
            "monday": monday,
            "sunday": monday + 6 * DAY,
            "previous_week": monday - WEEK,
            "next_week": monday + WEEK,
            "this_week": week_start(today_),
            "only_alerts": only_alerts,
            "alert_days": settings.VISIT_ALERT_DAYS,
            "extra_query": urlencode(extra),
            "housed": totals["housed"],
            "complete": totals["complete"],
        },
    )


@require_GET
@allow("visits.supervise")
def workers(request):
    today_ = timezone.localdate()
    default = {"start": today_ - (STATS_DAYS - 1) * DAY, "end": today_}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    return render(
        request,
        "visits/worker_stats.html",
        {
            "form": form,
            "start": period["start"],
            "end": period["end"],
            "rows": selectors.worker_stats(period["start"], period["end"], today_),
        },
    )


# --- Availability and leave -----------------------------------------------------------------------


@require_GET
@allow("visits.supervise")
def availability_list(request):
    today_ = timezone.localdate()
    people = (
        care_workers()
        .select_related("visit_availability")
        .prefetch_related(
            "groups",
            Prefetch(
                "visit_leaves",
                queryset=Leave.objects.filter(Q(end__isnull=True) | Q(end__gt=today_)).order_by(
                    "start"
                ),
                to_attr="coming_leaves",
            ),
        )
    )
    return render(
        request,
        "visits/availability_list.html",
        {
            "people": people,
            "today": today_,
        },
    )


def _get_worker(pk: int):
    return get_object_or_404(care_workers(), pk=pk)


class AvailabilityUpdateView(RoleViewMixin, UpdateView):
    permission = "visits.plan"
    model = StaffAvailability
    form_class = StaffAvailabilityForm
    template_name = "visits/availability_form.html"
    success_message = _("The availability of %(worker)s was saved.")

    def get_object(self, queryset=None):
        self.worker = _get_worker(self.kwargs["user_pk"])
        return StaffAvailability.objects.filter(user=self.worker).first() or StaffAvailability(
            user=self.worker, weekdays=[0, 1, 2, 3, 4]
        )

    def get_context_data(self, **kwargs):
        leaves = Leave.objects.filter(user=self.worker).order_by("-start")[:20]
        return {**super().get_context_data(**kwargs), "worker": self.worker, "leaves": leaves}

    def get_success_message(self, cleaned_data):
        return self.success_message % {"worker": self.worker}

    def get_success_url(self):
        return reverse("visits:availability_list")


class LeaveCreateView(RoleViewMixin, CreateView):
    permission = "visits.plan"
    model = Leave
    form_class = LeaveForm
    template_name = "visits/leave_form.html"
    success_message = _("The leave was saved.")

    def get_worker(self):
        if not hasattr(self, "_worker"):
            self._worker = _get_worker(self.kwargs["user_pk"])
        return self._worker

    def get_initial(self):
        return {"start": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_worker()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "worker": self.get_worker()}

    def get_success_url(self):
        return reverse("visits:availability_update", args=[self.get_worker().pk])


class LeaveUpdateView(LeaveCreateView, UpdateView):
    success_message = _("The leave was updated.")

    def get_initial(self):
        return {}

    def get_queryset(self):
        return Leave.objects.filter(user=self.get_worker())
