"""The access policy's mechanism (accounts.policy): permissions by name, read by the views'
decorator, class-based views, `has_perm` and templates' `perms`; a name nobody declared fails."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.views.generic import TemplateView

from accounts import policy
from accounts.access import view_permission, view_rule
from accounts.policy import Permission, UnknownPermission, allow, may, roles
from accounts.roles import Role
from core.views import RoleViewMixin


def test_it_gives_the_roles_of_a_declared_permission():
    assert roles("placements.manage") == {Role.COORDINATOR}
    assert roles("accounts.manage") == {Role.MANAGER, Role.ADMIN}


@pytest.mark.parametrize("name", ["placements.manaeg", "placement.manage", "manage", ""])
def test_an_unknown_name_raises_instead_of_answering(name):
    with pytest.raises(UnknownPermission, match="declare it"):
        roles(name)


def test_the_decorator_fails_at_import_on_an_unknown_name():
    with pytest.raises(UnknownPermission):
        allow("placements.manaeg")


def test_a_class_based_view_fails_at_import_on_an_unknown_name():
    with pytest.raises(UnknownPermission):

        class TypoView(RoleViewMixin, TemplateView):
            permission = "placements.manaeg"


def test_a_class_based_view_names_a_permission_or_roles_not_both():
    with pytest.raises(TypeError):

        class BothView(RoleViewMixin, TemplateView):
            permission = "placements.manage"
            allowed_roles = frozenset({Role.SOCIAL_WORKER})


def test_the_decorator_sets_the_roles_and_records_the_permission():
    @allow("placements.manage")
    def view(request):
        pass

    assert view.allowed_roles == {Role.COORDINATOR}
    assert view_permission(view) == "placements.manage"
    assert view_rule(view) == {Role.COORDINATOR}


def test_a_class_based_view_reads_its_rule_from_the_policy():
    class ManageView(RoleViewMixin, TemplateView):
        permission = "placements.manage"

    view = ManageView.as_view()
    assert view_permission(view) == "placements.manage"
    assert view_rule(view) == {Role.COORDINATOR}
    with policy.permissions.temporarily(Permission("placements.manage", {Role.NURSE})):
        assert view_rule(view) == {Role.NURSE}


@pytest.mark.django_db
def test_may_answers_from_the_roles(alice, chloe):
    assert may(chloe, "placements.manage")
    assert not may(alice, "placements.manage")
    with pytest.raises(UnknownPermission):
        may(chloe, "placements.manaeg")


@pytest.mark.django_db
def test_a_deactivated_account_holds_no_permission(chloe):
    chloe.is_active = False
    assert not may(chloe, "placements.manage")
    assert not chloe.has_perm("placements.manage")


def test_an_anonymous_visitor_holds_no_permission():
    from django.contrib.auth.models import AnonymousUser

    assert not may(AnonymousUser(), "placements.read")
    assert not AnonymousUser().has_perm("placements.read")


@pytest.mark.django_db
def test_has_perm_answers_from_the_policy(alice, chloe, marc):
    assert chloe.has_perm("placements.manage")
    assert not alice.has_perm("placements.manage")
    assert marc.has_perm("placements.read") and not marc.has_perm("placements.record_incident")
    assert chloe.has_module_perms("placements") and not alice.has_module_perms("accounts")


@pytest.mark.django_db
def test_has_perm_raises_on_an_unknown_name(chloe):
    with pytest.raises(UnknownPermission):
        chloe.has_perm("placements.manaeg")
    with pytest.raises(UnknownPermission):
        chloe.has_perm("placement.manage")


@pytest.mark.django_db
def test_a_no_of_the_policy_is_final_and_costs_no_query(chloe):
    """Otherwise ModelBackend would query the permission tables, which no group fills, for
    every button a role may not use."""
    chloe.role_names  # noqa: B018 - the one query that loads the roles
    with CaptureQueriesContext(connection) as queries:
        assert not chloe.has_perm("accounts.manage")
        assert chloe.has_perm("placements.manage")
    assert len(queries) == 0


@pytest.mark.django_db
def test_django_model_permissions_stay_ungranted(chloe):
    assert not chloe.has_perm("auth.view_user")
    assert not chloe.has_module_perms("auth")


@pytest.mark.django_db
def test_templates_read_the_policy_through_perms(alice, chloe):
    from django.contrib.auth.context_processors import PermWrapper

    template = Template("{% if perms.placements.manage %}assign{% endif %}")
    assert template.render(Context({"perms": PermWrapper(chloe)})) == "assign"
    assert template.render(Context({"perms": PermWrapper(alice)})) == ""


@pytest.mark.django_db
def test_a_template_that_misspells_a_permission_fails_to_render(chloe):
    from django.contrib.auth.context_processors import PermWrapper

    template = Template("{% if perms.placements.manaeg %}assign{% endif %}")
    with pytest.raises(UnknownPermission):
        template.render(Context({"perms": PermWrapper(chloe)}))


def test_a_policy_names_existing_roles_only():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        policy.declare("placements", manage={"coordinater"})
    with pytest.raises(ImproperlyConfigured):
        policy.declare("placements", manage=set())
    assert roles("placements.manage") == {Role.COORDINATOR}
