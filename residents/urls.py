from django.urls import path

from residents import views

app_name = "residents"

urlpatterns = [
    path("residents/", views.ResidentListView.as_view(), name="resident_list"),
    path("residents/nouveau/", views.ResidentCreateView.as_view(), name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path(
        "residents/<int:pk>/modifier/", views.ResidentUpdateView.as_view(), name="resident_update"
    ),
    path("residents/<int:pk>/archiver/", views.resident_archive, name="resident_archive"),
    path("residents/<int:pk>/rouvrir/", views.resident_unarchive, name="resident_unarchive"),
    path("residents/<int:pk>/acces/", views.access_log, name="access_log"),
    path("journal-des-acces/", views.access_journal, name="access_journal"),
    path(
        "residents/<int:resident_pk>/situation/nouvelle/",
        views.SituationCreateView.as_view(),
        name="situation_create",
    ),
    path(
        "residents/<int:resident_pk>/situation/<int:pk>/modifier/",
        views.SituationUpdateView.as_view(),
        name="situation_update",
    ),
    path(
        "residents/<int:resident_pk>/consommations/nouvelle/",
        views.ConsumptionCreateView.as_view(),
        name="consumption_create",
    ),
    path(
        "residents/<int:resident_pk>/consommations/<int:pk>/modifier/",
        views.ConsumptionUpdateView.as_view(),
        name="consumption_update",
    ),
    path("admissions/", views.waiting_list_view, name="waiting_list"),
    path("admissions/nouvelle/", views.AdmissionCreateView.as_view(), name="admission_create"),
    path("admissions/<int:pk>/", views.admission_detail, name="admission_detail"),
    path(
        "admissions/<int:pk>/modifier/",
        views.AdmissionUpdateView.as_view(),
        name="admission_update",
    ),
    path("admissions/<int:pk>/admettre/", views.admission_admit, name="admission_admit"),
    path("admissions/<int:pk>/refuser/", views.admission_refuse, name="admission_refuse"),
    path("admissions/<int:pk>/sans-suite/", views.admission_mark_lost, name="admission_lost"),
    path("admissions/<int:pk>/nouvelles/", views.admission_news, name="admission_news"),
]
