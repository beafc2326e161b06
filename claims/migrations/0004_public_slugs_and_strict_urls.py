"""Public slugs at first publication, and web addresses in normal form.

1. A claim's public slug is given when it is first published, from the approved
   statement. Claims not yet published lose the slug they were given at creation (it
   carried the draft's first wording); they get one when an editor approves them.
   Published and withdrawn claims keep theirs: a public URL never changes. A constraint
   makes sure every published or withdrawn claim has one.
2. Web addresses are checked strictly and normalised on input from here on
   (``claims.weburl``); the addresses stored before are normalised now — characters a
   URI cannot contain percent-encoded, hosts in IDNA form — so every API response matches
   the schema's ``uri`` format. An address that cannot be read at all is left as it was
   (a reviewer sees the error when editing it).
"""

from django.core.exceptions import ValidationError
from django.db import migrations, models

import claims.models
import claims.weburl

UNPUBLISHED = ("draft", "researching", "in_review")
URL_FIELDS = {"Article": ("url",), "Source": ("url", "archived_url")}


def forget_draft_slugs(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(status__in=UNPUBLISHED).update(slug=None)


def normalise_stored_urls(apps, schema_editor):
    for model_name, fields in URL_FIELDS.items():
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
        ("claims", "0003_coordination"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="slug",
            field=models.SlugField(
                blank=True, editable=False, max_length=80, null=True, unique=True
            ),
        ),
        migrations.RunPython(forget_draft_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("slug__isnull", False), ("status__in", UNPUBLISHED), _connector="OR"
                ),
                name="claim_public_has_slug",
            ),
        ),
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
