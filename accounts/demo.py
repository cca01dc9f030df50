from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

# Fictional people, one per role. The password is for the demo only: never load it in production.
DEMO_PASSWORD = "demo-ancrage"
DEMO_USERS = [
    ("travailleur", "Léa", "Moreau", Role.SOCIAL_WORKER),
    ("infirmier", "Karim", "Benali", Role.NURSE),
    ("psychiatre", "Claire", "Dubois", Role.PSYCHIATRIST),
    ("coordination", "Samia", "Haddad", Role.COORDINATOR),
    ("direction", "Marc", "Leroy", Role.MANAGER),
    ("admin", "Nadia", "Roux", Role.ADMIN),
]


def seed(*, rng, scale: str) -> str:
    created = 0
    for username, first_name, last_name, role in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@ancrage.invalid",
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        user.groups.add(Group.objects.get(name=role.value))
    return f"{created} demo users created, {len(DEMO_USERS)} in all"
