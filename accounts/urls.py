from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account_list"),
    path("nouveau/", views.AccountCreateView.as_view(), name="account_create"),
    path("<int:pk>/modifier/", views.AccountUpdateView.as_view(), name="account_update"),
    path("<int:pk>/desactiver/", views.account_deactivate, name="account_deactivate"),
    path("<int:pk>/reactiver/", views.account_reactivate, name="account_reactivate"),
    path(
        "<int:pk>/double-authentification/",
        views.account_reset_second_factor,
        name="account_reset_second_factor",
    ),
]
