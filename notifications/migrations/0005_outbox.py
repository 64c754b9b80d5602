"""Alerts and reminders share one outbox (notifications.outbox.OutboxMessage): a reminder's
`next_try_at` becomes `send_after` (filled from when it was requested where it was empty) and its
"queued" status the outbox's "pending". No column holding data is dropped."""

from django.db import migrations
from django.db.models import F

def forwards(apps, schema_editor):
    Reminder = apps.get_model("notifications", "Reminder")
    Reminder.objects.filter(status="queued").update(status="pending")
    # Empty meant "at once": the time it was requested.
    Reminder.objects.filter(send_after__isnull=True).update(send_after=F("created_at"))


def backwards(apps, schema_editor):
    Reminder = apps.get_model("notifications", "Reminder")
    Reminder.objects.filter(status="pending").update(status="queued")


# The schema changes that follow are in 0006: PostgreSQL refuses to ALTER a table in the
# transaction that updated its rows while constraint triggers are pending.
class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_reminder"),
    ]

    operations = [
        migrations.RenameField(model_name="reminder", old_name="next_try_at", new_name="send_after"),
        migrations.RunPython(forwards, backwards),
    ]
