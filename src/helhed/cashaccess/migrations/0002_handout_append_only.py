"""On PostgreSQL the hand-out log is append-only in the database too (helhed.core.appendonly)."""

from django.db import migrations

from helhed.core.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("cashaccess", "0001_initial")]
    operations = [append_only_trigger("cashaccess_handout")]
