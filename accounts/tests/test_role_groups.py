"""Roles are groups and nothing more: what a role may do is decided by each view's role check
(`accounts.access`), never by Django model permissions that nothing reads."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role


@pytest.mark.django_db
def test_it_keeps_one_group_per_role_without_any_permission():
    groups = Group.objects.filter(name__in=list(Role)).prefetch_related("permissions")
    assert sorted(group.name for group in groups) == sorted(Role)
    assert {group.name: list(group.permissions.all()) for group in groups} == {
        role: [] for role in Role
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "nina", "paul", "chloe", "marc", "ada"])
def test_it_grants_no_django_permission_to_any_role(request, who):
    assert request.getfixturevalue(who).get_all_permissions() == set()
