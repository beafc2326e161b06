"""Events written before values were kept; revision 1 of every existing article.

Before this migration an event's ``changes`` held only the *names* of what changed (or,
for sources, their URL). Those values are gone: each old entry becomes an entry marked
``"recorded": false`` that still names the field (``claims.history`` shows "changed
(values not recorded)" for it, and rebuilds what it can from the current state). Every
existing article gets revision 1 — the article as it stands now, the earliest text that
can still be known. Reverse: a no-op (the new entries read fine either way).
"""

from django.db import migrations

SOURCE_ACTIONS = {"add_source", "edit_source", "remove_source", "archive_source"}
SPAN_FIELDS = {"quote", "start_offset", "end_offset"}
ARTICLE_FIELDS = ("title", "standfirst", "author", "outlet", "url", "published_at", "language", "body")


def unrecorded(action: str, entry) -> dict:
    if isinstance(entry, dict):
        return entry
    text = str(entry)
    if action in SOURCE_ACTIONS:
        return {"field": "source", "source": None, "recorded": False, "label": text}
    if action in ("edit", "correct"):
        field = "span" if text in SPAN_FIELDS else text
        return {"field": field, "recorded": False, "label": text}
    return {"field": "", "recorded": False, "label": text}


def convert_events(apps, schema_editor):
    ClaimEvent = apps.get_model("claims", "ClaimEvent")
    batch = []
    for event in ClaimEvent.objects.exclude(changes=[]).iterator(chunk_size=500):
        converted = [unrecorded(event.action, entry) for entry in event.changes]
        if converted != event.changes:
            event.changes = converted
            batch.append(event)
        if len(batch) >= 500:
            ClaimEvent.objects.bulk_update(batch, ["changes"])
            batch = []
    if batch:
        ClaimEvent.objects.bulk_update(batch, ["changes"])


def first_revisions(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    ArticleRevision = apps.get_model("claims", "ArticleRevision")
    for article in Article.objects.filter(revisions__isnull=True).iterator(chunk_size=200):
        ArticleRevision.objects.create(
            article=article,
            number=article.version,
            actor=None,
            changed_fields=list(ARTICLE_FIELDS),
            comment="The article as it stood when revisions began to be kept.",
            **{name: getattr(article, name) for name in ARTICLE_FIELDS},
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_accountable_record")]

    operations = [
        migrations.RunPython(convert_events, migrations.RunPython.noop),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
