from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("residents/<int:resident_pk>/notes/", views.note_list, name="note_list"),
    path("residents/<int:resident_pk>/notes/nouvelle/", views.note_create, name="note_create"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("notes/<int:pk>/corriger/", views.note_correct, name="note_correct"),
    path("demarches/", views.step_list, name="step_list"),
    path("residents/<int:resident_pk>/demarches/", views.resident_steps, name="resident_steps"),
    path(
        "residents/<int:resident_pk>/demarches/nouvelle/",
        views.StepCreateView.as_view(),
        name="step_create",
    ),
    path("demarches/<int:pk>/modifier/", views.StepUpdateView.as_view(), name="step_update"),
    path("orientations/", views.referral_list, name="referral_list"),
    path(
        "residents/<int:resident_pk>/orientations/",
        views.resident_referrals,
        name="resident_referrals",
    ),
    path(
        "residents/<int:resident_pk>/orientations/nouvelle/",
        views.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path(
        "orientations/<int:pk>/modifier/",
        views.ReferralUpdateView.as_view(),
        name="referral_update",
    ),
    path(
        "orientations/<int:pk>/presence/",
        views.referral_attendance,
        name="referral_attendance",
    ),
]
