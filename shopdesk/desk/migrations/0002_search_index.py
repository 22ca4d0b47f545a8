"""A GIN index for the desk's full-text search on PostgreSQL (SQLite searches without one)."""

from django.db import migrations

INDEX_SQL = "CREATE INDEX IF NOT EXISTS desk_ticket_search_fts ON desk_ticket USING gin (search_vector)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS desk_ticket_search_fts")


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
