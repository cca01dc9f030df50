"""The right-of-access export is derived from the person-data declarations (privacy.persondata).

For every declared table with a section, rows about one person are built (a builder per table
makes valid rows; then every free text the database lets be written gets a marker of its own),
and the file is exported as the psychiatrist and as the coordinator:

- every free text declared (erased or kept) is in the medical team's export, and in the
  coordinator's unless it is declared medical on that row;
- no value of a field declared medical is in the coordinator's export;
- each table's rows carry exactly its fields' names (but those its declaration leaves out), the
  tables held in them and the section's computed columns: a field added to a declared table is
  in the export with nothing else to write;
- the file is read in the same number of queries with twice as many rows.
"""

import dataclasses
import datetime
import itertools
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harmreduction.models import (
    AdviceSession,
    AdviceTopic,
    MissedReason,
    NaloxoneKit,
    NaloxoneTraining,
    Overdose,
    OverdoseOutcome,
    Sample,
    Setting,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
)
from placements.models import (
    Absence,
    AbsenceReason,
    ExitDestination,
    Incident,
    IncidentAction,
    Placement,
)
from privacy import persondata
from privacy.models import AccessLog
from privacy.subject_access import (
    container,
    exported_fields,
    label,
    nested_label,
    sections_for,
)
from privacy.tests.test_persondata import is_free_text
from residents.models import (
    AdmissionRequest,
    ConsumptionAssessment,
    ConsumptionLine,
    Resident,
    SituationAssessment,
)
from support.models import MedicalNoteText, Note, Referral, Step
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    ConsumptionLineFactory,
    IncidentFactory,
    ItemFactory,
    LocationFactory,
    NoteFactory,
    PlacementFactory,
    ReferralFactory,
    ResidentFactory,
    SampleFactory,
    SituationAssessmentFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Visit, VisitMedicalNote


class Round:
    """Rows about `person`, built a round at a time: two rounds' dates do not collide."""

    def __init__(self, person: Resident, index: int):
        self.person = person
        self.start = timezone.localdate() - datetime.timedelta(days=400 - 150 * index)
        self._stay = None

    @property
    def stay(self) -> Placement:
        if self._stay is None:
            self._stay = PlacementFactory(
                resident=self.person,
                start=self.start,
                end=self.day(70),
                exit_destination=ExitDestination.values[0],
                created_by=UserFactory(),
            )
        return self._stay

    def day(self, offset: int) -> datetime.date:
        return self.start + datetime.timedelta(days=offset)

    def visit(self, offset: int, **fields) -> Visit:
        return VisitFactory(placement=self.stay, planned_on=self.day(offset), **fields)

    def line(self) -> SupplyDistributionLine:
        handout = SupplyDistribution.objects.create(
            resident=self.person, location=LocationFactory(), given_by=UserFactory()
        )
        return SupplyDistributionLine.objects.create(
            distribution=handout, item=ItemFactory(), quantity=2
        )


def _visit_with_medical_note(rows: Round) -> list:
    visit = rows.visit(6, follow_up_reason="medical")
    return [VisitMedicalNote.objects.create(visit=visit, text="", author=visit.worker)]


def _medical_note_texts(rows: Round) -> list:
    note = NoteFactory(
        resident=rows.person, kind="nursing", text="", shared_summary="", medical_text=""
    )
    return [MedicalNoteText.objects.get(note=note)]


# One builder per declared table with a section: valid rows about the round's person.
BUILDERS = {
    Resident: lambda rows: [rows.person],
    AdmissionRequest: lambda rows: [
        AdmissionRequestFactory(
            resident=rows.person,
            status="admitted",
            decided_on=rows.day(0),
            decided_by=UserFactory(),
        )
    ],
    SituationAssessment: lambda rows: [SituationAssessmentFactory(resident=rows.person)],
    ConsumptionAssessment: lambda rows: [ConsumptionAssessmentFactory(resident=rows.person)],
    ConsumptionLine: lambda rows: [ConsumptionLineFactory(assessment__resident=rows.person)],
    Placement: lambda rows: [rows.stay],
    Absence: lambda rows: [
        Absence.objects.create(
            placement=rows.stay, start=rows.day(2), end=rows.day(4), reason=AbsenceReason.HOSPITAL
        )
    ],
    Incident: lambda rows: [
        IncidentFactory(resident=rows.person, hotel=rows.stay.place.hotel, place=rows.stay.place)
    ],
    IncidentAction: lambda rows: [
        IncidentAction.objects.create(
            incident=IncidentFactory(resident=rows.person), action="", handled_by=UserFactory()
        )
    ],
    Visit: lambda rows: [rows.visit(5, partner=UserFactory())],
    VisitMedicalNote: _visit_with_medical_note,
    Note: lambda rows: [
        NoteFactory(resident=rows.person),
        NoteFactory(resident=rows.person, kind="psychiatric", text="", medical_text=""),
    ],
    MedicalNoteText: _medical_note_texts,
    Step: lambda rows: [StepFactory(resident=rows.person)],
    Referral: lambda rows: [
        ReferralFactory(resident=rows.person, service="hepatology", is_medical=True),
        ReferralFactory(resident=rows.person, service="social_services"),
    ],
    VoucherDistribution: lambda rows: [
        VoucherDistribution.objects.create(
            resident=rows.person,
            week=rows.day(-rows.start.weekday()),
            status="given",
            quantity=3,
            unit_value_cents=350,
            given_where=Setting.OFFICE,
            recorded_by=UserFactory(),
        ),
        VoucherDistribution.objects.create(
            resident=rows.person,
            week=rows.day(7 - rows.start.weekday()),
            status="not_given",
            quantity=0,
            unit_value_cents=350,
            missed_reason=MissedReason.ABSENT,
            recorded_by=UserFactory(),
        ),
    ],
    SupplyDistribution: lambda rows: [rows.line().distribution],
    SupplyDistributionLine: lambda rows: [rows.line()],
    NaloxoneKit: lambda rows: [
        NaloxoneKit.objects.create(
            line=rows.line(), training=NaloxoneTraining.SHORT, expires_on=rows.day(700)
        )
    ],
    Overdose: lambda rows: [
        Overdose.objects.create(
            resident=rows.person, outcome=OverdoseOutcome.RECOVERED, recorded_by=UserFactory()
        )
    ],
    AdviceSession: lambda rows: [
        AdviceSession.objects.create(
            resident=rows.person,
            topics=[AdviceTopic.SAFER_SMOKING],
            setting=Setting.OFFICE,
            held_by=UserFactory(),
        )
    ],
    Sample: lambda rows: [SampleFactory(resident=rows.person)],
    AccessLog: lambda rows: [AccessLog.objects.create(user=UserFactory(), resident=rows.person)],
}

EXPORTED = [held for held in persondata.declarations() if held.section]
_markers = itertools.count(1)


def _fill_free_texts(held: persondata.Held, built: list) -> None:
    """Give each empty free text of the rows a marker of its own, where the database allows it
    (a social note has no summary, a medical follow-up keeps its note apart: those stay)."""
    for obj, field in itertools.product(built, held.model._meta.concrete_fields):
        if not is_free_text(field) or getattr(obj, field.attname):
            continue
        try:
            with transaction.atomic():
                held.model._default_manager.filter(pk=obj.pk).update(
                    **{field.name: f"MQ{next(_markers):04d}Z"}
                )
        except IntegrityError:
            continue


def build(person: Resident, index: int = 0) -> dict[type, list]:
    """Rows about `person` in every declared table with a section, their free texts filled."""
    rows = Round(person, index)
    built = {}
    for held in EXPORTED:
        objects = BUILDERS[held.model](rows)
        _fill_free_texts(held, objects)
        built[held.model] = [type(obj)._default_manager.get(pk=obj.pk) for obj in objects]
    return built


def _text(sections) -> str:
    return json.dumps([section.rows for section in sections], default=str, ensure_ascii=False)


def _declared_texts(held: persondata.Held) -> list[str]:
    return [
        field.name
        for field in exported_fields(held)
        if is_free_text(field) and (field.name in held.erased or field.name in held.kept)
    ]


@pytest.fixture
def person(db) -> Resident:
    return ResidentFactory(nickname="Mimosa")


@pytest.fixture
def built(person):
    return build(person)


def test_every_table_with_a_section_has_a_builder():
    assert {held.model for held in EXPORTED} == set(BUILDERS)


@pytest.mark.django_db
def test_the_builders_fill_every_declared_free_text(built):
    empty = [
        f"{held.model._meta.label}.{name}"
        for held in EXPORTED
        for name in _declared_texts(held)
        if not any(getattr(obj, name) for obj in built[held.model])
    ]
    assert empty == []


@pytest.mark.parametrize("held", EXPORTED, ids=lambda held: held.model._meta.label)
def test_every_declared_text_is_exported_and_the_medical_ones_to_the_medical_team_only(
    person, built, paul, chloe, held
):
    medical_team = _text(sections_for(person, paul))
    coordinator = _text(sections_for(person, chloe))

    for obj in built[held.model]:
        stored = {field.attname: getattr(obj, field.attname) for field in held.model._meta.fields}
        medical = held.medical_in(stored)
        choices = {field.name for field in held.model._meta.fields if field.choices}
        hidden_row = held.medical_rows is not None and (
            held.model._default_manager.filter(held.medical_rows, pk=obj.pk).exists()
        )
        for name in _declared_texts(held):
            value = getattr(obj, name)
            if not value:
                continue
            assert value in medical_team, (held.model._meta.label, name)
            if name in medical or hidden_row:
                assert value not in coordinator, (held.model._meta.label, name)
            else:
                assert value in coordinator, (held.model._meta.label, name)
        for name in medical:
            shown = getattr(obj, f"get_{name}_display")() if name in choices else stored[name]
            assert str(shown) in medical_team, (held.model._meta.label, name)
            assert str(shown) not in coordinator, (held.model._meta.label, name)


def _exported_rows(held, sections) -> list[dict]:
    """The export's rows of `held`'s table, wherever they are held."""
    parent = container(held)
    if parent is None:
        return next(section.rows for section in sections if section.key == held.section)
    rows = []
    for holder in _exported_rows(parent, sections):
        inside = holder[nested_label(held)]
        rows += [inside] if isinstance(inside, dict) else inside or []
    return rows


@pytest.mark.parametrize("held", EXPORTED, ids=lambda held: held.model._meta.label)
def test_each_row_carries_every_field_of_its_table_by_its_name(person, built, nina, held):
    """What makes the export derived: its labels are the table's fields' names."""
    declared = next(
        section for section in persondata.export_sections() if section.key == held.section
    )
    held_inside = {nested_label(other) for other in EXPORTED if container(other) == held}
    computed = set()
    if declared.columns is not None and container(held) is None:
        computed = {str(name) for name, _value in declared.columns(built[held.model][0])}

    rows = _exported_rows(held, sections_for(person, nina))

    assert len(rows) >= len(built[held.model])
    fields = {label(field) for field in exported_fields(held)}
    for row in rows:
        assert set(row) == fields | held_inside | computed


@pytest.fixture
def visits_declared_without_exclusion():
    """The visits' declaration with nothing left out of the export, put back afterwards."""
    from visits import persondata as visits_data

    visit, *others = visits_data.HELD
    whole = dataclasses.replace(visit, not_exported={})
    persondata.declare("visits", whole, *others, sections=visits_data.SECTIONS)
    yield
    persondata.declare("visits", *visits_data.HELD, sections=visits_data.SECTIONS)


@pytest.mark.django_db
@pytest.mark.usefixtures("visits_declared_without_exclusion")
def test_a_field_the_declaration_stops_leaving_out_is_exported_with_nothing_else_to_write(
    person, chloe
):
    Round(person, 0).visit(5, manually_edited=True)

    visits = next(s for s in sections_for(person, chloe) if s.key == "visits")

    assert visits.rows[0]["Modifiée à la main"] is True


def test_each_table_names_its_fields_apart():
    for held in EXPORTED:
        names = [label(field) for field in exported_fields(held)]
        names += [nested_label(other) for other in EXPORTED if container(other) == held]
        assert len(names) == len(set(names)), held.model._meta.label


def test_what_is_left_out_is_named_with_its_reason():
    for held in persondata.declarations():
        names = {field.name for field in held.model._meta.concrete_fields}
        label_ = held.model._meta.label
        assert set(held.not_exported) <= names, label_
        assert all(reason.strip() for reason in held.not_exported.values()), label_
        assert (held.medical_rows is None) == (not held.medical_rows_named), label_
        # Read from the row itself on the rows `medical_when` spares (see subject_access._read).
        if held.medical_when:
            fields = [held.model._meta.get_field(name) for name in held.medical]
            assert not any(field.is_relation for field in fields), label_


def test_each_section_is_declared_once_and_filled():
    keys = [section.key for section in persondata.export_sections()]
    assert len(keys) == len(set(keys))
    filled = {held.section for held in EXPORTED}
    for section in persondata.export_sections():
        assert (section.key in filled) != (section.rows is not None), section.key
    assert filled <= set(keys)


@pytest.mark.django_db
def test_a_medical_note_that_shares_nothing_is_left_out_for_the_coordinator(person, paul, chloe):
    NoteFactory(resident=person, kind="psychiatric", author=paul, text="", medical_text="Suivi")

    def notes(user):
        section = next(s for s in sections_for(person, user) if s.key == "notes")
        return section

    assert len(notes(paul).rows) == 1
    assert notes(chloe).rows == []
    assert "partagent aucune synthèse" in notes(chloe).note
    assert notes(paul).note == ""


@pytest.mark.django_db
def test_the_declaration_hides_what_the_notes_and_referrals_querysets_hide(person, chloe):
    """Pages read notes and referrals through their querysets: the export, through the
    declarations. Both say the same."""
    build(person)
    NoteFactory(resident=person, kind="nursing", text="", medical_text="Suivi")
    notes = persondata.declared_for(Note)
    assert set(Note.objects.visible_to(chloe)) == set(Note.objects.exclude(notes.medical_rows))

    referrals = persondata.declared_for(Referral)
    for referral in Referral.objects.visible_to(chloe):
        hidden = set() if referral.detail_visible else {"service", "notes"}
        assert hidden == referrals.medical_in({"is_medical": referral.is_medical})


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["paul", "chloe"])
def test_it_reads_the_file_in_the_same_number_of_queries_with_twice_the_rows(
    person, reader, request
):
    user = request.getfixturevalue(reader)
    build(person, 0)
    sections_for(person, user)  # loads the user's roles

    with CaptureQueriesContext(connection) as once:
        sections_for(person, user)
    build(person, 1)
    with CaptureQueriesContext(connection) as twice:
        sections_for(person, user)

    assert len(twice) == len(once), [query["sql"][:120] for query in twice.captured_queries]
