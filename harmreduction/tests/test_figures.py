"""The report's figures, checked against a hand-built dataset (harmreduction.figures)."""

import datetime

import pytest
from django.utils import timezone

from harmreduction.figures import (
    activity_totals,
    handout_summary,
    periods,
    supply_totals,
    voucher_totals,
)
from harmreduction.models import (
    AdviceSession,
    Collection,
    NaloxoneKit,
    Overdose,
    Sample,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from tests.factories import HotelFactory, ItemFactory, LocationFactory, ResidentFactory


def _at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def handouts(alice):
    """2023-12-31 23:30 in Paris belongs to 2023; two handouts in January 2024, one anonymous,
    one in March 2024, one in 2025 (outside), and a naloxone kit in March."""
    kit_base = ItemFactory(name="Kit base", category="inhalation", unit="kit")
    embout = ItemFactory(name="Embout", category="inhalation")
    condom = ItemFactory(name="Préservatif", category="sexuality")
    nyxoid = ItemFactory(name="Nyxoid (nasal)", category="naloxone", unit="box")
    bag = LocationFactory()
    lulu, coco = ResidentFactory(nickname="Lulu"), ResidentFactory(nickname="Coco")
    rows = [
        (_at(2023, 12, 31, 23), lulu, {kit_base: 4}),
        (_at(2024, 1, 5), lulu, {kit_base: 1, embout: 3}),
        (_at(2024, 1, 20), None, {embout: 2, condom: 5}),
        (_at(2024, 3, 2), coco, {kit_base: 2}),
        (_at(2024, 3, 9), coco, {nyxoid: 1}),
        (_at(2025, 1, 1, 1), lulu, {kit_base: 7}),
    ]
    for at, resident, quantities in rows:
        handout = SupplyDistribution.objects.create(
            resident=resident, location=bag, given_at=at, given_by=alice
        )
        for item, quantity in quantities.items():
            line = SupplyDistributionLine.objects.create(
                distribution=handout, item=item, quantity=quantity
            )
            if item == nyxoid:
                NaloxoneKit.objects.create(line=line, training="full")
    return {"kit_base": kit_base, "embout": embout, "condom": condom, "nyxoid": nyxoid}


@pytest.mark.django_db
def test_it_totals_items_and_categories_by_month(handouts):
    figures = supply_totals(datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))
    jan, mar = datetime.date(2024, 1, 1), datetime.date(2024, 3, 1)
    kit_base, embout, condom, nyxoid = (
        handouts[name].pk for name in ("kit_base", "embout", "condom", "nyxoid")
    )

    assert figures.by_item == {
        kit_base: {jan: 1, mar: 2},
        embout: {jan: 5},
        condom: {jan: 5},
        nyxoid: {mar: 1},
    }
    assert figures.by_category == {
        "inhalation": {jan: 6, mar: 2},
        "sexuality": {jan: 5},
        "naloxone": {mar: 1},
    }
    assert figures.item_totals == {kit_base: 3, embout: 5, condom: 5, nyxoid: 1}
    assert figures.categories == ["inhalation", "sexuality", "naloxone"]
    assert figures.total == 14
    # catalogue order: category, then position
    assert [item.name for item in figures.items] == [
        "Kit base",
        "Embout",
        "Préservatif",
        "Nyxoid (nasal)",
    ]
    assert (figures.handouts, figures.anonymous_handouts, figures.people) == (4, 1, 2)
    assert len(figures.periods) == 12


@pytest.mark.django_db
def test_it_totals_by_year(handouts):
    figures = supply_totals(datetime.date(2023, 1, 1), datetime.date(2026, 1, 1), per="year")
    kit_base = handouts["kit_base"].pk
    assert figures.by_item[kit_base] == {
        datetime.date(2023, 1, 1): 4,
        datetime.date(2024, 1, 1): 3,
        datetime.date(2025, 1, 1): 7,
    }
    assert figures.periods == [datetime.date(y, 1, 1) for y in (2023, 2024, 2025)]


def test_it_refuses_an_unknown_period():
    with pytest.raises(ValueError):
        periods(datetime.date(2024, 1, 1), datetime.date(2024, 2, 1), "week")


@pytest.mark.django_db
def test_it_counts_vouchers_by_the_day_they_were_given(alice):
    lulu, coco, dede = ResidentFactory(), ResidentFactory(), ResidentFactory()

    def row(resident, week, status="given", at=None, quantity=5, value=700, **extra):
        fields = (
            {"given_where": "office"}
            if status == "given"
            else {"missed_reason": extra.pop("reason")}
        )
        return VoucherDistribution.objects.create(
            resident=resident, week=week, status=status, quantity=quantity, unit_value_cents=value,
            recorded_at=at or _at(week.year, week.month, week.day), recorded_by=alice,
            **fields, **extra,
        )  # fmt: skip

    row(lulu, datetime.date(2024, 1, 1))
    row(coco, datetime.date(2024, 1, 1), quantity=4, value=800)
    row(lulu, datetime.date(2024, 1, 29), at=_at(2024, 2, 2))  # a January week given in February
    row(dede, datetime.date(2024, 1, 8), status="not_given", reason="hospital")
    row(dede, datetime.date(2024, 1, 15), status="not_given", reason="absent")
    caught = row(coco, datetime.date(2024, 1, 22), status="not_given", reason="absent")
    caught.cancelled_at, caught.cancelled_by, caught.cancel_kind = (
        _at(2024, 1, 30),
        alice,
        "caught_up",
    )
    caught.save()
    row(coco, datetime.date(2024, 1, 22), at=_at(2024, 1, 30))
    wrong = row(dede, datetime.date(2024, 1, 1))
    wrong.cancelled_at, wrong.cancelled_by, wrong.cancel_kind = _at(2024, 1, 2), alice, "correction"
    wrong.save()
    row(lulu, datetime.date(2023, 12, 25), at=_at(2023, 12, 29))  # before the period

    figures = voucher_totals(datetime.date(2024, 1, 1), datetime.date(2024, 3, 1))

    jan, feb = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
    assert figures.weeks_given == {jan: 3, feb: 1}
    assert figures.vouchers == {jan: 14, feb: 5}
    assert figures.value_cents == {jan: 3500 + 3200 + 3500, feb: 3500}
    assert (figures.weeks_given_total, figures.vouchers_total, figures.value_cents_total) == (
        4,
        19,
        13700,
    )
    assert figures.people == 2
    assert figures.not_given_by_reason == {"hospital": 1, "absent": 1}
    assert figures.weeks_not_given == 2


@pytest.mark.django_db
def test_it_totals_the_other_activity(alice):
    lilas = HotelFactory()
    start, end = datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)
    Collection.objects.create(
        hotel=lilas,
        collected_on=datetime.date(2024, 2, 1),
        sharps_boxes=2,
        returned_items=10,
        recorded_by=alice,
    )
    Collection.objects.create(
        hotel=None, collected_on=datetime.date(2024, 5, 1), sharps_boxes=1, recorded_by=alice
    )
    Collection.objects.create(
        hotel=lilas, collected_on=datetime.date(2025, 2, 1), sharps_boxes=9, recorded_by=alice
    )
    Overdose.objects.create(
        occurred_on=datetime.date(2024, 3, 3),
        naloxone_used=True,
        outcome="recovered",
        recorded_by=alice,
    )
    Overdose.objects.create(
        occurred_on=datetime.date(2024, 4, 3), outcome="hospital", recorded_by=alice
    )
    AdviceSession.objects.create(
        held_on=datetime.date(2024, 6, 1), topics=["overdose"], held_by=alice
    )
    AdviceSession.objects.create(
        held_on=datetime.date(2023, 6, 1), topics=["overdose"], held_by=alice
    )
    resident = ResidentFactory()
    Sample.objects.create(
        resident=resident, collected_on=datetime.date(2023, 12, 20),
        sent_on=datetime.date(2024, 1, 3), result_on=datetime.date(2024, 1, 30),
        result="Fentanyl", result_unexpected=True,
        presumed_product="Héroïne", network="sintes", collected_by=alice,
    )  # fmt: skip
    Sample.objects.create(
        resident=resident, collected_on=datetime.date(2024, 12, 30), presumed_product="Crack",
        network="atp", collected_by=alice,
    )  # fmt: skip

    figures = activity_totals(start, end)

    assert figures.collections_by_hotel == {lilas.pk: (2, 10), None: (1, 0)}
    assert (figures.sharps_boxes, figures.returned_items) == (3, 10)
    assert (figures.overdoses, figures.overdoses_with_naloxone) == (2, 1)
    assert figures.overdoses_by_outcome == {"recovered": 1, "hospital": 1}
    assert (figures.advice_sessions, figures.advice_by_topic) == (1, {"overdose": 1})
    assert (figures.samples_collected, figures.samples_sent, figures.results_unexpected) == (
        1,
        1,
        1,
    )
    assert (figures.naloxone_kits, figures.naloxone_trainings) == (0, 0)


@pytest.mark.django_db
def test_it_counts_a_session_on_two_topics_once_and_each_topic_once(alice):
    day = datetime.date(2024, 6, 1)
    AdviceSession.objects.create(held_on=day, topics=["overdose", "mixing"], held_by=alice)
    AdviceSession.objects.create(held_on=day, topics=["overdose"], held_by=alice)

    figures = activity_totals(datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))

    assert figures.advice_sessions == 2
    assert figures.advice_by_topic == {"overdose": 2, "mixing": 1}


@pytest.mark.django_db
def test_it_sums_up_a_period_as_the_full_figures_do(handouts):
    """The handouts list's month (`handout_summary`, its statements kept per period) counts
    as `supply_totals`, and again on each call."""
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 4, 1)
    full = supply_totals(start, end)
    summary = handout_summary(start, end)
    assert (
        summary.category_totals
        == full.category_totals
        == {"inhalation": 8, "sexuality": 5, "naloxone": 1}
    )
    assert summary.categories == full.categories
    assert (summary.handouts, summary.anonymous_handouts, summary.people) == (4, 1, 2)
    assert (full.handouts, full.anonymous_handouts, full.people) == (4, 1, 2)

    SupplyDistribution.objects.filter(resident__isnull=True).update(given_at=_at(2025, 6, 1))
    SupplyDistributionLine.objects.filter(item=handouts["kit_base"]).update(quantity=10)
    summary = handout_summary(start, end)
    assert summary.category_totals == {"inhalation": 23, "naloxone": 1}
    assert (summary.handouts, summary.anonymous_handouts, summary.people) == (3, 0, 2)
    empty = handout_summary(datetime.date(2030, 1, 1), datetime.date(2030, 2, 1))
    assert (empty.category_totals, empty.handouts, empty.people) == ({}, 0, 0)
