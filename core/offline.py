"""What a phone may keep while the connection drops (issue 16): the pages, the drafts, the queue.

The browser side lives in static/js/offline-store.js, static/js/offline.js and the service
worker (templates/core/service_worker.js). The server decides what may be kept on the device:

- only the pages named in `KEPT_PAGES`, answered without a query string (the worker's own day,
  today), and without any note text of the medical team, carry `OFFLINE_HEADER`; the service
  worker keeps no other page;
- the forms of the pages named in `DRAFT_PAGES` keep a draft on the device while one types, and
  are queued when sent without a connection;
- every page names its user by an opaque hash (`device_owner`): the device's copy belongs to one
  user, and is wiped when another one (or nobody: the login page) shows up.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

OFFLINE_HEADER = "X-Ancrage-Offline"
KEPT_PAGES = frozenset({"visits:today", "visits:visit_detail"})
DRAFT_PAGES = frozenset(
    {
        "visits:visit_detail",
        "visits:unplanned_log",
        "support:note_create",
        "support:note_correct",
    }
)


def device_owner(user) -> str:
    """An opaque name of the user for the device's storage (neither the id nor the username)."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("core.offline.device_owner", str(user.pk)).hexdigest()[:20]


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def keep_off_device(response):
    """Mark a page that must never be kept on the device (it shows medical text)."""
    response.kept_off_device = True
    return response


def page_context(request) -> dict:
    """What the page tells its script: who owns the device's copy, whether its form keeps a draft,
    how long the session lasts without a request (the copy is wiped when it has ended)."""
    user = getattr(request, "user", None)
    return {
        "owner": device_owner(user),
        "drafts": view_name(request) in DRAFT_PAGES,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "worker_url": reverse("service_worker"),
        "login_url": reverse("login"),
        "logout_url": reverse("logout"),
        "today_url": reverse("visits:today"),
        "words": words,
    }


def words() -> dict:
    """The script's French words ({name}: filled in by the script)."""
    return {
        "waiting": gettext("{count} waiting to be sent"),
        "state_pending": gettext("waiting for the connection"),
        "state_sending": gettext("sending…"),
        "state_sent": gettext("sent"),
        "state_refused": gettext("refused: {reason} Your draft is kept."),
        "refused_status": gettext("the server refused it (error {status})."),
        "open": gettext("Open"),
        "draft_restored": gettext("Your draft was restored from this device."),
        "queued": gettext(
            "No connection: this form is kept on this device and will be sent as soon as the "
            "connection returns."
        ),
    }


class OfflinePagesMiddleware:
    """Marks the pages the service worker may keep (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and user is not None
            and user.is_authenticated
            and not request.GET
            and view_name(request) in KEPT_PAGES
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "kept_off_device", False)
        ):
            response[OFFLINE_HEADER] = "keep"
        return response
