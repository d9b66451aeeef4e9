"""Loads the 98 municipalities from the project's own copy of the official list
(src/helhed/core/data/kommuner.csv: code, name, region, region code, ISO 3166-2)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        Municipality.objects.update_or_create(
            code=int(row["kommunekode"]),
            defaults={
                "name": row["navn"],
                "region": row["region"],
                "region_code": int(row["regionskode"]),
                "iso_code": row["iso_3166_2"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
