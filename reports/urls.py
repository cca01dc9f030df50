from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("nouveau/", views.report_create, name="report_create"),
    path("<int:pk>/relancer/", views.report_retry, name="report_retry"),
    path("organisation/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/commentaire/", views.report_commentary, name="report_commentary"),
    path("<int:pk>/finaliser/", views.report_finalise, name="report_finalise"),
    path("<int:pk>/nouvelle-version/", views.report_revise, name="report_revise"),
    path("<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/tableaux.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/tableaux/<slug:key>.csv", views.report_csv, name="report_csv"),
]
