"""The pages: adding a notice, the inbox and attaching, confirming; tenancy from both sides."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import DocumentDownload, SupplementRequest
from intake.models import IncomingNotice, NoticeDownload, Outcome
from tests.intake.make_corpus import ZH_NOTICE

CORPUS = Path(__file__).parent / "corpus"


def _upload(client, world, name):
    data = (CORPUS / name).read_bytes()
    return client.post(
        reverse("web:notice_add"),
        {"organization": world.agency.pk, "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_staff_drop_an_eml_and_see_the_supplement_to_confirm(client, world):
    client.force_login(world.agency_staff)

    page = _upload(client, world, "nia_utf8_zh.eml")

    supplement = SupplementRequest.objects.get()
    assert f"created on {world.acme_case.reference}, due 2026-12-24" in page.content.decode()
    workspace = client.get(reverse("web:workspace", args=[supplement.pk])).content.decode()
    assert "From a notice: to confirm" in workspace
    attachment = supplement.attachments.get()
    download = client.get(reverse("web:attachment_download", args=[supplement.pk, attachment.pk]))
    assert download.status_code == 200
    assert DocumentDownload.objects.get().attachment == attachment
    confirmed = client.post(
        reverse("web:supplement_confirm_notice", args=[supplement.pk]), follow=True
    )
    assert "The notice&#x27;s reading is confirmed." in confirmed.content.decode()
    supplement.refresh_from_db()
    assert supplement.to_confirm is False


def test_pasted_text_is_read_and_kept_as_an_eml(client, world):
    client.force_login(world.agency_staff)
    text = ZH_NOTICE.format(number="115551035401", name_zh="夏普莉", name_en="SHARMA, PRIYA")

    client.post(reverse("web:notice_add"), {"organization": world.agency.pk, "text": text})

    supplement = SupplementRequest.objects.get()
    assert supplement.attachments.get().original_name == "pasted-notice.eml"


def test_an_unmatched_notice_is_attached_from_its_page(client, world):
    client.force_login(world.agency_staff)
    _upload(client, world, "name_only_en.eml")
    notice = IncomingNotice.objects.get()
    page = client.get(reverse("web:notice", args=[notice.pk])).content.decode()
    assert "'Applicant' label" in page or "&#x27;Applicant&#x27; label" in page

    original = client.get(reverse("web:notice_original", args=[notice.pk]))
    assert b"".join(original.streaming_content) == (CORPUS / "name_only_en.eml").read_bytes()
    assert NoticeDownload.objects.get().user == world.agency_staff

    client.post(reverse("web:notice_attach", args=[notice.pk]), {"case": world.acme_case.pk})

    notice.refresh_from_db()
    assert notice.outcome == Outcome.MATCHED
    assert notice.supplement.case == world.acme_case


def test_another_agency_sees_nothing_and_attaches_nothing(client, world):
    client.force_login(world.agency_staff)
    _upload(client, world, "name_only_en.eml")
    notice = IncomingNotice.objects.get()
    client.force_login(world.outsider)

    assert client.get(reverse("web:notice", args=[notice.pk])).status_code == 404
    assert client.get(reverse("web:notice_original", args=[notice.pk])).status_code == 404
    assert "name_only" not in client.get(reverse("web:notices")).content.decode()
    client.post(
        reverse("web:notice_attach", args=[notice.pk]), {"case": world.other_agency_case.pk}
    )
    notice.refresh_from_db()
    assert notice.outcome == Outcome.UNMATCHED


def test_a_person_cannot_add_for_an_organization_not_theirs(client, world):
    client.force_login(world.outsider)

    _upload(client, world, "nia_utf8_zh.eml")

    assert IncomingNotice.objects.count() == 0
    assert SupplementRequest.objects.count() == 0


def test_agency_admin_sets_up_a_mailbox_with_the_password_encrypted(client, world):
    from intake.models import Mailbox
    from intake.secrets import decrypt

    client.force_login(world.agency_admin)
    form = {
        "organization": world.agency.pk,
        "host": "imap.formosa.example",
        "port": 993,
        "use_ssl": "on",
        "username": "notices",
        "password": "s3cret",
        "folder": "INBOX",
        "processed_folder": "Processed",
        "active": "on",
    }

    page = client.post(reverse("web:mailboxes"), form, follow=True)

    mailbox = Mailbox.objects.get()
    assert "Mailbox notices@imap.formosa.example/INBOX added." in page.content.decode()
    assert "s3cret" not in mailbox.password_encrypted
    assert decrypt(mailbox.password_encrypted) == "s3cret"
    # Saving without a password keeps the stored one.
    client.post(
        reverse("web:mailbox_edit", args=[mailbox.pk]), {**form, "password": "", "port": 143}
    )
    mailbox.refresh_from_db()
    assert (mailbox.port, decrypt(mailbox.password_encrypted)) == (143, "s3cret")


def test_staff_and_other_agencies_cannot_touch_mailboxes(client, world):
    from intake import services
    from intake.models import Mailbox

    mailbox = services.mailbox_save(
        actor=None,
        organization=world.agency,
        host="h",
        port=993,
        use_ssl=True,
        username="u",
        password="p",
    )
    client.force_login(world.agency_staff)
    assert client.get(reverse("web:mailboxes")).status_code == 404
    client.force_login(world.outsider)
    response = client.post(reverse("web:mailbox_edit", args=[mailbox.pk]), {"delete": "1"})
    assert response.status_code == 404
    assert Mailbox.objects.count() == 1


def test_staff_correct_the_rule_while_confirming_on_the_page(client, world):
    import datetime as dt

    client.force_login(world.agency_staff)
    _upload(client, world, "nia_utf8_zh.eml")
    supplement = SupplementRequest.objects.get()

    page = client.post(
        reverse("web:supplement_confirm_notice", args=[supplement.pk]),
        {
            "notice_date": "2026-11-24",
            "rule": "6m",
            "requesting_body": "wda",
            "deadline": "",
            "reason": "",
        },
        follow=True,
    )

    supplement.refresh_from_db()
    assert "The notice&#x27;s reading is confirmed." in page.content.decode()
    assert (supplement.to_confirm, supplement.rule, supplement.requesting_body) == (
        False,
        "6m",
        "wda",
    )
    assert supplement.deadline == dt.date(2027, 5, 24)


def test_hr_who_sees_but_does_not_file_is_refused_and_nothing_changes(client, world):
    client.force_login(world.agency_staff)
    _upload(client, world, "nia_utf8_zh.eml")
    supplement = SupplementRequest.objects.get()
    client.force_login(world.hr_acme)

    response = client.post(reverse("web:supplement_confirm_notice", args=[supplement.pk]), {})

    assert response.status_code == 403
    supplement.refresh_from_db()
    assert supplement.to_confirm is True


def test_a_date_header_past_the_calendar_is_no_date_not_a_500(client, world):
    client.force_login(world.agency_staff)
    mail = (
        "From: a@example.tw\nSubject: notice\nMessage-ID: <overflow@example.tw>\n"
        "Date: Fri, 31 Dec 9999 23:00:00 -1200\n\n"
        "申請案號：115551035401\n請於文到30日內補正。\n"
    ).encode()

    response = client.post(
        reverse("web:notice_add"),
        {"organization": world.agency.pk, "file": SimpleUploadedFile("overflow.eml", mail)},
        follow=True,
    )

    assert response.status_code == 200
    assert "no notice date found" in response.content.decode()
    assert SupplementRequest.objects.count() == 0


def test_an_applicant_has_no_notice_inbox_and_adds_nothing(client, world):
    """Notices are received by organizations: an applicant is sent home from the inbox, and a
    crafted add is refused and reads nothing."""
    client.force_login(world.applicant_user)
    inbox = client.get(reverse("web:notices"))
    assert inbox.status_code == 302
    assert inbox["Location"] != reverse("web:notices")
    text = ZH_NOTICE.format(number="115551035401", name_zh="夏普莉", name_en="SHARMA, PRIYA")
    added = client.post(reverse("web:notice_add"), {"organization": world.agency.pk, "text": text})
    assert added.status_code == 403
    assert IncomingNotice.objects.count() == 0
    assert SupplementRequest.objects.count() == 0
