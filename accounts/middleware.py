from django.core.exceptions import PermissionDenied

from accounts.access import user_may_use


class RoleAccessMiddleware:
    """Deny by default: a view runs only if the user holds a role its rule allows.

    Runs after Django's LoginRequiredMiddleware, which already sent anonymous users to the login
    page for every view not marked ``@login_not_required``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not user_may_use(request.user, view_func):
            raise PermissionDenied
        return None
