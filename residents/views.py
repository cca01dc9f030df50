from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, ListView, UpdateView

from accounts.policy import allow
from core import audit
from core.links import object_url
from core.pagination import paginate
from core.params import parse_id
from core.views import RoleViewMixin, SingleSubmissionMixin
from privacy.access import PersonPageMixin, person_data_viewed
from privacy.models import AccessLog
from residents import actions, hooks, services, timeline
from residents.forms import (
    AccessJournalFilter,
    AdmissionRequestForm,
    ConsumptionAssessmentForm,
    DecisionForm,
    RefusalForm,
    ResidentForm,
    SituationAssessmentForm,
    consumption_line_formset,
)
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    ConsumptionAssessment,
    Resident,
    SituationAssessment,
    open_file,
)
from residents.priority import WEIGHTS, priority_formula, priority_score
from residents.selectors import (
    LIST_ORDERS,
    STATUS_FILTERS,
    ResidentStatus,
    admitted_without_place,
    residents_for_list,
    waiting_cells,
    waiting_list,
)

TIMELINE_PER_PAGE = 20
# The top of the waiting list is what the next free places go to; the rest, ranked, is a page away.
WAITING_PER_PAGE = 25


def _get_resident_for(
    user, pk: int, *, for_change: bool = False, with_place: bool = False
) -> Resident:
    """The file `pk` as `user` may open it; an archived file can be read but not changed.
    `with_place`: with the person's place today (`hooks.with_current_place`), same query."""
    if not user.has_perm("residents.edit" if for_change else "residents.read"):
        raise PermissionDenied
    residents = Resident.objects.select_related("informed_by", "created_by", "archived_by")
    if for_change:
        residents = residents.active()
    if with_place:
        residents = hooks.with_current_place(residents)
    return get_object_or_404(residents, pk=pk)


def _get_admission_for(user, pk: int, *, for_change: bool = False) -> AdmissionRequest:
    """The request `pk` with its person; only a waiting request of an open file can be changed."""
    if not user.has_perm("residents.edit" if for_change else "residents.read"):
        raise PermissionDenied
    requests = AdmissionRequest.objects.select_related("resident", "decided_by", "created_by")
    if for_change:
        requests = requests.waiting().filter(open_file("resident"))
    return get_object_or_404(requests, pk=pk)


# --- Case files ----------------------------------------------------------------------------------


# The colour of each status on the list (the others: grey).
STATUS_BADGES = {
    ResidentStatus.HOUSED: "text-bg-success",
    ResidentStatus.ADMITTED: "text-bg-info",
    ResidentStatus.WAITING: "text-bg-primary",
}


class ResidentListView(RoleViewMixin, ListView):
    """Case files with each person's hotel, room and status; filtered by status, sorted by
    name, hotel or entry date (?status=, ?sort=), with the search and the pagination."""

    permission = "residents.read"
    paginate_by = 25
    template_name = "residents/resident_list.html"

    def get_queryset(self):
        return residents_for_list(
            query=self.request.GET.get("q", ""),
            include_archived=self._include_archived(),
            status=self._status(),
            sort=self._sort(),
        )

    def _include_archived(self) -> bool:
        return self.request.GET.get("archived") == "1"

    def _status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in ResidentStatus.values else ""

    def _sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort in LIST_ORDERS else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        filters = {"q": query} if query else {}
        if self._include_archived():
            filters["archived"] = "1"
        if self._status():
            filters["status"] = self._status()
        page = context["page_obj"]
        page.object_list = list(page.object_list)
        for resident in page.object_list:
            resident.status_label = ResidentStatus(resident.status).label
            resident.status_badge = STATUS_BADGES.get(resident.status, "text-bg-secondary")
            resident.detail_url = object_url("residents:resident_detail", resident.pk)
        sort = self._sort()
        context.update(
            query=query,
            include_archived=self._include_archived(),
            status=self._status(),
            statuses=STATUS_FILTERS,
            sort=sort,
            # The pagination keeps the filters and the order; the column headers keep the filters.
            extra_query=urlencode({**filters, **({"sort": sort} if sort else {})}),
            sort_links={
                column: "?" + urlencode({**filters, "sort": _next_sort(column, sort)})
                for column in ("nickname", "hotel", "entry")
            },
        )
        return context


def _next_sort(column: str, current: str) -> str:
    """A column header sorts by its column, then in reverse once already sorted by it."""
    return f"-{column}" if current == column else column


@require_GET
@allow("residents.read")
def resident_detail(request, pk: int):
    resident = _get_resident_for(request.user, pk, with_place=True)
    shown = timeline.kind_filter(request.GET.get("type"))
    timeline_html = timeline.cached(
        lambda: _timeline_html(request, resident, shown),
        resident=resident,
        user=request.user,
        shown=(shown.slug if shown is not None else "", request.GET.get("page")),
    )
    person_data_viewed(request, resident)
    if request.htmx and request.htmx.target == "timeline":
        return HttpResponse(timeline_html)
    # From what the timeline read (a miss), else one query each (the timeline from the cache).
    latest_request = resident.admission_requests.first()
    context = {
        "resident": resident,
        "timeline": timeline_html,
        "latest_request": latest_request,
        "latest_situation": resident.situation_assessments.first(),
        "can_edit": request.user.has_perm("residents.edit") and not resident.is_archived,
        "can_archive": request.user.has_perm("residents.decide"),
        "can_request": (
            request.user.has_perm("residents.edit")
            and not resident.is_archived
            and not (latest_request and latest_request.is_waiting)
        ),
        "can_audit": request.user.has_perm("residents.read_access_log"),
        "other_actions": actions.actions_for(resident, request.user),
        "visit_dates": hooks.visit_dates(resident),
    }
    return render(request, "residents/resident_detail.html", context)


def _timeline_html(request, resident: Resident, shown) -> str:
    """The page of the person's timeline asked for, written out (the request's user and page)."""
    # Read once for the timeline (admission_entries, situation_entries) and the page's summary.
    prefetch_related_objects([resident], "admission_requests", "situation_assessments")
    entries = timeline.sorted_entries(
        resident, request.user, kinds=shown.kinds if shown is not None else None
    )
    page = paginate(request, entries, TIMELINE_PER_PAGE)
    page.object_list = timeline.described(page.object_list)
    # Written without the request: nothing of it but what is named here reaches the cache.
    return render_to_string(
        "residents/includes/timeline.html",
        {
            "page_obj": page,
            "kind_filters": timeline.KIND_FILTERS,
            "shown_kind": shown,
            "extra_query": urlencode({"type": shown.slug}) if shown is not None else "",
        },
    )


class ResidentFormViewMixin(SingleSubmissionMixin, RoleViewMixin):
    permission = "residents.edit"
    model = Resident
    form_class = ResidentForm

    def get_success_url(self):
        return reverse("residents:resident_detail", args=[self.object.pk])


class ResidentCreateView(ResidentFormViewMixin, CreateView):
    success_message = _("The file of “%(nickname)s” was created.")

    def save_valid(self, form):
        form.instance.created_by = self.request.user
        return super().save_valid(form)


class ResidentUpdateView(PersonPageMixin, ResidentFormViewMixin, UpdateView):
    success_message = _("The file of “%(nickname)s” was updated.")

    def get_object(self, queryset=None):
        return _get_resident_for(self.request.user, self.kwargs["pk"], for_change=True)


@require_POST
@allow("residents.decide")
def resident_archive(request, pk: int):
    resident = _get_resident_for(request.user, pk, for_change=True)
    try:
        services.resident_archive(resident=resident, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            gettext("The file of “%(nickname)s” was archived.") % {"nickname": resident.nickname},
        )
    return redirect("residents:resident_detail", pk=resident.pk)


@require_POST
@allow("residents.decide")
def resident_unarchive(request, pk: int):
    resident = _get_resident_for(request.user, pk)
    if resident.is_archived:
        resident.unarchive()
        messages.success(
            request,
            gettext("The file of “%(nickname)s” is open again.") % {"nickname": resident.nickname},
        )
    return redirect("residents:resident_detail", pk=resident.pk)


@require_GET
@allow("residents.read_access_log")
def access_log(request, pk: int):
    resident = _get_resident_for(request.user, pk)
    accesses = resident.access_logs.select_related("user").order_by("-at", "-pk")
    return render(
        request,
        "residents/accesslog_list.html",
        {
            "resident": resident,
            "page_obj": paginate(request, accesses, per_page=50),
            "history_url": reverse("history_object", args=["residents.resident", resident.pk])
            if audit.may_read_history(request.user, Resident)
            else None,
        },
    )


@require_GET
@allow("residents.read_access_log")
def access_journal(request):
    """Every opening and export of a case file, searchable by person and by user."""
    form = AccessJournalFilter(request.GET or None)
    accesses = AccessLog.objects.select_related("user", "resident").order_by("-at", "-pk")
    if form.is_bound:
        accesses = form.filter(accesses) if form.is_valid() else accesses.none()
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "residents/access_journal.html",
        {
            "form": form,
            "page_obj": paginate(request, accesses, per_page=50),
            "extra_query": urlencode(query),
            "filtered": bool(query),
        },
    )


# --- Assessments ---------------------------------------------------------------------------------


class AssessmentViewMixin(PersonPageMixin, SingleSubmissionMixin, RoleViewMixin):
    """Create or update an assessment of the file in the URL; the author is the current user."""

    permission = "residents.edit"

    def get_resident(self) -> Resident:
        if not hasattr(self, "_resident"):
            self._resident = _get_resident_for(
                self.request.user, self.kwargs["resident_pk"], for_change=True
            )
        return self._resident

    def get_queryset(self):
        return self.model.objects.filter(resident=self.get_resident())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_resident()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "resident": self.get_resident()}

    def save_valid(self, form):
        if not form.instance.pk:
            form.instance.assessed_by = self.request.user
        return super().save_valid(form)

    def get_success_url(self):
        return reverse("residents:resident_detail", args=[self.get_resident().pk])


class SituationCreateView(AssessmentViewMixin, CreateView):
    model = SituationAssessment
    form_class = SituationAssessmentForm
    success_message = _("The social situation was recorded.")


class SituationUpdateView(AssessmentViewMixin, UpdateView):
    model = SituationAssessment
    form_class = SituationAssessmentForm
    success_message = _("The social situation was updated.")


class ConsumptionCreateView(AssessmentViewMixin, CreateView):
    model = ConsumptionAssessment
    form_class = ConsumptionAssessmentForm
    success_message = _("The consumption assessment was recorded.")

    def get_object(self, queryset=None):
        return None

    def get_formset(self, form):
        data = self.request.POST if self.request.method == "POST" else None
        return consumption_line_formset(instance=form.instance, data=data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset(context["form"]))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        self.formset = self.get_formset(form)
        form_ok = form.is_valid()
        if form_ok and self.formset.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form, formset=self.formset))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form, formset=self.formset))

    def save_valid(self, form):
        response = super().save_valid(form)
        self.formset.instance = self.object
        self.formset.save()
        return response


class ConsumptionUpdateView(ConsumptionCreateView, UpdateView):
    success_message = _("The consumption assessment was updated.")

    def get_object(self, queryset=None):
        return UpdateView.get_object(self, queryset)


# --- Admissions ----------------------------------------------------------------------------------


@require_GET
@allow("residents.read")
def waiting_list_view(request):
    rows = waiting_list()
    admitted = admitted_without_place()
    for admission in admitted:
        admission.score = admission.priority()
        admission.assign_url = hooks.assign_place_url(admission.resident, request.user)
        admission.detail_url = object_url("residents:admission_detail", admission.pk)
    # The requests to review alone (the header's badge), with their rank in the whole list.
    to_review_only = request.GET.get("a-revoir") == "1"
    shown = [row for row in rows if row.to_review] if to_review_only else rows
    page_obj = paginate(request, shown, per_page=WAITING_PER_PAGE)
    return render(
        request,
        "residents/admissionrequest_list.html",
        {
            "page_obj": page_obj,
            "cells": waiting_cells(page_obj),
            "to_review_only": to_review_only,
            "extra_query": "a-revoir=1" if to_review_only else "",
            "waiting_count": len(rows),
            "to_review_count": sum(row.to_review for row in rows),
            "admitted": admitted,
            "formula": priority_formula(),
            "criteria": WEIGHTS.values(),
            "example": priority_score(psychic_situation=4, isolation=2, vulnerability=4),
            "review_days": settings.ADMISSION_REVIEW_DAYS,
        },
    )


class AdmissionCreateView(PersonPageMixin, SingleSubmissionMixin, RoleViewMixin, CreateView):
    permission = "residents.edit"
    model = AdmissionRequest
    form_class = AdmissionRequestForm
    success_message = _("The admission request was recorded.")

    def get_resident(self) -> Resident | None:
        value = self.request.GET.get("resident")
        if not value:
            return None
        pk = parse_id(value)
        if pk is None:
            raise Http404
        return _get_resident_for(self.request.user, pk, for_change=True)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "resident": self.get_resident()}

    def save_valid(self, form):
        self.object = services.admission_request_create(
            request=form.instance, new_person=form.new_person, by=self.request.user
        )
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("residents:admission_detail", args=[self.object.pk])


class AdmissionUpdateView(PersonPageMixin, SingleSubmissionMixin, RoleViewMixin, UpdateView):
    permission = "residents.edit"
    model = AdmissionRequest
    form_class = AdmissionRequestForm
    success_message = _("The admission request was updated.")

    def get_object(self, queryset=None):
        return _get_admission_for(self.request.user, self.kwargs["pk"], for_change=True)

    def get_success_url(self):
        return reverse("residents:admission_detail", args=[self.object.pk])


@require_GET
@allow("residents.read")
def admission_detail(request, pk: int):
    admission = _get_admission_for(request.user, pk)
    person_data_viewed(request, admission.resident)
    may_decide = admission.is_waiting and request.user.has_perm("residents.decide")
    score = admission.priority()
    assign_url = None
    if (
        admission.status == AdmissionStatus.ADMITTED
        and not admission.resident.is_archived
        and hooks.without_place(AdmissionRequest.objects.filter(pk=admission.pk)).exists()
    ):
        assign_url = hooks.assign_place_url(admission.resident, request.user)
    return render(
        request,
        "residents/admissionrequest_detail.html",
        {
            "admission": admission,
            "resident": admission.resident,
            "score": score,
            "criteria": [
                (part, getattr(admission, f"get_{part.criterion}_display")())
                for part in score.breakdown
            ],
            "formula": priority_formula(),
            "to_review": admission.needs_review(),
            "assign_url": assign_url,
            "can_edit": (
                admission.is_waiting
                and not admission.resident.is_archived
                and request.user.has_perm("residents.edit")
            ),
            "can_decide": may_decide,
            "admit_form": DecisionForm(prefix="admit") if may_decide else None,
            "refuse_form": RefusalForm(prefix="refuse") if may_decide else None,
            "lost_form": DecisionForm(prefix="lost") if may_decide else None,
        },
    )


def _decide(request, pk: int, *, form_class, prefix: str, action, done: str):
    admission = _get_admission_for(request.user, pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("residents:admission_detail", pk=admission.pk)
    try:
        action(request=admission, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("residents:admission_detail", pk=admission.pk)
    messages.success(request, done % {"nickname": admission.resident.nickname})
    return redirect("residents:admission_detail", pk=admission.pk)


@require_POST
@allow("residents.decide")
def admission_admit(request, pk: int):
    return _decide(
        request,
        pk,
        form_class=DecisionForm,
        prefix="admit",
        action=services.admission_admit,
        done=gettext("“%(nickname)s” is admitted and now waits for a place."),
    )


@require_POST
@allow("residents.decide")
def admission_refuse(request, pk: int):
    return _decide(
        request,
        pk,
        form_class=RefusalForm,
        prefix="refuse",
        action=services.admission_refuse,
        done=gettext("The request of “%(nickname)s” was refused."),
    )


@require_POST
@allow("residents.decide")
def admission_mark_lost(request, pk: int):
    return _decide(
        request,
        pk,
        form_class=DecisionForm,
        prefix="lost",
        action=services.admission_mark_lost,
        done=gettext("The request of “%(nickname)s” was closed without follow-up."),
    )


@require_POST
@allow("residents.edit")
def admission_news(request, pk: int):
    admission = _get_admission_for(request.user, pk, for_change=True)
    admission.record_news()
    messages.success(request, gettext("News recorded today: the request is no longer to review."))
    return redirect("residents:admission_detail", pk=admission.pk)
