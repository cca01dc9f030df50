from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path(
        "residents/<int:resident_pk>/droit-d-acces/",
        views.export_page,
        name="export_page",
    ),
    path(
        "residents/<int:resident_pk>/droit-d-acces/exporter/",
        views.export_create,
        name="export_create",
    ),
    path("exports/<uuid:token>/", views.export_download, name="export_download"),
]
