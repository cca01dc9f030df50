"""Fictional residents, their assessments and a waiting list for the demo and the benchmarks.

Every name is made up from common French first names, surnames and street nicknames. The data is
deterministic for a seed and idempotent: a person is known by (nickname, first name, last name),
and only the people not yet in the database are created, with their assessments and requests.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    AssessmentContext,
    ConsumptionAssessment,
    ConsumptionLine,
    Frequency,
    Gender,
    HealthCover,
    HousingBefore,
    IdPapers,
    Income,
    Product,
    ReferringStructure,
    ResidencePermit,
    Resident,
    Route,
    SituationAssessment,
)

SCALES = {
    # scale -> (supported residents, waiting, admitted without place, refused, lost)
    "demo": (100, 15, 3, 3, 2),
    "assore": (1800, 60, 8, 12, 8),
}
CARE_USERNAMES = ["travailleur", "infirmier", "psychiatre", "coordination"]

FIRST_NAMES_WOMEN = (
    "Nadia Sandrine Fatou Karine Leïla Sophie Aïcha Céline Linda Mélanie Samira Nathalie "
    "Ioana Jessica Awa Valérie Hélène Yasmina"
).split()
FIRST_NAMES_MEN = (
    "Karim Mamadou Julien Sofiane Thierry Moussa Pascal Nicolas Yacine Franck Abdel Didier "
    "Ousmane Cédric Mickaël Bruno Rachid Stéphane Ionut Kevin Hamid Laurent Issa Grégory "
    "Farid Éric Bakary Jérôme"
).split()
LAST_NAMES = (
    "Martin Bernard Diallo Petit Traoré Moreau Benali Lefèvre Camara Garcia Haddad Roux "
    "Fontaine Keita Mercier Popescu Girard Cissé Lambert Amrani Bonnet Koné Chevalier "
    "Mansouri Gauthier Sylla Perrin Rousseau Bouzid Dumas Fofana Blanc Ziani Henry Touré "
    "Colin"
).split()
NICKNAMES = (
    "Mimi|Tonton|Pti Lu|Baba|Rasta|Jojo|Coco|Bibi|Kiki|Nono|Dédé|Fifi|Gigi|Lulu|Momo|Riri|"
    "Titi|Zaza|Bouboule|Gros Ours|La Puce|Le Chat|Marquis|Pépito|Sissi|Tchoupi|Vivi|Yoyo|"
    "Zouzou|Cactus|Papillon|Chaton|Bambou|Grizzly|Caramel|Biscotte|Domino|Fanfan"
).split("|")
NICKNAME_TAILS = (
    "| du Nord| du Canal| de l'Est| le Grand| le Petit| la Brune| des Lilas| du 19| du 18|"
    " de Crimée| Junior| Senior| B.| K.| M."
).split("|")
NATIONALITIES = [
    ("française", "français"),
    ("française", "français"),
    ("française", "français"),
    ("algérienne", "arabe, français"),
    ("marocaine", "arabe, français"),
    ("ivoirienne", "français, dioula"),
    ("sénégalaise", "wolof, français"),
    ("malienne", "bambara, français"),
    ("roumaine", "roumain"),
    ("", ""),
]
PRODUCT_ROUTES = {
    Product.CRACK: Route.INHALED,
    Product.COCAINE: Route.SNIFFED,
    Product.HEROIN: Route.SNIFFED,
    Product.OST: Route.SWALLOWED,
    Product.ALCOHOL: Route.SWALLOWED,
    Product.CANNABIS: Route.INHALED,
    Product.BENZODIAZEPINES: Route.SWALLOWED,
    Product.OTHER: Route.SWALLOWED,
}


@dataclass
class Person:
    """One fictional person and what happened to them, drawn before anything is written."""

    resident: Resident
    situations: list[SituationAssessment] = field(default_factory=list)
    consumptions: list[tuple[ConsumptionAssessment, list[ConsumptionLine]]] = field(
        default_factory=list
    )
    requests: list[AdmissionRequest] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.resident.nickname, self.resident.first_name, self.resident.last_name)


def seed(*, rng, scale: str) -> str:
    supported, waiting, admitted, refused, lost = SCALES[scale]
    users = list(User.objects.filter(username__in=CARE_USERNAMES).order_by("username"))
    if not users:
        raise LookupError("The demo users are missing: run accounts.demo.seed first.")
    today = timezone.localdate()
    people = _draw_people(rng, users, today, supported, waiting, admitted, refused, lost)
    existing = set(Resident.objects.values_list("nickname", "first_name", "last_name"))
    new = [person for person in people if person.key not in existing]
    _write(new)
    waiting_now = AdmissionRequest.objects.waiting().count()
    return f"{len(new)} residents created, {Resident.objects.count()} in all; {waiting_now} waiting"


def _draw_people(rng, users, today, supported, waiting, admitted, refused, lost) -> list[Person]:
    keys: set[tuple[str, str, str]] = set()
    statuses = (
        [None] * supported
        + [AdmissionStatus.WAITING] * waiting
        + [AdmissionStatus.ADMITTED] * admitted
        + [AdmissionStatus.REFUSED] * refused
        + [AdmissionStatus.LOST] * lost
    )
    people = []
    for index, status in enumerate(statuses):
        person_rng = random.Random(f"{rng.random()}-{index}")
        if status is None:
            days_ago = person_rng.randint(30, 3 * 365)
        elif status == AdmissionStatus.WAITING:
            # One waiting request in three has gone quiet: the list flags it after 90 days.
            quiet = index % 3 == 0
            days_ago = person_rng.randint(95, 160) if quiet else person_rng.randint(1, 80)
        else:
            days_ago = person_rng.randint(10, 200)
        created_on = today - datetime.timedelta(days=days_ago)
        person = Person(_draw_resident(person_rng, users, created_on, keys))
        if status is None:
            _draw_story(person_rng, person, users, today)
        else:
            _draw_request(person_rng, person, users, today, status)
        people.append(person)
    return people


def _draw_resident(rng, users, created_on: datetime.date, keys) -> Resident:
    gender = rng.choices(
        [Gender.MAN, Gender.WOMAN, Gender.TRANS, Gender.NON_BINARY, Gender.NOT_STATED],
        weights=[68, 25, 3, 2, 2],
    )[0]
    first_names = FIRST_NAMES_WOMEN if gender == Gender.WOMAN else FIRST_NAMES_MEN
    while True:
        anonymous = rng.random() < 0.25
        first_name = "" if anonymous else rng.choice(first_names)
        last_name = "" if anonymous or rng.random() < 0.15 else rng.choice(LAST_NAMES)
        if anonymous or rng.random() < 0.5:
            nickname = rng.choice(NICKNAMES) + rng.choice(NICKNAME_TAILS)
        else:
            nickname = first_name
        if (nickname, first_name, last_name) not in keys:
            keys.add((nickname, first_name, last_name))
            break
    created_at = timezone.make_aware(
        datetime.datetime.combine(created_on, datetime.time(rng.randint(9, 17), rng.randint(0, 59)))
    )
    year = created_on.year
    birth_year = rng.randint(year - 66, year - 21) if rng.random() < 0.9 else None
    birth_date = None
    if birth_year and rng.random() < 0.2:
        birth_date = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    nationality, languages = rng.choice(NATIONALITIES)
    informed = rng.random() < 0.85
    phone = ""
    if rng.random() < 0.35:
        phone = "06 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    return Resident(
        nickname=nickname,
        first_name=first_name,
        last_name=last_name,
        birth_year=birth_year,
        birth_date=birth_date,
        gender=gender,
        nationality=nationality,
        languages=languages,
        phone=phone,
        informed_on=created_on if informed else None,
        informed_by=rng.choice(users) if informed else None,
        objects_to_sharing=informed and rng.random() < 0.05,
        created_at=created_at,
        created_by=rng.choice(users),
    )


def _draw_story(rng, person: Person, users, today) -> None:
    """Entry assessments, then reviews: consumption falls for most, stops for some."""
    entry = timezone.localdate(person.resident.created_at)
    cover = rng.choice([HealthCover.NONE, HealthCover.AME, HealthCover.PUMA, HealthCover.C2S])
    income = rng.choice([[Income.NONE], [Income.RSA], [Income.AAH], [Income.RSA, Income.OTHER]])
    person.situations.append(
        SituationAssessment(
            assessed_on=entry,
            housing_before=rng.choices(list(HousingBefore), weights=[60, 12, 12, 6, 6, 4])[0],
            income=income,
            health_cover=cover,
            id_papers=rng.choice(list(IdPapers)),
            residence_permit=rng.choice(list(ResidencePermit)),
            domiciliation=rng.choice(["", "CCAS Paris 18e", "Association du quartier", ""]),
            referring_structure=rng.choice(["Maraude", "CAARUD", "Hôpital Lariboisière", ""]),
            assessed_by=rng.choice(users),
        )
    )
    if (today - entry).days > 120 and rng.random() < 0.6:
        later = entry + datetime.timedelta(days=rng.randint(60, (today - entry).days - 1))
        better_cover = HealthCover.C2S if cover in (HealthCover.NONE, HealthCover.PUMA) else cover
        person.situations.append(
            SituationAssessment(
                assessed_on=later,
                housing_before=person.situations[0].housing_before,
                income=[Income.RSA] if income == [Income.NONE] else income,
                health_cover=better_cover,
                id_papers=IdPapers.VALID if rng.random() < 0.6 else IdPapers.IN_PROGRESS,
                residence_permit=person.situations[0].residence_permit,
                domiciliation="CCAS Paris 18e",
                referring_structure=person.situations[0].referring_structure,
                assessed_by=rng.choice(users),
            )
        )
    levels = {
        Product.CRACK: rng.choice([Frequency.DAILY, Frequency.DAILY, Frequency.SEVERAL_A_WEEK])
    }
    for product in (Product.ALCOHOL, Product.CANNABIS, Product.HEROIN, Product.BENZODIAZEPINES):
        if rng.random() < 0.35:
            levels[product] = rng.choice(list(Frequency)[1:])
    if Product.HEROIN in levels and rng.random() < 0.6:
        levels[Product.OST] = Frequency.DAILY
    person.consumptions.append(_consumption(rng, users, entry, AssessmentContext.ADMISSION, levels))
    days = (today - entry).days
    outcome = rng.random()
    for review in range(1, min(days // 90, 4) + 1):
        on = entry + datetime.timedelta(days=90 * review)
        if outcome < 0.2:
            levels = {product: Frequency.NOT_USED for product in levels}
        elif outcome < 0.8:
            levels = {product: max(level - 1, 0) for product, level in levels.items()}
        person.consumptions.append(
            _consumption(rng, users, on, AssessmentContext.QUARTERLY, dict(levels))
        )


def _consumption(rng, users, on, context, levels) -> tuple:
    assessment = ConsumptionAssessment(
        assessed_on=on, context=context, assessed_by=rng.choice(users)
    )
    lines = [
        ConsumptionLine(
            product=product,
            frequency=level,
            route=PRODUCT_ROUTES[product] if level else "",
            ost_prescribed=product == Product.OST and rng.random() < 0.8,
        )
        for product, level in levels.items()
    ]
    return assessment, lines


def _draw_request(rng, person: Person, users, today, status) -> None:
    received = timezone.localdate(person.resident.created_at)
    request = AdmissionRequest(
        received_on=received,
        referring_structure=rng.choice(list(ReferringStructure)),
        referrer_name=rng.choice(["Équipe de maraude", "Dr Morel", "Mme Sow", "M. Durand", ""]),
        referrer_contact=rng.choice(["01 40 00 00 00", "maraude@partenaire.invalid", ""]),
        psychic_situation=rng.randint(1, 4),
        isolation=rng.randint(1, 4),
        vulnerability=rng.randint(1, 4),
        observations=rng.choice(
            [
                "Rencontré·e lors de la maraude du mardi, demande une mise à l'abri.",
                "Sortie d'hospitalisation prévue, pas de solution d'hébergement.",
                "Très isolé·e, consomme seul·e, repéré·e par l'accueil de jour.",
                "",
            ]
        ),
        status=status,
        created_by=rng.choice(users),
        created_at=person.resident.created_at,
    )
    if status == AdmissionStatus.WAITING:
        if 10 < (today - received).days < 90:
            request.last_news_on = today - datetime.timedelta(days=rng.randint(1, 10))
    else:
        request.decided_on = min(received + datetime.timedelta(days=rng.randint(5, 60)), today)
        if status == AdmissionStatus.ADMITTED:
            request.decided_on = today - datetime.timedelta(days=rng.randint(0, 5))
        request.decided_by = next(user for user in users if user.username == "coordination")
        request.decision_reason = {
            AdmissionStatus.ADMITTED: "",
            AdmissionStatus.REFUSED: "Relève d'une prise en charge médicalisée (LHSS).",
            AdmissionStatus.LOST: "Plus de nouvelles malgré trois relances.",
        }[status]
    person.requests.append(request)


def _write(people: list[Person]) -> None:
    residents = Resident.objects.bulk_create([person.resident for person in people])
    situations, consumptions, requests = [], [], []
    for person, resident in zip(people, residents, strict=True):
        for situation in person.situations:
            situation.resident = resident
            situations.append(situation)
        for assessment, _lines in person.consumptions:
            assessment.resident = resident
            consumptions.append(assessment)
        for request in person.requests:
            request.resident = resident
            requests.append(request)
    SituationAssessment.objects.bulk_create(situations, batch_size=1000)
    ConsumptionAssessment.objects.bulk_create(consumptions, batch_size=1000)
    lines = []
    for person in people:
        for assessment, assessment_lines in person.consumptions:
            for line in assessment_lines:
                line.assessment = assessment
                lines.append(line)
    ConsumptionLine.objects.bulk_create(lines, batch_size=2000)
    AdmissionRequest.objects.bulk_create(requests, batch_size=1000)
