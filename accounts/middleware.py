from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.access import user_may_use
from accounts.twofactor import has_authenticator, needs_second_factor


class RoleAccessMiddleware:
    """Deny by default: a view runs only if the user confirmed the second factor and holds a role
    its rule allows.

    Runs after Django's LoginRequiredMiddleware, which already sent anonymous users to the login
    page for every view not marked ``@login_not_required``. A user who gave a password but no
    second factor yet is sent to it, whatever page was asked (even one the role may not open).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if needs_second_factor(request, view_func):
            step = (
                "second_factor_verify" if has_authenticator(request.user) else "second_factor_setup"
            )
            return redirect_to_login(request.get_full_path(), reverse(step))
        if not user_may_use(request.user, view_func):
            raise PermissionDenied
        return None
