"""The filing sheet and the case page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.choices import PlatformTab, Visibility
from tests.web.conftest import pdf_bytes


@pytest.mark.django_db
def test_filing_sheet_mirrors_the_platform_tabs_with_copy_buttons(client, world, ready_supplement):
    client.force_login(world.agency_staff)

    response = client.get(f"/supplements/{ready_supplement.pk}/sheet/")

    assert response.status_code == 200
    text = response.text
    tabs = re.findall(r'<h2 id="sheet-(\w+)-h">', text)
    assert tabs == PlatformTab.values
    # Reminders for the 30-minute session.
    for reminder in [
        "Use Chrome or Firefox",
        "Do not connect through a VPN",
        "30 minutes",
        "no save",
    ]:
        assert reminder in text
    # Every value to type, with its copy button.
    assert '<span class="value" id="v-number">115551035401</span>' in text
    corrected = ready_supplement.comments.get()
    assert f'<span class="value" id="v-c{corrected.pk}">PRIYA KUMARI</span>' in text
    assert f'data-copy-target="v-c{corrected.pk}"' in text
    assert '<span class="label">英文名字</span>' in text
    # The reply ready to paste, and the upload set file by file.
    assert (
        '<div class="reply" id="v-reply" lang="zh-Hant">您好：已更正英文姓名，謝謝。</div>' in text
    )
    assert 'data-copy-target="v-reply"' in text
    assert "passport.pdf" in text
    assert "1 file (limit 5)" in text
    # The copy script is a static file; nothing inline.
    assert '<script src="/static/cases/copy.js" defer></script>' in text
    assert re.search(r"<script(?![^>]*\bsrc=)", text) is None
    assert "data-print" in text


@pytest.mark.django_db
def test_filing_sheet_says_what_is_missing(client, world, open_supplement):
    client.force_login(world.agency_staff)

    response = client.get(f"/supplements/{open_supplement.pk}/sheet/")

    assert "Not ready yet:" in response.text
    assert "Reply to the reviewer (審核意見回覆) is empty" in response.text


@pytest.mark.django_db
def test_filing_sheet_of_another_tenant_is_404(client, world, ready_supplement):
    client.force_login(world.outsider)

    assert client.get(f"/supplements/{ready_supplement.pk}/sheet/").status_code == 404


@pytest.mark.django_db
def test_case_page_shows_timeline_rounds_documents_and_history(client, world, ready_supplement):
    case = world.acme_case
    case.internal_notes = "SECRET-NOTE: fee unpaid"
    case.save()
    client.force_login(world.agency_staff)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    text = response.text
    assert "NIA information check (移民署初審)" in text  # created in this status
    assert "Supplement requested (資料補正)" in text  # the supplement moved it
    assert "Round 1" in text
    assert "passport.pdf" in text
    assert "SECRET-NOTE" in text  # the agency sees its own notes
    history = text.split('id="history"')[1]
    assert (
        "Reviewer&#x27;s comment (審核意見)" in history
        or "Reviewer's comment (審核意見)" in history
    )
    assert world.agency_staff.username in history
    assert "resolved at" in history  # the comment_resolve change, by field


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["hr_acme", "applicant_user"])
def test_case_page_hides_agency_internal_things(client, world, ready_supplement, persona):
    case = world.acme_case
    case.internal_notes = "SECRET-NOTE"
    case.save()
    services.document_add(
        supplement=ready_supplement,
        actor=world.agency_staff,
        data=pdf_bytes(),
        name="agency-only-memo.pdf",
        visibility=Visibility.AGENCY_ONLY,
    )
    client.force_login(getattr(world, persona))

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert "SECRET-NOTE" not in response.text
    assert "agency-internal notes" not in response.text
    assert "agency-only-memo.pdf" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "hr_globex"])
def test_another_tenants_case_page_is_404(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(f"/cases/{world.acme_case.pk}/").status_code == 404
    assert client.get(f"/cases/{world.acme_case.pk}/supplements/new/").status_code == 404


@pytest.mark.django_db
def test_record_a_new_supplement_with_the_deadline_explained(client, world):
    client.force_login(world.agency_staff)
    url = f"/cases/{world.globex_case.pk}/supplements/new/"

    preview = client.get(
        f"/cases/{world.globex_case.pk}/deadline-preview/?notice_date=2026-01-30&rule=30d"
    )
    assert preview.status_code == 200
    # 30 days after 2026-01-30 is 2026-03-01, a Sunday: rolls to Monday 2026-03-02.
    assert "<strong>2026-03-02</strong>" in preview.text
    assert "<ol><li>" in preview.text

    response = client.post(
        url,
        {"requesting_body": "nia_initial", "notice_date": "2026-01-30", "rule": "30d"},
    )

    supplement = world.globex_case.supplements.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/supplements/{supplement.pk}/"
    assert supplement.deadline.isoformat() == "2026-03-02"


@pytest.mark.django_db
def test_a_custom_rule_needs_the_printed_date(client, world):
    client.force_login(world.agency_staff)

    response = client.post(
        f"/cases/{world.globex_case.pk}/supplements/new/",
        {"requesting_body": "wda", "notice_date": "2026-01-30", "rule": "custom"},
    )

    assert response.status_code == 400
    assert "A custom rule needs the deadline printed in the notice." in response.text
    assert world.globex_case.supplements.count() == 0


@pytest.mark.django_db
def test_hr_cannot_record_a_supplement_on_an_agency_case(client, world):
    client.force_login(world.hr_acme)

    response = client.get(f"/cases/{world.acme_case.pk}/supplements/new/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_case_page_queries_do_not_grow(client, world, open_supplement):
    client.force_login(world.agency_staff)

    def add(n):
        for i in range(n):
            services.comment_add(
                supplement=open_supplement, actor=world.agency_staff, tab="basic", text=f"c{i}"
            )
            services.document_add(
                supplement=open_supplement,
                actor=world.agency_staff,
                data=pdf_bytes(str(i)),
                name=f"{i}.pdf",
            )

    add(2)
    client.get(f"/cases/{world.acme_case.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/cases/{world.acme_case.pk}/")
    add(4)
    with CaptureQueriesContext(connection) as large:
        client.get(f"/cases/{world.acme_case.pk}/")

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_find_a_case_by_its_application_number(client, world):
    client.force_login(world.agency_staff)

    exact = client.get("/cases/?q=115551035402")
    several = client.get("/cases/?q=11555103540")
    foreign = client.get("/cases/?q=115551035404")  # another agency's case

    assert exact.status_code == 302
    assert exact.headers["Location"] == f"/cases/{world.globex_case.pk}/"
    assert several.status_code == 200
    assert several.text.count('<tr><td data-label="Case">') == 2  # ours, not the self-filed one
    assert "No case matches." in foreign.text
