import datetime

from django.urls import path, register_converter

from core.params import parse_day
from visits import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        day = parse_day(value)
        if day is None:
            raise ValueError(value)  # the URL does not match: 404
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "visits"

urlpatterns = [
    path("", views.today, name="today"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/deplacer/", views.visit_move, name="visit_move"),
    path("<int:pk>/annuler/", views.visit_cancel, name="visit_cancel"),
    path("<int:pk>/suivi-fait/", views.follow_up_close, name="follow_up_close"),
    path("imprevue/", views.unplanned_start, name="unplanned_start"),
    path("imprevue/<int:resident_pk>/", views.unplanned_log, name="unplanned_log"),
    path("alertes/", views.alerts, name="alerts"),
    path("semaine/", views.week, name="week"),
    path("semaine/generer/", views.week_generate, name="week_generate"),
    path("tournee/<int:hotel_pk>/<isodate:day>/", views.round_detail, name="round_detail"),
    path("tournee/<int:hotel_pk>/<isodate:day>/deplacer/", views.round_move, name="round_move"),
    path("feuille/<isodate:day>/<int:worker_pk>/", views.round_sheet, name="round_sheet"),
    path("suivi/", views.follow_up, name="follow_up"),
    path("intervenants/", views.workers, name="workers"),
    path("disponibilites/", views.availability_list, name="availability_list"),
    path(
        "disponibilites/<int:user_pk>/",
        views.AvailabilityUpdateView.as_view(),
        name="availability_update",
    ),
    path(
        "disponibilites/<int:user_pk>/conges/nouveau/",
        views.LeaveCreateView.as_view(),
        name="leave_create",
    ),
    path(
        "disponibilites/<int:user_pk>/conges/<int:pk>/modifier/",
        views.LeaveUpdateView.as_view(),
        name="leave_update",
    ),
]
