"""Alerts recorded before 0002 kept their outcome as an English sentence in `error`: turn each into
its reason code (shown translated), keep only the technical detail in `error`, and move a snooze's
date to `snoozed_until`. Reversible: going back writes the English sentences again."""

import datetime as dt
import re

from django.db import migrations

# The sentences notifications.delivery wrote, word for word.
SENTENCES = {
    "No longer due: done, withdrawn, or the deadline moved.": "not_due",
    "The recipient can no longer see this case.": "no_access",
    "Acknowledged by someone on the case: no escalation.": "acknowledged",
    "The account is inactive or gone.": "inactive",
    "The user has no email address.": "no_email",
}
SNOOZED = re.compile(r"Snoozed until (\d{4}-\d{2}-\d{2})\.")
GAVE_UP = re.compile(r"Gave up after \d+ attempts: (.*)", re.DOTALL)
# A permanent failure stored only the exception ("SMTPRecipientsRefused: ...", an anymail API
# error); anything else failed in the tracker itself (delivery's catch-all).
MAIL_ERRORS = ("SMTP", "Anymail")
BATCH = 1000


def _rewrite(Alert, rows, change) -> None:
    """Apply `change(row)` (which edits the row in memory) to rows, in batches by primary key (each
    batch read whole before it is written: SQLite does not isolate a cursor from its own writes)."""
    fields = ["reason", "error", "snoozed_until"]
    last = 0
    while batch := list(
        rows.filter(pk__gt=last).order_by("pk").only("pk", "attempts", *fields)[:BATCH]
    ):
        for row in batch:
            change(row)
        Alert.objects.bulk_update(batch, fields)
        last = batch[-1].pk


def to_codes(apps, schema_editor):
    Alert = apps.get_model("notifications", "Alert")
    unset = Alert.objects.filter(reason="")
    for sentence, code in SENTENCES.items():
        unset.filter(error=sentence).update(reason=code, error="")

    def snoozed(row) -> None:
        match = SNOOZED.fullmatch(row.error)
        if match:
            row.reason, row.error = "snoozed", ""
            row.snoozed_until = dt.date.fromisoformat(match.group(1))

    _rewrite(Alert, unset.filter(status="skipped", error__startswith="Snoozed until "), snoozed)

    def gave_up(row) -> None:
        match = GAVE_UP.fullmatch(row.error)
        if match:
            row.reason, row.error = "gave_up", match.group(1)

    _rewrite(Alert, unset.filter(status="failed", error__startswith="Gave up after "), gave_up)

    def failed(row) -> None:
        row.reason = "smtp_permanent" if row.error.startswith(MAIL_ERRORS) else "internal"

    _rewrite(Alert, unset.filter(status="failed").exclude(error=""), failed)
    # Waiting for a retry: a transient refusal (or a connection that failed).
    unset.filter(status__in=["pending", "sending"]).exclude(error="").update(
        reason="smtp_temporary"
    )


def to_sentences(apps, schema_editor):
    Alert = apps.get_model("notifications", "Alert")
    for sentence, code in SENTENCES.items():
        Alert.objects.filter(reason=code).update(error=sentence)

    def snoozed(row) -> None:
        if row.snoozed_until is not None:
            row.error = f"Snoozed until {row.snoozed_until.isoformat()}."

    _rewrite(Alert, Alert.objects.filter(reason="snoozed"), snoozed)

    def gave_up(row) -> None:
        row.error = f"Gave up after {row.attempts} attempts: {row.error}"

    _rewrite(Alert, Alert.objects.filter(reason="gave_up"), gave_up)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_alert_reason")]
    operations = [migrations.RunPython(to_codes, to_sentences)]
