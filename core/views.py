import logging
import os

from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from accounts import policy
from accounts.access import AUTHENTICATED, allow_roles
from accounts.twofactor import second_factor_exempt
from core.forms import save_once
from core.navigation import home_cards
from core.offline import OFFLINE_HEADER

logger = logging.getLogger(__name__)


class RoleViewMixin(SuccessMessageMixin):
    """Base of every class-based view: it must say who may use it, and it flashes its message.

    `permission` names a permission of the app's policy (accounts.policy), or `allowed_roles` is
    AUTHENTICATED; accounts.middleware.RoleAccessMiddleware enforces it before the view runs.
    """

    permission: str | None = None
    allowed_roles: frozenset[str] | str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.permission is not None:
            policy.roles(cls.permission)  # a permission nobody declared fails at import
            if cls.allowed_roles is not None:
                raise TypeError(f"{cls.__name__}: a permission or allowed roles, not both")


class SingleSubmissionMixin:
    """For forms with a one-time token: spend it and save in one transaction, or say it is spent."""

    def form_valid(self, form):
        saved, response = save_once(form, lambda: self.save_valid(form))
        return response if saved else self.form_invalid(form)

    def save_valid(self, form):
        return super().form_valid(form)


@require_GET
@allow_roles(AUTHENTICATED)
def home(request):
    return render(request, "core/home.html", {"cards_html": home_cards(request)})


@require_GET
@allow_roles(AUTHENTICATED)
def baseline(request):
    """The cheapest authenticated page: benchmarks divide each page's latency by this one's."""
    return HttpResponse("ok", content_type="text/plain")


@second_factor_exempt
@cache_control(max_age=86400)
@require_GET
@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico when a page (a PDF, an error) links no icon: send them to
    the static one rather than to the login page or a 404 page."""
    return HttpResponseRedirect(static("favicon.svg"))


@second_factor_exempt
@never_cache
@require_GET
@login_not_required
def service_worker(request):
    """The service worker, from the site's root so that it may answer for every page (issue 16).

    A template, so that it names the static files by their collected (hashed) names and speaks
    French. Never cached: a new version of the site reaches the phones on their next page.
    """
    response = render(
        request,
        "core/service_worker.js",
        {"offline_header": OFFLINE_HEADER, "login_url": reverse("login")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


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
