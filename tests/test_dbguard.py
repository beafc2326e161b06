"""The record is append-only in the database itself: raw SQL cannot change or delete an
event, a correction or an article revision, on SQLite or on PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from claims import approvals, dbguard, editing, proposals, workflow
from claims.apps import reinstall_append_only_triggers
from claims.models import ArticleRevision, ClaimEvent, Correction
from tests.factories import BODY, PublishedClaimFactory, user_with_role

TABLES = {
    "claims_claimevent": ClaimEvent,
    "claims_correction": Correction,
    "claims_articlerevision": ArticleRevision,
}


def _one_of_each() -> None:
    reviewer = user_with_role("rita", "Reviewers")
    editor, other = user_with_role("eddie", "Editors"), user_with_role("erin", "Editors")
    editing.create_article(by=reviewer, title="T", body=BODY)  # revision 1
    claim = PublishedClaimFactory()
    workflow.reaffirm_claim(claim, by=editor, version=1, note="Checked.")
    proposal = proposals.propose_correction(claim, by=editor, version=1, note="N.", summary="S.")
    approvals.approve_proposal(proposal, by=other)  # an event and a correction


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except IntegrityError:
        return True
    return False


def _assert_raw_sql_is_refused(table: str) -> None:
    _one_of_each()
    model = TABLES[table]
    before = list(model.objects.values())
    assert before
    assert _refused(f"UPDATE {table} SET created_at = created_at")  # noqa: S608 (a no-op)
    assert _refused(f"DELETE FROM {table}")  # noqa: S608
    assert _refused(f"DELETE FROM {table} WHERE id = {before[0]['id']}")  # noqa: S608
    assert list(model.objects.values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("table", list(TABLES))
def test_sqlite_refuses_raw_updates_and_deletes(table):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite triggers (this run is on PostgreSQL: see the postgres test)")
    _assert_raw_sql_is_refused(table)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("table", list(TABLES))
def test_postgresql_refuses_raw_updates_and_deletes(table):
    _assert_raw_sql_is_refused(table)


@pytest.mark.django_db
def test_inserting_is_still_allowed_and_migrate_puts_lost_triggers_back():
    """A later migration may rebuild a protected table (SQLite does, to alter one) and lose
    its triggers: every ``migrate`` installs them again."""
    with connection.cursor() as cursor:
        for statement in dbguard.drop_statements(connection.vendor):
            cursor.execute(statement)
    _one_of_each()  # inserts are never refused
    assert not _refused("UPDATE claims_claimevent SET comment = 'rewritten'")
    reinstall_append_only_triggers(sender=None, using="default")
    assert _refused("UPDATE claims_claimevent SET comment = 'rewritten again'")
    assert ClaimEvent.objects.filter(comment="rewritten again").count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_triggers_hold_in_transactional_tests_too():
    """The test database is emptied between these tests (tests/support/sqlite_backend on
    SQLite); the triggers are back in place afterwards."""
    _one_of_each()
    assert _refused("DELETE FROM claims_correction")
    assert Correction.objects.count() == 1
