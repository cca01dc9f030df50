"""Every URL of the project declares who may use it, and the declaration is enforced.

The table below is the project's access policy, written by hand. A new URL pattern that is not
in it makes `test_it_has_a_rule_for_every_url` fail, so no page can ship without a decision.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.access import PUBLIC, view_rule
from accounts.roles import Role
from harmreduction.models import VoucherDistribution, week_start
from placements.models import Absence, PlaceOutage
from tests import shared_data
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    IncidentFactory,
    ItemFactory,
    LocationFactory,
    NoteFactory,
    PlaceFactory,
    PlacementFactory,
    ReferralFactory,
    SampleFactory,
    SituationAssessmentFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Leave

SW, NURSE, PSY, COORD, MANAGER, ADMIN = (
    Role.SOCIAL_WORKER,
    Role.NURSE,
    Role.PSYCHIATRIST,
    Role.COORDINATOR,
    Role.MANAGER,
    Role.ADMIN,
)
EVERYONE = {SW, NURSE, PSY, COORD, MANAGER, ADMIN}
STAFF = {SW, NURSE, PSY, COORD, MANAGER}
CARE = {SW, NURSE, PSY, COORD}

# url name -> (roles allowed, or "public"; the URL's arguments from the objects fixture)
POLICY = {
    "home": (EVERYONE, {}),
    "healthz": ("public", {}),
    "favicon": ("public", {}),
    "service_worker": ("public", {}),
    "baseline": (EVERYONE, {}),
    "login": ("public", {}),
    "logout": (EVERYONE, {}),
    "set_language": ("public", {}),
    "second_factor_verify": (EVERYONE, {}),
    "second_factor_setup": (EVERYONE, {}),
    "my_account": (EVERYONE, {}),
    "recovery_codes_renew": (EVERYONE, {}),
    "password_change": (EVERYONE, {}),
    "password_reset": ("public", {}),
    "password_reset_done": ("public", {}),
    "password_reset_confirm": ("public", {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": ("public", {}),
    "accounts:account_list": ({MANAGER, ADMIN}, {}),
    "accounts:account_create": ({MANAGER, ADMIN}, {}),
    "accounts:account_update": ({MANAGER, ADMIN}, {"pk": "account"}),
    "accounts:account_deactivate": ({MANAGER, ADMIN}, {"pk": "account"}),
    "accounts:account_reactivate": ({MANAGER, ADMIN}, {"pk": "account"}),
    "accounts:account_reset_second_factor": ({MANAGER, ADMIN}, {"pk": "account"}),
    "history_index": ({MANAGER, ADMIN}, {}),
    "history_model": ({MANAGER, ADMIN}, {"label": "accounts.user"}),  # admin: accounts only
    "history_object": ({MANAGER, ADMIN}, {"label": "accounts.user", "pk": "account"}),
    "placements:hotel_list": (STAFF, {}),
    "placements:hotel_create": ({COORD}, {}),
    "placements:hotel_detail": (STAFF, {"pk": "hotel"}),
    "placements:hotel_update": ({COORD}, {"pk": "hotel"}),
    "placements:place_create": ({COORD}, {"hotel_pk": "hotel"}),
    "placements:place_update": ({COORD}, {"hotel_pk": "hotel", "pk": "place"}),
    "placements:outage_create": ({COORD}, {"place_pk": "place"}),
    "placements:outage_update": ({COORD}, {"place_pk": "place", "pk": "outage"}),
    "placements:outage_end": ({COORD}, {"place_pk": "place", "pk": "outage"}),
    "placements:board": (STAFF, {}),
    "placements:assign_candidates": ({COORD}, {"place_pk": "free_place"}),
    "placements:assign_confirm": ({COORD}, {"place_pk": "free_place", "admission_pk": "admission"}),
    "placements:resident_assign": ({COORD}, {"resident_pk": "resident"}),
    "placements:placement_detail": (STAFF, {"pk": "stay"}),
    "placements:placement_end": ({COORD}, {"pk": "stay"}),
    "placements:placement_transfer": ({COORD}, {"pk": "stay"}),
    "placements:absence_create": ({COORD}, {"placement_pk": "stay"}),
    "placements:absence_return": ({COORD}, {"placement_pk": "stay", "pk": "absence"}),
    "placements:statement": (STAFF, {}),
    "placements:statement_csv": (STAFF, {}),
    "placements:statement_xlsx": (STAFF, {}),
    "placements:incident_list": (STAFF, {}),
    "placements:incident_create": (CARE, {}),
    "placements:incident_detail": (STAFF, {"pk": "incident"}),
    "placements:incident_action_create": (CARE, {"pk": "incident"}),
    "placements:incident_close": (CARE, {"pk": "incident"}),
    "residents:resident_list": (STAFF, {}),
    "residents:resident_create": (CARE, {}),
    "residents:resident_detail": (STAFF, {"pk": "resident"}),
    "residents:resident_update": (CARE, {"pk": "resident"}),
    "residents:resident_archive": ({COORD}, {"pk": "resident"}),
    "residents:resident_unarchive": ({COORD}, {"pk": "resident"}),
    "residents:access_log": ({MANAGER}, {"pk": "resident"}),
    "residents:access_journal": ({MANAGER}, {}),
    "residents:situation_create": (CARE, {"resident_pk": "resident"}),
    "residents:situation_update": (CARE, {"resident_pk": "resident", "pk": "situation"}),
    "residents:consumption_create": (CARE, {"resident_pk": "resident"}),
    "residents:consumption_update": (CARE, {"resident_pk": "resident", "pk": "consumption"}),
    "residents:waiting_list": (STAFF, {}),
    "residents:admission_create": (CARE, {}),
    "residents:admission_detail": (STAFF, {"pk": "admission"}),
    "residents:admission_update": (CARE, {"pk": "admission"}),
    "residents:admission_admit": ({COORD}, {"pk": "admission"}),
    "residents:admission_refuse": ({COORD}, {"pk": "admission"}),
    "residents:admission_lost": ({COORD}, {"pk": "admission"}),
    "residents:admission_news": (CARE, {"pk": "admission"}),
    "support:note_list": (STAFF, {"resident_pk": "resident"}),
    "support:note_create": (CARE, {"resident_pk": "resident"}),
    "support:note_detail": (EVERYONE, {"pk": "note"}),  # 404 to whoever may not read the note
    "support:note_correct": (CARE, {"pk": "note"}),
    "support:step_list": (STAFF, {}),
    "support:resident_steps": (STAFF, {"resident_pk": "resident"}),
    "support:step_create": (CARE, {"resident_pk": "resident"}),
    "support:step_update": (CARE, {"pk": "step"}),
    "support:referral_list": (STAFF, {}),
    "support:resident_referrals": (STAFF, {"resident_pk": "resident"}),
    "support:referral_create": (CARE, {"resident_pk": "resident"}),
    "support:referral_update": (CARE, {"pk": "referral"}),
    "support:referral_attendance": (CARE, {"pk": "referral"}),
    "visits:today": (CARE, {}),
    "visits:visit_detail": (STAFF, {"pk": "visit"}),  # the manager reads; the care team logs
    "visits:visit_move": ({COORD}, {"pk": "visit"}),
    "visits:visit_cancel": ({COORD}, {"pk": "visit"}),
    "visits:follow_up_close": (CARE, {"pk": "visit"}),
    "visits:unplanned_start": (CARE, {}),
    "visits:unplanned_log": (CARE, {"resident_pk": "housed_resident"}),
    "visits:alerts": (CARE, {}),
    "visits:week": (STAFF, {}),
    "visits:week_generate": ({COORD}, {}),
    "visits:round_detail": (STAFF, {"hotel_pk": "hotel", "day": "2030-01-07"}),
    "visits:round_move": ({COORD}, {"hotel_pk": "hotel", "day": "2030-01-07"}),
    "visits:round_sheet": (STAFF, {"day": "2030-01-07", "worker_pk": "worker"}),
    "visits:follow_up": (STAFF, {}),
    "visits:workers": ({COORD, MANAGER}, {}),
    "visits:availability_list": ({COORD, MANAGER}, {}),
    "visits:availability_update": ({COORD}, {"user_pk": "worker"}),
    "visits:leave_create": ({COORD}, {"user_pk": "worker"}),
    "visits:leave_update": ({COORD}, {"user_pk": "worker", "pk": "leave"}),
    "harmreduction:voucher_week": (STAFF, {}),
    "harmreduction:voucher_week_pdf": (STAFF, {}),
    "harmreduction:voucher_give": (CARE, {"resident_pk": "housed_resident"}),  # POST only
    "harmreduction:voucher_missed": (CARE, {"resident_pk": "housed_resident"}),
    "harmreduction:voucher_cancel": (CARE, {"pk": "voucher_line"}),  # POST only
    "harmreduction:voucher_stock": (STAFF, {}),
    "harmreduction:voucher_receipt": ({COORD}, {}),
    "harmreduction:voucher_removal": ({COORD}, {}),
    "harmreduction:stock": (STAFF, {}),
    "harmreduction:item_list": (STAFF, {}),
    "harmreduction:item_create": ({COORD}, {}),
    "harmreduction:item_update": ({COORD}, {"pk": "item"}),
    "harmreduction:location_create": ({COORD}, {}),
    "harmreduction:location_detail": (STAFF, {"pk": "location"}),
    "harmreduction:location_update": ({COORD}, {"pk": "location"}),
    "harmreduction:stock_count": (CARE, {"pk": "location"}),
    "harmreduction:thresholds": ({COORD}, {"pk": "location"}),
    "harmreduction:stock_receipt": ({COORD}, {}),
    "harmreduction:stock_transfer": ({COORD}, {}),
    "harmreduction:stock_adjustment": ({COORD}, {}),
    "harmreduction:distribution_list": (STAFF, {}),
    "harmreduction:distribution_create": (CARE, {}),
    "harmreduction:resident_search": (CARE, {}),
    "harmreduction:naloxone": (STAFF, {}),
    "harmreduction:naloxone_create": (CARE, {}),
    "harmreduction:overdose_create": (CARE, {}),
    "harmreduction:collection_list": (STAFF, {}),
    "harmreduction:collection_create": (CARE, {}),
    "harmreduction:advice_list": (STAFF, {}),
    "harmreduction:advice_create": (CARE, {}),
    "harmreduction:sample_list": (STAFF, {}),
    "harmreduction:sample_create": (CARE, {}),
    "harmreduction:sample_detail": (STAFF, {"pk": "sample"}),
    "harmreduction:sample_update": (CARE, {"pk": "sample"}),
    # Reports: the manager generates; the coordinator reads and downloads (unknown pk: 404).
    "reports:report_list": ({COORD, MANAGER}, {}),
    "reports:report_create": ({MANAGER}, {}),
    "reports:report_retry": ({MANAGER}, {"pk": 1}),
    "reports:report_pdf": ({COORD, MANAGER}, {"pk": 1}),
    "reports:report_xlsx": ({COORD, MANAGER}, {"pk": 1}),
    "reports:report_csv": ({COORD, MANAGER}, {"pk": 1, "key": "activity"}),
    # The manager alone writes the commentary, finalises, revises and sets the organisation.
    "reports:report_commentary": ({MANAGER}, {"pk": 1}),
    "reports:report_finalise": ({MANAGER}, {"pk": 1}),
    "reports:report_revise": ({MANAGER}, {"pk": 1}),  # POST only
    "reports:organisation_edit": ({MANAGER}, {}),
    # Right of access: the coordinator and the medical team export, the manager reads who did;
    # an export's download answers its requester only (an unknown uuid: 404).
    "privacy:export_page": ({COORD, NURSE, PSY, MANAGER}, {"resident_pk": "resident"}),
    "privacy:export_create": ({COORD, NURSE, PSY}, {"resident_pk": "resident"}),  # POST only
    "privacy:export_download": (
        {COORD, NURSE, PSY},
        {"token": "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f"},
    ),
    # Switching day: the coordinator brings the team's spreadsheets in; the administrator may
    # too (issue 19). The preview and the summary name people: nobody else sees them.
    "imports:import_start": ({COORD, ADMIN}, {}),
    "imports:template_xlsx": ({COORD, ADMIN}, {}),
    "imports:template_csv": ({COORD, ADMIN}, {"kind": "personnes"}),
    "imports:batch_detail": ({COORD, ADMIN}, {"pk": "import_batch"}),
    "imports:batch_summary_xlsx": ({COORD, ADMIN}, {"pk": "import_batch"}),
    "imports:batch_summary_csv": ({COORD, ADMIN}, {"pk": "import_batch"}),
}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern


class Objects(dict):
    """The URL arguments by name (pks), with the objects behind them in `instances`."""

    def __init__(self, instances: dict):
        super().__init__((key, getattr(value, "pk", value)) for key, value in instances.items())
        self.instances = instances


@pytest.fixture(scope="module", autouse=True)
def module_objects(django_db_setup, django_db_blocker):
    """The objects behind the URL arguments, created once for the module's tests (for all of
    them: each test sees the same rows, whatever the order the tests run in)."""
    yield from shared_data.built_once_for_the_module(django_db_blocker, _create_objects)


@pytest.fixture
def objects(db, module_objects):
    """The module's objects for one test: its writes are rolled back after it."""
    return shared_data.copy_for_one_test(module_objects)


def _create_objects() -> Objects:
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(
        place=place,
        start=timezone.localdate() - datetime.timedelta(days=3),
        end=timezone.localdate() + datetime.timedelta(days=3),
        reason="Travaux",
    )
    admission = AdmissionRequestFactory()
    stay = PlacementFactory()
    absence = Absence.objects.create(
        placement=stay, start=stay.start, reason="hospital", planned_return=stay.start
    )
    visit = VisitFactory()
    account = UserFactory(username="colleague")
    return Objects(
        {
            "account": account,
            "free_place": PlaceFactory(),
            "stay": stay,
            "absence": absence,
            "incident": IncidentFactory(
                hotel=stay.place.hotel, place=stay.place, resident=stay.resident
            ),
            "hotel": place.hotel,
            "place": place,
            "outage": outage,
            "resident": admission.resident,
            "situation": SituationAssessmentFactory(resident=admission.resident),
            "consumption": ConsumptionAssessmentFactory(resident=admission.resident),
            "admission": admission,
            "note": NoteFactory(resident=admission.resident),
            "step": StepFactory(resident=admission.resident),
            "referral": ReferralFactory(resident=admission.resident),
            "visit": visit,
            "worker": visit.worker,
            "leave": Leave.objects.create(user=visit.worker, start=timezone.localdate()),
            "housed_resident": stay.resident,
            "voucher_line": VoucherDistribution.objects.create(
                resident=stay.resident,
                week=week_start(timezone.localdate()),
                status="not_given",
                quantity=5,
                unit_value_cents=700,
                missed_reason="absent",
                recorded_by=visit.worker,
            ),
            "item": ItemFactory(),
            "location": LocationFactory(),
            "sample": SampleFactory(resident=stay.resident),
            "import_batch": _import_batch(by=account),
        }
    )


def _import_batch(*, by):
    """A previewed import of one new person (its page shows the import form)."""
    from imports.reading import read_upload
    from imports.services import import_preview

    parsed = read_upload("Nom d'usage;Année de naissance\nTiti;1985\n".encode())
    return import_preview(parsed=parsed, file_name="personnes.csv", by=by)


def _url(name, kwargs, objects):
    return reverse(name, kwargs={key: objects.get(value, value) for key, value in kwargs.items()})


def test_it_has_a_rule_for_every_url():
    patterns = dict(_url_names(get_resolver().url_patterns))
    unnamed = [str(pattern.pattern) for name, pattern in patterns.items() if name.endswith("None")]
    assert unnamed == [], "every URL pattern needs a name to appear in the access policy"
    missing = sorted(set(patterns) - set(POLICY))
    assert missing == [], f"URLs without a line in the access policy: {missing}"
    undeclared = sorted(
        name for name, pattern in patterns.items() if view_rule(pattern.callback) is None
    )
    assert undeclared == [], f"views that declare no allowed roles: {undeclared}"


def test_it_has_no_stale_policy_lines():
    patterns = dict(_url_names(get_resolver().url_patterns))
    assert sorted(set(POLICY) - set(patterns)) == []


@pytest.mark.parametrize("name", sorted(POLICY))
def test_it_declares_the_policy_in_the_view(name):
    patterns = dict(_url_names(get_resolver().url_patterns))
    allowed, _kwargs = POLICY[name]
    rule = view_rule(patterns[name].callback)
    if allowed == "public":
        assert rule == PUBLIC
    else:
        assert rule != PUBLIC, f"{name} must require a login"


@pytest.mark.parametrize("name", sorted(POLICY))
def test_it_enforces_the_policy_for_each_role(name, personas, objects, client_for):
    allowed, kwargs = POLICY[name]
    url = _url(name, kwargs, objects)
    for role, user in personas.items():
        response = client_for(user).get(url)
        if allowed == "public" or role in allowed:
            assert response.status_code != 403, f"{role} should reach {url}"
        else:
            assert response.status_code == 403, f"{role} must not reach {url}"
            assert "403.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    "name", sorted(n for n, (allowed, _k) in POLICY.items() if allowed != "public")
)
def test_it_sends_anonymous_visitors_to_the_login_page(name, client, objects):
    url = _url(name, POLICY[name][1], objects)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_denies_a_user_without_any_role(client_for, objects):
    from tests.factories import UserFactory

    nobody = UserFactory(username="sans-role")
    client = client_for(nobody)
    assert client.get(reverse("placements:hotel_list")).status_code == 403
    assert client.get(reverse("home")).status_code == 200


def test_it_denies_a_deactivated_user(client_for, chloe):
    client = client_for(chloe)
    chloe.is_active = False
    chloe.save()
    response = client.get(reverse("placements:hotel_list"))
    assert response.status_code in (302, 403)
