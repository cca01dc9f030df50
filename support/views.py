from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView

from accounts.access import AUTHENTICATED, allow_roles
from accounts.policy import allow
from core.forms import save_once
from core.http import safe_next
from core.pagination import paginate
from core.views import RoleViewMixin, SingleSubmissionMixin
from privacy.access import PersonPageMixin, person_data_viewed
from residents.models import Resident, open_file
from support import services
from support.forms import NoteForm, ReferralAttendanceForm, ReferralForm, StepForm
from support.models import (
    NOTE_WRITERS,
    Note,
    Referral,
    Step,
    StepDomain,
    kinds_of,
)

PER_PAGE = 25


def _get_resident_for(user, pk: int, *, for_change: bool = False) -> Resident:
    """The file `pk` as `user` may open it; an archived file can be read but not changed."""
    if not user.has_perm("support.edit" if for_change else "support.read"):
        raise PermissionDenied
    residents = Resident.objects.active() if for_change else Resident.objects.all()
    return get_object_or_404(residents, pk=pk)


def _get_note_for(user, pk: int, *, for_change: bool = False) -> Note:
    """The note `pk` if `user` may read it in full, else 404 whatever the reason: a note's URL
    tells nobody that it exists. To correct it: the current version of the user's own note."""
    notes = Note.objects.visible_to(user).filter(full_access=True)
    if for_change:
        notes = notes.current().filter(open_file("resident"), author=user)
    return get_object_or_404(notes.select_related("resident", "author"), pk=pk)


# --- Notes ---------------------------------------------------------------------------------------


@require_GET
@allow("support.read")
def note_list(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk)
    notes = (
        Note.objects.visible_to(request.user)
        .current()
        .filter(resident=resident)
        .select_related("author")
        .order_by("-written_at", "-pk")
    )
    page = paginate(request, notes, PER_PAGE)
    person_data_viewed(request, resident)
    return render(
        request,
        "support/note_list.html",
        {
            "resident": resident,
            "page_obj": page,
            "can_write": request.user.has_perm("support.edit") and not resident.is_archived,
        },
    )


@require_http_methods(["GET", "POST"])
@allow("support.edit")
def note_create(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk, for_change=True)
    form = NoteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, note = save_once(
            form,
            lambda: services.note_create(
                resident=resident,
                kind=data["kind"],
                text=data["text"],
                shared_summary=data.get("shared_summary", ""),
                by=request.user,
            ),
        )
        if saved:
            messages.success(
                request, gettext("The %(kind)s was recorded.") % {"kind": _lower_kind(note)}
            )
            return redirect("residents:resident_detail", pk=resident.pk)
    person_data_viewed(request, resident)
    return render(request, "support/note_form.html", {"form": form, "resident": resident})


def _lower_kind(note: Note) -> str:
    return note.get_kind_display().lower()


@require_GET
@allow_roles(AUTHENTICATED)
def note_detail(request, pk: int):
    """A note and its earlier versions. Open to any signed-in user on purpose: whoever may not
    read this note gets the same 404 as for a note that does not exist."""
    note = _get_note_for(request.user, pk)
    visible = Note.objects.visible_to(request.user).select_related("author")
    versions = list(visible.filter(pk__in=note.version_ids()).order_by("-version"))
    newer = visible.filter(supersedes=note).values_list("pk", flat=True).first()
    person_data_viewed(request, note.resident)
    return render(
        request,
        "support/note_detail.html",
        {
            "note": note,
            "resident": note.resident,
            "versions": versions,
            "newer_pk": newer,
            "can_correct": (
                newer is None
                and note.author_id == request.user.pk
                and request.user.has_perm(NOTE_WRITERS[note.kind])
                and not note.resident.is_archived
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@allow("support.edit")
def note_correct(request, pk: int):
    note = _get_note_for(request.user, pk, for_change=True)
    form = NoteForm(
        request.POST or None,
        user=request.user,
        note=note,
        initial={"text": note.body, "shared_summary": note.shared_summary},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, correction = save_once(
            form,
            lambda: services.note_correct(
                note=note,
                text=data["text"],
                shared_summary=data.get("shared_summary", ""),
                by=request.user,
            ),
        )
        if saved:
            messages.success(
                request,
                gettext("The correction was recorded; the earlier version stays readable."),
            )
            return redirect(correction)
    person_data_viewed(request, note.resident)
    return render(
        request,
        "support/note_form.html",
        {"form": form, "resident": note.resident, "note": note},
    )


# --- Steps ---------------------------------------------------------------------------------------


# What the team's list of steps writes (support/includes/step_table.html), with the person and
# the follower's name: not their whole rows.
STEP_LIST_COLUMNS = (
    "kind",
    "details",
    "status",
    "due_on",
    "closed_on",
    "resident__nickname",
    "followed_by__first_name",
    "followed_by__last_name",
    "followed_by__username",
)


@require_GET
@allow("support.read")
def step_list(request):
    """Open steps, soonest deadline first: the user's own by default, the team's on request."""
    follows = request.user.has_perm("support.edit")
    show_all = request.GET.get("tous") == "1" or not follows
    domain = request.GET.get("domaine", "")
    steps = (
        Step.objects.visible_to(request.user)
        .open()
        .filter(open_file("resident"))
        .select_related("resident", "followed_by")
        .only(*STEP_LIST_COLUMNS)
    )
    if not show_all:
        steps = steps.filter(followed_by=request.user)
    if domain in StepDomain.values:
        steps = steps.filter(kind__in=kinds_of(domain))
    else:
        domain = ""
    steps = steps.order_by(F("due_on").asc(nulls_last=True), "pk")
    extra = {
        key: value
        for key, value in (("tous", "1" if show_all else ""), ("domaine", domain))
        if value
    }
    return render(
        request,
        "support/step_list.html",
        {
            "page_obj": paginate(request, steps, PER_PAGE),
            "show_all": show_all,
            "follows": follows,
            "domain": domain,
            "domains": StepDomain.choices,
            "extra_query": urlencode(extra),
        },
    )


@require_GET
@allow("support.read")
def resident_steps(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk)
    steps = (
        Step.objects.visible_to(request.user)
        .filter(resident=resident)
        .select_related("followed_by")
        .order_by(F("closed_on").desc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk")
    )
    person_data_viewed(request, resident)
    return render(
        request,
        "support/resident_steps.html",
        {
            "resident": resident,
            "page_obj": paginate(request, steps, PER_PAGE),
            "can_edit": request.user.has_perm("support.edit") and not resident.is_archived,
        },
    )


class CaseFormMixin(PersonPageMixin, SingleSubmissionMixin, RoleViewMixin):
    """A form about one resident's file: the file is the form's fixed parent, opening the form
    is a file access."""

    permission = "support.edit"

    def get_resident(self) -> Resident:
        return self.object.resident

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_resident()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "resident": self.get_resident()}


class CreateForResidentMixin:
    """Creation for the open file named in the URL, by the current user."""

    def get_resident(self) -> Resident:
        if not hasattr(self, "_resident"):
            self._resident = _get_resident_for(
                self.request.user, self.kwargs["resident_pk"], for_change=True
            )
        return self._resident

    def save_valid(self, form):
        form.instance.created_by = self.request.user
        return super().save_valid(form)


class StepFormMixin(CaseFormMixin):
    model = Step
    form_class = StepForm

    def get_success_url(self):
        return reverse("support:resident_steps", args=[self.get_resident().pk])


class StepCreateView(CreateForResidentMixin, StepFormMixin, CreateView):
    success_message = _("The step was recorded.")

    def get_initial(self):
        return {"followed_by": self.request.user.pk}


class StepUpdateView(StepFormMixin, UpdateView):
    success_message = _("The step was updated.")

    def get_queryset(self):
        return (
            Step.objects.visible_to(self.request.user)
            .filter(open_file("resident"))
            .select_related("resident")
        )


# --- Referrals -----------------------------------------------------------------------------------

# What the list of appointments reads besides the `shown_*` annotations of `visible_to` (which
# alone carry the service, the notes and the escort's details): only() leaves those out.
REFERRAL_LIST_COLUMNS = (
    "is_medical",
    "appointment_at",
    "outcome",
    "resident__nickname",
    "accompanied_by__first_name",
    "accompanied_by__last_name",
    "accompanied_by__username",
)
REFERRAL_VIEWS = {"a-venir": _("Upcoming"), "a-renseigner": _("Outcome to record")}


@require_GET
@allow("support.read")
def referral_list(request):
    """Upcoming appointments of the programme (to plan visits around them), or past ones whose
    outcome is still to record; all of them or those the user accompanies."""
    view = request.GET.get("vue", "a-venir")
    if view not in REFERRAL_VIEWS:
        view = "a-venir"
    mine = request.GET.get("moi") == "1"
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(open_file("resident"))
        .select_related("resident", "accompanied_by")
        .only(*REFERRAL_LIST_COLUMNS)
    )
    referrals = referrals.upcoming() if view == "a-venir" else referrals.to_record()
    if mine:
        referrals = referrals.filter(accompanied_by=request.user)
    extra = {"vue": view, **({"moi": "1"} if mine else {})}
    return render(
        request,
        "support/referral_list.html",
        {
            "page_obj": paginate(request, referrals, PER_PAGE),
            "view": view,
            "views": REFERRAL_VIEWS,
            "mine": mine,
            "extra_query": urlencode(extra),
        },
    )


@require_GET
@allow("support.read")
def resident_referrals(request, resident_pk: int):
    resident = _get_resident_for(request.user, resident_pk)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(resident=resident)
        .select_related("accompanied_by")
    )
    person_data_viewed(request, resident)
    return render(
        request,
        "support/resident_referrals.html",
        {
            "resident": resident,
            "page_obj": paginate(request, referrals, PER_PAGE),
            "can_edit": request.user.has_perm("support.edit") and not resident.is_archived,
        },
    )


@require_POST
@allow("support.edit")
def referral_attendance(request, pk: int):
    """The worker who accompanies records whether the appointment took place. Only theirs:
    another's referral answers 404, like one that does not exist."""
    referral = get_object_or_404(
        Referral.objects.filter(open_file("resident"), accompanied_by=request.user).select_related(
            "resident"
        ),
        pk=pk,
    )
    back = redirect(
        safe_next(request, reverse("support:resident_referrals", args=[referral.resident_id]))
    )
    form = ReferralAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["outcome"][0])
        return back
    referral.outcome = form.cleaned_data["outcome"]
    try:
        referral.full_clean(exclude=["resident", "service", "accompanied_by", "created_by"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    referral.save(update_fields=["outcome"])
    messages.success(
        request,
        gettext("Recorded for %(resident)s: %(outcome)s.")
        % {
            "resident": referral.resident.nickname,
            "outcome": referral.get_outcome_display().lower(),
        },
    )
    return back


class ReferralFormMixin(CaseFormMixin):
    model = Referral
    form_class = ReferralForm

    def get_success_url(self):
        return reverse("support:resident_referrals", args=[self.get_resident().pk])

    def save_valid(self, form):
        response = super().save_valid(form)
        if form.instance.is_medical and not self.request.user.has_perm("support.read_medical"):
            messages.info(
                self.request,
                gettext(
                    "This referral is medical: its service and notes are now visible to the "
                    "nurse and the psychiatrist only."
                ),
            )
        return response


class ReferralCreateView(CreateForResidentMixin, ReferralFormMixin, CreateView):
    success_message = _("The referral was recorded.")


class ReferralUpdateView(ReferralFormMixin, UpdateView):
    success_message = _("The referral was updated.")

    def get_queryset(self):
        """A medical referral is edited by the medical team only: to the others it answers 404,
        like a referral that does not exist."""
        return (
            Referral.objects.visible_to(self.request.user)
            .filter(open_file("resident"), detail_visible=True)
            .select_related("resident")
        )
