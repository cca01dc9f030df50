"""Fictional rosters and logged visits for the demo and the benchmarks (after the stays).

The team's availability (days worked, a few leave periods), then the visits of every week of the
demo period as the roster would have planned them (`visits.roster.plan_week`, fed from memory:
no query per week), logged for the past days — most made, some not — and planned from today on.
Deterministic for a seed; idempotent: with visits already present it adds nothing.
"""

import datetime
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.roles import Role
from placements.models import Absence, Placement
from visits.models import (
    MET,
    FollowUpReason,
    Leave,
    LeaveReason,
    Outcome,
    StaffAvailability,
    Visit,
    VisitMedicalNote,
    VisitStatus,
)
from visits.roster import RosterInput, StayRow, plan_week, week_start

DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY
HISTORY_WEEKS = {"demo": 104, "assore": 13}  # two years; a quarter of the whole scheme
# The programme's team has four social workers; the accounts seeder makes one ("travailleur").
MORE_SOCIAL_WORKERS = [
    ("travailleuse2", "Inès", "Carpentier"),
    ("travailleur3", "Yanis", "Ferrand"),
    ("travailleuse4", "Maëlle", "Garnier"),
]
PARTNER_WORKERS = {"demo": 0, "assore": 24}  # the scheme's other teams, at the assore scale
WEEKDAYS = {
    "travailleur": [0, 1, 2, 3, 4],
    "travailleuse2": [0, 1, 2, 3, 4],
    "travailleur3": [0, 1, 2, 3],  # part time
    "travailleuse4": [1, 2, 3, 4, 5],  # covers Saturdays
    "infirmier": [0, 1, 3, 4],
    "psychiatre": [2],
}
OUTCOME_WEIGHTS = [
    (Outcome.SEEN, 82),
    (Outcome.ABSENT, 9),
    (Outcome.REFUSED, 4),
    (Outcome.EMPTY_ROOM, 2),
    (Outcome.HOSPITALISED, 2),
    (Outcome.OTHER, 1),
]
NOT_MADE_SHARE = 0.05
OBSERVATION_SHARE = 0.35
FOLLOW_UP_SHARE = 0.03
UNPLANNED_PER_WEEK = {"demo": 3, "assore": 12}
NOT_SEEN_LATELY = 3  # people the demo shows on the "not seen for 7 days" card
HEALTH = [
    "Tousse beaucoup, conseillé de consulter au CASO.",
    "Plaie à la main, pansement refait.",
    "Dit bien dormir depuis quelques jours.",
    "Fatigue importante, peu mangé.",
    "A pris son traitement de substitution.",
]
ROOM = [
    "Chambre rangée, linge changé.",
    "Chambre encombrée, aide au rangement proposée.",
    "Rappel du règlement sur les visites la nuit.",
    "Fenêtre cassée signalée à l'hôtel.",
]
CONSUMPTION = [
    "Dit avoir réduit le crack cette semaine.",
    "Consommation importante hier soir.",
    "Pas de consommation depuis trois jours selon la personne.",
    "Demande des pipes et des embouts.",
]
NEEDS = [
    "Demande un accompagnement à la CPAM.",
    "Souhaite parler de son dossier SIAO.",
    "Besoin de vêtements chauds.",
    "Rendez-vous à prendre chez le dentiste.",
]
FOLLOW_UP_NOTES = {
    FollowUpReason.MEDICAL: "Plaie infectée à surveiller.",
    FollowUpReason.PSYCHIATRIC: "Propos inquiétants, angoisse forte.",
    FollowUpReason.SOCIAL: "Courrier de la CAF à traiter vite.",
    FollowUpReason.HOUSING: "L'hôtel menace de reprendre la chambre.",
    FollowUpReason.OTHER: "À voir en réunion d'équipe.",
}
# What was done about a follow-up, once handled (no random draw: the demo's numbers stay).
FOLLOW_UP_HANDLED = {
    FollowUpReason.MEDICAL: "Vue par l'infirmière le lendemain, pansement refait.",
    FollowUpReason.PSYCHIATRIC: "Entretien avec le psychiatre, rendez-vous CMP pris.",
    FollowUpReason.SOCIAL: "Courrier traité avec elle, dossier CAF complété.",
    FollowUpReason.HOUSING: "Médiation avec le gérant, la chambre est gardée.",
    FollowUpReason.OTHER: "Discuté en réunion d'équipe.",
}


def seed(*, rng, scale: str) -> str:
    if Visit.objects.exists():
        return f"visits already present ({Visit.objects.count()}): nothing added"
    if not Placement.objects.exists():
        return "no stay to visit: run the stays seeder first"
    today = timezone.localdate()
    team = _team(scale)
    _availability(team)
    leaves = _leaves(team, today)

    first_week = week_start(today) - (HISTORY_WEEKS[scale] - 1) * WEEK
    last_week = week_start(today) + WEEK
    stays = [
        StayRow(*row)
        for row in Placement.objects.overlapping(first_week, last_week + WEEK).values_list(
            "pk", "resident_id", "place__hotel_id", "start", "end"
        )
    ]
    absences = defaultdict(list)
    for placement_id, start, end in Absence.objects.filter(
        placement_id__in=[stay.placement_id for stay in stays]
    ).values_list("placement_id", "start", "end"):
        absences[placement_id].append((start, end))
    weekdays = {user.pk: frozenset(WEEKDAYS.get(user.username, [0, 1, 2, 3, 4])) for user in team}

    visits = []
    monday = first_week
    while monday <= last_week:
        week_stays = [
            stay for stay in stays if stay.start < monday + WEEK and (stay.end or monday) >= monday
        ]
        data = RosterInput(
            monday=monday,
            from_day=monday,
            stays=week_stays,
            absences=absences,
            existing=[],
            weekdays=weekdays,
            leaves=leaves,
        )
        planned = plan_week(data).visits
        visits.extend(planned)
        visits.extend(_unplanned(rng, week_stays, monday, today, scale, absences, sorted(weekdays)))
        monday += WEEK

    recent_absentees = _recent_absentees(rng, stays, today, absences)
    for visit in visits:
        visit.created_at = _at(visit.planned_on - 4 * DAY, 14)
        if visit.planned_on < today:
            _log(rng, visit, today, absent=visit.resident_id in recent_absentees)
    Visit.objects.bulk_create(visits, batch_size=2000)
    VisitMedicalNote.objects.bulk_create(
        VisitMedicalNote(
            visit=visit,
            text=visit.demo_medical_note,
            handled_text=FOLLOW_UP_HANDLED[visit.follow_up_reason]
            if visit.follow_up_closed_at
            else "",
            author_id=visit.logged_by_id,
            written_at=visit.logged_at,
        )
        for visit in visits
        if hasattr(visit, "demo_medical_note")
    )
    done = sum(visit.status == VisitStatus.DONE for visit in visits)
    return (
        f"{len(visits)} visits over {HISTORY_WEEKS[scale] + 1} weeks "
        f"({done} made), {len(team)} workers on the roster"
    )


def _team(scale: str) -> list[User]:
    social_worker = Group.objects.get(name=Role.SOCIAL_WORKER.value)
    extra = list(MORE_SOCIAL_WORKERS)
    extra += [
        (f"equipe{n:02d}", "Équipe", f"Partenaire {n:02d}")
        for n in range(1, PARTNER_WORKERS[scale] + 1)
    ]
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher takes a second a call
    for username, first_name, last_name in extra:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@ancrage.invalid",
                "password": password,
            },
        )
        user.groups.add(social_worker)
    usernames = [*WEEKDAYS, *(username for username, *_names in extra)]
    return list(User.objects.filter(username__in=usernames).order_by("username"))


def _availability(team: list[User]) -> None:
    StaffAvailability.objects.bulk_create(
        [
            StaffAvailability(user=user, weekdays=WEEKDAYS.get(user.username, [0, 1, 2, 3, 4]))
            for user in team
        ],
        ignore_conflicts=True,
    )


def _leaves(team: list[User], today: datetime.date) -> dict[int, list[tuple]]:
    """A summer holiday last year, a training day last month, a holiday coming up."""
    by_name = {user.username: user for user in team}
    periods = [
        ("travailleuse2", week_start(today) - 20 * WEEK, 3 * WEEK, LeaveReason.HOLIDAY),
        ("infirmier", week_start(today) - 5 * WEEK + DAY, DAY, LeaveReason.TRAINING),
        ("travailleur", week_start(today) + 3 * WEEK, 2 * WEEK, LeaveReason.HOLIDAY),
        ("travailleur3", week_start(today) - 60 * WEEK, 2 * WEEK, LeaveReason.HOLIDAY),
    ]
    leaves = [
        Leave(user=by_name[name], start=start, end=start + length, reason=reason)
        for name, start, length, reason in periods
        if name in by_name
    ]
    Leave.objects.bulk_create(leaves)
    found = defaultdict(list)
    for leave in leaves:
        found[leave.user_id].append((leave.start, leave.end))
    return dict(found)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _recent_absentees(rng, stays, today, absences) -> set[int]:
    """A few people housed for weeks, and not known to be away, whose visits of the last two
    weeks all found them absent: the dashboard's "not seen for 7 days" card has someone to show."""

    def away_today(stay) -> bool:
        periods = absences.get(stay.placement_id, ())
        return any(start <= today and (end is None or today < end) for start, end in periods)

    long_housed = sorted(
        {
            stay.resident_id
            for stay in stays
            if stay.end is None and stay.start < today - 4 * WEEK and not away_today(stay)
        }
    )
    return set(rng.sample(long_housed, min(NOT_SEEN_LATELY, len(long_housed))))


def _log(rng, visit: Visit, today: datetime.date, *, absent: bool) -> None:
    team = [pk for pk in (visit.worker_id, visit.partner_id) if pk is not None]
    by = rng.choice(team) if team else None
    visit.logged_at = _at(visit.planned_on, rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
    visit.logged_by_id = by
    if absent and visit.planned_on >= today - 2 * WEEK:
        visit.status, visit.outcome = VisitStatus.DONE, Outcome.ABSENT
        return
    if not visit.unplanned and rng.random() < NOT_MADE_SHARE:
        visit.status = VisitStatus.MISSED
        return
    visit.status = VisitStatus.DONE
    outcomes, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    visit.outcome = Outcome.SEEN if visit.unplanned else rng.choices(outcomes, weights)[0]
    if visit.outcome not in MET:
        return
    if rng.random() < OBSERVATION_SHARE:
        visit.health = rng.choice(HEALTH) if rng.random() < 0.5 else ""
        visit.room = rng.choice(ROOM) if rng.random() < 0.5 else ""
        visit.consumption = rng.choice(CONSUMPTION) if rng.random() < 0.4 else ""
        visit.needs = rng.choice(NEEDS) if rng.random() < 0.4 else ""
    if rng.random() < FOLLOW_UP_SHARE:
        visit.follow_up_reason = rng.choice(list(FollowUpReason))
        if visit.has_medical_follow_up:
            visit.demo_medical_note = FOLLOW_UP_NOTES[visit.follow_up_reason]
            visit.follow_up_alert_sent_at = visit.logged_at  # the medical team was e-mailed
        else:
            visit.follow_up_note = FOLLOW_UP_NOTES[visit.follow_up_reason]
        if visit.planned_on < today - 10 * DAY:
            visit.follow_up_closed_at = visit.logged_at + rng.randint(1, 6) * DAY
            visit.follow_up_closed_by_id = by
            if not visit.has_medical_follow_up:
                visit.follow_up_handled_note = FOLLOW_UP_HANDLED[visit.follow_up_reason]


def _unplanned(rng, stays, monday, today, scale, absences, workers) -> list[Visit]:
    """A few visits off the roster each week: met in the corridor, called by the hotel."""
    visits = []
    for _n in range(UNPLANNED_PER_WEEK[scale]):
        if not stays:
            break
        day = monday + rng.randint(0, 4) * DAY
        if day >= today:
            continue
        stay = rng.choice(stays)
        away = absences.get(stay.placement_id, ())
        if not stay.covers(day) or any(s <= day and (e is None or day < e) for s, e in away):
            continue
        visits.append(
            Visit(
                resident_id=stay.resident_id,
                placement_id=stay.placement_id,
                hotel_id=stay.hotel_id,
                planned_on=day,
                unplanned=True,
                worker_id=rng.choice(workers),
            )
        )
    return visits
