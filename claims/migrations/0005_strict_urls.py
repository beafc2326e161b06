"""Web addresses are stored in normal form (``claims.weburl``): strictly checked and
normalised on input from here on, and the addresses stored before are normalised now —
characters a URI cannot contain percent-encoded, hosts in IDNA form — so every API
response matches the schema's ``uri`` format. An address that cannot be read at all is
left as it was (a reviewer sees the error when editing it)."""

from django.core.exceptions import ValidationError
from django.db import migrations

import claims.models
import claims.weburl

FIELDS = {"Article": ("url",), "Source": ("url", "archived_url")}


def normalise_stored_urls(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("claims", model_name)
        for row in model.objects.only("pk", *fields).iterator():
            changes = {}
            for name in fields:
                value = getattr(row, name)
                if not value:
                    continue
                try:
                    normal = claims.weburl.normalise(value, lenient=True)
                except ValidationError:
                    continue
                if normal != value:
                    changes[name] = normal
            if changes:
                model.objects.filter(pk=row.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_hash_api_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="url",
            field=claims.models.WebURLField(
                blank=True, max_length=2000, validators=[claims.weburl.validate_normal]
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="archived_url",
            field=claims.models.WebURLField(
                blank=True,
                help_text="A copy in a web archive, shown to readers beside the original link.",
                max_length=2000,
                validators=[claims.weburl.validate_normal],
                verbose_name="archived copy",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=claims.models.WebURLField(
                max_length=2000, validators=[claims.weburl.validate_normal], verbose_name="URL"
            ),
        ),
        migrations.RunPython(normalise_stored_urls, migrations.RunPython.noop),
    ]
