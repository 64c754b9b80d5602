"""Two copies of one notice read at the same moment (two mailboxes, two polls) create one
supplement: the case's row lock and the unique Message-ID hold on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from cases.models import SupplementRequest
from intake import services
from intake.models import Source

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "names", [("nia_utf8_zh.eml",) * 2, ("nia_utf8_zh.eml", "nia_html_only.eml")]
)
def test_two_copies_at_once_create_one_supplement(postgres_only, world, names):
    barrier = threading.Barrier(len(names))
    outcomes: list[str] = []

    def read(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            result = services.notice_ingest(
                data=(CORPUS / name).read_bytes(),
                name=name,
                organization=world.agency,
                actor=None,
                source=Source.MAILBOX,
            )
            outcomes.append(result.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["duplicate", "matched"]
    assert SupplementRequest.objects.filter(case=world.acme_case).count() == 1
