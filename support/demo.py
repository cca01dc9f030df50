"""Fictional notes, steps, referrals and consumption reassessments for the people housed in the
demo (after `placements.demo.seed_stays`).

Everything happens during each person's time in the programme (their stays, transfers
included): notes every few weeks, steps started after entry and closed or still open, referrals
with their outcome (a few still to come, so dashboards show some), a consumption reassessment
every three months while housed (a few are overdue) and at most exits. Deterministic for a seed;
idempotent: nothing is added if notes already exist.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from placements.models import ExitDestination, Placement
from residents.models import (
    AssessmentContext,
    ConsumptionAssessment,
    ConsumptionLine,
    Frequency,
    Product,
    Resident,
)
from support.models import (
    MEDICAL_SERVICES,
    OPEN_STEP,
    MedicalNoteText,
    Note,
    NoteKind,
    Referral,
    ReferralOutcome,
    ReferralService,
    Step,
    StepKind,
    StepStatus,
)

# Days between two notes of each kind while a person is housed, and the most per person.
NOTE_RHYTHM = {NoteKind.SOCIAL: (21, 12), NoteKind.NURSING: (45, 6), NoteKind.PSYCHIATRIC: (60, 4)}
# The whole scheme's 1800 files get half as many notes each: the data stay realistic, and seeding
# (a history trigger per row) stays within a couple of minutes.
NOTE_SHARE = {"demo": 1.0, "assore": 0.5}
AUTHORS = {
    NoteKind.SOCIAL: ["travailleur", "travailleur", "coordination", "infirmier"],
    NoteKind.NURSING: ["infirmier"],
    NoteKind.PSYCHIATRIC: ["psychiatre"],
}
SOCIAL_TEXTS = [
    "Visite à l'hôtel : chambre rangée, la personne dit mieux dormir depuis son arrivée.",
    "Accompagnement à la CPAM pour le dossier de couverture santé, pièces manquantes notées.",
    "Échange avec le gérant de l'hôtel : pas de problème signalé cette semaine.",
    "Point sur le budget : les tickets service sont utilisés, demande d'aide pour le téléphone.",
    "La personne souhaite reprendre contact avec sa sœur, on en reparle la semaine prochaine.",
    "Rendez-vous manqué à la mission locale, à reprogrammer avec elle.",
    "Entretien au local : projet de logement évoqué, envisage une pension de famille.",
    "Dépôt du dossier SIAO fait ensemble, en attente de la commission.",
    "Difficultés avec les voisins de chambre, rappel du règlement de l'hôtel.",
    "Récupération du courrier à la domiciliation, un courrier de la CAF à traiter.",
]
NURSING_TEXTS = [
    "Soins de plaie au pied droit, pansement refait, revoir dans 3 jours.",
    "Tension 14/9, pas de plainte. Rappel du dépistage VHC proposé, accepté.",
    "Brûlures aux lèvres liées à la pipe : conseils, baume et embouts remis.",
    "Perte de poids signalée, pesée à 58 kg, orientation vers le médecin traitant.",
    "Toux persistante depuis deux semaines, radio pulmonaire prescrite à l'hôpital.",
    "Bilan sanguin fait au CSAPA, résultats attendus la semaine prochaine.",
]
PSYCHIATRIC_TEXTS = [
    "Entretien : humeur basse, sommeil fragmenté, pas d'idées suicidaires exprimées.",
    "Traitement bien pris cette semaine, anxiété en baisse, revoir dans 15 jours.",
    "Épisode de persécution décrit à l'hôtel, ajustement du traitement discuté.",
    "Reprise de contact après trois semaines d'absence, alliance à reconstruire.",
    "Craving important en fin de mois, travail sur les situations à risque.",
]
SUMMARIES = [
    "Suivi en cours, rien de particulier à signaler pour les visites.",
    "Fatigue importante ces jours-ci : privilégier les visites en fin de matinée.",
    "Soins réguliers à l'hôtel, merci de signaler toute douleur au pied.",
    "Période difficile : passer un peu plus souvent si possible.",
]
STEP_DETAILS = {
    StepKind.PUMA: "Dossier PUMa à la CPAM de Paris",
    StepKind.C2S: "Demande de C2S déposée",
    StepKind.AME: "Renouvellement de l'AME",
    StepKind.RSA: "Ouverture des droits RSA à la CAF",
    StepKind.AAH: "Dossier MDPH pour l'AAH",
    StepKind.ID_CARD: "Carte d'identité perdue, déclaration faite",
    StepKind.RESIDENCE_PERMIT: "Rendez-vous en préfecture",
    StepKind.DOMICILIATION: "Domiciliation au CCAS",
    StepKind.SIAO: "Demande SIAO insertion",
    StepKind.SOCIAL_HOUSING: "Numéro unique de demande de logement social",
    StepKind.DALO: "Recours DALO",
    StepKind.GP: "Déclaration de médecin traitant",
    StepKind.JUSTICE: "Convocation au tribunal, avocat commis d'office",
    StepKind.EMPLOYMENT: "Inscription à un chantier d'insertion",
}
STEP_WEIGHTS = {
    StepKind.PUMA: 6,
    StepKind.C2S: 8,
    StepKind.AME: 5,
    StepKind.RSA: 8,
    StepKind.AAH: 3,
    StepKind.ID_CARD: 8,
    StepKind.RESIDENCE_PERMIT: 3,
    StepKind.DOMICILIATION: 7,
    StepKind.SIAO: 9,
    StepKind.SOCIAL_HOUSING: 4,
    StepKind.DALO: 2,
    StepKind.GP: 5,
    StepKind.JUSTICE: 2,
    StepKind.EMPLOYMENT: 2,
}
SERVICE_WEIGHTS = {
    ReferralService.CSAPA: 10,
    ReferralService.CMP: 6,
    ReferralService.HOSPITAL: 6,
    ReferralService.ELSA: 2,
    ReferralService.HEPATOLOGY: 5,
    ReferralService.DENTIST: 4,
    ReferralService.OST: 3,
    ReferralService.GP: 7,
    ReferralService.SOCIAL_SERVICES: 5,
    ReferralService.HOUSING_SERVICES: 4,
}
OUTCOME_WEIGHTS = {
    ReferralOutcome.ATTENDED: 60,
    ReferralOutcome.MISSED: 25,
    ReferralOutcome.POSTPONED: 5,
    ReferralOutcome.CANCELLED: 10,
}
REFERRAL_NOTES = ["", "", "Prévoir le ticket de métro.", "Apporter la carte vitale.", ""]
# The practical details written for the escort, by service: where, what to bring. The meeting
# time is three quarters of an hour before the appointment. No random draw: the rest of the
# demo draws the same numbers as before these details existed.
ESCORT_DETAILS = {
    "csapa": ("CSAPA, 9 rue Pierre-Budin, Paris 18e – accueil au rez-de-chaussée",
              "Carte Vitale, attestation de droits, ordonnance en cours"),
    "cmp": ("CMP, 11 rue de Tanger, Paris 19e – 1er étage", "Carte Vitale, pièce d’identité"),
    "hospital": ("Hôpital Lariboisière, 2 rue Ambroise-Paré – porte 4, consultations",
                 "Carte Vitale, courrier du médecin, résultats d’analyses"),
    "hepatology": ("Hôpital Bichat, 46 rue Henri-Huchard – bâtiment des consultations",
                   "Carte Vitale, pièce d’identité"),
    "dentist": ("Centre dentaire, 44 boulevard de la Villette, Paris 19e",
                "Carte Vitale ou attestation AME"),
    "gp": ("Maison de santé, 5 rue Marcadet, Paris 18e", "Carte Vitale, ordonnances"),
    "social_services": ("Espace solidarité, 115 rue de Flandre, Paris 19e",
                        "Pièce d’identité, justificatif de domiciliation"),
    "housing_services": ("SIAO, 5 rue Pleyel, Saint-Denis – rez-de-chaussée",
                         "Pièce d’identité, avis d’imposition, attestation CAF"),
}  # fmt: skip
ESCORT_LEAD = datetime.timedelta(minutes=45)


def _escort(referral: Referral) -> Referral:
    """The practical details of an accompanied referral (none for a person going alone)."""
    details = ESCORT_DETAILS.get(referral.service)
    if referral.accompanied_by is not None and details and referral.appointment_at:
        referral.escort_place, referral.escort_bring = details
        referral.escort_meet_at = (timezone.localtime(referral.appointment_at) - ESCORT_LEAD).time()
    return referral


QUARTER = 90
FOLLOWERS = ["travailleur"] * 4 + ["coordination"]


@dataclass
class Programme:
    """One person's time in the programme: their stays end to end."""

    resident: Resident
    start: datetime.date
    end: datetime.date | None  # None: still housed
    exit_destination: str = ""
    assessments: list[ConsumptionAssessment] = field(default_factory=list)

    @property
    def last_day(self) -> datetime.date:
        return self.end or timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _moment(rng, day: datetime.date, *, past: bool = True) -> datetime.datetime:
    """A working-hours moment of `day`; by default never in the future (a moment drawn for
    today is then the start of the day, so that the same seed draws the same moments)."""
    time = datetime.time(rng.randint(9, 18), rng.choice([0, 10, 15, 20, 30, 40, 45, 50]))
    moment = timezone.make_aware(datetime.datetime.combine(day, time))
    if not past:
        return moment
    start_of_today = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    return min(moment, start_of_today)


def seed(*, rng, scale: str) -> str:
    if Note.objects.exists():
        return f"support data already present ({Note.objects.count()} notes): nothing added"
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    if set(users) != _usernames():
        raise LookupError("The demo users are missing: run accounts.demo.seed first.")
    programmes = _programmes()
    if not programmes:
        return "no stay to follow: run the stays seeder first"
    drawn = draw(rng, programmes, users, timezone.localdate(), note_share=NOTE_SHARE[scale])
    notes, steps, referrals, assessments = (
        drawn.notes,
        drawn.steps,
        drawn.referrals,
        drawn.assessments,
    )
    note_count = _write_notes(rng, notes)
    Step.objects.bulk_create(steps, batch_size=2000)
    Referral.objects.bulk_create(referrals, batch_size=2000)
    _write_assessments(assessments)
    return (
        f"{note_count} notes, {len(steps)} steps, {len(referrals)} referrals, "
        f"{len(assessments)} consumption reassessments for {len(programmes)} people"
    )


@dataclass
class Drawn:
    notes: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    assessments: list = field(default_factory=list)


def draw(
    rng, programmes: list["Programme"], users, today: datetime.date, *, note_share: float = 1.0
) -> Drawn:
    """Everything to write, drawn before anything is written: the same for the same seed."""
    base = rng.random()
    drawn = Drawn()
    for programme in programmes:
        resident = programme.resident
        person_rng = random.Random(
            f"{base}-{resident.nickname}-{resident.first_name}-{resident.last_name}"
        )
        drawn.notes += _notes(person_rng, programme, users, note_share)
        drawn.steps += _steps(person_rng, programme, users, today)
        drawn.referrals += _referrals(person_rng, programme, users, today)
        drawn.assessments += _reassessments(person_rng, programme, users, today)
    return drawn


def _usernames() -> set[str]:
    return {name for names in AUTHORS.values() for name in names} | {"travailleur"}


def _programmes() -> list[Programme]:
    """Each housed-at-some-point person, from their first entry to their last exit."""
    stays = Placement.objects.select_related("resident").order_by("resident_id", "start", "pk")
    programmes: dict[int, Programme] = {}
    for stay in stays:
        programme = programmes.get(stay.resident_id)
        if programme is None:
            programme = programmes[stay.resident_id] = Programme(
                resident=stay.resident, start=stay.start, end=stay.end
            )
        programme.end = stay.end
        if stay.exit_destination != ExitDestination.TRANSFER:
            programme.exit_destination = stay.exit_destination
    assessments = ConsumptionAssessment.objects.filter(resident_id__in=programmes).prefetch_related(
        "lines"
    )
    for assessment in assessments.order_by("assessed_on", "pk"):
        programmes[assessment.resident_id].assessments.append(assessment)
    return list(programmes.values())


@dataclass
class DrawnNote:
    note: Note
    text: str
    correction: str = ""  # the text of a second version, if the author corrected it


def _notes(rng, programme: Programme, users, share: float = 1.0) -> list[DrawnNote]:
    drawn = []
    span = (programme.last_day - programme.start).days
    for kind, (rhythm, most) in NOTE_RHYTHM.items():
        count = min(round(most * share), span // rhythm)
        if kind != NoteKind.SOCIAL and rng.random() < 0.3:
            count = 0  # not everyone sees the nurse or the psychiatrist
        texts = {
            NoteKind.SOCIAL: SOCIAL_TEXTS,
            NoteKind.NURSING: NURSING_TEXTS,
            NoteKind.PSYCHIATRIC: PSYCHIATRIC_TEXTS,
        }[kind]
        for _n in range(count):
            day = programme.start + _days(rng.randint(0, span))
            medical = kind != NoteKind.SOCIAL
            note = Note(
                resident=programme.resident,
                kind=kind,
                author=users[rng.choice(AUTHORS[kind])],
                written_at=_moment(rng, day),
                shared_summary=rng.choice(SUMMARIES) if medical and rng.random() < 0.4 else "",
            )
            note.recorded_at = note.written_at
            text = rng.choice(texts)
            correction = ""
            if rng.random() < 0.06:
                correction = f"{text} (Correction : date du prochain rendez-vous précisée.)"
            drawn.append(DrawnNote(note=note, text=text, correction=correction))
    return drawn


def _write_notes(rng, drawn: list[DrawnNote]) -> int:
    """First versions, then the corrections that supersede some of them; medical texts apart."""
    for item in drawn:
        if item.note.kind == NoteKind.SOCIAL:
            item.note.text = item.text
    Note.objects.bulk_create([item.note for item in drawn], batch_size=2000)
    texts = [
        MedicalNoteText(note=item.note, text=item.text)
        for item in drawn
        if item.note.kind != NoteKind.SOCIAL
    ]
    corrections = []
    for item in drawn:
        if not item.correction:
            continue
        first = item.note
        later = min(first.written_at + _days(rng.randint(1, 10)), timezone.now())
        correction = Note(
            resident=first.resident,
            kind=first.kind,
            author=first.author,
            written_at=first.written_at,
            recorded_at=later,
            shared_summary=first.shared_summary,
            supersedes=first,
            version=2,
            text=item.correction if first.kind == NoteKind.SOCIAL else "",
        )
        corrections.append((correction, item.correction))
    Note.objects.bulk_create([note for note, _text in corrections], batch_size=2000)
    texts += [
        MedicalNoteText(note=note, text=text)
        for note, text in corrections
        if note.kind != NoteKind.SOCIAL
    ]
    MedicalNoteText.objects.bulk_create(texts, batch_size=2000)
    return len(drawn) + len(corrections)


def _steps(rng, programme: Programme, users, today) -> list[Step]:
    kinds, weights = zip(*STEP_WEIGHTS.items(), strict=True)
    span = (programme.last_day - programme.start).days
    steps = []
    for kind in dict.fromkeys(rng.choices(kinds, weights, k=rng.randint(2, 4))):
        started = programme.start + _days(rng.randint(0, max(span - 1, 0)))
        age = (programme.last_day - started).days
        follower = "infirmier" if kind == StepKind.GP else rng.choice(FOLLOWERS)
        step = Step(
            resident=programme.resident,
            kind=kind,
            details=STEP_DETAILS[kind],
            followed_by=users[follower],
            created_by=users[follower],
            created_at=_moment(rng, started),
        )
        if programme.end is not None or age > 120 or (age > 14 and rng.random() < 0.4):
            step.status = rng.choices(
                [StepStatus.OBTAINED, StepStatus.REFUSED, StepStatus.ABANDONED], [70, 15, 15]
            )[0]
            step.closed_on = started + _days(rng.randint(1, max(age, 1)))
            step.closed_on = min(step.closed_on, programme.last_day, today)
            step.due_on = started + _days(rng.randint(15, 60))
        else:
            step.status = rng.choice(list(OPEN_STEP))
            # Most deadlines are ahead; some have passed (the dashboard and the digest show them).
            step.due_on = today + _days(rng.choice([-20, -9, -3, 2, 5, 12, 20, 30, 45]))
        steps.append(step)
    return steps


def _referrals(rng, programme: Programme, users, today) -> list[Referral]:
    services, weights = zip(*SERVICE_WEIGHTS.items(), strict=True)
    outcomes, outcome_weights = zip(*OUTCOME_WEIGHTS.items(), strict=True)
    span = (programme.last_day - programme.start).days
    referrals = []
    for _n in range(rng.randint(1, 3) if span > 14 else 0):
        service = rng.choices(services, weights)[0]
        day = programme.start + _days(rng.randint(7, span))
        appointment = _moment(rng, min(day, today - _days(1)))
        companion = rng.choice(["travailleur", "infirmier", "coordination", None, None])
        outcome = rng.choices(outcomes, outcome_weights)[0]
        if (today - appointment.date()).days <= 10 and rng.random() < 0.5:
            outcome = ReferralOutcome.PENDING  # recent: its outcome is still to record
        referrals.append(
            Referral(
                resident=programme.resident,
                service=service,
                is_medical=service in MEDICAL_SERVICES,
                appointment_at=appointment,
                accompanied_by=users[companion] if companion else None,
                outcome=outcome,
                notes=rng.choice(REFERRAL_NOTES),
                created_by=users["infirmier" if service in MEDICAL_SERVICES else "travailleur"],
                created_at=appointment - _days(rng.randint(3, 20)),
            )
        )
        _escort(referrals[-1])
    if programme.end is None and rng.random() < 0.25:
        service = rng.choices(services, weights)[0]
        appointment = _moment(rng, today + _days(rng.randint(1, 13)), past=False)
        companion = rng.choice(["travailleur", "infirmier", "psychiatre", "coordination", None])
        referrals.append(
            Referral(
                resident=programme.resident,
                service=service,
                is_medical=service in MEDICAL_SERVICES,
                appointment_at=appointment,
                accompanied_by=users[companion] if companion else None,
                notes=rng.choice(REFERRAL_NOTES),
                created_by=users["infirmier" if service in MEDICAL_SERVICES else "travailleur"],
                created_at=_moment(rng, today - _days(rng.randint(1, 10))),
            )
        )
        _escort(referrals[-1])
    return referrals


def _reassessments(rng, programme: Programme, users, today) -> list[tuple]:
    """Quarterly reassessments while housed after the last one on file, and one at the exit."""
    if not programme.assessments:
        return []
    last = programme.assessments[-1]
    levels = {line.product: line.frequency for line in last.lines.all()}
    drawn = []
    on = max(last.assessed_on, programme.start) + _days(QUARTER)
    # One housed person in ten is behind: their reassessment is due (the dashboard shows it).
    behind = programme.end is None and rng.random() < 0.1
    stop = programme.end or (today - _days(QUARTER) if behind else today)
    while on < stop:
        levels = _evolve(rng, levels)
        drawn.append(_assessment(rng, programme, users, on, AssessmentContext.QUARTERLY, levels))
        on += _days(QUARTER + rng.randint(-7, 7))
    exit_day = programme.end - _days(rng.randint(0, 5)) if programme.end else None
    if exit_day and last.assessed_on < exit_day and rng.random() < 0.75:
        levels = _evolve(rng, levels)
        drawn.append(_assessment(rng, programme, users, exit_day, AssessmentContext.EXIT, levels))
    return drawn


def _evolve(rng, levels: dict[str, int]) -> dict[str, int]:
    """Each reassessment carries on from the last: use mostly falls or holds, stops now and then
    (and mostly stays stopped), grows for a few."""
    draw = rng.random()
    if not any(levels.values()):
        if draw < 0.85 or Product.CRACK not in levels:
            return dict(levels)
        return {**levels, Product.CRACK: Frequency.LESS_THAN_WEEKLY}  # a relapse
    if draw < 0.03:
        return dict.fromkeys(levels, Frequency.NOT_USED)
    if draw < 0.35:
        return {product: max(level - 1, 0) for product, level in levels.items()}
    if draw < 0.42:
        return {
            product: min(level + 1, Frequency.DAILY) if level else 0
            for product, level in levels.items()
        }
    return dict(levels)


def _assessment(rng, programme, users, on, context, levels) -> tuple:
    assessment = ConsumptionAssessment(
        resident=programme.resident,
        assessed_on=on,
        context=context,
        assessed_by=users[rng.choice(["travailleur", "infirmier", "psychiatre"])],
    )
    return assessment, dict(levels)


def _write_assessments(drawn: list[tuple]) -> None:
    from residents.demo import PRODUCT_ROUTES

    ConsumptionAssessment.objects.bulk_create([assessment for assessment, _l in drawn], 2000)
    lines = [
        ConsumptionLine(
            assessment=assessment,
            product=product,
            frequency=level,
            route=PRODUCT_ROUTES[product] if level else "",
            ost_prescribed=product == "ost" and level > 0,
        )
        for assessment, levels in drawn
        for product, level in levels.items()
    ]
    ConsumptionLine.objects.bulk_create(lines, batch_size=5000)
