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
from email.header import Header
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


class TrackerEmail(EmailMultiAlternatives):
    """Django's email with a Subject that mail clients show without a leading space.

    Django encodes a non-ASCII subject without knowing the header's name, so the first encoded
    word does not fit after "Subject: " and the generator folds before it: the header starts
    with a line break, and some clients (Outlook, Apple Mail) show the subject with a leading
    space. Encoded knowing its name, the first word fits on the header's own line. (A structured
    header such as List-Unsubscribe may fold so: the space before its "<" means nothing.)"""

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        # Django's own Message-ID names the machine (DNS_NAME): ours names the site's domain.
        if not any(name.lower() == "message-id" for name in self.extra_headers):
            message.replace_header("Message-ID", make_msgid(domain=site_domain()))
        if not self.subject.isascii():
            message.replace_header("Subject", Header(self.subject, "utf-8", header_name="Subject"))
        return message


def site_domain() -> str:
    """The host of SITE_URL: the domain of our Message-IDs (calendar UIDs keep a fixed one)."""
    return settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


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

    def send(
        self,
        *,
        to: str,
        subject: str,
        text: str,
        html: str,
        reply_to: str = "",
        unsubscribe_url: str = "",
    ) -> Outcome:
        message_id = make_msgid(domain=site_domain())
        headers = {
            "Message-ID": message_id,
            # Automatic mail: no out-of-office replies, please.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }
        if unsubscribe_url:
            # RFC 2369 and RFC 8058: the mail client's "unsubscribe" button posts to the link,
            # which needs no login (it is signed for the recipient).
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = TrackerEmail(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=self.connection,
            reply_to=[reply_to] if reply_to else None,
            headers=headers,
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
