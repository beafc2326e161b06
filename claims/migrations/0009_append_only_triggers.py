"""Database triggers refusing UPDATE and DELETE on events, corrections and article
revisions, on PostgreSQL and SQLite (``claims.dbguard`` holds the SQL and says what the
triggers do not cover). After the data migration: from here on, not even migrations
rewrite those rows."""

from django.db import migrations


def install(apps, schema_editor):
    from claims import dbguard

    dbguard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from claims import dbguard

    dbguard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_record_values")]

    operations = [migrations.RunPython(install, uninstall)]
