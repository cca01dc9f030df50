"""Small answers every app gives the same way: files to download, and where to go back to."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme


def file_response(
    content: bytes | str, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A file built for this request: downloaded (or shown, `inline`), never cached or sniffed.

    The files hold people's data: no shared cache may keep them, and the browser must not guess
    another type than the one given.
    """
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def safe_next(request, default: str) -> str:
    """The `next` address sent with the request if it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
