"""The visit form's harm-reduction part: saved with the visit, in the same transaction."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction import extensions, services
from harmreduction.models import (
    AdviceSession,
    StockLevel,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from harmreduction.tests.conftest import DAY
from tests.factories import ItemFactory, LocationFactory, VisitFactory
from visits.models import Visit, VisitStatus


@pytest.fixture
def visit(db, housed, alice):
    return VisitFactory(placement=housed, worker=alice)


def _url(visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def _post(client, visit, outcome="seen", **material):
    data = {"outcome": outcome, "form_token": str(uuid.uuid4())}
    data.update({f"rdr-{name}": value for name, value in material.items()})
    return client.post(_url(visit), data)


def _level(location, item) -> int:
    return StockLevel.objects.get(location=location, item=item).quantity


@pytest.mark.django_db
def test_it_offers_the_material_part_to_the_care_team(client_for, alice, visit, bag, kit_base):
    response = client_for(alice).get(_url(visit))
    body = response.content.decode()
    assert "Tickets, matériel et conseils" in body
    assert f'name="rdr-item_{kit_base.pk}"' in body
    assert 'name="rdr-vouchers"' in body
    (bound,) = [item for item in response.context["extensions"] if item.extension.name == "rdr"]
    assert bound.form["location"].value() == bag.pk


@pytest.mark.django_db
def test_it_records_a_seen_visit_in_one_tap(client_for, alice, visit):
    response = _post(client_for(alice), visit)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.outcome) == (VisitStatus.DONE, "seen")
    assert not SupplyDistribution.objects.exists()
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_saves_material_vouchers_and_advice_with_the_visit(
    client_for, alice, visit, bag, kit_base, pipe, stock, vouchers
):
    stock(bag, {kit_base: 4, pipe: 2})
    vouchers(10)
    material = {"location": bag.pk, f"item_{kit_base.pk}": 1, f"item_{pipe.pk}": 1}
    client = client_for(alice)
    response = _post(
        client,
        visit,
        vouchers="on",
        advice_topics=["safer_smoking", "overdose"],
        **material,
    )

    handout = SupplyDistribution.objects.get()
    assert (handout.visit, handout.resident, handout.setting, handout.location) == (
        visit,
        visit.resident,
        "visit",
        bag,
    )
    assert (_level(bag, kit_base), _level(bag, pipe)) == (3, 1)
    week = VoucherDistribution.objects.get()
    assert (week.visit, week.given_where, week.recorded_by) == (visit, "visit", alice)
    advice = AdviceSession.objects.get()
    assert (advice.resident, advice.visit, advice.topics, advice.setting) == (
        visit.resident,
        visit,
        ["safer_smoking", "overdose"],
        "visit",
    )
    message = " ".join(client.get(response.url).content.decode().split())
    assert (
        f"Visite à {visit.resident.nickname} enregistrée : vu·e. Enregistré aussi : tickets "
        "service · Kit base × 1, Pipe (doseur) × 1 · conseils : Consommation à moindre risque "
        "(crack fumé), "
        "Prévention des surdoses."
    ) in message, message[message.index("alert-success") :][:400]
    page = client_for(alice).get(_url(visit)).content.decode()
    assert "Déjà remis pendant cette visite" in page
    assert "Les tickets service de la semaine sont déjà remis." in page


@pytest.mark.django_db
def test_it_rolls_the_visit_back_when_the_bag_is_short(
    client_for, alice, visit, bag, kit_base, stock
):
    stock(bag, {kit_base: 1})
    response = _post(client_for(alice), visit, location=bag.pk, **{f"item_{kit_base.pk}": 2})
    assert response.status_code == 400
    assert "Pas assez de « Kit base » dans Sac équipe A : il en reste 1, 2 demandé(s)." in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert not SupplyDistribution.objects.exists()
    assert _level(bag, kit_base) == 1


@pytest.mark.django_db
def test_it_rolls_the_visit_back_when_the_safe_has_no_vouchers(client_for, alice, visit):
    response = _post(client_for(alice), visit, vouchers="on")
    assert response.status_code == 400
    assert "Pas assez de tickets en stock" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


@pytest.mark.django_db
def test_it_refuses_material_for_a_person_not_met(client_for, alice, visit, bag, kit_base, stock):
    stock(bag, {kit_base: 3})
    response = _post(
        client_for(alice), visit, "absent", location=bag.pk, **{f"item_{kit_base.pk}": 1}
    )
    assert response.status_code == 400
    assert "ne s’enregistrent que pour une personne rencontrée" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED
    assert _level(bag, kit_base) == 3


@pytest.mark.django_db
def test_it_asks_which_bag(client_for, alice, visit, kit_base):
    response = _post(client_for(alice), visit, location="", **{f"item_{kit_base.pk}": 1})
    assert response.status_code == 400
    assert "Indiquez dans quel sac le matériel a été pris." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


@pytest.mark.django_db
def test_it_is_not_offered_to_the_manager(client_for, marc, visit):
    response = client_for(marc).get(_url(visit))
    assert response.context["extensions"] == []
    assert "rdr-location" not in response.content.decode()


def _ticked(page: str, topic: str) -> bool:
    return bool(re.search(rf'<input[^>]*value="{topic}"[^>]*checked', page)) or bool(
        re.search(rf'<input[^>]*checked[^>]*value="{topic}"', page)
    )


@pytest.mark.django_db
def test_it_shows_the_advice_recorded_when_the_visit_is_reopened(client_for, alice, visit):
    _post(client_for(alice), visit, advice_topics=["mixing", "reducing"])
    page = client_for(alice).get(_url(visit)).content.decode()
    assert _ticked(page, "mixing") and _ticked(page, "reducing")
    assert not _ticked(page, "overdose")
    assert "Pas de conseil cette fois" not in page


@pytest.mark.django_db
def test_it_changes_the_topics_when_the_visit_is_corrected(client_for, alice, visit):
    _post(client_for(alice), visit, advice_topics=["mixing"])
    _post(client_for(alice), visit, advice_topics=["mixing", "overdose"])
    # One session for the visit, whatever the number of corrections.
    assert list(AdviceSession.objects.values_list("topics", flat=True)) == [["mixing", "overdose"]]


@pytest.mark.django_db
def test_it_removes_the_advice_a_correction_unticks(client_for, alice, visit):
    _post(client_for(alice), visit, advice_topics=["mixing"])
    _post(client_for(alice), visit)
    assert not AdviceSession.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_topic_and_saves_nothing(client_for, alice, visit):
    response = _post(client_for(alice), visit, advice_topics=["mixing", "astrology"])
    assert response.status_code == 400
    assert "astrology n’en fait pas partie" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED
    assert not AdviceSession.objects.exists()


def _give(location, quantities, by, visit):
    services.supply_give(
        location=location,
        quantities=quantities,
        by=by,
        resident=visit.resident,
        setting="visit",
        visit=visit,
    )


@pytest.mark.django_db
def test_it_lists_what_each_handout_of_the_visit_gave_latest_first(
    client_for, alice, visit, bag, kit_base, pipe, stock
):
    stock(bag, {kit_base: 4, pipe: 5})
    _give(bag, {kit_base: 1, pipe: 2}, alice, visit)
    _give(bag, {pipe: 3}, alice, visit)
    page = " ".join(client_for(alice).get(_url(visit)).content.decode().split())
    assert (
        "Déjà remis pendant cette visite : Pipe (doseur) × 3; Kit base × 1, Pipe (doseur) × 2"
        in page
    )


@pytest.mark.django_db
def test_it_offers_the_bag_of_the_workers_last_handout(
    client_for, alice, visit, office, bag, kit_base, stock
):
    other_bag = LocationFactory(name="Sac équipe B")
    client = client_for(alice)
    # No handout yet: the first visit bag by name, never the office.
    page = client.get(_url(visit))
    (bound,) = page.context["extensions"]
    assert bound.form["location"].value() == bag.pk
    assert f'<option value="{other_bag.pk}">Sac équipe B</option>' in page.content.decode()
    earlier = VisitFactory(
        placement=visit.placement, worker=alice, planned_on=visit.planned_on - DAY
    )
    stock(other_bag, {kit_base: 1})
    _give(other_bag, {kit_base: 1}, alice, earlier)
    (bound,) = client.get(_url(visit)).context["extensions"]
    assert bound.form["location"].value() == other_bag.pk


@pytest.mark.django_db
def test_the_visit_page_keeps_a_fixed_query_budget(client_for, alice, visit, bag, kit_base, stock):
    stock(bag, {kit_base: 100})
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(visit)).status_code == 200
        return len(queries)

    _give(bag, {kit_base: 1}, alice, visit)
    with_one = count_queries()
    for _ in range(5):
        _give(bag, {kit_base: 1}, alice, visit)
    ItemFactory.create_batch(10, category="injection")
    # The handouts' lines with their items in one query, the items and bags in one each.
    assert count_queries() == with_one


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.mark.django_db
def test_the_kept_statements_read_what_the_orm_reads(alice, visit, bag, kit_base, pipe, stock):
    """The form's statements are built once a process (extensions._kept): each call still
    reads the database, with the visit's and the worker's own ids."""
    other = VisitFactory(placement=visit.placement, worker=alice, planned_on=visit.planned_on - DAY)
    stock(bag, {kit_base: 4, pipe: 5})
    _give(bag, {kit_base: 1, pipe: 2}, alice, visit)
    _give(bag, {pipe: 3}, alice, visit)
    _give(bag, {kit_base: 1}, alice, other)
    AdviceSession.objects.create(
        resident=visit.resident,
        visit=visit,
        held_on=visit.planned_on,
        topics=["safer_injection"],
        setting="visit",
        held_by=alice,
    )
    for each in (visit, other):
        expected: dict[int, list] = {}
        for line in SupplyDistributionLine.objects.filter(distribution__visit=each).select_related(
            "item"
        ):
            expected.setdefault(line.distribution_id, []).append(line)
        with CaptureQueriesContext(connection) as queries:
            kept = extensions._given_before(each)
            assert [[(_values(li), _values(li.item)) for li in lines] for lines in kept] == [
                [(_values(li), _values(li.item)) for li in lines] for lines in expected.values()
            ]
        assert len(queries) == 1
        advice = extensions._advice_given(each)
        orm = AdviceSession.objects.filter(visit=each).first()
        assert (advice and _values(advice)) == (orm and _values(orm))
    assert len(extensions._given_before(visit)) == 2
    assert extensions._advice_given(visit).topics == ["safer_injection"]
    assert extensions._advice_given(other) is None
