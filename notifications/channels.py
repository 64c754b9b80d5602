"""Channels an alert can go through. Email first, through Django's configured backend (a file in
the embedded run, SMTP or a provider via django-anymail in production).

Errors are sorted into transient (try again later with backoff: a 4xx reply, a dropped or refused
connection, a provider's 5xx/429) and permanent (a 5xx reply, a refused recipient, no address):
permanent ones are recorded on the alert and shown in the admin.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

TRANSIENT = "transient"
PERMANENT = "permanent"


def classify(exc: BaseException) -> str:
    """Whether a failed send is worth trying again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return TRANSIENT if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(exc, smtplib.SMTPResponseException):
        return TRANSIENT if 400 <= exc.smtp_code < 500 else PERMANENT
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return TRANSIENT
    if isinstance(exc, smtplib.SMTPException):
        return PERMANENT
    if isinstance(exc, ConnectionError | TimeoutError | OSError):
        return TRANSIENT
    status = getattr(exc, "status_code", None)  # django-anymail's API errors
    if isinstance(status, int):
        return TRANSIENT if status >= 500 or status == 429 else PERMANENT
    return PERMANENT


def describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:2000]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message_id: str = ""
    error: str = ""
    kind: str = ""  # TRANSIENT or PERMANENT when not ok


class EmailChannel:
    """Sends one message per call over one connection kept open for the batch."""

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)

    def send(self, *, to: str, subject: str, text: str, html: str, reply_to: str = "") -> Outcome:
        domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        message_id = make_msgid(domain=domain or "localhost")
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=self.connection,
            reply_to=[reply_to] if reply_to else None,
            headers={
                "Message-ID": message_id,
                # Automatic mail: no out-of-office replies, please.
                "Auto-Submitted": "auto-generated",
                "X-Auto-Response-Suppress": "All",
            },
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception as exc:
            self.close()  # a broken connection is reopened by the next send
            return Outcome(ok=False, error=describe(exc), kind=classify(exc))
        return Outcome(ok=True, message_id=message_id)

    def close(self) -> None:
        # Closing a dead connection may raise; there is nothing more to do about it.
        with contextlib.suppress(Exception):
            self.connection.close()
