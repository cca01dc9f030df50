from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.access import AUTHENTICATED, allow_roles
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("baseline/", core_views.baseline, name="baseline"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "deconnexion/", allow_roles(AUTHENTICATED)(auth_views.LogoutView.as_view()), name="logout"
    ),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("historique/", core_views.history_index, name="history_index"),
    path("historique/<str:label>/", core_views.history_model, name="history_model"),
    path("historique/<str:label>/<str:pk>/", core_views.history_model, name="history_object"),
    path("hotels/", include("placements.urls")),
]
