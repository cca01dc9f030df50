"""Every table that holds something about a person declares it (privacy.persondata).

The guard: a free text reachable from a person — a CharField without choices, a TextField, a
JSONField, on any project table with a foreign-key path to `Resident` — is either erased at
anonymisation or kept with a stated reason. A new field forgotten there would survive the
retention delay.
"""

from collections import deque

import pytest
from django.apps import apps
from django.db import models
from pghistory.models import Event

from privacy import persondata, subject_access
from residents.models import Resident
from tests.factories import ResidentFactory


def project_models() -> list[type[models.Model]]:
    """The project's own tables, without their change-history tables (retention deletes the
    history of the rows it anonymises, whatever it holds)."""
    return [
        model
        for config in apps.get_app_configs()
        if "site-packages" not in config.path
        for model in config.get_models()
        if not issubclass(model, Event)
    ]


def path_to_resident(model: type[models.Model]) -> str | None:
    """A chain of foreign keys from `model` to Resident ("note__resident"), or None."""
    if model is Resident:
        return "pk"
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if target is Resident:
                return step
            if target not in seen:
                seen.add(target)
                queue.append((target, step))
    return None


def is_free_text(field: models.Field) -> bool:
    if isinstance(field, models.JSONField | models.TextField):
        return True
    return isinstance(field, models.CharField) and not field.choices


def about_a_person() -> dict[type[models.Model], str]:
    found = {model: path_to_resident(model) for model in project_models()}
    return {model: path for model, path in found.items() if path}


def test_the_walk_reaches_tables_through_other_tables():
    from support.models import MedicalNoteText
    from visits.models import VisitMedicalNote

    reached = about_a_person()

    assert reached[MedicalNoteText] == "note__resident"
    assert reached[VisitMedicalNote] == "visit__resident"
    assert Resident in reached


def test_it_declares_every_free_text_about_a_person_erased_or_kept_for_a_reason():
    undeclared = []
    for model, _path in sorted(about_a_person().items(), key=lambda pair: pair[0]._meta.label):
        held = persondata.declared_for(model)
        for field in model._meta.concrete_fields:
            if not is_free_text(field):
                continue
            if held is None or (field.name not in held.erased and not held.kept.get(field.name)):
                undeclared.append(f"{model._meta.label}.{field.name}")

    assert undeclared == []


def test_each_declaration_names_real_fields_and_says_why_a_field_stays():
    for held in persondata.declarations():
        names = {field.name for field in held.model._meta.concrete_fields}
        label = held.model._meta.label
        assert set(held.erased) <= names, label
        assert set(held.kept) <= names, label
        assert set(held.medical) <= names, label
        assert set(held.contacts) <= names, label
        assert not set(held.erased) & set(held.kept), label
        assert all(reason.strip() for reason in held.kept.values()), label
        assert not set(held.erased) & {"pk", "id"}, label


def test_each_table_is_declared_once():
    models_declared = [held.model for held in persondata.declarations()]
    assert len(models_declared) == len(set(models_declared))


@pytest.mark.django_db
def test_each_declared_path_leads_to_the_person_and_each_section_is_in_the_export(nina):
    resident = ResidentFactory()
    keys = {section.key for section in subject_access.sections_for(resident, nina)}

    for held in persondata.declarations():
        # The lookup is valid: the query runs.
        assert held.rows([resident.pk]).count() >= 0
        assert not held.section or held.section in keys, held.model._meta.label
