"""Polling the organizations' IMAP mailboxes (imaplib, the standard library's client): each mail in
the folder goes through the one intake (intake.services) and then moves to the processed folder,
so a poll that runs twice reads nothing twice (and a copy left behind is a duplicate anyway)."""

from __future__ import annotations

import contextlib
import imaplib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from intake import parser
from intake.models import Mailbox, Source
from intake.secrets import decrypt
from intake.services import IntakeResult, notice_ingest

logger = logging.getLogger(__name__)


@dataclass
class PollReport:
    mailbox_id: int
    results: list[IntakeResult] = field(default_factory=list)
    unreadable: int = 0
    failed: int = 0  # mails left in the folder after an unexpected error (tried again next poll)
    error: str = ""


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = getattr(settings, "INTAKE_IMAP_TIMEOUT", 30.0)
    client: imaplib.IMAP4
    if mailbox.use_ssl:
        client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout)
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    client.login(mailbox.username, decrypt(mailbox.password_encrypted))
    return client


def _move(client: imaplib.IMAP4, uid: bytes, folder: str) -> None:
    if "MOVE" in client.capabilities:
        client.uid("MOVE", uid.decode(), _quote(folder))
        return
    client.uid("COPY", uid.decode(), _quote(folder))
    client.uid("STORE", uid.decode(), "+FLAGS", r"(\Deleted)")
    client.expunge()


def poll_mailbox(mailbox: Mailbox, *, limit: int = 100) -> PollReport:
    """Read up to `limit` mails of one mailbox; a connection error is recorded on the mailbox."""
    report = PollReport(mailbox.pk)
    try:
        client = _connect(mailbox)
    except (OSError, imaplib.IMAP4.error, ValueError) as exc:
        report.error = f"{exc.__class__.__name__}: {exc}"[:500]
        _record(mailbox, report.error)
        return report
    try:
        client.create(_quote(mailbox.processed_folder))  # already there: a NO answer, ignored
        status, _data = client.select(_quote(mailbox.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder}")
        _status, found = client.uid("SEARCH", "ALL")
        uids = (found[0] or b"").split()[:limit]
        for uid in uids:
            _status, fetched = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            data = next((part[1] for part in fetched if isinstance(part, tuple)), b"")
            name = f"mail-{mailbox.pk}-{uid.decode()}.eml"
            try:
                result = notice_ingest(
                    data=data,
                    name=name,
                    organization=mailbox.organization,
                    actor=None,
                    source=Source.MAILBOX,
                    mailbox=mailbox,
                )
                report.results.append(result)
            except parser.Unreadable as exc:
                report.unreadable += 1
                logger.warning("mailbox %s: %s cannot be read: %s", mailbox.pk, name, exc)
            except Exception:
                # One mail that breaks something unforeseen must not stall the mails after it:
                # it stays in the folder (tried again next poll) and the mailbox says so.
                report.failed += 1
                logger.exception(
                    "mailbox %s: %s failed; left in %s", mailbox.pk, name, mailbox.folder
                )
                continue
            _move(client, uid, mailbox.processed_folder)
        left = (
            f"{report.failed} mail(s) failed and stay in {mailbox.folder}" if report.failed else ""
        )
        _record(mailbox, left)
    except (OSError, imaplib.IMAP4.error) as exc:
        report.error = f"{exc.__class__.__name__}: {exc}"[:500]
        _record(mailbox, report.error)
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return report


def _record(mailbox: Mailbox, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)


def poll_all() -> list[PollReport]:
    """Every active mailbox; one failing in an unforeseen way is recorded and the rest are read."""
    reports = []
    for mailbox in Mailbox.objects.filter(active=True).select_related("organization"):
        try:
            reports.append(poll_mailbox(mailbox))
        except Exception as exc:
            logger.exception("mailbox %s: the poll failed", mailbox.pk)
            _record(mailbox, f"{exc.__class__.__name__}: {exc}"[:500])
            reports.append(PollReport(mailbox.pk, error=exc.__class__.__name__))
    return reports
