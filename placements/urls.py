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
]
