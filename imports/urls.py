from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("modele.xlsx", views.template_xlsx, name="template_xlsx"),
    path("modele-<slug:kind>.csv", views.template_csv, name="template_csv"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/bilan.xlsx", views.batch_summary_xlsx, name="batch_summary_xlsx"),
    path("<int:pk>/bilan.csv", views.batch_summary_csv, name="batch_summary_csv"),
]
