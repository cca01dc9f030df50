from core import offline as offline_storage
from core.navigation import menu_for, menu_html


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_html": ""}
    return {"menu": menu_for(user), "menu_html": menu_html(user, request.path)}


def offline(request):
    """What the page's script needs to keep (or wipe) the device's copy (see core.offline)."""
    return {"offline": offline_storage.page_context(request)}
