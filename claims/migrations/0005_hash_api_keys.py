"""API keys are stored as hashes (django-rest-knox) instead of in clear (DRF authtoken).

Every key DRF's ``authtoken_token`` table holds is carried over as its digest, so
programs keep working with the key they have, and the clear-text rows are deleted. The
table itself stays (its app is no longer installed, and dropping it would leave
``django_migrations`` claiming otherwise); it is empty from here on.
"""

from django.db import migrations

LEGACY_TABLE = "authtoken_token"


def carry_over_legacy_keys(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {table}")  # noqa: S608 - constant
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        digest = hash_token(key)
        AuthToken(
            digest=digest, token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user_id
        ).save(force_insert=True)
        AuthToken.objects.filter(digest=digest).update(created=created)  # keep its age
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constant


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_public_slugs_and_strict_urls"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(carry_over_legacy_keys, migrations.RunPython.noop)]
