"""Append-only tables: logs that the application may add to but never change or delete
(the read log, hand-outs of cash and cards). One definition for every such table: the
model, its querysets and (on PostgreSQL) a database trigger all refuse."""

from django.db import migrations, models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name_plural.capitalize()} kan ikke ændres.")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name_plural.capitalize()} kan ikke slettes.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} kan ikke ændres.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name_plural.capitalize()} kan ikke slettes.")


def append_only_trigger(table: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL a trigger refuses UPDATE and DELETE of ``table``,
    whoever connects. (TRUNCATE, used to empty a test or demo database, is a separate
    privilege that production's application role does not need.) SQLite is the embedded
    engine for development and the demo and gets no trigger."""
    function = f"{table}_append_only"
    create = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only (%% refused)', TG_OP;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"

    def run(sql):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return operation

    return migrations.RunPython(run(create), run(drop))
