"""The mailbox poll against a real IMAP server: Debian's dovecot, started here in a temp folder on
a free port with a passwd-file user (no system config). Skipped when dovecot is absent, unless
REQUIRE_REAL_SERVICES=1 (CI installs dovecot-imapd)."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from cases.models import SupplementRequest
from intake import services
from intake.mailboxes import poll_mailbox
from intake.models import IncomingNotice, Outcome
from intake.tasks import poll_mailboxes
from tests.conftest import REQUIRE_REAL_SERVICES

CORPUS = Path(__file__).parent / "corpus"
DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)
USER, PASSWORD = "notices", "imap-secret"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
default_login_user = {user}
default_internal_user = {internal}
default_internal_group = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def imap_server():
    if DOVECOT is None:
        if REQUIRE_REAL_SERVICES:
            pytest.fail("REQUIRE_REAL_SERVICES=1 but dovecot is not installed (dovecot-imapd)")
        pytest.skip("dovecot is not installed")
    import grp
    import pwd

    # Directly under /tmp: dovecot's unprivileged login processes must reach its run folder.
    root = Path(tempfile.mkdtemp(prefix="tracker-dovecot-"))
    os.chmod(root, 0o755)
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    me = pwd.getpwuid(os.getuid())
    # Dovecot never stores mail as root: as root (CI), the mail belongs to its own user.
    owner = pwd.getpwnam("dovecot") if os.getuid() == 0 else me
    for folder in ("mail", "home"):
        os.chown(root / folder, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=owner.pw_uid,
            gid=owner.pw_gid,
            # As root (CI), dovecot's login processes run as its own unprivileged users.
            user="dovenull" if os.getuid() == 0 else me.pw_name,
            internal="dovecot" if os.getuid() == 0 else me.pw_name,
            group=grp.getgrgid(os.getgid()).gr_name,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"dovecot did not start: {output} {log}")
            time.sleep(0.2)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(root, ignore_errors=True)


def _deliver(port: int, *names: str) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    for name in names:
        client.append("INBOX", None, None, (CORPUS / name).read_bytes())
    client.logout()


def _count(port: int, folder: str) -> int:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    status, data = client.select(f'"{folder}"')
    client.logout()
    return int(data[0]) if status == "OK" else -1


def _mailbox(world, port: int):
    return services.mailbox_save(
        actor=world.agency_admin,
        organization=world.agency,
        host="127.0.0.1",
        port=port,
        use_ssl=False,
        username=USER,
        password=PASSWORD,
    )


def test_the_beat_task_turns_forwarded_mail_into_supplements_once(world, imap_server):
    mailbox = _mailbox(world, imap_server)
    assert PASSWORD not in mailbox.password_encrypted
    _deliver(imap_server, "forwarded_en.eml", "payment_reminder_zh.eml", "other_agency_zh.eml")

    read = poll_mailboxes()

    assert read == 3
    supplement = SupplementRequest.objects.get()
    assert (supplement.case, supplement.to_confirm) == (world.acme_case, True)
    assert sorted(IncomingNotice.objects.values_list("outcome", flat=True)) == [
        Outcome.MATCHED,
        Outcome.NOT_A_NOTICE,
        Outcome.UNMATCHED,
    ]
    assert (_count(imap_server, "INBOX"), _count(imap_server, "Processed")) == (0, 3)

    # The same mail forwarded again: recognised, nothing created twice.
    _deliver(imap_server, "forwarded_en.eml")
    report = poll_mailbox(mailbox)
    assert [r.outcome for r in report.results] == ["duplicate"]
    assert SupplementRequest.objects.count() == 1
    mailbox.refresh_from_db()
    assert (mailbox.last_error, mailbox.last_polled_at is not None) == ("", True)


def test_a_wrong_password_is_recorded_on_the_mailbox(world, imap_server):
    mailbox = _mailbox(world, imap_server)
    services.mailbox_save(
        actor=world.agency_admin,
        organization=world.agency,
        mailbox=mailbox,
        host="127.0.0.1",
        port=imap_server,
        use_ssl=False,
        username=USER,
        password="wrong",
    )

    report = poll_mailbox(mailbox)

    mailbox.refresh_from_db()
    assert report.results == []
    assert mailbox.last_error.startswith("error:")
    assert IncomingNotice.objects.count() == 0


def test_a_mail_that_cannot_be_read_is_moved_on_and_creates_nothing(world, imap_server):
    mailbox = _mailbox(world, imap_server)
    client = imaplib.IMAP4("127.0.0.1", imap_server)
    client.login(USER, PASSWORD)
    client.append("INBOX", None, None, b"no headers at all, only a line of text\r\n")
    client.logout()

    report = poll_mailbox(mailbox)

    assert (report.unreadable, report.results, report.error) == (1, [], "")
    assert IncomingNotice.objects.count() == 0
    assert (_count(imap_server, "INBOX"), _count(imap_server, "Processed")) == (0, 1)


def test_a_mail_that_fails_unexpectedly_stays_and_the_others_are_read(
    world, imap_server, monkeypatch
):
    """A fault injected into one mail's intake (no mail here breaks it for real): that mail stays
    in the inbox for the next poll, the mailbox says so, and the mail after it is still read."""
    from intake import mailboxes

    mailbox = _mailbox(world, imap_server)
    _deliver(imap_server, "approval_en.eml", "forwarded_en.eml")
    real = mailboxes.notice_ingest

    def breaks_on_the_approval(*, data, **kwargs):
        if b"approv" in data.lower():
            raise RuntimeError("injected fault")
        return real(data=data, **kwargs)

    monkeypatch.setattr(mailboxes, "notice_ingest", breaks_on_the_approval)
    report = poll_mailbox(mailbox)

    assert (report.failed, [r.outcome for r in report.results]) == (1, ["matched"])
    assert (_count(imap_server, "INBOX"), _count(imap_server, "Processed")) == (1, 1)
    mailbox.refresh_from_db()
    assert mailbox.last_error == "1 mail(s) failed and stay in INBOX"
