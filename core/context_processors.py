from core.navigation import menu_for, menu_groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_groups": []}
    menu = menu_for(user)
    return {"menu": menu, "menu_groups": menu_groups(menu)}
