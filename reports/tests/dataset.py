"""A small programme built by hand for the year 2025, for the figures' tests.

Every expectation in test_figures.py is worked out from this description, not by the code
under test:

- Hotel Alpha (18e): places a1, a2 (a2 out of service 1–11 Oct 2025: 10 nights);
  Hotel Beta (19e): place b1.
- r1 (woman, born 15 June 1990): stay s1 on a1 from 1 Nov 2024 to 1 Mar 2025, exit to social
  housing; admission received 1 Oct 2024 (outreach).
- r2 (man, born 1970): s2 on a2 from 1 Feb 2025 (admission received 2 Jan 2025, hospital),
  released absence 10–15 Mar (5 nights), transferred on 1 Apr to s3 on b1, which ends with his
  death on 1 Jul 2025.
- r3 (man, born 2002): s4 on a1 from 1 Jun 2025, still housed; no admission request.
- r4 (gender not stated, age unknown): never housed; material handed out on 10 May 2025.
- r5: a note in December 2024 only (not in the 2025 file active).
"""

import datetime
import zoneinfo

from harmreduction.models import (
    Collection,
    NaloxoneKit,
    Overdose,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from placements.models import Absence, Incident, PlaceOutage
from residents.models import AdmissionRequest
from support.models import Referral, Step
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    ConsumptionLineFactory,
    HotelFactory,
    ItemFactory,
    LocationFactory,
    NoteFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    SampleFactory,
    SituationAssessmentFactory,
    UserFactory,
    VisitFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START, END = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, 0, tzinfo=PARIS)


def build() -> dict:
    worker = UserFactory(username="worker", roles=["social_worker"])
    alpha = HotelFactory(name="Hôtel Alpha", arrondissement=18)
    beta = HotelFactory(name="Hôtel Beta", arrondissement=19)
    a1, a2 = PlaceFactory(hotel=alpha, room="1"), PlaceFactory(hotel=alpha, room="2")
    b1 = PlaceFactory(hotel=beta, room="1")
    PlaceOutage.objects.create(place=a2, start=d(2025, 10, 1), end=d(2025, 10, 11), reason="x")

    r1 = ResidentFactory(gender="woman", birth_year=1990, birth_date=d(1990, 6, 15))
    r2 = ResidentFactory(gender="man", birth_year=1970)
    r3 = ResidentFactory(gender="man", birth_year=2002)
    r4 = ResidentFactory(gender="not_stated", birth_year=None)
    r5 = ResidentFactory(gender="woman", birth_year=1980)

    adm1 = AdmissionRequestFactory(
        resident=r1, received_on=d(2024, 10, 1), status="admitted", decided_on=d(2024, 10, 25)
    )
    adm2 = AdmissionRequestFactory(
        resident=r2,
        received_on=d(2025, 1, 2),
        referring_structure="hospital",
        status="admitted",
        decided_on=d(2025, 1, 20),
    )
    AdmissionRequestFactory(received_on=d(2025, 11, 1))  # still waiting
    AdmissionRequestFactory(
        received_on=d(2025, 3, 1), status="refused", decided_on=d(2025, 4, 1), decision_reason="x"
    )
    AdmissionRequestFactory(received_on=d(2024, 6, 1))  # still waiting
    assert AdmissionRequest.objects.count() == 5

    PlacementFactory(
        resident=r1,
        place=a1,
        start=d(2024, 11, 1),
        end=d(2025, 3, 1),
        exit_destination="social_housing",
        admission=adm1,
    )
    s2 = PlacementFactory(
        resident=r2,
        place=a2,
        start=d(2025, 2, 1),
        end=d(2025, 4, 1),
        exit_destination="transfer",
        admission=adm2,
    )
    Absence.objects.create(
        placement=s2, start=d(2025, 3, 10), end=d(2025, 3, 15), reason="hospital", released=True
    )
    PlacementFactory(
        resident=r2,
        place=b1,
        start=d(2025, 4, 1),
        end=d(2025, 7, 1),
        exit_destination="death",
        previous=s2,
    )
    s4 = PlacementFactory(resident=r3, place=a1, start=d(2025, 6, 1))

    # Situation at entry: r1's closest to 1 Nov 2024 is 20 Oct 2024; r3 has none.
    SituationAssessmentFactory(
        resident=r1, assessed_on=d(2024, 10, 20), housing_before="street", income=["rsa"]
    )
    SituationAssessmentFactory(
        resident=r1,
        assessed_on=d(2025, 5, 1),
        housing_before="hotel",
        income=["aah"],
        health_cover="c2s",
    )
    SituationAssessmentFactory(
        resident=r2,
        assessed_on=d(2025, 2, 5),
        housing_before="squat",
        income=["rsa", "are"],
        health_cover="ame",
    )
    SituationAssessmentFactory(
        resident=r4,
        assessed_on=d(2025, 5, 10),
        housing_before="street",
        income=[],
        health_cover="none",
    )

    def consumption(resident, day, *lines):
        assessment = ConsumptionAssessmentFactory(resident=resident, assessed_on=day)
        for product, frequency, route, prescribed in lines:
            ConsumptionLineFactory(
                assessment=assessment,
                product=product,
                frequency=frequency,
                route=route,
                ost_prescribed=prescribed,
            )

    # r1: crack 4 + alcohol 2 -> crack 2 + alcohol 0: reduced.
    consumption(r1, d(2025, 1, 10), ("crack", 4, "inhaled", False), ("alcohol", 2, "", False))
    consumption(r1, d(2025, 2, 20), ("crack", 2, "inhaled", False), ("alcohol", 0, "", False))
    # r2: crack 3 + heroin 2 (+ prescribed OST) -> nothing: stopped.
    consumption(
        r2,
        d(2025, 2, 5),
        ("crack", 3, "inhaled", False),
        ("heroin", 2, "injected", False),
        ("ost", 4, "swallowed", True),
    )
    consumption(
        r2,
        d(2025, 6, 1),
        ("crack", 0, "", False),
        ("heroin", 0, "", False),
        ("ost", 4, "swallowed", True),
    )
    # r3: one assessment in 2025 (unknown outcome), one after the period (ignored).
    consumption(
        r3,
        d(2025, 7, 1),
        ("crack", 4, "inhaled", False),
        ("cocaine", 1, "sniffed", False),
        ("alcohol", 3, "", False),
    )
    consumption(r3, d(2026, 2, 1), ("crack", 0, "", False))

    # Visits of r3: week of 2 June, two done; week of 9 June, one done, one missed, one off.
    def visit(day, status, unplanned=False):
        done = status == "done"
        VisitFactory(
            placement=s4,
            planned_on=day,
            status=status,
            unplanned=unplanned,
            worker=worker,
            outcome="seen" if done else "",
            logged_at=at(day.year, day.month, day.day) if done else None,
        )

    visit(d(2025, 6, 3), "done")
    visit(d(2025, 6, 5), "done")
    visit(d(2025, 6, 10), "done")
    visit(d(2025, 6, 12), "missed")
    visit(d(2025, 6, 13), "cancelled")
    visit(d(2025, 7, 2), "done", unplanned=True)

    # Material: 10 May to r4, 1 Aug and 1 Sep anonymous; 31 Dec 2024 outside.
    bag = LocationFactory()
    pipe = ItemFactory(name="Pipe (test)", category="inhalation", position=1)
    syringe = ItemFactory(name="Seringue (test)", category="injection", position=2)
    nyxoid = ItemFactory(name="Nyxoid (test)", category="naloxone", position=3)

    def handout(when, resident, *lines):
        distribution = SupplyDistribution.objects.create(
            resident=resident, location=bag, given_at=when, given_by=worker
        )
        return [
            SupplyDistributionLine.objects.create(
                distribution=distribution, item=item, quantity=quantity
            )
            for item, quantity in lines
        ]

    handout(at(2025, 5, 10), r4, (pipe, 10), (syringe, 5))
    _pipe, kit_line = handout(at(2025, 8, 1), None, (pipe, 3), (nyxoid, 1))
    NaloxoneKit.objects.create(line=kit_line, training="short")
    (kit_line,) = handout(at(2025, 9, 1), None, (nyxoid, 1))
    NaloxoneKit.objects.create(line=kit_line, training="none")
    handout(at(2024, 12, 31), r1, (pipe, 100))

    Collection.objects.create(
        hotel=alpha,
        collected_on=d(2025, 3, 1),
        sharps_boxes=2,
        returned_items=30,
        recorded_by=worker,
    )
    Collection.objects.create(
        hotel=alpha,
        collected_on=d(2024, 12, 1),
        sharps_boxes=5,
        returned_items=5,
        recorded_by=worker,
    )
    Overdose.objects.create(
        occurred_on=d(2025, 4, 2), outcome="recovered", naloxone_used=True, recorded_by=worker
    )
    Overdose.objects.create(occurred_on=d(2025, 9, 9), outcome="hospital", recorded_by=worker)
    SampleFactory(
        resident=r3,
        collected_on=d(2025, 3, 3),
        sent_on=d(2025, 3, 5),
        result_on=d(2025, 4, 1),
        result_unexpected=True,
    )
    SampleFactory(resident=r3, collected_on=d(2024, 12, 20), sent_on=d(2025, 1, 3))

    # Vouchers of r3: two weeks given (5 × 7 € and 5 × 7,50 €), one week missed.
    for week, value in ((d(2025, 6, 2), 700), (d(2025, 6, 9), 750)):
        VoucherDistribution.objects.create(
            resident=r3,
            week=week,
            status="given",
            given_where="office",
            quantity=5,
            unit_value_cents=value,
            recorded_at=at(week.year, week.month, week.day + 1),
            recorded_by=worker,
        )
    VoucherDistribution.objects.create(
        resident=r3,
        week=d(2025, 6, 16),
        status="not_given",
        quantity=5,
        unit_value_cents=700,
        missed_reason="absent",
        recorded_at=at(2025, 6, 22),
        recorded_by=worker,
    )

    # Referrals: two CSAPA appointments (attended, missed), one housing referral without
    # appointment (recorded 20 June), one GP appointment in 2024.
    def referral(resident, service, outcome, appointment=None, created=None):
        Referral.objects.create(
            resident=resident,
            service=service,
            outcome=outcome,
            appointment_at=appointment,
            created_at=created or at(2026, 1, 15),
            created_by=worker,
        )

    referral(r1, "csapa", "attended", at(2025, 2, 10))
    referral(r2, "csapa", "missed", at(2025, 3, 10))
    referral(r3, "housing_services", "pending", None, at(2025, 6, 20))
    referral(r1, "gp", "attended", at(2024, 12, 1))

    # Steps: obtained in 2025: AME (r1), RSA (r2), SIAO (r3); one refused; one in 2024.
    for resident, kind, status, closed in (
        (r1, "ame", "obtained", d(2025, 3, 1)),
        (r2, "rsa", "obtained", d(2025, 5, 1)),
        (r3, "siao", "obtained", d(2025, 9, 1)),
        (r3, "id_card", "refused", d(2025, 9, 2)),
        (r1, "puma", "obtained", d(2024, 12, 1)),
    ):
        Step.objects.create(
            resident=resident,
            kind=kind,
            status=status,
            closed_on=closed,
            followed_by=worker,
            created_by=worker,
        )

    for day, kind in (
        (d(2025, 2, 1), "noise"),
        (d(2025, 5, 5), "violence"),
        (d(2025, 6, 6), "noise"),
        (d(2024, 12, 12), "noise"),
    ):
        Incident.objects.create(
            hotel=alpha, occurred_on=day, kind=kind, description="x", created_by=worker
        )

    NoteFactory(resident=r5, written_at=at(2024, 12, 1))
    return {
        "alpha": alpha,
        "beta": beta,
        "pipe": pipe,
        "syringe": syringe,
        "nyxoid": nyxoid,
        "residents": [r1, r2, r3, r4, r5],
    }
