from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views
from accounts.access import AUTHENTICATED, allow_roles
from accounts.forms import LoginForm
from accounts.twofactor import second_factor_exempt
from core import views as core_views
from privacy import views as privacy_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("baseline/", core_views.baseline, name="baseline"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path(
        "deconnexion/",
        second_factor_exempt(allow_roles(AUTHENTICATED)(auth_views.LogoutView.as_view())),
        name="logout",
    ),
    path("langue/", second_factor_exempt(login_not_required(set_language)), name="set_language"),
    path(
        "double-authentification/",
        account_views.second_factor_verify,
        name="second_factor_verify",
    ),
    path(
        "double-authentification/configurer/",
        account_views.second_factor_setup,
        name="second_factor_setup",
    ),
    path("compte/", account_views.my_account, name="my_account"),
    path(
        "compte/codes-de-secours/",
        account_views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path(
        "compte/mot-de-passe/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe-oublie/",
        auth_views.PasswordResetView.as_view(
            html_email_template_name="registration/password_reset_email.html",
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("equipe/", include("accounts.urls")),
    path("historique/", privacy_views.history_index, name="history_index"),
    path("historique/<str:label>/", privacy_views.history_model, name="history_model"),
    path("historique/<str:label>/<str:pk>/", privacy_views.history_model, name="history_object"),
    path("hotels/", include("placements.urls")),
    path("visites/", include("visits.urls")),
    path("rapports/", include("reports.urls")),
    path("importer/", include("imports.urls")),
    path("", include("residents.urls")),
    path("", include("support.urls")),
    path("", include("harmreduction.urls")),
    path("", include("privacy.urls")),
]
