import logging
import os

from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.db import connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import AUTHENTICATED, allow_roles
from accounts.roles import CASE_FILE_HISTORY, Role
from core import audit
from core.forms import ALREADY_SUBMITTED, HistoryFilter, TokenAlreadyUsed
from core.navigation import cards_for
from core.pagination import paginate
from privacy.access import person_data_viewed

logger = logging.getLogger(__name__)


class RoleViewMixin(SuccessMessageMixin):
    """Base of every class-based view: it must say who may use it, and it flashes its message.

    `allowed_roles` is enforced by accounts.middleware.RoleAccessMiddleware before the view runs.
    """

    allowed_roles: frozenset[str] | str | None = None


class SingleSubmissionMixin:
    """For forms with a one-time token: spend it and save in one transaction, or say it is spent."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                form.spend_token()
                return self.save_valid(form)
        except TokenAlreadyUsed:
            form.add_error(None, ALREADY_SUBMITTED)
            form.renew_token()
            return self.form_invalid(form)

    def save_valid(self, form):
        return super().form_valid(form)


@require_GET
@allow_roles(AUTHENTICATED)
def home(request):
    return render(request, "core/home.html", {"cards": cards_for(request)})


@require_GET
@allow_roles(AUTHENTICATED)
def baseline(request):
    """The cheapest authenticated page: benchmarks divide each page's latency by this one's."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
@login_not_required
def healthz(request):
    """Liveness for load balancers and `make run`: 200 when the database and the broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unavailable")
        return False


def _broker_ok() -> bool:
    # The app that config.celery sets up: Celery's Django fix-up makes it the default app of every
    # thread, so core reaches it without importing config, which sits above it.
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            folders = (
                [conn.transport_options.get("data_folder_in")]
                if conn.transport_cls == "filesystem"
                else []
            )
        return all(os.access(folder, os.W_OK) for folder in folders if folder)
    except Exception:
        logger.exception("Health check: broker unavailable")
        return False


@require_GET
@allow_roles(Role.MANAGER, Role.ADMIN)
def history_index(request):
    return render(
        request,
        "core/history_index.html",
        {
            "models": audit.tracked_models(request.user),
            "journal_url": reverse("residents:access_journal")
            if request.user.has_role(*CASE_FILE_HISTORY)
            else None,
        },
    )


@require_GET
@allow_roles(Role.MANAGER, Role.ADMIN)
def history_model(request, label: str, pk: str | None = None):
    model = audit.tracked_model(label, request.user)
    if model is None:
        raise Http404
    form = HistoryFilter(request.GET or None, about_people=audit.person_field(model) is not None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit.events_for(
        model,
        pk=pk,
        user_id=filters["utilisateur"].pk if filters.get("utilisateur") else None,
        person_id=filters.get("personne"),
    )
    if form.is_bound and not form.is_valid():
        events = events.none()
    if pk is not None:
        person_data_viewed(request, audit.person_of_row(model, pk))
    page = paginate(request, events, per_page=50)
    page.object_list = audit.describe_events(page.object_list, model)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "core/history_model.html",
        {
            "model_name": model._meta.verbose_name_plural,
            "label": label,
            "object_pk": pk,
            "page": page,
            "form": form,
            "extra_query": urlencode(query),
        },
    )
