"""A trigram index for name search on PostgreSQL.

Name search matches every word anywhere in the name (``search_name LIKE '%word%'``,
``registry.selectors.search_citizens``). A B-tree index cannot serve a pattern that starts
with a wildcard, so at national size a rare name meant reading every citizen of the
municipality; a GIN index over trigrams (``pg_trgm``, a trusted extension the database
owner may create) finds the candidates directly. SQLite, the embedded engine for the demo
and development, gets nothing: its sizes do not need it.
"""

from django.db import migrations

INDEX = "registry_citizen_search_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_citizen USING gin (search_name gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_digitalpostexemption_declaration_and_more")]
    operations = [migrations.RunPython(create, drop)]
