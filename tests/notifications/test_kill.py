"""A sweep killed for real (SIGKILL) in the middle of sending loses nothing: the alerts it had
recorded and claimed are sent by the next sweep, once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from notifications.models import Alert, AlertStatus
from notifications.sweep import run_sweep
from tests.notifications.conftest import supplement_due
from tests.notifications.smtp import SmtpServer
from tests.notifications.worker import REPO_ROOT, database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_a_sweep_killed_mid_send_is_finished_by_the_next(postgres_only, world, settings, tmp_path):
    today = timezone.localdate()
    supplement_due(
        world.acme_case,
        world.agency_staff,
        today + dt.timedelta(days=1),
        assignee=world.agency_staff,
    )
    with SmtpServer() as smtp:
        smtp.handler.mode = "hang"
        env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
        env |= {
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "TRACKER_DATA_DIR": str(tmp_path),
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "send_deadline_alerts"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert smtp.handler.hanging.wait(timeout=60), process.communicate(timeout=5)
            # Recorded and claimed, the first email stuck at DATA: kill the sweep outright.
            assert Alert.objects.count() == 3
            assert Alert.objects.filter(status=AlertStatus.SENDING).count() == 3
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
            smtp.handler.release.set()
        assert process.returncode == -signal.SIGKILL
        time.sleep(0.2)
        assert smtp.received == []
        # Another sweep before the claim's lease runs out leaves the rows alone...
        smtp.handler.mode = "accept"
        smtp.use(settings)
        settings.ALERT_CLAIM_LEASE_SECONDS = 600
        assert run_sweep().sent == 0
        # ...and after it, sends each of them once.
        settings.ALERT_CLAIM_LEASE_SECONDS = 0
        result = run_sweep()
        assert (result.sent, result.emails) == (3, 3)
        assert run_sweep().sent == 0
        assert sorted(rcpt[0] for rcpt, _content in smtp.received) == sorted(
            [world.agency_staff.email, world.agency_admin.email, world.hr_acme.email]
        )
    assert set(Alert.objects.values_list("status", flat=True)) == {AlertStatus.SENT}
