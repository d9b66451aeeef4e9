import datetime
import random

import factory

from helhed.core.models import User
from helhed.core.roles import Role
from helhed.demo.cpr import demo_cpr
from helhed.registry import services as registry
from helhed.registry.models import Citizen

_rng = random.Random(42)
_taken: set[str] = set()


def fictional_cpr(birth_date=datetime.date(1980, 5, 17), sex="K") -> str:
    return demo_cpr(birth_date, sex, _rng, _taken)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger{n}")
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", "korrekt-hest-batteri")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)
        if create:
            self.save()


def make_citizen(*, municipality=751, first_name="Karen", last_name="Holm",
                 birth_date=datetime.date(1972, 3, 14), sex="K", **details) -> Citizen:
    return registry.register_citizen(
        cpr=fictional_cpr(birth_date, sex), first_name=first_name, last_name=last_name,
        home_municipality=municipality, **details,
    )
