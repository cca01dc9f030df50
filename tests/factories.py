import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from placements.models import Hotel, Place, PlaceKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@ancrage.invalid")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the data migration made.
            self.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in extracted))
        self.save()


class HotelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotel

    name = factory.Sequence(lambda n: f"Hôtel Test {n}")
    address = factory.Sequence(lambda n: f"{n} rue de l'Essai, 75019 Paris")
    arrondissement = 19


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    hotel = factory.SubFactory(HotelFactory)
    room = factory.Sequence(lambda n: f"{100 + n}")
    kind = PlaceKind.SINGLE


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "residents.Resident"

    nickname = factory.Sequence(lambda n: f"Surnom {n}")
    birth_year = 1980


class SituationAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "residents.SituationAssessment"

    resident = factory.SubFactory(ResidentFactory)
    housing_before = "street"
    income = factory.LazyFunction(lambda: ["rsa"])
    health_cover = "puma"
    id_papers = "valid"
    residence_permit = "not_needed"
    assessed_by = factory.SubFactory(UserFactory)


class ConsumptionAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "residents.ConsumptionAssessment"

    resident = factory.SubFactory(ResidentFactory)
    assessed_by = factory.SubFactory(UserFactory)


class ConsumptionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "residents.ConsumptionLine"

    assessment = factory.SubFactory(ConsumptionAssessmentFactory)
    product = "crack"
    frequency = 4
    route = "inhaled"


class AdmissionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "residents.AdmissionRequest"

    resident = factory.SubFactory(ResidentFactory)
    referring_structure = "outreach"
    psychic_situation = 2
    isolation = 2
    vulnerability = 2


class PlacementFactory(factory.django.DjangoModelFactory):
    """An ongoing stay that began ten days ago."""

    class Meta:
        model = "placements.Placement"

    resident = factory.SubFactory(ResidentFactory)
    place = factory.SubFactory(PlaceFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    end = None
    exit_destination = ""
    # An ended stay gets the reason its destination implies, unless the test gives one.
    exit_reason = factory.LazyAttribute(
        lambda stay: (
            ""
            if stay.end is None or stay.exit_destination == "transfer"
            else _implied_exit_reason(stay.exit_destination)
        )
    )
    transfer_reason = factory.LazyAttribute(
        lambda stay: "other" if stay.end and stay.exit_destination == "transfer" else ""
    )


def _implied_exit_reason(destination: str) -> str:
    from placements.models import implied_exit_reason

    return implied_exit_reason(destination)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Incident"

    hotel = factory.SubFactory(HotelFactory)
    kind = "noise"
    description = "Bruit dans le couloir la nuit."


class NoteFactory(factory.django.DjangoModelFactory):
    """A social note; for a medical one pass kind, text="" and medical_text="…"."""

    class Meta:
        model = "support.Note"
        skip_postgeneration_save = True

    resident = factory.SubFactory(ResidentFactory)
    kind = "social"
    author = factory.SubFactory(UserFactory)
    text = "Point sur les démarches en cours, la personne va mieux."

    @factory.post_generation
    def medical_text(self, create, extracted, **kwargs):
        if create and extracted is not None:
            from support.models import MedicalNoteText

            MedicalNoteText.objects.create(note=self, text=extracted)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.Step"

    resident = factory.SubFactory(ResidentFactory)
    kind = "ame"
    followed_by = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A social referral (housing services) with an appointment in three days."""

    class Meta:
        model = "support.Referral"

    resident = factory.SubFactory(ResidentFactory)
    service = "housing_services"
    appointment_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    )


class StaffAvailabilityFactory(factory.django.DjangoModelFactory):
    """A worker on the visit roster, Monday to Friday."""

    class Meta:
        model = "visits.StaffAvailability"

    user = factory.SubFactory(UserFactory, roles=["social_worker"])
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit planned today, during an ongoing stay."""

    class Meta:
        model = "visits.Visit"

    placement = factory.SubFactory(PlacementFactory)
    resident = factory.SelfAttribute("placement.resident")
    hotel = factory.SelfAttribute("placement.place.hotel")
    planned_on = factory.LazyFunction(timezone.localdate)
    worker = factory.SubFactory(UserFactory, roles=["social_worker"])


class ItemFactory(factory.django.DjangoModelFactory):
    """A harm-reduction item (the catalogue's own items come from a data migration)."""

    class Meta:
        model = "harmreduction.Item"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Article {n}")
    category = "inhalation"
    unit = "piece"


class LocationFactory(factory.django.DjangoModelFactory):
    """A stock location: a team's visit bag unless told otherwise."""

    class Meta:
        model = "harmreduction.Location"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sac de visite {n}")
    kind = "visit_bag"


class SampleFactory(factory.django.DjangoModelFactory):
    """A product sample collected today, not sent yet."""

    class Meta:
        model = "harmreduction.Sample"

    resident = factory.SubFactory(ResidentFactory)
    collected_by = factory.SubFactory(UserFactory)
    presumed_product = "Crack"
    network = "sintes"
