"""On PostgreSQL the hand-out log is append-only in the database too, like the read log
(core/migrations/0003): a trigger refuses UPDATE and DELETE of hand-outs, whoever connects."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cashaccess_handout_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'hand-outs are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cashaccess_handout_append_only
    BEFORE UPDATE OR DELETE ON cashaccess_handout
    FOR EACH ROW EXECUTE FUNCTION cashaccess_handout_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cashaccess_handout_append_only ON cashaccess_handout;
DROP FUNCTION IF EXISTS cashaccess_handout_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cashaccess", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
