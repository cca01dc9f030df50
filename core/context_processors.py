from core import offline as offline_storage
from core.navigation import menu_for, menu_groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_groups": []}
    menu = menu_for(user)
    return {"menu": menu, "menu_groups": menu_groups(menu)}


def offline(request):
    """What the page's script needs to keep (or wipe) the device's copy (see core.offline)."""
    return {"offline": offline_storage.page_context(request)}
