"""Database triggers that keep the record append-only, on PostgreSQL and on SQLite.

The ORM already refuses to change or delete events, corrections and article revisions
(``claims.models.AppendOnlyModel``); these triggers make the database itself refuse, so
not even raw SQL from a shell, a script or a bug can rewrite what was recorded:

- PostgreSQL: a ``BEFORE UPDATE OR DELETE ... FOR EACH ROW`` trigger on each table that
  raises ``restrict_violation`` (SQLSTATE 23001, an ``IntegrityError`` in Django);
- SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers that ``RAISE(ABORT, ...)``.

What they do not cover: ``TRUNCATE`` and ``DROP TABLE`` (row triggers do not see them),
and the owner of the tables can drop the triggers. Run the application as a database role
that owns nothing and holds only ``SELECT``/``INSERT`` on these tables (see the README).

Installed by migration ``0005`` and again after every ``migrate`` (``claims.apps``): on
SQLite, a later migration that rebuilds one of these tables drops its triggers with the
old table, and this puts them back. Idempotent on both backends.
"""

from __future__ import annotations

PROTECTED_TABLES = ("claims_claimevent", "claims_correction", "claims_articlerevision")
FUNCTION = "factcheck_refuse_change"


def _message(table: str, what: str) -> str:
    return f"{table} is append-only: rows are never {what}"


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$"""
        ]
        statements += [
            f'CREATE OR REPLACE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE '
            f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()'
            for table in PROTECTED_TABLES
        ]
        return statements
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{op.lower()}" BEFORE {op} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{_message(table, done)}'); END"
            for table in PROTECTED_TABLES
            for op, done in (("UPDATE", "changed"), ("DELETE", "deleted"))
        ]
    return []


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"'
            for table in PROTECTED_TABLES
        ] + [f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_no_{op}"'
            for table in PROTECTED_TABLES
            for op in ("update", "delete")
        ]
    return []


def _tables(connection) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def install(connection) -> None:
    """Create the triggers on every protected table that exists."""
    if not set(PROTECTED_TABLES) <= _tables(connection):
        return  # migrating to a state before the tables: the last migration installs them
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)
