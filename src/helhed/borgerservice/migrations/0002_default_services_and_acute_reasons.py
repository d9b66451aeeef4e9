"""The national defaults: the services a service point can offer (issue "Borgerservice")
and the acute reasons (seed 003: urgent passport, NemID/MitID key card; plus stopped
benefit payment and risk of eviction; other with a description). A municipality adds its
own rows in the admin."""

from django.db import migrations

SERVICES = [
    ("pas", "Pas"),
    ("koerekort", "Kørekort"),
    ("mitid", "MitID og nøglekort"),
    ("sundhedskort", "Sundhedskort"),
    ("digital_hjaelp", "Hjælp til digital selvbetjening"),
    ("udk", "Hjælp med sager hos Udbetaling Danmark"),
    ("kontant", "Afhentning af kontanter"),
]
REASONS = [
    # code, label, within_days, requires_description
    ("pas_rejse", "Jeg skal bruge pas til en rejse inden for 14 dage", 14, False),
    ("mitid", "Jeg skal have nøglekort eller hjælp til MitID for at kunne logge på", None, False),
    ("ydelse_stoppet", "Min udbetaling af en ydelse er stoppet", None, False),
    ("udsaettelse", "Jeg risikerer at blive sat ud af min bolig", None, False),
    ("andet", "Andet akut – beskriv det", None, True),
]


def create(apps, schema_editor):
    ServiceType = apps.get_model("borgerservice", "ServiceType")
    AcuteReason = apps.get_model("borgerservice", "AcuteReason")
    for code, name in SERVICES:
        ServiceType.objects.get_or_create(code=code, municipality=None, defaults={"name": name})
    for position, (code, label, days, describe) in enumerate(REASONS):
        AcuteReason.objects.get_or_create(code=code, municipality=None, defaults={
            "label": label, "within_days": days, "requires_description": describe, "position": position})


def remove(apps, schema_editor):
    apps.get_model("borgerservice", "ServiceType").objects.filter(municipality=None).delete()
    apps.get_model("borgerservice", "AcuteReason").objects.filter(municipality=None).delete()


class Migration(migrations.Migration):
    dependencies = [("borgerservice", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
