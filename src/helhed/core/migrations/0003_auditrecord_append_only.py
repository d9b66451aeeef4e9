"""On PostgreSQL the read log is append-only in the database too (helhed.core.appendonly)."""

from django.db import migrations

from helhed.core.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("core", "0002_load_municipalities")]
    operations = [append_only_trigger("core_auditrecord")]
