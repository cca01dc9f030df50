import factory
from django.contrib.auth.models import Group

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
