"""Demo data of the reports: the organisation printed on them (fictional)."""

from reports.models import Organisation


def seed(*, rng, scale: str) -> str:
    """The demo organisation, unless the manager already set one (idempotent)."""
    organisation, created = Organisation.objects.get_or_create(
        pk=1,
        defaults={
            "name": "Association Ancrage (démonstration)",
            "address": "1 rue de l’Exemple\n75019 Paris",
            "finess": "750000000",
            "signatory": "Camille Martin",
            "signatory_title": "Cheffe de service",
        },
    )
    return f"organisation {organisation.name!r}" + ("" if created else " (kept)")
