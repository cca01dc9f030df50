from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("", views.HotelListView.as_view(), name="hotel_list"),
    path("nouveau/", views.HotelCreateView.as_view(), name="hotel_create"),
    path("<int:pk>/", views.hotel_detail, name="hotel_detail"),
    path("<int:pk>/modifier/", views.HotelUpdateView.as_view(), name="hotel_update"),
    path("<int:hotel_pk>/places/nouvelle/", views.PlaceCreateView.as_view(), name="place_create"),
    path(
        "<int:hotel_pk>/places/<int:pk>/modifier/",
        views.PlaceUpdateView.as_view(),
        name="place_update",
    ),
    path(
        "places/<int:place_pk>/hors-service/",
        views.OutageCreateView.as_view(),
        name="outage_create",
    ),
    path(
        "places/<int:place_pk>/hors-service/<int:pk>/modifier/",
        views.OutageUpdateView.as_view(),
        name="outage_update",
    ),
    path(
        "places/<int:place_pk>/hors-service/<int:pk>/fin/",
        views.outage_end,
        name="outage_end",
    ),
    path("tableau/", views.board, name="board"),
    path("places/<int:place_pk>/attribuer/", views.assign_candidates, name="assign_candidates"),
    path(
        "places/<int:place_pk>/attribuer/<int:admission_pk>/",
        views.assign_confirm,
        name="assign_confirm",
    ),
    path("residents/<int:resident_pk>/attribuer/", views.resident_assign, name="resident_assign"),
    path("sejours/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("sejours/<int:pk>/sortie/", views.placement_end, name="placement_end"),
    path("sejours/<int:pk>/transfert/", views.placement_transfer, name="placement_transfer"),
    path(
        "sejours/<int:placement_pk>/absences/nouvelle/",
        views.AbsenceCreateView.as_view(),
        name="absence_create",
    ),
    path(
        "sejours/<int:placement_pk>/absences/<int:pk>/retour/",
        views.absence_return,
        name="absence_return",
    ),
    path("releve/", views.statement, name="statement"),
    path("releve/csv/", views.statement_csv, name="statement_csv"),
    path("releve/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/nouveau/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:pk>/actions/", views.incident_action_create, name="incident_action_create"
    ),
    path("incidents/<int:pk>/cloture/", views.incident_close, name="incident_close"),
]
