"""SQLite as in production, except that a test database can be emptied between tests.

pytest-django empties the database after each transactional test (``transaction=True``,
the live server, the worker tests) with ``DELETE FROM`` on every table. The append-only
triggers (``claims.dbguard``) refuse exactly that on the history, corrections and article
revisions — as they must everywhere else. So this backend's flush, and only its flush,
drops those triggers, empties the tables and creates the triggers again, in one
transaction. Nothing else differs from Django's SQLite backend: every test, the trigger
tests included, runs against the real triggers. (On PostgreSQL the flush is a
``TRUNCATE``, which row triggers do not see, so no such backend is needed there.)
"""

from django.db.backends.sqlite3 import base, operations

from claims import dbguard


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements or not set(dbguard.PROTECTED_TABLES) & set(tables):
            return statements
        return [
            *dbguard.drop_statements("sqlite"),
            *statements,
            *dbguard.create_statements("sqlite"),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
