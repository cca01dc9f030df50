from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.params import without_control_characters


class LanguageMiddleware:
    """French unless the user chose otherwise with the language switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: the team works in
    French, whatever language a phone happens to be set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """Every answer to a logged-in user is `Cache-Control: private, no-store`.

    Any page may show medical notes or names: neither the browser (back button on a shared
    computer) nor a proxy may keep a copy. Directives a view set (the health check's
    `max-age=0`) are kept. Static files never get here: WhiteNoise answers them earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ControlCharactersMiddleware:
    """Query strings and form data reach the views without control characters (a NUL byte, a
    terminal escape…): tab, line feed and carriage return stay. One place for every view, every
    form field and every query parameter (see `core.params.without_control_characters`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = without_control_characters(request.GET)
        if request.method == "POST":
            request.POST = without_control_characters(request.POST)
        return self.get_response(request)


class HTMLGZipMiddleware(GZipMiddleware):
    """Pages sent gzip-compressed to browsers that accept it: a fifth of their size or less, for
    phones on hotel Wi-Fi. Files (XLSX and PDF are compressed already, CSV downloads) are sent
    as they are; static files never get here (WhiteNoise sends its own compressed copies).

    BREACH (guessing a secret of a compressed HTTPS page from its length, over many requests
    that echo text the attacker chose): the CSRF token is masked afresh in every page, Django
    adds up to 100 random bytes to each compressed page (Heal The Breach), and the session
    cookie is SameSite=Lax, so another site cannot have the browser send requests with it
    other than plain navigations (README, "Compression").
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
