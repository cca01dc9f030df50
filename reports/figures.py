"""Every figure of the yearly activity report, one function each, for a half-open period
[start, end) of days.

A figure function returns a *table* as plain JSON data, or None when the programme does not
record what it needs:

    {"columns": [[key, header, kind], ...], "rows": [[...], ...], "labels": {code: label}}

- the first cell of a row is usually a code (a choice value, a hotel id, a month "YYYY-MM-01");
  ``labels`` maps it to the French text printed (built under the active language);
- ``kind`` says how a cell prints: ``label`` (looked up in labels), ``count`` (an integer; in
  tables that could single someone out, 1 to 4 print as "< 5"), ``number`` (an integer never
  hidden: nights, places, units of material), ``decimal`` (a mean, one decimal, never
  hidden), ``share`` (0–1, printed as %), ``days`` (a mean or median in days), ``years`` (a mean
  or median age), ``euros`` (cents), ``month``, or ``mixed`` (the kind is ``kinds[row code]``).

The report stores these tables as they were printed (`Report.figures`), so the PDF, the CSV and
the XLSX of a report never change after data are corrected. Figures of other apps are read
through their own functions (placements.occupancy, harmreduction.figures, support.outcomes):
this module only shapes them into tables.

**File active** — distinct people with at least one contact in the period: a stay overlapping
it, a home visit done, material or vouchers handed out to them, a note written about them, a
referral with its appointment (or, without one, its creation) in the period, or a situation or
consumption assessment dated in it.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, Min, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from harmreduction import figures as hr_figures
from harmreduction.models import (
    AdviceTopic,
    Category,
    MissedReason,
    OverdoseOutcome,
    Setting,
    SupplyDistribution,
    VoucherDistribution,
)
from placements import occupancy
from placements.models import (
    AbsenceReason,
    ExitDestination,
    ExitReason,
    Hotel,
    Incident,
    IncidentKind,
    Place,
    Placement,
    TransferReason,
)
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    ConsumptionAssessment,
    ConsumptionLine,
    Gender,
    HealthCover,
    HousingBefore,
    Income,
    Product,
    ReferringStructure,
    Resident,
    Route,
    SituationAssessment,
)
from support.models import (
    DOMAIN_OF_KIND,
    Note,
    Referral,
    ReferralOutcome,
    ReferralService,
    Step,
    StepDomain,
    StepKind,
    StepStatus,
)
from support.outcomes import Outcome, outcome_summary
from visits.models import Visit, VisitStatus

DAY = datetime.timedelta(days=1)
UNKNOWN = "unknown"

Table = dict


def _table(columns, rows, labels=None, kinds=None) -> Table:
    table = {
        "columns": [[key, str(header), kind] for key, header, kind in columns],
        "rows": rows,
        "labels": {str(code): str(label) for code, label in (labels or {}).items()},
    }
    if kinds:
        table["kinds"] = kinds
    return table


def _choice_labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return hr_figures.periods(start, end, "month")


def _month_end(month: datetime.date, end: datetime.date) -> datetime.date:
    return min((month + datetime.timedelta(days=32)).replace(day=1), end)


def _in_period(field: str, start: datetime.date, end: datetime.date) -> Q:
    """`field` on a day of [start, end). For a timestamp's day (`…__date`): between midnight
    (Paris time) of each, which reads its index where comparing each row's day in Paris time
    reads and converts every row; the same rows."""
    if field.endswith("__date"):
        field = field.removesuffix("__date")
        start, end = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            for day in (start, end)
        )
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# --- People ---------------------------------------------------------------------------------------


# While `compute` runs, what several figures of a period start from (the file active, its
# first entries, its situations at entry) is looked up once for all of them.
_compute_cache: ContextVar[dict | None] = ContextVar("compute_cache", default=None)


def _once(key: tuple, work: Callable):
    """`work()`, or what it gave for `key` earlier in the same `compute`."""
    cache = _compute_cache.get()
    if cache is None:
        return work()
    if key not in cache:
        cache[key] = work()
    return cache[key]


def file_active_ids(start: datetime.date, end: datetime.date) -> set[int]:
    """The people with at least one contact in [start, end) (see the module docstring)."""
    return set(_once(("file_active", start, end), lambda: frozenset(_file_active_ids(start, end))))


def _file_active_ids(start: datetime.date, end: datetime.date) -> set[int]:
    # Each source gives each person once (distinct): tens of thousands of contacts in a year.
    def people(rows) -> list[int]:
        return rows.values_list("resident_id", flat=True).order_by().distinct()

    ids: set[int] = set()
    ids.update(people(Placement.objects.overlapping(start, end)))
    ids.update(
        people(Visit.objects.filter(_in_period("planned_on", start, end), status=VisitStatus.DONE))
    )
    ids.update(
        people(
            SupplyDistribution.objects.filter(
                _in_period("given_at__date", start, end), resident__isnull=False
            )
        )
    )
    vouchers = VoucherDistribution.objects.given()
    ids.update(people(vouchers.filter(_in_period("recorded_at__date", start, end))))
    ids.update(people(Note.objects.filter(_in_period("written_at__date", start, end))))
    ids.update(
        people(
            Referral.objects.filter(
                _in_period("appointment_at__date", start, end)
                | (Q(appointment_at__isnull=True) & _in_period("created_at__date", start, end))
            )
        )
    )
    for model in (SituationAssessment, ConsumptionAssessment):
        ids.update(people(model.objects.filter(_in_period("assessed_on", start, end))))
    ids.discard(None)
    return ids


def _first_entries(resident_ids, before: datetime.date) -> dict[int, datetime.date]:
    """Each person's first entry among the stays begun before `before`: a stay that begins after
    the period was not known at its end and changes nothing in its report."""
    return dict(
        Placement.objects.filter(resident_id__in=resident_ids, start__lt=before)
        .values("resident_id")
        .annotate(first=Min("start"))
        .values_list("resident_id", "first")
    )


def _first_entries_of_file_active(start: datetime.date, end: datetime.date):
    return _once(
        ("first_entries", start, end), lambda: _first_entries(file_active_ids(start, end), end)
    )


def activity(start: datetime.date, end: datetime.date) -> Table:
    """File active; new people (whose first stay began in the period); people housed."""
    people = file_active_ids(start, end)
    first = _first_entries_of_file_active(start, end)
    new = sum(1 for day in first.values() if start <= day < end)
    housed = Placement.objects.overlapping(start, end).values("resident_id").distinct().count()
    return _table(
        [("indicator", _("Indicator"), "label"), ("people", _("People"), "count")],
        [["file_active", len(people)], ["new_people", new], ["housed", housed]],
        {
            "file_active": _("File active"),
            "new_people": _("New people (first stay in the period)"),
            "housed": _("People housed in the period"),
        },
    )


def sex(start: datetime.date, end: datetime.date) -> Table:
    """The file active by gender, as recorded (an empty gender counts as not stated)."""
    counts = Counter(
        Resident.objects.filter(pk__in=file_active_ids(start, end)).values_list("gender", flat=True)
    )
    rows = []
    for value in Gender.values:
        count = counts.pop(value, 0)
        if value == Gender.NOT_STATED:
            count += sum(counts.values())
        if count:
            rows.append([value, count])
    return _table(
        [("gender", _("Gender"), "label"), ("people", _("People"), "count")],
        rows,
        _choice_labels(Gender),
    )


def age_bands() -> list[tuple[str, int | None, int | None]]:
    """The bands of REPORT_AGE_BANDS: [(code, lowest age, highest age), ...]."""
    limits = list(settings.REPORT_AGE_BANDS)
    bands = []
    low = None
    for limit in [*limits, None]:
        code = f"{low if low is not None else ''}-{limit - 1 if limit is not None else ''}"
        bands.append((code, low, limit - 1 if limit is not None else None))
        low = limit
    return bands


def _band_label(low: int | None, high: int | None) -> str:
    if low is None:
        return _("Under %(age)s") % {"age": high + 1}
    if high is None:
        return _("%(age)s and over") % {"age": low}
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def age(start: datetime.date, end: datetime.date) -> Table:
    """The file active by age reached during the year the period starts in (INSEE's "âge
    atteint dans l'année": that year minus the year of birth).

    The year of birth only, for everyone: it is all an anonymous person gives, and all an
    anonymised file keeps, so a past report adds up the same after the retention delay."""
    bands = age_bands()
    counts: Counter = Counter()
    people = Resident.objects.filter(pk__in=file_active_ids(start, end)).values_list(
        "birth_year", flat=True
    )
    for birth_year in people:
        if not birth_year:
            counts[UNKNOWN] += 1
            continue
        years = start.year - birth_year
        for code, low, high in bands:
            if (low is None or years >= low) and (high is None or years <= high):
                counts[code] += 1
                break
    labels = {code: _band_label(low, high) for code, low, high in bands}
    labels[UNKNOWN] = _("Unknown")
    rows = [[code, counts[code]] for code, _low, _high in bands]
    if counts[UNKNOWN]:
        rows.append([UNKNOWN, counts[UNKNOWN]])
    return _table([("band", _("Age"), "label"), ("people", _("People"), "count")], rows, labels)


def _situations_at_entry(
    start: datetime.date, end: datetime.date
) -> dict[int, SituationAssessment | None]:
    """For each person of the file active, the situation assessment closest to their first
    entry (or, not housed by the end of the period, to the opening of their case file); ties go
    to the earlier one. Only what was known at the end of the period counts: assessments dated
    before its end, stays begun before its end, so the report built on 2 January is the one
    rebuilt on 20 January. Three figures read it: worked out once per `compute`."""
    return _once(("situations", start, end), lambda: _find_situations_at_entry(start, end))


def _find_situations_at_entry(start: datetime.date, end: datetime.date):
    people = file_active_ids(start, end)
    first = _first_entries_of_file_active(start, end)
    opened = dict(Resident.objects.filter(pk__in=people).values_list("pk", "created_at__date"))
    candidates = defaultdict(list)
    for assessment in SituationAssessment.objects.filter(
        resident_id__in=people, assessed_on__lt=end
    ).only("resident_id", "assessed_on", "housing_before", "income", "health_cover"):
        candidates[assessment.resident_id].append(assessment)
    chosen = {}
    for pk in people:
        entry = first.get(pk) or opened.get(pk)
        found = candidates.get(pk)
        chosen[pk] = (
            min(found, key=lambda a: (abs((a.assessed_on - entry).days), a.assessed_on, a.pk))
            if found
            else None
        )
    return chosen


def _situation_table(choices, values_of, header) -> Callable:
    def figure(start: datetime.date, end: datetime.date) -> Table:
        counts: Counter = Counter()
        for assessment in _situations_at_entry(start, end).values():
            if assessment is None:
                counts[UNKNOWN] += 1
            else:
                counts.update(values_of(assessment) or [UNKNOWN])
        labels = _choice_labels(choices) | {UNKNOWN: _("Not recorded")}
        rows = [[value, counts[value]] for value in choices.values if counts[value]]
        if counts[UNKNOWN]:
            rows.append([UNKNOWN, counts[UNKNOWN]])
        return _table(
            [("situation", header(), "label"), ("people", _("People"), "count")], rows, labels
        )

    return figure


housing_at_entry = _situation_table(
    HousingBefore, lambda a: [a.housing_before], lambda: _("Housing before entry")
)
income_at_entry = _situation_table(Income, lambda a: a.income, lambda: _("Income"))
health_cover_at_entry = _situation_table(
    HealthCover, lambda a: [a.health_cover], lambda: _("Health cover")
)
housing_at_entry.__doc__ = "The file active by housing before entry (assessment closest to entry)."
income_at_entry.__doc__ = "The file active by income at entry; a person may have several incomes."
health_cover_at_entry.__doc__ = "The file active by health cover at entry."


def products(start: datetime.date, end: datetime.date) -> Table:
    """People of the file active using each product (frequency above "not used"), from their
    last consumption assessment up to the end of the period, with the main route of use. A
    prescribed substitution treatment is care, not use: it is left out."""
    people = file_active_ids(start, end)
    last = {}
    for resident_id, pk in (
        ConsumptionAssessment.objects.filter(resident_id__in=people, assessed_on__lt=end)
        .order_by("resident_id", "assessed_on", "pk")
        .values_list("resident_id", "pk")
    ):
        last[resident_id] = pk
    users: Counter = Counter()
    routes: dict[str, Counter] = defaultdict(Counter)
    for line in ConsumptionLine.objects.filter(assessment_id__in=last.values(), frequency__gt=0):
        if line.product == Product.OST and line.ost_prescribed:
            continue
        users[line.product] += 1
        routes[line.product][line.route or UNKNOWN] += 1
    route_codes = [*Route.values, UNKNOWN]
    rows = [
        [product, users[product], *(routes[product][route] for route in route_codes)]
        for product in Product.values
        if users[product]
    ]
    return _table(
        [
            ("product", _("Product"), "label"),
            ("people", _("People"), "count"),
            *((route, label, "count") for route, label in Route.choices),
            (UNKNOWN, _("Route not stated"), "count"),
        ],
        rows,
        _choice_labels(Product),
    )


def consumption_outcomes(start: datetime.date, end: datetime.date) -> Table:
    """Outcomes of the people housed in the period between their first and last consumption
    assessment in it (rule in support.outcomes), and the shares among those assessed twice."""
    summary = outcome_summary(start, end - DAY)
    rows = [[outcome.value, summary.counts[outcome]] for outcome in Outcome]
    rows += [
        ["assessed", summary.assessed],
        ["share_fell", summary.share_fell],
        ["share_stopped", summary.share_stopped],
    ]
    kinds = {outcome.value: "count" for outcome in Outcome} | {
        "assessed": "count",
        "share_fell": "share",
        "share_stopped": "share",
    }
    labels = _choice_labels(Outcome) | {
        "assessed": _("People assessed twice"),
        "share_fell": _("Share whose consumption fell (stopped or reduced)"),
        "share_stopped": _("Share who stopped"),
    }
    return _table(
        [("outcome", _("Outcome"), "label"), ("value", _("People"), "mixed")], rows, labels, kinds
    )


def deaths(start: datetime.date, end: datetime.date) -> Table:
    """The known deaths in the period of people of the file active, by source: a stay that
    ended by a death (its destination or its reason), an overdose recorded as died. A person
    found in both sources counts in each row, and once in the last one."""
    people = file_active_ids(start, end)
    at_exit = set(
        Placement.objects.exits()
        .filter(end__gte=start, end__lt=end, resident_id__in=people)
        .filter(Q(exit_destination=ExitDestination.DEATH) | Q(exit_reason=ExitReason.DEATH))
        .values_list("resident_id", flat=True)
    )
    overdose = set(hr_figures.overdose_deaths(start, end)) & people
    return _table(
        [("source", _("Source"), "label"), ("people", _("People"), "count")],
        [
            ["stay_exit", len(at_exit)],
            ["overdose", len(overdose)],
            ["people", len(at_exit | overdose)],
        ],
        {
            "stay_exit": _("Stay ended by a death"),
            "overdose": _("Overdose: died"),
            "people": _("People who died (each once)"),
        },
    )


# --- Visits ---------------------------------------------------------------------------------------


def visits_by_month(start: datetime.date, end: datetime.date) -> Table:
    """Home visits per month: planned by the roster (called-off and unplanned ones excluded)
    and done (every visit logged as done, unplanned ones included)."""
    rows = (
        Visit.objects.filter(_in_period("planned_on", start, end))
        .values_list("planned_on__year", "planned_on__month")
        .annotate(
            planned=Count("pk", filter=~Q(status=VisitStatus.CANCELLED) & Q(unplanned=False)),
            done=Count("pk", filter=Q(status=VisitStatus.DONE)),
        )
        .order_by()
    )
    found = {datetime.date(year, month, 1): (planned, done) for year, month, planned, done in rows}
    table_rows = [[month.isoformat(), *found.get(month, (0, 0))] for month in _months(start, end)]
    return _table(
        [
            ("month", _("Month"), "month"),
            ("planned", _("Visits planned"), "count"),
            ("done", _("Visits done"), "count"),
        ],
        table_rows,
    )


def two_visits_a_week(start: datetime.date, end: datetime.date) -> Table:
    """Of the resident-weeks (Monday to Sunday, inside the period) a person was housed every
    night of, the share with at least two visits done. Coverage is judged across the person's
    stays: a week with a transfer (or a new stay the day the last one ended) counts."""
    first_monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    monday = first_monday
    while monday + 7 * DAY <= end:
        weeks.append(monday)
        monday += 7 * DAY
    # A person's stays never overlap: joined end to start, they give the spans housed.
    spans: dict[int, list[list]] = defaultdict(list)
    for resident_id, stay_start, stay_end in (
        Placement.objects.overlapping(start, end)
        .order_by("resident_id", "start")
        .values_list("resident_id", "start", "end")
    ):
        person = spans[resident_id]
        if person and person[-1][1] is not None and person[-1][1] >= stay_start:
            person[-1][1] = stay_end
        else:
            person.append([stay_start, stay_end])
    housed_weeks = {
        (resident_id, monday)
        for resident_id, person in spans.items()
        for span_start, span_end in person
        for monday in weeks
        if span_start <= monday and (span_end is None or span_end >= monday + 7 * DAY)
    }
    done = Counter()
    for resident_id, day in Visit.objects.filter(
        _in_period("planned_on", start, end), status=VisitStatus.DONE
    ).values_list("resident_id", "planned_on"):
        done[resident_id, day - day.weekday() * DAY] += 1
    with_two = sum(1 for key in housed_weeks if done[key] >= 2)
    share = with_two / len(housed_weeks) if housed_weeks else None
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [["housed_weeks", len(housed_weeks)], ["with_two", with_two], ["share", share]],
        {
            "housed_weeks": _("Weeks housed (resident-weeks)"),
            "with_two": _("Weeks with at least two visits done"),
            "share": _("Share of weeks with two visits"),
        },
        {"housed_weeks": "count", "with_two": "count", "share": "share"},
    )


# --- Harm reduction -------------------------------------------------------------------------------


def material_by_category(start: datetime.date, end: datetime.date) -> Table:
    """Units of material handed out per category of the catalogue."""
    supplies = hr_figures.supply_totals(start, end, per="year")
    rows = [[category, supplies.category_totals[category]] for category in supplies.categories]
    return _table(
        [("category", _("Category"), "label"), ("units", _("Units"), "number")],
        rows,
        _choice_labels(Category),
    )


def material_by_item(start: datetime.date, end: datetime.date) -> Table:
    """Units handed out per item of the catalogue, in catalogue order."""
    supplies = hr_figures.supply_totals(start, end, per="year")
    rows = [[str(item.pk), item.category, supplies.item_totals[item.pk]] for item in supplies.items]
    labels = {str(item.pk): item.name for item in supplies.items} | _choice_labels(Category)
    return _table(
        [
            ("item", _("Item"), "label"),
            ("category", _("Category"), "label"),
            ("units", _("Units"), "number"),
        ],
        rows,
        labels,
    )


def harm_reduction_activity(start: datetime.date, end: datetime.date) -> Table:
    """Used material collected, naloxone, overdoses and drug checking (harmreduction.figures)."""
    figures = hr_figures.activity_totals(start, end)
    rows = [
        ["sharps_boxes", figures.sharps_boxes],
        ["returned_items", figures.returned_items],
        ["naloxone_kits", figures.naloxone_kits],
        ["naloxone_trainings", figures.naloxone_trainings],
        ["overdoses", figures.overdoses],
        ["overdoses_with_naloxone", figures.overdoses_with_naloxone],
        *(
            [f"overdose_{outcome}", figures.overdoses_by_outcome.get(outcome, 0)]
            for outcome in OverdoseOutcome.values
        ),
        ["samples_collected", figures.samples_collected],
        ["samples_sent", figures.samples_sent],
        ["results_unexpected", figures.results_unexpected],
    ]
    labels = {
        "sharps_boxes": _("Sharps boxes (DASRI) collected"),
        "returned_items": _("Used items returned"),
        "naloxone_kits": _("Naloxone kits given"),
        "naloxone_trainings": _("Naloxone kits given with a training"),
        "overdoses": _("Overdoses reported"),
        "overdoses_with_naloxone": _("Overdoses where naloxone was used"),
        "samples_collected": _("Samples collected for analysis"),
        "samples_sent": _("Samples sent for analysis"),
        "results_unexpected": _("Results with an alert (unexpected product)"),
    } | {
        f"overdose_{value}": _("Overdoses: %(outcome)s") % {"outcome": label}
        for value, label in OverdoseOutcome.choices
    }
    units = {"sharps_boxes", "returned_items", "naloxone_kits"}  # material: never hidden
    kinds = {code: "number" if code in units else "count" for code, _count in rows}
    return _table(
        [("indicator", _("Indicator"), "label"), ("count", _("Count"), "mixed")],
        rows,
        labels,
        kinds,
    )


# --- Support --------------------------------------------------------------------------------------


def referrals(start: datetime.date, end: datetime.date) -> Table:
    """Referrals by service and outcome, dated by their appointment (or, without one, by the
    day they were recorded)."""
    rows = (
        Referral.objects.filter(
            _in_period("appointment_at__date", start, end)
            | (Q(appointment_at__isnull=True) & _in_period("created_at__date", start, end))
        )
        .values_list("service", "outcome")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    for service, outcome, count in rows:
        counts[service][outcome] += count
    table_rows = [
        [
            service,
            sum(counts[service].values()),
            *(counts[service][o] for o in ReferralOutcome.values),
        ]
        for service in ReferralService.values
        if counts[service]
    ]
    return _table(
        [
            ("service", _("Service"), "label"),
            ("total", _("Referrals"), "count"),
            *((value, label, "count") for value, label in ReferralOutcome.choices),
        ],
        table_rows,
        _choice_labels(ReferralService),
    )


def steps_obtained(start: datetime.date, end: datetime.date) -> Table:
    """Steps closed as obtained in the period, by domain."""
    counts: Counter = Counter()
    for kind, count in (
        Step.objects.filter(_in_period("closed_on", start, end), status=StepStatus.OBTAINED)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[DOMAIN_OF_KIND[kind]] += count
    rows = [[domain.value, counts[domain]] for domain in StepDomain if counts[domain]]
    return _table(
        [("domain", _("Domain"), "label"), ("obtained", _("Steps obtained"), "count")],
        rows,
        _choice_labels(StepDomain),
    )


# --- ARS: contacts, material, advice, profile, steps, referrals, drug checking, collection -------

CONTACT_PLACES = ["hotel", "office", "elsewhere"]


def contacts(start: datetime.date, end: datetime.date) -> Table:
    """Contacts of the period by where they took place, and the people met there.

    A contact is a person met on a day at a place: a home visit done (in the hotel), material
    or advice given and vouchers handed out (where the worker recorded it: during a home visit
    counts as in the hotel, at the office), an accompaniment to an appointment that took place
    (elsewhere). Several records of one person on one day at one place are one contact;
    anonymous handouts and advice are one contact each. The records are combined and counted
    in the database (tens of thousands a year): one query for the residents, two for the
    anonymous."""
    place_of = {Setting.VISIT: "hotel", Setting.OFFICE: "office", "elsewhere": "elsewhere"}
    identified, anonymous = hr_figures.contacts(start, end)
    visits = (
        Visit.objects.filter(_in_period("planned_on", start, end), status=VisitStatus.DONE)
        .annotate(day=F("planned_on"), place=Value(Setting.VISIT.value))
        .values_list("resident_id", "day", "place")
        .order_by()
    )
    accompanied = (
        Referral.objects.filter(
            _in_period("appointment_at__date", start, end),
            accompanied_by__isnull=False,
            outcome=ReferralOutcome.ATTENDED,
        )
        .annotate(day=TruncDate("appointment_at"), place=Value("elsewhere"))
        .values_list("resident_id", "day", "place")
        .order_by()
    )
    # UNION keeps each (person, day, place) once; ROLLUP adds the row of all places (NULL).
    met, params = visits.union(*identified, accompanied).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT place, COUNT(*), COUNT(DISTINCT resident_id) "
            f"FROM ({met}) AS met GROUP BY ROLLUP (place)",
            params,
        )
        found = cursor.fetchall()
    counts: Counter = Counter()
    people: Counter = Counter()
    for setting, count in anonymous.items():
        counts[place_of[setting]] += count
    for place, count, distinct in found:
        key = "all" if place is None else place_of[place]
        counts[key] += count
        people[key] = distinct
    counts["all"] += sum(anonymous.values())
    rows = [[place, counts[place], people[place]] for place in CONTACT_PLACES]
    rows.append(["all", counts["all"], people["all"]])
    return _table(
        [
            ("place", _("Place of contact"), "label"),
            ("contacts", _("Contacts"), "count"),
            ("people", _("People met"), "count"),
        ],
        rows,
        {
            "hotel": _("In the hotel (home visit)"),
            "office": _("At the office"),
            "elsewhere": _("Elsewhere (accompaniment to an appointment)"),
            "all": _("All contacts"),
        },
    )


def material_recipients(start: datetime.date, end: datetime.date) -> Table:
    """People who received material, and handouts (one person served at one moment), to
    residents and anonymous (harmreduction.figures.handout_totals)."""
    handouts = hr_figures.handout_totals(start, end)
    return _table(
        [("indicator", _("Indicator"), "label"), ("count", _("Count"), "count")],
        [
            ["people", handouts.people],
            ["handouts_residents", handouts.handouts - handouts.anonymous_handouts],
            ["handouts_anonymous", handouts.anonymous_handouts],
            ["handouts", handouts.handouts],
        ],
        {
            "people": _("People who received material"),
            "handouts_residents": _("Handouts to people followed"),
            "handouts_anonymous": _("Anonymous handouts"),
            "handouts": _("Handouts"),
        },
    )


def advice_by_topic(start: datetime.date, end: datetime.date) -> Table:
    """Harm-reduction advice sessions by topic and where they were held."""
    by_topic, sessions = hr_figures.advice_by_topic_and_setting(start, end)
    settings_order = [Setting.VISIT, Setting.OFFICE]
    rows = []
    for topic in AdviceTopic.values:
        by_setting = [by_topic.get((topic, setting), 0) for setting in settings_order]
        if sum(by_setting):
            rows.append([topic, sum(by_setting), *by_setting])
    # The sessions, each once: a session on several topics counts under each topic above.
    every = [sessions.get(setting, 0) for setting in settings_order]
    rows.append(["total", sum(every), *every])
    return _table(
        [
            ("topic", _("Topic"), "label"),
            ("total", _("Sessions"), "count"),
            *((setting.value, setting.label, "count") for setting in settings_order),
        ],
        rows,
        _choice_labels(AdviceTopic) | {"total": _("All topics")},
    )


def _age_reached(start: datetime.date, birth_year: int | None) -> int | None:
    """Age reached during the year the period starts in, as `age` counts it."""
    return start.year - birth_year if birth_year else None


def _age_band_of(years: int | None, bands) -> str:
    if years is None:
        return UNKNOWN
    for code, low, high in bands:
        if (low is None or years >= low) and (high is None or years <= high):
            return code
    return UNKNOWN


def _genders_and_ages(start: datetime.date, end: datetime.date) -> list[tuple[str, int | None]]:
    """(gender, age reached) of each person of the file active; a gender not among the
    choices (empty) is not stated, as in `sex`. Two figures read it: once per `compute`."""

    def find() -> list[tuple[str, int | None]]:
        people = Resident.objects.filter(pk__in=file_active_ids(start, end))
        return [
            (gender if gender in Gender.values else Gender.NOT_STATED, _age_reached(start, year))
            for gender, year in people.values_list("gender", "birth_year")
        ]

    return _once(("genders_and_ages", start, end), find)


def sex_and_age(start: datetime.date, end: datetime.date) -> Table:
    """The file active by gender (rows) and age band (columns), as `sex` and `age` count
    them: each row adds up to the gender's count, each column to the band's."""
    bands = age_bands()
    counts: dict[str, Counter] = defaultdict(Counter)
    for gender, years in _genders_and_ages(start, end):
        counts[gender][_age_band_of(years, bands)] += 1
    codes = [code for code, _low, _high in bands]
    if any(by_band[UNKNOWN] for by_band in counts.values()):
        codes.append(UNKNOWN)
    rows = [
        [gender, *(counts[gender][code] for code in codes)]
        for gender in Gender.values
        if counts[gender]
    ]
    headers = {code: _band_label(low, high) for code, low, high in bands}
    headers[UNKNOWN] = _("Age unknown")
    return _table(
        [("gender", _("Gender"), "label"), *((code, headers[code], "count") for code in codes)],
        rows,
        _choice_labels(Gender),
    )


def age_summary(start: datetime.date, end: datetime.date) -> Table:
    """Mean and median age reached (as `age` counts it) of the people of the file active whose
    year of birth is known; the median of an even number of people is the mean of the two
    middle ages."""
    ages = [years for _gender, years in _genders_and_ages(start, end) if years is not None]
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["known", len(ages)],
            ["mean", statistics.fmean(ages) if ages else None],
            ["median", statistics.median(ages) if ages else None],
        ],
        {
            "known": _("People whose age is known"),
            "mean": _("Mean age"),
            "median": _("Median age"),
        },
        {"known": "count", "mean": "years", "median": "years"},
    )


STEP_COLUMNS = ["open", StepStatus.OBTAINED, StepStatus.REFUSED, StepStatus.ABANDONED]


def steps_by_kind_and_status(start: datetime.date, end: datetime.date) -> Table:
    """The steps worked on in the period by kind, with their status at its end: closed in the
    period (obtained, rejected, abandoned), or open at its end (created before it, closed
    after it or not yet). A step closed before the period is not counted."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for kind, status, total, closed_in_period in (
        Step.objects.filter(
            _in_period("closed_on", start, end)
            | (Q(created_at__date__lt=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=end)))
        )
        .values_list("kind", "status")
        .annotate(total=Count("pk"), closed_in_period=Count("pk", filter=Q(closed_on__lt=end)))
        .order_by()
    ):
        if closed_in_period:
            counts[kind][status] += closed_in_period
        counts[kind]["open"] += total - closed_in_period
    rows = [
        [kind, *(counts[kind][column] for column in STEP_COLUMNS), sum(counts[kind].values())]
        for kind in StepKind.values
        if counts[kind]
    ]
    rows.append(["total", *(sum(row[j] for row in rows) for j in range(1, len(STEP_COLUMNS) + 2))])
    labels = _choice_labels(StepStatus)
    return _table(
        [
            ("kind", _("Step"), "label"),
            ("open", _("Open at the end of the period"), "count"),
            *((status, labels[status], "count") for status in STEP_COLUMNS[1:]),
            ("total", _("Steps"), "count"),
        ],
        rows,
        _choice_labels(StepKind) | {"total": _("All steps")},
    )


def referral_kinds(start: datetime.date, end: datetime.date) -> Table:
    """The referrals of the `referrals` table, medical or social (as their author classed them:
    medical ones are the medical team's) and accompanied by a worker or not."""
    found = {
        is_medical: (total, accompanied)
        for is_medical, total, accompanied in Referral.objects.filter(
            _in_period("appointment_at__date", start, end)
            | (Q(appointment_at__isnull=True) & _in_period("created_at__date", start, end))
        )
        .values_list("is_medical")
        .annotate(
            total=Count("pk"), accompanied=Count("pk", filter=Q(accompanied_by__isnull=False))
        )
        .order_by()
    }
    rows = []
    for code, is_medical in (("medical", True), ("social", False)):
        total, accompanied = found.get(is_medical, (0, 0))
        rows.append([code, total, accompanied, total - accompanied])
    rows.append(["total", *(sum(row[j] for row in rows) for j in (1, 2, 3))])
    return _table(
        [
            ("kind", _("Referral"), "label"),
            ("total", _("Referrals"), "count"),
            ("accompanied", _("Accompanied"), "count"),
            ("not_accompanied", _("Not accompanied"), "count"),
        ],
        rows,
        {
            "medical": _("Medical"),
            "social": _("Social and other"),
            "total": _("All referrals"),
        },
    )


def drug_checking_results(start: datetime.date, end: datetime.date) -> Table:
    """Drug-checking results received in the period and whether they were given back to the
    person by its end; apart, the results given back in the period (harmreduction.figures)."""
    results = hr_figures.results_returned(start, end)
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["received", results.received],
            ["returned", results.returned],
            ["not_returned", results.not_returned],
            ["share_returned", results.share_returned],
            ["returned_in_period", results.returned_in_period],
        ],
        {
            "received": _("Results received"),
            "returned": _("Given back to the person by the end of the period"),
            "not_returned": _("Not given back by the end of the period"),
            "share_returned": _("Share of the results given back"),
            "returned_in_period": _("Results given back in the period (any date of result)"),
        },
        {
            "received": "count",
            "returned": "count",
            "not_returned": "count",
            "share_returned": "share",
            "returned_in_period": "count",
        },
    )


def collections_by_hotel(start: datetime.date, end: datetime.date) -> Table:
    """Used material collected per hotel (and brought back to the office): units, never
    hidden."""
    collected = hr_figures.collections_by_hotel(start, end)
    hotels = Hotel.objects.filter(pk__in=[pk for pk in collected if pk is not None]).order_by(
        "arrondissement", "name"
    )
    rows = [[str(hotel.pk), *collected[hotel.pk]] for hotel in hotels]
    if None in collected:
        rows.append(["office", *collected[None]])
    rows.append(
        [
            "total",
            sum(boxes for boxes, _items in collected.values()),
            sum(items for _boxes, items in collected.values()),
        ]
    )
    labels = {str(hotel.pk): hotel.name for hotel in hotels} | {
        "office": _("Brought back to the office"),
        "total": _("All places"),
    }
    return _table(
        [
            ("hotel", _("Hotel"), "label"),
            ("sharps_boxes", _("Sharps boxes (DASRI)"), "number"),
            ("returned_items", _("Used items returned"), "number"),
        ],
        rows,
        labels,
    )


# --- Places, nights, flows (operator) -------------------------------------------------------------


def places_and_hotels(start: datetime.date, end: datetime.date) -> Table:
    """Per hotel: places counted, place-nights available, nights and occupancy rate.

    Summed per hotel from the per-place figures: a constant number of queries, whatever the
    number of hotels."""
    available = occupancy.available_place_nights_by_place(start, end)
    hotel_of = dict(Place.objects.filter(pk__in=available).values_list("pk", "hotel_id"))
    places: Counter = Counter(hotel_of.values())
    offered: Counter = Counter()
    for place_id, nights_offered in available.items():
        offered[hotel_of[place_id]] += nights_offered
    nights = occupancy.nights_by_hotel(start, end)
    hotels = Hotel.objects.filter(pk__in=set(places) | set(nights)).order_by(
        "arrondissement", "name"
    )

    def rate(nights_given: int, nights_offered: int) -> float | None:
        return nights_given / nights_offered if nights_offered > 0 else None

    rows = [
        [
            str(hotel.pk),
            places[hotel.pk],
            offered[hotel.pk],
            nights.get(hotel.pk, 0),
            rate(nights.get(hotel.pk, 0), offered[hotel.pk]),
        ]
        for hotel in hotels
    ]
    total_offered, total_nights = sum(offered.values()), sum(nights.values())
    rows.append(
        [
            "total",
            sum(places.values()),
            total_offered,
            total_nights,
            rate(total_nights, total_offered),
        ]
    )
    labels = {str(hotel.pk): hotel.name for hotel in hotels} | {"total": _("All hotels")}
    return _table(
        [
            ("hotel", _("Hotel"), "label"),
            ("places", _("Places"), "number"),
            ("available", _("Place-nights available"), "number"),
            ("nights", _("Nights"), "number"),
            ("occupancy", _("Occupancy rate"), "share"),
        ],
        rows,
        labels,
    )


def occupancy_by_month(start: datetime.date, end: datetime.date) -> Table:
    """Nights, place-nights available and occupancy rate (as `occupancy.occupancy_rate`
    defines it) per month."""
    by_month = occupancy.nights_and_available_by_month(start, end)
    rows = []
    for month in _months(start, end):
        nights, available = by_month[month]
        rows.append(
            [month.isoformat(), nights, available, nights / available if available > 0 else None]
        )
    return _table(
        [
            ("month", _("Month"), "month"),
            ("nights", _("Nights"), "number"),
            ("available", _("Place-nights available"), "number"),
            ("occupancy", _("Occupancy rate"), "share"),
        ],
        rows,
    )


def nights_by_hotel_and_month(start: datetime.date, end: datetime.date) -> Table:
    """Billable nights per month (rows) and hotel (columns)."""
    nights = occupancy.nights_by_hotel_and_month(start, end)
    hotels = list(
        Hotel.objects.filter(pk__in={hotel_id for hotel_id, _month in nights}).order_by(
            "arrondissement", "name"
        )
    )
    rows = [
        [
            month.isoformat(),
            *(nights.get((hotel.pk, month), 0) for hotel in hotels),
            sum(nights.get((hotel.pk, month), 0) for hotel in hotels),
        ]
        for month in _months(start, end)
    ]
    return _table(
        [
            ("month", _("Month"), "month"),
            *((f"hotel_{hotel.pk}", hotel.name, "number") for hotel in hotels),
            ("total", _("Total"), "number"),
        ],
        rows,
    )


def entries(start: datetime.date, end: datetime.date) -> Table:
    """Entries into the programme (transfers excluded) by the structure that referred them."""
    counts: Counter = Counter(
        structure or UNKNOWN
        for structure in Placement.objects.entries()
        .filter(_in_period("start", start, end))
        .values_list("admission__referring_structure", flat=True)
    )
    rows = [[value, counts[value]] for value in ReferringStructure.values if counts[value]]
    if counts[UNKNOWN]:
        rows.append([UNKNOWN, counts[UNKNOWN]])
    rows.append(["total", sum(counts.values())])
    labels = _choice_labels(ReferringStructure) | {
        UNKNOWN: _("No admission request recorded"),
        "total": _("All entries"),
    }
    return _table(
        [("structure", _("Referring structure"), "label"), ("entries", _("Entries"), "count")],
        rows,
        labels,
    )


def exits_by_destination(start: datetime.date, end: datetime.date) -> Table:
    """Departures from the programme (transfers excluded) by destination."""
    exits = occupancy.exits_by_destination(start, end)
    rows = [[value, exits[value]] for value in ExitDestination.values if exits.get(value)]
    return _table(
        [("destination", _("Destination"), "label"), ("exits", _("Exits"), "count")],
        rows,
        _choice_labels(ExitDestination),
    )


def exits_by_reason(start: datetime.date, end: datetime.date) -> Table:
    """The same departures by why the stay ended (an exclusion, a voluntary departure…),
    apart from where the person went: the totals of both tables are the same."""
    exits = occupancy.exits_by_reason(start, end)
    rows = [[value, exits[value]] for value in ExitReason.values if exits.get(value)]
    return _table(
        [("reason", _("Reason"), "label"), ("exits", _("Exits"), "count")],
        rows,
        _choice_labels(ExitReason),
    )


def stays(start: datetime.date, end: datetime.date) -> Table:
    """Exits, share to mainstream housing, and length of stay of the people who left."""
    exits = occupancy.exits_by_destination(start, end)
    length = occupancy.length_of_stay(start, end)
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["exits", sum(exits.values())],
            ["mainstream_share", occupancy.mainstream_housing_share(start, end)],
            ["mean_length", length.mean],
            ["median_length", length.median],
        ],
        {
            "exits": _("Exits"),
            "mainstream_share": _("Share of exits to mainstream housing"),
            "mean_length": _("Mean length of stay"),
            "median_length": _("Median length of stay"),
        },
        {
            "exits": "count",
            "mainstream_share": "share",
            "mean_length": "days",
            "median_length": "days",
        },
    )


def waiting_list(start: datetime.date, end: datetime.date) -> Table:
    """Admission requests received in the period; requests still waiting on the last day of the
    period (received before its end, not decided before its end); waiting time from request to
    entry for the entries of the period."""
    received = AdmissionRequest.objects.filter(_in_period("received_on", start, end)).count()
    waiting = (
        AdmissionRequest.objects.filter(received_on__lt=end)
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gte=end))
        .exclude(Q(decided_on__isnull=True) & ~Q(status="waiting"))
        .count()
    )
    wait = occupancy.waiting_time(start, end)
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["received", received],
            ["waiting_at_end", waiting],
            ["mean_wait", wait.mean],
            ["median_wait", wait.median],
        ],
        {
            "received": _("Admission requests received"),
            "waiting_at_end": _("Requests waiting at the end of the period"),
            "mean_wait": _("Mean waiting time (request to entry)"),
            "median_wait": _("Median waiting time (request to entry)"),
        },
        {
            "received": "count",
            "waiting_at_end": "count",
            "mean_wait": "days",
            "median_wait": "days",
        },
    )


def incidents(start: datetime.date, end: datetime.date) -> Table:
    """Incidents at the hotels by kind, and exits by exclusion."""
    counts = dict(
        Incident.objects.filter(_in_period("occurred_on", start, end))
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [[kind, counts[kind]] for kind in IncidentKind.values if counts.get(kind)]
    rows.append(["exclusions", occupancy.exits_by_reason(start, end).get(ExitReason.EXCLUSION, 0)])
    labels = _choice_labels(IncidentKind) | {"exclusions": _("Exits by exclusion")}
    return _table([("kind", _("Incident"), "label"), ("count", _("Count"), "count")], rows, labels)


def vouchers(start: datetime.date, end: datetime.date) -> Table:
    """Weekly meal vouchers handed out (harmreduction.figures.voucher_totals)."""
    figures = hr_figures.voucher_totals(start, end, per="year")
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["people", figures.people],
            ["weeks_given", figures.weeks_given_total],
            ["vouchers", figures.vouchers_total],
            ["value", figures.value_cents_total],
            ["weeks_not_given", figures.weeks_not_given],
        ],
        {
            "people": _("People who received vouchers"),
            "weeks_given": _("Weeks of vouchers given"),
            "vouchers": _("Vouchers given"),
            "value": _("Value of the vouchers given"),
            "weeks_not_given": _("Weeks not given (absence, hospital…)"),
        },
        {
            "people": "number",
            "weeks_given": "number",
            "vouchers": "number",
            "value": "euros",
            "weeks_not_given": "number",
        },
    )


# --- More figures of the operator's report (issue 17) ---------------------------------------------


def people_housed(start: datetime.date, end: datetime.date) -> Table:
    """People housed on the night of the period's first day and of its last day, and the mean
    number of places occupied per night (billable nights ÷ nights of the period)."""
    last = end - DAY
    housed = occupancy.people_housed_on(start, last)
    nights = sum(occupancy.nights_by_place(start, end).values())
    days = (end - start).days
    return _table(
        [("indicator", _("Indicator"), "label"), ("value", _("Value"), "mixed")],
        [
            ["first_night", housed[start]],
            ["last_night", housed[last]],
            ["mean_occupied", round(nights / days, 1) if days > 0 else None],
        ],
        {
            "first_night": _("People housed on the night of the period's first day"),
            "last_night": _("People housed on the night of the period's last day"),
            "mean_occupied": _("Mean places occupied per night"),
        },
        {"first_night": "count", "last_night": "count", "mean_occupied": "decimal"},
    )


def absence_nights(start: datetime.date, end: datetime.date) -> Table:
    """Nights of absence by reason: place held (still billed) or released (not billed)."""
    nights = occupancy.absence_nights(start, end)
    rows = []
    for reason in AbsenceReason.values:
        held, released = nights.get((reason, False), 0), nights.get((reason, True), 0)
        if held or released:
            rows.append([reason, held, released, held + released])
    rows.append(["total", *(sum(row[j] for row in rows) for j in (1, 2, 3))])
    return _table(
        [
            ("reason", _("Reason"), "label"),
            ("held", _("Nights with the place held"), "number"),
            ("released", _("Nights with the place released"), "number"),
            ("total", _("Nights of absence"), "number"),
        ],
        rows,
        _choice_labels(AbsenceReason) | {"total": _("All absences")},
    )


def _hotels(ids) -> list[Hotel]:
    return list(Hotel.objects.filter(pk__in=set(ids)).order_by("arrondissement", "name"))


def out_of_service_by_hotel(start: datetime.date, end: datetime.date) -> Table:
    """Per hotel: places out of service at least one night, and place-nights out of service
    while the hotel was part of the scheme (an occupied night is not out of service)."""
    by_place = occupancy.out_of_service_nights_in_scheme_by_place(start, end)
    hotel_of = dict(Place.objects.filter(pk__in=by_place).values_list("pk", "hotel_id"))
    places: Counter = Counter()
    nights: Counter = Counter()
    for place_id, count in by_place.items():
        places[hotel_of[place_id]] += 1
        nights[hotel_of[place_id]] += count
    hotels = _hotels(nights)
    rows = [[str(hotel.pk), places[hotel.pk], nights[hotel.pk]] for hotel in hotels]
    rows.append(["total", sum(places.values()), sum(nights.values())])
    return _table(
        [
            ("hotel", _("Hotel"), "label"),
            ("places", _("Places out of service at least one night"), "number"),
            ("nights", _("Place-nights out of service"), "number"),
        ],
        rows,
        {str(hotel.pk): hotel.name for hotel in hotels} | {"total": _("All hotels")},
    )


def _transfers(start: datetime.date, end: datetime.date) -> list:
    return _once(("transfers", start, end), lambda: occupancy.transfers(start, end))


def flows_by_month(start: datetime.date, end: datetime.date) -> Table:
    """Entries into the programme, transfers and exits from it, per month (their totals are the
    total row of `flows_by_hotel`)."""
    entries_in = occupancy.entries_by_month(start, end)
    exits_out = occupancy.exits_by_month(start, end)
    moves: Counter = Counter(transfer.on.replace(day=1) for transfer in _transfers(start, end))
    rows = [
        [month.isoformat(), entries_in.get(month, 0), moves[month], exits_out.get(month, 0)]
        for month in _months(start, end)
    ]
    return _table(
        [
            ("month", _("Month"), "month"),
            ("entries", _("Entries"), "count"),
            ("transfers", _("Transfers"), "count"),
            ("exits", _("Exits"), "count"),
        ],
        rows,
    )


def flows_by_hotel(start: datetime.date, end: datetime.date) -> Table:
    """Per hotel: entries (the hotel of arrival), transfers in and out (a move inside a hotel
    counts as both), and exits (the hotel left)."""
    entered = occupancy.entries_by_place(start, end)
    left = occupancy.exits_by_place(start, end)
    hotel_of = dict(Place.objects.filter(pk__in={*entered, *left}).values_list("pk", "hotel_id"))
    counts: dict[int, Counter] = defaultdict(Counter)
    for place_id, count in entered.items():
        counts[hotel_of[place_id]]["entries"] += count
    for place_id, count in left.items():
        counts[hotel_of[place_id]]["exits"] += count
    for transfer in _transfers(start, end):
        counts[transfer.from_hotel]["transfers_out"] += 1
        if transfer.to_hotel is not None:
            counts[transfer.to_hotel]["transfers_in"] += 1
    columns = ["entries", "transfers_in", "transfers_out", "exits"]
    hotels = _hotels(counts)
    rows = [[str(hotel.pk), *(counts[hotel.pk][column] for column in columns)] for hotel in hotels]
    rows.append(["total", *(sum(row[j] for row in rows) for j in range(1, len(columns) + 1))])
    return _table(
        [
            ("hotel", _("Hotel"), "label"),
            ("entries", _("Entries"), "count"),
            ("transfers_in", _("Transfers in"), "count"),
            ("transfers_out", _("Transfers out"), "count"),
            ("exits", _("Exits"), "count"),
        ],
        rows,
        {str(hotel.pk): hotel.name for hotel in hotels} | {"total": _("All hotels")},
    )


def transfers(start: datetime.date, end: datetime.date) -> Table:
    """Transfers by reason, between two hotels or inside one."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for transfer in _transfers(start, end):
        inside = transfer.to_hotel == transfer.from_hotel
        counts[transfer.reason or TransferReason.NOT_RECORDED][
            "within" if inside else "between"
        ] += 1
    rows = [
        [reason, counts[reason]["between"], counts[reason]["within"], counts[reason].total()]
        for reason in TransferReason.values
        if counts[reason]
    ]
    rows.append(["total", *(sum(row[j] for row in rows) for j in (1, 2, 3))])
    return _table(
        [
            ("reason", _("Reason"), "label"),
            ("between", _("To another hotel"), "count"),
            ("within", _("Inside the same hotel"), "count"),
            ("total", _("Transfers"), "count"),
        ],
        rows,
        _choice_labels(TransferReason) | {"total": _("All transfers")},
    )


def waiting_list_outcomes(start: datetime.date, end: datetime.date) -> Table:
    """The admission requests on the waiting list at some time in the period (waiting on its
    first day or received in it), by what became of them by its end: decided in the period
    (admitted, refused, lost contact), or still waiting on its last day."""
    requests = AdmissionRequest.objects.filter(received_on__lt=end).filter(
        Q(decided_on__isnull=True) | Q(decided_on__gte=start)
    )
    counts = dict(
        requests.annotate(
            outcome=Case(
                When(decided_on__lt=end, then="status"),
                default=Value(AdmissionStatus.WAITING),
            )
        )
        .values_list("outcome")
        .annotate(count=Count("pk"))
        .order_by()
    )
    outcomes = [
        AdmissionStatus.ADMITTED,
        AdmissionStatus.REFUSED,
        AdmissionStatus.LOST,
        AdmissionStatus.WAITING,
    ]
    rows = [[outcome.value, counts.get(outcome, 0)] for outcome in outcomes]
    rows.append(["total", sum(row[1] for row in rows)])
    labels = _choice_labels(AdmissionStatus) | {
        AdmissionStatus.WAITING.value: _("Still waiting at the end of the period"),
        "total": _("Requests on the waiting list in the period"),
    }
    return _table(
        [("outcome", _("Outcome"), "label"), ("requests", _("Requests"), "count")], rows, labels
    )


# (code, fewest days, most days): the bands of `length_of_stay_bands`.
LENGTH_OF_STAY_BANDS = [
    ("-29", None, 29),
    ("30-89", 30, 89),
    ("90-179", 90, 179),
    ("180-364", 180, 364),
    ("365-729", 365, 729),
    ("730-", 730, None),
]


def length_of_stay_bands(start: datetime.date, end: datetime.date) -> Table:
    """The exits of the period by length of stay (from the first entry to the final exit, as
    the mean and median of `stays`), in bands of days."""
    counts: Counter = Counter()
    for days in occupancy.lengths_of_stay(start, end):
        for code, low, high in LENGTH_OF_STAY_BANDS:
            if (low is None or days >= low) and (high is None or days <= high):
                counts[code] += 1
                break

    def label(low: int | None, high: int | None) -> str:
        if low is None:
            return _("Less than %(days)s days") % {"days": high + 1}
        if high is None:
            return _("%(days)s days or more") % {"days": low}
        return _("%(low)s to %(high)s days") % {"low": low, "high": high}

    return _table(
        [("band", _("Length of stay"), "label"), ("exits", _("Exits"), "count")],
        [[code, counts[code]] for code, _low, _high in LENGTH_OF_STAY_BANDS],
        {code: label(low, high) for code, low, high in LENGTH_OF_STAY_BANDS},
    )


def incidents_by_hotel(start: datetime.date, end: datetime.date) -> Table:
    """Incidents of the period per hotel (by kind: the `incidents` table)."""
    counts = dict(
        Incident.objects.filter(_in_period("occurred_on", start, end))
        .values_list("hotel_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    hotels = _hotels(counts)
    rows = [[str(hotel.pk), counts[hotel.pk]] for hotel in hotels]
    rows.append(["total", sum(counts.values())])
    return _table(
        [("hotel", _("Hotel"), "label"), ("incidents", _("Incidents"), "count")],
        rows,
        {str(hotel.pk): hotel.name for hotel in hotels} | {"total": _("All hotels")},
    )


def voucher_weeks(start: datetime.date, end: datetime.date) -> Table:
    """Weeks of vouchers due (harmreduction.figures.voucher_weeks): given, not given by reason,
    not recorded."""
    weeks = hr_figures.voucher_weeks(start, end)
    rows = [
        ["due", weeks.due],
        ["given", weeks.given],
        *(
            [f"not_given_{reason}", weeks.not_given_by_reason.get(reason, 0)]
            for reason in MissedReason.values
        ),
        ["not_recorded", weeks.not_recorded],
        ["share_given", weeks.given / weeks.due if weeks.due else None],
    ]
    labels = {
        "due": _("Weeks due (people housed during the week)"),
        "given": _("Weeks given"),
        "not_recorded": _("Weeks not recorded"),
        "share_given": _("Share of the weeks due that were given"),
    } | {
        f"not_given_{value}": _("Not given: %(reason)s") % {"reason": label}
        for value, label in MissedReason.choices
    }
    kinds = {code: "number" for code, _value in rows} | {"share_given": "share"}
    return _table(
        [("indicator", _("Indicator"), "label"), ("weeks", _("Weeks"), "mixed")],
        rows,
        labels,
        kinds,
    )


# --- The two reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    title: object
    # None: the figure is made from the other tables (the summary), not from the database.
    function: Callable[[datetime.date, datetime.date], Table | None] | None
    # Tables about people, where a count of 1 to 4 could single someone out.
    small_counts_hidden: bool = True
    chart: str = ""  # "bars" (first count column per row) or "months" (one series per column)


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    method: object
    figures: list[Figure] = field(default_factory=list)


ARS_SECTIONS = [
    Section(
        "activity",
        gettext_lazy("File active and new people"),
        gettext_lazy(
            "File active: distinct people with at least one contact in the period (a stay "
            "overlapping it, a home visit done, material or vouchers handed out, a note, a "
            "referral, an assessment). New people: people of the file active whose first stay "
            "began in the period."
        ),
        [Figure("activity", gettext_lazy("File active"), activity)],
    ),
    Section(
        "contacts",
        gettext_lazy("Contacts and where they took place"),
        gettext_lazy(
            "A contact is a person met on a day at a place. The place is not recorded as such: "
            "it is derived from what was recorded. A home visit done is a contact in the hotel; "
            "material, advice or vouchers given count where the worker recorded them (during a "
            "home visit: in the hotel; at the office); an accompaniment by a worker to an "
            "appointment that took place is a contact elsewhere. Several records of one person "
            "on one day at one place are one contact. Anonymous handouts and advice count one "
            "contact each, and no person met. People met: distinct people of the file active; "
            "a person met in several places counts once in the last row."
        ),
        [Figure("contacts", gettext_lazy("Contacts by place"), contacts)],
    ),
    Section(
        "profile",
        gettext_lazy("Sex and age"),
        gettext_lazy(
            "People of the file active by gender as recorded, and by age reached during the "
            "year the period starts in (that year minus the year of birth). Mean and median "
            "age: over the people whose year of birth is known; the median of an even number "
            "of people is the mean of the two middle ages."
        ),
        [
            Figure("sex", gettext_lazy("Gender"), sex),
            Figure("age", gettext_lazy("Age bands"), age),
            Figure("sex_and_age", gettext_lazy("Gender and age band"), sex_and_age),
            Figure("age_summary", gettext_lazy("Mean and median age"), age_summary),
        ],
    ),
    Section(
        "situation",
        gettext_lazy("Situation at entry"),
        gettext_lazy(
            "For each person of the file active, the situation assessment closest to their "
            "first entry (or to the opening of their case file when not housed by the end of "
            "the period), among those dated before the end of the period: what happens after it "
            "does not change the report. A person may have several incomes."
        ),
        [
            Figure("housing_at_entry", gettext_lazy("Housing before entry"), housing_at_entry),
            Figure("income_at_entry", gettext_lazy("Income at entry"), income_at_entry),
            Figure(
                "health_cover_at_entry",
                gettext_lazy("Health cover at entry"),
                health_cover_at_entry,
            ),
        ],
    ),
    Section(
        "consumption",
        gettext_lazy("Products used and consumption outcomes"),
        gettext_lazy(
            "Products: from each person's last consumption assessment up to the end of the "
            "period, products used in the last 30 days and their main route; a prescribed "
            "substitution treatment is not counted as use. Outcomes: for the people housed in "
            "the period, the first and last consumption assessments in the period are compared "
            "(sum of the 0–4 frequency levels over the products recorded at both); shares are "
            "among the people assessed twice."
        ),
        [
            Figure("products", gettext_lazy("Products used and routes"), products),
            Figure(
                "consumption_outcomes", gettext_lazy("Consumption outcomes"), consumption_outcomes
            ),
        ],
    ),
    Section(
        "visits",
        gettext_lazy("Home visits"),
        gettext_lazy(
            "Visits planned by the roster (called-off and unplanned visits excluded) against "
            "visits done (unplanned ones included), by month of the planned date. The share of "
            "weeks with two visits counts the weeks (Monday to Sunday) each person was housed "
            "every night, across their stays (a week with a transfer counts)."
        ),
        [
            Figure(
                "visits_by_month",
                gettext_lazy("Visits planned and done"),
                visits_by_month,
                small_counts_hidden=False,
                chart="months",
            ),
            Figure(
                "two_visits_a_week",
                gettext_lazy("Two visits a week"),
                two_visits_a_week,
                small_counts_hidden=False,
            ),
        ],
    ),
    Section(
        "harm_reduction",
        gettext_lazy("Harm reduction"),
        gettext_lazy(
            "Units of material handed out by category and item of the catalogue (naloxone kits "
            "and sharps boxes included), used material collected back, naloxone kits with the "
            "training given, overdoses reported, and samples collected and sent for analysis."
        ),
        [
            Figure(
                "material_by_category",
                gettext_lazy("Material by category"),
                material_by_category,
                small_counts_hidden=False,
                chart="bars",
            ),
            Figure(
                "material_by_item",
                gettext_lazy("Material by item"),
                material_by_item,
                small_counts_hidden=False,
            ),
            Figure(
                "harm_reduction_activity",
                gettext_lazy("Collection, naloxone, overdoses and drug checking"),
                harm_reduction_activity,
            ),
        ],
    ),
    Section(
        "harm_reduction_people",
        gettext_lazy("Handouts, advice, drug checking and collection per hotel"),
        gettext_lazy(
            "Handouts: one person served at one moment, whatever the number of items; people "
            "who received material are the distinct people followed among them (anonymous "
            "handouts name nobody). Advice sessions by topic and where they were held (a session "
            "on several topics counts under each, and once in the total). Drug "
            "checking: the results received in the period and, among them, those given back "
            "to the person before its end; apart, the results given back in the period "
            "whenever they came. Used material collected by hotel, in units (never hidden)."
        ),
        [
            Figure(
                "material_recipients",
                gettext_lazy("People who received material and handouts"),
                material_recipients,
            ),
            Figure("advice_by_topic", gettext_lazy("Advice sessions by topic"), advice_by_topic),
            Figure(
                "drug_checking_results",
                gettext_lazy("Drug-checking results given back"),
                drug_checking_results,
            ),
            Figure(
                "collections_by_hotel",
                gettext_lazy("Used material collected per hotel"),
                collections_by_hotel,
                small_counts_hidden=False,
            ),
        ],
    ),
    Section(
        "support",
        gettext_lazy("Referrals and social steps"),
        gettext_lazy(
            "Referrals by service and outcome, dated by their appointment (or by the day they "
            "were recorded when there is none). Steps: those closed as obtained in the period, "
            "by domain."
        ),
        [
            Figure("referrals", gettext_lazy("Referrals by service and outcome"), referrals),
            Figure("steps_obtained", gettext_lazy("Steps obtained by domain"), steps_obtained),
        ],
    ),
    Section(
        "support_detail",
        gettext_lazy("Referrals medical and social, steps by status"),
        gettext_lazy(
            "The same referrals, medical or social as their author classed them (a referral "
            "to a care service is medical unless its author says otherwise), and accompanied "
            "by a worker or not. Steps worked on in the period, by kind, with their status at "
            "its end: closed in the period (obtained, rejected, abandoned), or still open at "
            "its end (created before it, closed after it or not yet). Steps closed before the "
            "period are not counted."
        ),
        [
            Figure(
                "referral_kinds",
                gettext_lazy("Referrals medical and social, accompanied or not"),
                referral_kinds,
            ),
            Figure(
                "steps_by_kind_and_status",
                gettext_lazy("Steps by kind and status"),
                steps_by_kind_and_status,
            ),
        ],
    ),
    Section(
        "deaths",
        gettext_lazy("Deaths"),
        gettext_lazy(
            "Known deaths in the period of people of the file active, by source: a stay ended by "
            "a death (its destination or its reason), an overdose recorded as died. A person "
            "found in both sources is counted once among the people who died. Overdose deaths "
            "of people not identified appear in the overdoses only."
        ),
        [Figure("deaths", gettext_lazy("Deaths"), deaths)],
    ),
]

OPERATOR_SECTIONS = [
    Section(
        "places",
        gettext_lazy("Places, nights and occupancy"),
        gettext_lazy(
            "A night belongs to the day it starts; nights released during an absence are not "
            "billed. Occupancy rate = billable nights ÷ place-nights available: the nights each "
            "place's hotel was part of the scheme (from its date of joining to its date of "
            "leaving), minus out-of-service nights, plus any night someone slept there. People "
            "housed on the night of the first and of the last day of the period: a stay covers "
            "that night (an absence included). Mean places occupied per night = billable nights "
            "÷ nights of the period. Out of service: the nights an outage covers a place and no "
            "stay does (a night someone slept there counts as occupied), while its hotel was "
            "part of the scheme. Absences: their nights in the period, each absence cut to its "
            "stay, with the place held (billed) or released (not billed)."
        ),
        [
            Figure(
                "places_and_hotels",
                gettext_lazy("Places and hotels"),
                places_and_hotels,
                small_counts_hidden=False,
                chart="bars",
            ),
            Figure(
                "people_housed",
                gettext_lazy("People housed and places occupied"),
                people_housed,
            ),
            Figure(
                "occupancy_by_month",
                gettext_lazy("Occupancy by month"),
                occupancy_by_month,
                small_counts_hidden=False,
                chart="occupancy",
            ),
            Figure(
                "nights_by_hotel_and_month",
                gettext_lazy("Nights per hotel and month"),
                nights_by_hotel_and_month,
                small_counts_hidden=False,
            ),
            Figure(
                "out_of_service_by_hotel",
                gettext_lazy("Out of service per hotel"),
                out_of_service_by_hotel,
                small_counts_hidden=False,
            ),
            Figure(
                "absence_nights",
                gettext_lazy("Nights of absence"),
                absence_nights,
                small_counts_hidden=False,
            ),
        ],
    ),
    Section(
        "entries",
        gettext_lazy("Entries and waiting list"),
        gettext_lazy(
            "Entries: first stays of the period (a transfer is not an entry), by the structure "
            "of the admission request. Waiting time: days from the request to the entry. "
            "Outcomes: the requests on the waiting list at some time in the period (waiting on "
            "its first day or received in it), by their decision in the period (admitted, "
            "refused, lost contact) or still waiting on its last day (a decision taken after "
            "the period counts as waiting)."
        ),
        [
            Figure("entries", gettext_lazy("Entries by referring structure"), entries),
            Figure(
                "waiting_list",
                gettext_lazy("Waiting list"),
                waiting_list,
            ),
            Figure(
                "waiting_list_outcomes",
                gettext_lazy("Outcomes of the waiting list"),
                waiting_list_outcomes,
            ),
        ],
    ),
    Section(
        "flows",
        gettext_lazy("Entries, transfers and exits by month and hotel"),
        gettext_lazy(
            "An entry is a first stay (transfers excluded), dated by its first night; an exit "
            "is a departure from the programme (transfers excluded), dated by the day the "
            "person left; a transfer is a move from one place to another, dated by the day of "
            "the move. Per hotel: the hotel of arrival, the hotel left, and for a transfer the "
            "hotel left (out) and the hotel of arrival (in): a move inside a hotel counts as "
            "both."
        ),
        [
            Figure(
                "flows_by_month",
                gettext_lazy("Entries, transfers and exits by month"),
                flows_by_month,
                chart="months",
            ),
            Figure(
                "flows_by_hotel",
                gettext_lazy("Entries, transfers and exits by hotel"),
                flows_by_hotel,
            ),
            Figure("transfers", gettext_lazy("Transfers by reason"), transfers),
        ],
    ),
    Section(
        "exits",
        gettext_lazy("Exits and length of stay"),
        gettext_lazy(
            "Departures from the programme in the period (transfers excluded) by destination, "
            "and apart by reason (exclusion, voluntary departure…). "
            "Mainstream housing: social, private or intermediate housing. Length of stay: from "
            "the first entry to the final exit, transfers included; the bands count the same "
            "exits in days."
        ),
        [
            Figure(
                "exits_by_destination",
                gettext_lazy("Exits by destination"),
                exits_by_destination,
                chart="bars",
            ),
            Figure("exits_by_reason", gettext_lazy("Exits by reason"), exits_by_reason),
            Figure("stays", gettext_lazy("Length of stay"), stays),
            Figure(
                "length_of_stay_bands",
                gettext_lazy("Exits by length of stay"),
                length_of_stay_bands,
            ),
        ],
    ),
    Section(
        "incidents",
        gettext_lazy("Incidents and exclusions"),
        gettext_lazy(
            "Incidents recorded at the hotels by kind, and exits by exclusion; the same "
            "incidents per hotel, dated by the day they occurred."
        ),
        [
            Figure("incidents", gettext_lazy("Incidents and exclusions"), incidents),
            Figure("incidents_by_hotel", gettext_lazy("Incidents per hotel"), incidents_by_hotel),
        ],
    ),
    Section(
        "vouchers",
        gettext_lazy("Meal vouchers"),
        gettext_lazy(
            "Weekly vouchers handed out in the period, counted on the day they were given, at "
            "the value of that day; weeks not given are counted by the week they were due. "
            "Weeks due: one per person and week (Monday in the period) the person was housed "
            "at least one night of, each given, not given with its reason, or not recorded, as "
            "the week's sheet last says (a week caught up later counts as given)."
        ),
        [
            Figure("vouchers", gettext_lazy("Vouchers given"), vouchers, small_counts_hidden=False),
            Figure(
                "voucher_weeks",
                gettext_lazy("Weeks of vouchers due and given"),
                voucher_weeks,
                small_counts_hidden=False,
            ),
        ],
    ),
]


# Made from the other tables (reports.comparison), not computed from the database.
SUMMARY = Section(
    "summary",
    gettext_lazy("At a glance"),
    gettext_lazy(
        "Key figures of the period beside the same period a year earlier, taken from the tables "
        "of this report and computed the same way. Change: relative for counts, nights and "
        "amounts; in points for a rate. Every table of counts also shows the previous year's "
        "values in its last columns; small counts are hidden year by year."
    ),
    [Figure("summary", gettext_lazy("Key figures"), None)],
)

SECTIONS = {"ars": [SUMMARY, *ARS_SECTIONS], "operator": [SUMMARY, *OPERATOR_SECTIONS]}


def compute(audience: str, start: datetime.date, end: datetime.date) -> dict[str, Table | None]:
    """Every figure of one report, by key: the data `Report.figures` stores."""
    token = _compute_cache.set({})
    try:
        return {
            figure.key: figure.function(start, end)
            for section in SECTIONS[audience]
            for figure in section.figures
            if figure.function is not None
        }
    finally:
        _compute_cache.reset(token)
