"""The demo's other harm-reduction work: collections, overdoses, advice and samples."""

import datetime
import random

from harmreduction.demo.common import DAY, _at, _housed
from harmreduction.models.activities import (
    AdviceSession,
    AdviceTopic,
    AnalysisNetwork,
    Collection,
    Overdose,
    OverdoseOutcome,
    Sample,
)
from harmreduction.models.common import WEEK, Setting
from placements.models import Hotel

ADVICE_SHARE = 0.12
ADVICE_TOPICS = [
    (AdviceTopic.SAFER_SMOKING, 40),
    (AdviceTopic.OVERDOSE, 12),
    (AdviceTopic.MIXING, 10),
    (AdviceTopic.INFECTIONS, 10),
    (AdviceTopic.SAFER_INJECTION, 6),
    (AdviceTopic.SEXUAL_HEALTH, 8),
    (AdviceTopic.REDUCING, 12),
    (AdviceTopic.OTHER, 2),
]
PRODUCTS = ["Crack", "Cocaïne", "Héroïne", "Kétamine", "Cathinone (3-MMC)", "Cachet inconnu"]
RESULTS = [
    "Cocaïne base, pureté habituelle, pas de produit de coupe dangereux.",
    "Cocaïne coupée au lévamisole, pureté moyenne.",
    "Héroïne à faible teneur, paracétamol et caféine.",
    "Kétamine conforme.",
]
UNEXPECTED_RESULTS = [
    "Présence de fentanyl (opioïde de synthèse) dans un produit vendu comme héroïne : "
    "risque majeur de surdose.",
    "Nitazène détecté dans un produit vendu comme cocaïne : alerte surdose, proposer la naloxone.",
    "Produit très fortement dosé (pureté > 90 %) : risque de surdose.",
]


# Talked about together with a topic, in a session on two topics.
COMPANION_TOPICS = {
    AdviceTopic.SAFER_SMOKING: AdviceTopic.OVERDOSE,
    AdviceTopic.MIXING: AdviceTopic.OVERDOSE,
    AdviceTopic.INFECTIONS: AdviceTopic.SEXUAL_HEALTH,
    AdviceTopic.SAFER_INJECTION: AdviceTopic.INFECTIONS,
}
# Sessions on several topics were recorded from 2026 on (one topic a session before).
SEVERAL_TOPICS_FROM = datetime.date(2026, 1, 1)


def _topics(rng, held_on: datetime.date, pairs: random.Random) -> list[str]:
    """One topic; from 2026, one session in four adds its companion topic. The second draw
    comes from `pairs`, not `rng`, so the rest of the demo draws the same numbers as before."""
    topics, weights = zip(*ADVICE_TOPICS, strict=True)
    first = rng.choices(topics, weights)[0]
    if held_on >= SEVERAL_TOPICS_FROM and first in COMPANION_TOPICS and pairs.random() < 0.25:
        return [first, COMPANION_TOPICS[first]]
    return [first]


def _activity(rng, stays, first_week, today, team_ids) -> str:
    pairs = random.Random(2026)
    """Collections of used material per hotel, overdoses, advice at the office, samples."""
    hotel_ids = {hotel for _resident, hotel, *_rest in stays}
    hotels = list(Hotel.objects.filter(pk__in=hotel_ids).order_by("pk"))
    collections, overdoses, advice, samples = [], [], [], []
    monday = first_week
    while monday <= today:
        housed = _housed(stays, monday)
        for hotel in hotels:
            if rng.random() < 0.5:
                day = monday + rng.randint(0, 4) * DAY
                if day < today:
                    collections.append(
                        Collection(
                            hotel=hotel,
                            collected_on=day,
                            sharps_boxes=rng.choice([0, 1, 1, 2]),
                            returned_items=rng.randint(1, 25),
                            recorded_by_id=rng.choice(team_ids),
                        )
                    )
        if housed and rng.random() < 0.12:
            day = monday + rng.randint(0, 6) * DAY
            if day < today:
                used = rng.random() < 0.6
                overdoses.append(
                    Overdose(
                        occurred_on=day,
                        hotel=rng.choice(hotels) if hotels else None,
                        resident_id=rng.choice(housed) if rng.random() < 0.8 else None,
                        naloxone_used=used,
                        emergency_called=rng.random() < 0.8,
                        outcome=rng.choices(list(OverdoseOutcome), [60, 35, 2, 3])[0],
                        recorded_by_id=rng.choice(team_ids),
                        recorded_at=_at(day, 18),
                    )
                )
        for _n in range(rng.randint(0, 2)):
            day = monday + rng.randint(0, 4) * DAY
            if day < today:
                advice.append(
                    AdviceSession(
                        resident_id=rng.choice(housed) if housed and rng.random() < 0.8 else None,
                        held_on=day,
                        topics=_topics(rng, day, pairs),
                        setting=Setting.OFFICE,
                        held_by_id=rng.choice(team_ids),
                    )
                )
        if housed and rng.random() < 0.25:
            samples.append(_sample(rng, housed, monday, today, team_ids))
        monday += WEEK
    _recent_alert(rng, samples, today)
    Collection.objects.bulk_create(collections)
    Overdose.objects.bulk_create(overdoses)
    AdviceSession.objects.bulk_create(advice)
    Sample.objects.bulk_create(samples)
    return (
        f"{len(collections)} collections, {len(overdoses)} overdoses, "
        f"{len(samples)} samples for analysis"
    )


def _sample(rng, housed, monday, today, team_ids) -> Sample:
    collected = monday + rng.randint(0, 4) * DAY
    sample = Sample(
        resident_id=rng.choice(housed),
        collected_on=min(collected, today),
        collected_by_id=rng.choice(team_ids),
        presumed_product=rng.choice(PRODUCTS),
        network=rng.choices(list(AnalysisNetwork), [5, 4, 1])[0],
    )
    sent = sample.collected_on + rng.randint(1, 5) * DAY
    if sent >= today:
        return sample
    sample.sent_on = sent
    sample.reference = f"{sent.year}-{rng.randint(1000, 9999)}"
    result = sent + rng.randint(14, 35) * DAY
    if result >= today:
        return sample
    sample.result_on = result
    sample.result_unexpected = rng.random() < 0.12
    sample.result = rng.choice(UNEXPECTED_RESULTS if sample.result_unexpected else RESULTS)
    if sample.result_unexpected:
        sample.alert_sent_at = _at(result, 11)
    returned = result + rng.randint(2, 12) * DAY
    if returned < today and rng.random() < 0.85:
        sample.returned_on = returned
    return sample


def _recent_alert(rng, samples, today) -> None:
    """The latest sample with a result is flagged unexpected: the dashboard has an alert."""
    with_result = [s for s in samples if s.result_on and s.result_on >= today - 25 * DAY]
    if not with_result:
        return
    sample = with_result[-1]
    sample.presumed_product = "Héroïne"
    sample.result_unexpected = True
    sample.result = UNEXPECTED_RESULTS[0]
    sample.alert_sent_at = _at(sample.result_on, 11)
