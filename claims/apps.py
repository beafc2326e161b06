from django.apps import AppConfig
from django.db.models.signals import post_migrate

TRIGGER_MIGRATION_SUFFIX = "append_only_triggers"


def reinstall_append_only_triggers(sender, using, plan=None, **kwargs) -> None:
    """After ``migrate``: put the append-only triggers back if a migration rebuilt a
    protected table (SQLite rebuilds tables to alter them, and drops their triggers with
    them). Only once the migration that installs them is applied (``claims.dbguard``)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import dbguard

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return
    applied = recorder.applied_migrations()
    if any(app == "claims" and name.endswith(TRIGGER_MIGRATION_SUFFIX) for app, name in applied):
        dbguard.install(connection)


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks

        post_migrate.connect(reinstall_append_only_triggers, sender=self)
