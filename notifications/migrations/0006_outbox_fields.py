"""Alerts and reminders share one outbox (notifications.outbox.OutboxMessage): the columns' shared
definitions, and the claim token reminders did not have yet (0005 moved their data)."""

import django.utils.timezone
from django.db import migrations, models

REASONS = [
    ("not_due", "No longer due: done, withdrawn, or the deadline moved."),
    ("no_access", "The recipient can no longer see this case."),
    ("acknowledged", "Acknowledged by someone on the case: no escalation."),
    ("snoozed", "Snoozed by the recipient."),
    ("inactive", "The account is inactive or gone."),
    ("no_email", "The user has no email address."),
    ("gave_up", "Gave up after repeated temporary failures."),
    ("smtp_permanent", "The mail server refused the message."),
    ("smtp_temporary", "The mail server did not take the message yet; it will be tried again."),
    ("internal", "An error in the tracker stopped this alert; see the server log."),
]
STATUSES = [
    ("pending", "Waiting to be sent"),
    ("sending", "Being sent"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("skipped", "Not sent (no longer needed)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="send_after",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="send after"
            ),
        ),
        migrations.AddField(
            model_name="reminder",
            name="claim",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="status",
            field=models.CharField(
                choices=STATUSES, default="pending", max_length=10, verbose_name="status"
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="reason",
            field=models.CharField(
                blank=True, choices=REASONS, default="", max_length=20, verbose_name="reason"
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="message_id",
            field=models.CharField(blank=True, max_length=255, verbose_name="message id"),
        ),
        migrations.RemoveIndex(model_name="reminder", name="notificatio_status_2a534f_idx"),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(fields=["status", "send_after"], name="reminder_due"),
        ),
        migrations.AlterField(
            model_name="alert",
            name="send_after",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="send after"
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="status",
            field=models.CharField(
                choices=STATUSES, default="pending", max_length=10, verbose_name="status"
            ),
        ),
    ]
