"""A claim's public slug is given at first publication, from the approved statement.

Claims not yet published lose the slug they were given at creation (it carried the
draft's first wording); they get one when an editor approves them. Published and
withdrawn claims keep theirs: a public URL never changes.
"""

from django.db import migrations, models

UNPUBLISHED = ("draft", "researching", "in_review")


def forget_draft_slugs(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(status__in=UNPUBLISHED).update(slug=None)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_role_groups"),
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
                condition=models.Q(("slug__isnull", False), ("status__in", UNPUBLISHED), _connector="OR"),
                name="claim_public_has_slug",
            ),
        ),
    ]
