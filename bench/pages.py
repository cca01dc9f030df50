"""The pages `bench/run.py` measures, one entry each: a new feature adds its line to PAGES.

A path is either a string or a function returning one. Functions run after `django.setup()`
against the benchmark database (already seeded), so they can look up an object and `reverse()`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str | Callable[[], str]
    anonymous: bool = False  # requested without the session cookie (the login page, public pages)
    user: str | None = None  # the demo user who requests it; None: the coordinator

    def resolve(self) -> str:
        return self.path() if callable(self.path) else self.path


def largest_hotel_detail() -> str:
    """The detail page of the hotel with the most places: the longest list of that page."""
    from django.db.models import Count
    from django.urls import reverse

    from placements.models import Hotel

    hotel = (
        Hotel.objects.annotate(place_total=Count("places")).order_by("-place_total", "pk").first()
    )
    if hotel is None:
        raise LookupError("No hotel in the benchmark database: did seed_demo run?")
    return reverse("placements:hotel_detail", args=[hotel.pk])


def longest_resident_story() -> str:
    """The page of the resident with the most assessments: the longest timeline to merge."""
    from django.db.models import Count
    from django.urls import reverse

    from residents.models import Resident

    resident = (
        Resident.objects.annotate(
            assessments=Count("consumption_assessments", distinct=True)
            + Count("situation_assessments", distinct=True)
        )
        .order_by("-assessments", "pk")
        .first()
    )
    if resident is None:
        raise LookupError("No resident in the benchmark database: did seed_demo run?")
    return reverse("residents:resident_detail", args=[resident.pk])


def most_noted_resident_notes() -> str:
    """The notes of the resident with the most notes: the longest list of notes to filter."""
    from django.db.models import Count
    from django.urls import reverse

    from residents.models import Resident

    resident = Resident.objects.annotate(note_total=Count("notes")).order_by("-note_total", "pk")
    resident = resident.first()
    if resident is None:
        raise LookupError("No resident in the benchmark database: did seed_demo run?")
    return reverse("support:note_list", args=[resident.pk])


def busiest_round_of_the_week() -> str:
    """“My visits” of the worker with the most visits on one day of this week, as the coordinator
    sees it (`?intervenant=`): the longest list of a day."""
    import datetime

    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from visits.models import Visit

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    busiest = (
        Visit.objects.in_week(monday)
        .filter(worker__isnull=False)
        .values("worker_id", "planned_on")
        .annotate(total=Count("pk"))
        .order_by("-total", "planned_on", "worker_id")
        .first()
    )
    if busiest is None:
        raise LookupError("No visit this week in the benchmark database: did seed_demo run?")
    day, worker = busiest["planned_on"].isoformat(), busiest["worker_id"]
    return f"{reverse('visits:today')}?jour={day}&intervenant={worker}"


def first_visit_of_the_busiest_round() -> str:
    """The visit page (outcome buttons and the optional details) of that round's first visit."""
    from urllib.parse import parse_qs, urlsplit

    from django.urls import reverse

    from visits.models import Visit

    query = parse_qs(urlsplit(busiest_round_of_the_week()).query)
    visit = (
        Visit.objects.filter(planned_on=query["jour"][0], worker_id=query["intervenant"][0])
        .order_by("pk")
        .first()
    )
    return reverse("visits:visit_detail", args=[visit.pk])


def previewed_import() -> str:
    """The preview of a 2,000-row spreadsheet (bench/import.py's file), checked against the
    whole scheme: the page a coordinator reads before importing. Made once, then reused while
    its preview is valid (nothing is imported)."""
    import importlib
    import random

    from django.urls import reverse

    from accounts.models import User
    from imports.models import BatchStatus, ImportBatch
    from imports.reading import read_upload
    from imports.services import import_preview

    batch = (
        ImportBatch.objects.filter(status=BatchStatus.PREVIEWED, file_name="bench.xlsx")
        .order_by("-pk")
        .first()
    )
    if batch is None or not batch.may_import:
        spreadsheet = importlib.import_module("bench.import").spreadsheet
        batch = import_preview(
            parsed=read_upload(spreadsheet(random.Random(19))),
            file_name="bench.xlsx",
            by=User.objects.get(username="coordination"),
        )
    return reverse("imports:batch_detail", args=[batch.pk])


def report_draft() -> str:
    """The commentary page of a draft of last year's ARS report (the manager's page): every
    section with its tables' titles. Built once (figures and PDF, a few seconds), then reused."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from reports.models import Audience, Report, ReportStatus
    from reports.services import report_build

    year = timezone.localdate().year - 1
    report, _created = Report.request(
        audience=Audience.ARS,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        idempotency_key=f"bench-draft-{year}",
        by=User.objects.get(username="direction"),
    )
    if report.status != ReportStatus.READY:
        report_build(report.pk)
    return reverse("reports:report_commentary", args=[report.pk])


def todays_round_offline() -> str:
    """ "Mes visites" of today as the demo social worker sees it: the page the service worker
    keeps on the phone for the corridor without network (with its visit pages)."""
    from django.urls import reverse

    return reverse("visits:today")


# Every other page's latency is divided by this one's (see README).
BASELINE = Page("baseline", "/baseline/")

PAGES = [
    BASELINE,
    Page("home", "/"),
    Page("hotel_list", "/hotels/"),
    Page("hotel_detail", largest_hotel_detail),
    Page("board", "/hotels/tableau/"),
    Page("statement", "/hotels/releve/"),
    Page("statement_xlsx", "/hotels/releve/xlsx/"),
    Page("incident_list", "/hotels/incidents/"),
    Page("resident_list", "/residents/"),
    Page("resident_list_places", "/residents/?sort=hotel"),  # each person's place, by hotel
    Page("resident_search", "/residents/?q=bouboul"),  # a typo: the trigram path
    Page("resident_detail", longest_resident_story),
    Page("waiting_list", "/admissions/"),
    Page("note_list", most_noted_resident_notes),
    Page("step_list", "/demarches/?tous=1"),  # the team's open steps
    Page("referral_list", "/orientations/"),
    Page("my_visits_today", busiest_round_of_the_week),
    Page("visit_detail", first_visit_of_the_busiest_round),
    Page("visit_week", "/visites/semaine/"),
    Page("visit_follow_up", "/visites/suivi/"),
    Page("report_list", "/rapports/"),  # the coordinator reads the activity reports
    Page("voucher_week", "/tickets/"),  # every person housed this week, all hotels
    Page("stock", "/rdr/"),  # every item in every location
    Page("distribution_list", "/rdr/distributions/"),
    Page("distribution_create", "/rdr/distributions/nouvelle/"),  # the item grid, every resident
    Page("import_preview", previewed_import),  # 2,000 rows checked against the scheme
    Page("report_draft", report_draft, user="direction"),  # the manager writes the commentary
    Page("service_worker", "/sw.js"),  # the offline shell: every page load asks for it
    Page("offline_today", todays_round_offline, user="travailleur"),  # kept for offline use
    Page("login", "/connexion/", anonymous=True),
]
