"""The one intake every entry point calls (the mailbox poll, "Add a notice" on the pages, the API
and `ingest_notice`): read the notice, recognise a duplicate, match it to a case in the receiving
organization's scope, and create the supplement (to confirm) with the original kept as its notice.

Safety rules, in this order: a second copy creates nothing; a notice reaches only a case the
receiving organization works (cases.tenancy.organization_cases); a match by name alone is no match.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.standing import Writer
from cases import services as case_services
from cases import tenancy
from cases.choices import AttachmentKind, DeadlineRule, RequestingBody
from cases.clock import taipei_today
from cases.errors import DomainError, InvalidInput
from cases.models import Case, SupplementRequest
from intake import parser
from intake.models import IncomingNotice, Mailbox, NoticeDownload, Outcome, Source
from intake.secrets import encrypt

DUPLICATE = "duplicate"
DEFAULT_RULE_SOURCE = "default: 30 days (the notice names no period; NIA tutorial)"
DEFAULT_BODY_SOURCE = "default: NIA initial review (no sender recognised)"


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # matched, unmatched, duplicate, not_a_notice
    notice: IncomingNotice | None
    supplement: SupplementRequest | None = None
    reason: str = ""

    def line(self, name: str) -> str:
        """The `ingest_notice` contract's line for this result (DESIGN.md)."""
        if self.outcome == Outcome.MATCHED and self.supplement is not None:
            case = self.supplement.case
            return (
                f"{name}\tmatched\t{case.reference}\tsupplement={self.supplement.pk}\t"
                f"deadline={self.supplement.deadline.isoformat()}"
            )
        if self.outcome == DUPLICATE:
            if self.supplement is not None:
                return f"{name}\tduplicate\tsupplement={self.supplement.pk}"
            return f"{name}\tduplicate\tnotice={self.notice.pk if self.notice else ''}"
        return f"{name}\t{self.outcome}\t{self.reason}"


def check_can_receive(actor: Writer, organization: Organization | None) -> None:
    """A person adds notices for an organization they are a member of; the system for any."""
    if actor is None or actor.is_superuser:
        return
    if organization is None or organization.pk not in tenancy.member_org_ids(actor):
        raise Http404(_("No such organization."))


def visible_notices(user) -> QuerySet[IncomingNotice]:
    """The notices of the organizations the user is a member of (superusers: all)."""
    scope = tenancy.scope_for(user)
    if scope.is_superuser:
        return IncomingNotice.objects.all()
    return IncomingNotice.objects.filter(organization_id__in=scope.member_org_ids)


def access_notice(user, notice_id: int | str) -> IncomingNotice:
    try:
        return visible_notices(user).select_related("case", "supplement").get(pk=notice_id)
    except (IncomingNotice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such notice.")) from exc


# --- Reading and recognising ----------------------------------------------------------------------
def _duplicate_of(
    organization: Organization | None, reading: parser.Reading, sha256: str
) -> IncomingNotice | SupplementRequest | None:
    notices = IncomingNotice.objects.filter(organization=organization)
    if reading.message_id:
        found = notices.filter(message_id=reading.message_id).first()
        if found:
            return found
    found = notices.filter(sha256=sha256).first()
    if found:
        return found
    number, notice_date = reading.value("application_number"), reading.value("notice_date")
    if reading.is_notice and number and notice_date:
        found = (
            notices.filter(application_number=number, notice_date=notice_date)
            .exclude(outcome=Outcome.NOT_A_NOTICE)
            .first()
        )
        if found:
            return found
        # A supplement staff typed in by hand from the same notice counts too.
        return (
            SupplementRequest.objects.filter(
                case__in=tenancy.organization_cases(organization),
                case__application_number=number,
                notice_date=notice_date,
            )
            .select_related("case")
            .first()
        )
    return None


def _match(organization: Organization | None, reading: parser.Reading) -> tuple[Case | None, str]:
    """The case the notice is for, or why there is none. Only cases in the organization's scope
    are looked at, so a reason never names another tenant's case."""
    cases = tenancy.organization_cases(organization)
    number = reading.value("application_number")
    if number:
        case = cases.filter(application_number=number).select_related("applicant").first()
        if case is not None:
            return case, ""
    by_name = _cases_by_name(cases, reading)
    names = ", ".join(case.reference for case in by_name[:3])
    if number and by_name:
        return None, f"no case with application number {number}; the name matches {names}"
    if number:
        return None, f"no case with application number {number}"
    if by_name:
        return None, f"no application number; the name matches {names} (not matched by name)"
    return None, "no application number found"


def _cases_by_name(cases, reading: parser.Reading) -> list[Case]:
    condition = Q()
    name_zh = reading.value("name_zh")
    if name_zh:
        condition |= Q(applicant__name_zh=name_zh)
    name_en = reading.value("name_en")
    if name_en:
        words = [w for w in name_en.replace(",", " ").split() if len(w) > 1]
        if words:
            part = Q()
            for word in words:
                part &= Q(applicant__family_name_en__iexact=word) | Q(
                    applicant__given_name_en__icontains=word
                )
            condition |= part
    if not condition:
        return []
    return list(cases.filter(condition).order_by("pk")[:3])


def _store(
    *,
    organization: Organization | None,
    reading: parser.Reading,
    data: bytes,
    name: str,
    sha256: str,
    source: str,
    actor: Writer,
    mailbox: Mailbox | None,
    outcome: str,
    reason: str = "",
) -> IncomingNotice:
    notice = IncomingNotice(
        organization=organization,
        source=source,
        mailbox=mailbox,
        outcome=outcome,
        reason=reason[:300],
        message_id=reading.message_id,
        subject=reading.subject,
        sender=reading.sender,
        application_number=reading.value("application_number") or "",
        notice_date=reading.value("notice_date"),
        fields=reading.fields_as_dict(),
        comments=[{"tab": tab, "text": text} for tab, text in reading.comments],
        text=reading.text[:20000],
        original_name=name[:255],
        content_type=reading.content_type,
        sha256=sha256,
        received_at=timezone.now(),
        received_by=actor,
    )
    notice.file.save(name, ContentFile(data), save=False)
    notice.save()
    return notice


def _fill_defaults(reading: parser.Reading) -> None:
    """What a notice left unsaid gets the tutorial's default, and says it is one."""
    if "rule" not in reading.fields:
        reading.fields["rule"] = parser.Found(DeadlineRule.DAYS_30, DEFAULT_RULE_SOURCE)
    if "requesting_body" not in reading.fields:
        reading.fields["requesting_body"] = parser.Found(
            RequestingBody.NIA_INITIAL, DEFAULT_BODY_SOURCE
        )


def _create_supplement(
    *, case: Case, reading: parser.Reading, actor: Writer, data: bytes, name: str
) -> SupplementRequest:
    supplement = case_services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=reading.value("requesting_body"),
        authority_code=reading.value("authority_code") or "",
        notice_date=reading.value("notice_date"),
        rule=reading.value("rule"),
        deadline_override=reading.value("deadline"),
        override_reason=_("Date printed in the notice") if reading.value("deadline") else "",
        to_confirm=True,
    )
    for tab, text in reading.comments:
        case_services.comment_add(supplement=supplement, actor=actor, tab=tab, text=text)
    case_services.attachment_add(
        supplement=supplement, actor=actor, kind=AttachmentKind.NOTICE, data=data, name=name
    )
    return supplement


def notice_ingest(
    *,
    data: bytes,
    name: str,
    organization: Organization | None,
    actor: Writer,
    source: str,
    mailbox: Mailbox | None = None,
) -> IntakeResult:
    """Read one notice and act on it. Raises parser.Unreadable (nothing created) for a file that is
    no e-mail or PDF; a DomainError from the supplement's services leaves nothing behind either."""
    check_can_receive(actor, organization)
    reading = parser.read_notice(data, name)
    if reading.content_type == parser.EMAIL and not name.lower().endswith(".eml"):
        name = f"{name}.eml"  # kept as the notice, the mail is an .eml file
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return _ingest(
            reading=reading,
            organization=organization,
            data=data,
            name=name,
            sha256=sha256,
            source=source,
            actor=actor,
            mailbox=mailbox,
        )
    except IntegrityError:  # the same mail (Message-ID), taken by a concurrent poll
        return IntakeResult(DUPLICATE, None, None)


@transaction.atomic
def _ingest(
    *,
    reading: parser.Reading,
    organization: Organization | None,
    data: bytes,
    name: str,
    sha256: str,
    source: str,
    actor: Writer,
    mailbox: Mailbox | None,
) -> IntakeResult:
    earlier = _duplicate_of(organization, reading, sha256)
    if isinstance(earlier, SupplementRequest):
        return IntakeResult(DUPLICATE, None, earlier)
    if earlier is not None:
        return IntakeResult(DUPLICATE, earlier, earlier.supplement)
    store = functools.partial(
        _store,
        organization=organization,
        reading=reading,
        data=data,
        name=name,
        sha256=sha256,
        source=source,
        actor=actor,
        mailbox=mailbox,
    )
    if not reading.is_notice:
        notice = store(outcome=Outcome.NOT_A_NOTICE, reason=reading.seems)
        return IntakeResult(Outcome.NOT_A_NOTICE, notice, reason=reading.seems)
    _fill_defaults(reading)
    case, reason = _match(organization, reading)
    notice_date = reading.value("notice_date")
    if case is not None and notice_date is None:
        reason = f"no notice date found (number matches {case.reference})"
        case = None
    elif case is not None and notice_date > taipei_today():
        # A misread year (民國125年 for 115年) would put the deadline years away, alerts never due.
        reason = (
            f"the notice date read, {notice_date.isoformat()}, is after the day it was received "
            f"(number matches {case.reference})"
        )
        case = None
    if case is None:
        notice = store(outcome=Outcome.UNMATCHED, reason=reason)
        return IntakeResult(Outcome.UNMATCHED, notice, reason=reason)
    # Under the case's row lock, asked again: two copies read at once (other Message-IDs,
    # two mailboxes) create one supplement.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    same = case.supplements.filter(notice_date=notice_date).first()
    if same is not None:
        return IntakeResult(DUPLICATE, None, same)
    try:
        with transaction.atomic():
            supplement = _create_supplement(
                case=case, reading=reading, actor=actor, data=data, name=name
            )
            notice = store(outcome=Outcome.MATCHED)
            notice.case, notice.supplement = case, supplement
            notice.save(update_fields=["case", "supplement"])
    except (DomainError, PermissionDenied) as exc:
        reason = f"{case.reference}: the supplement could not be created ({exc})"
        notice = store(outcome=Outcome.UNMATCHED, reason=reason)
        return IntakeResult(Outcome.UNMATCHED, notice, reason=reason)
    return IntakeResult(Outcome.MATCHED, notice, supplement)


def pasted_as_email(*, text: str, actor: Writer) -> bytes:
    """Pasted text becomes a small e-mail, so it is kept as the notice like any other (.eml)."""
    message = EmailMessage()
    message["From"] = getattr(actor, "email", "") or "tracker@localhost"
    message["Subject"] = "Notice pasted on the tracker"
    # No Date header: the moment of pasting is no notice date (a text without one stays unmatched).
    message["Message-ID"] = make_msgid(domain="pasted.tracker")
    message.set_content(text)
    return bytes(message)


def notice_ingest_text(
    *, text: str, organization: Organization | None, actor: Writer
) -> IntakeResult:
    if not text.strip():
        raise InvalidInput(_("Paste the notice's text."), field="text")
    data = pasted_as_email(text=text, actor=actor)
    return notice_ingest(
        data=data,
        name="pasted-notice.eml",
        organization=organization,
        actor=actor,
        source=Source.PASTE,
    )


@transaction.atomic
def notice_attach(*, notice: IncomingNotice, case: Case, actor: Writer) -> IntakeResult:
    """Staff attach an unmatched notice to a case of the same organization: the supplement is
    created as if the notice had matched (to confirm), with the fields read, and the original."""
    notice = IncomingNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.outcome == Outcome.MATCHED:
        raise InvalidInput(_("This notice is already attached."), field="notice")
    if notice.outcome == Outcome.NOT_A_NOTICE:
        # A payment reminder or an approval never becomes a supplement; a misread notice is
        # added by hand, where every field is typed and checked.
        raise InvalidInput(
            _("This mail was read as no supplement notice; add the supplement by hand."),
            field="notice",
        )
    if not tenancy.organization_cases(notice.organization).filter(pk=case.pk).exists():
        raise Http404(_("No such case."))
    fields = notice.fields or {}

    def value(key: str) -> str:
        return str((fields.get(key) or {}).get("value") or "")

    notice_date_text = value("notice_date")
    if not notice_date_text:
        raise InvalidInput(
            _("No notice date was read; add the supplement by hand."), field="notice_date"
        )
    deadline_text = value("deadline")
    supplement = case_services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=value("requesting_body") or RequestingBody.NIA_INITIAL,
        authority_code=value("authority_code"),
        notice_date=dt.date.fromisoformat(notice_date_text),
        rule=value("rule") or DeadlineRule.DAYS_30,
        deadline_override=dt.date.fromisoformat(deadline_text) if deadline_text else None,
        override_reason=_("Date printed in the notice") if deadline_text else "",
        to_confirm=True,
    )
    for comment in notice.comments or []:
        case_services.comment_add(
            supplement=supplement, actor=actor, tab=comment["tab"], text=comment["text"]
        )
    with notice.file.open("rb") as handle:
        data = handle.read()
    case_services.attachment_add(
        supplement=supplement,
        actor=actor,
        kind=AttachmentKind.NOTICE,
        data=data,
        name=notice.original_name,
    )
    notice.outcome, notice.case, notice.supplement = Outcome.MATCHED, case, supplement
    notice.reason = ""
    notice.attached_at, notice.attached_by = timezone.now(), actor
    notice.save()
    return IntakeResult(Outcome.MATCHED, notice, supplement)


# --- Mailboxes -------------------------------------------------------------------------------------
def check_can_manage_mailboxes(actor: Writer, organization: Organization) -> None:
    """The organization's admins set up its mailboxes."""
    if actor is None or actor.is_superuser:
        return
    scope = tenancy.scope_for(actor)
    if organization.pk not in scope.member_org_ids:
        raise Http404(_("No such organization."))
    if organization.pk not in scope.admin_org_ids:
        raise PermissionDenied(_("Only the organization's administrators set up mailboxes."))


@transaction.atomic
def mailbox_save(
    *,
    actor: Writer,
    organization: Organization,
    mailbox: Mailbox | None = None,
    host: str,
    port: int,
    use_ssl: bool,
    username: str,
    password: str = "",
    folder: str = "INBOX",
    processed_folder: str = "Processed",
    active: bool = True,
) -> Mailbox:
    """Add a mailbox, or change one (an empty password keeps the stored one)."""
    check_can_manage_mailboxes(actor, organization)
    if mailbox is None and not password:
        raise InvalidInput(_("Enter the mailbox's password."), field="password")
    if not host.strip():
        raise InvalidInput(_("Enter the IMAP server."), field="host")
    if folder.strip() == processed_folder.strip():
        raise InvalidInput(
            _("Processed mail goes to another folder than the one read."), field="processed_folder"
        )
    mailbox = mailbox or Mailbox(organization=organization)
    mailbox.host, mailbox.port, mailbox.use_ssl = host.strip(), port, use_ssl
    mailbox.username, mailbox.folder = username.strip(), folder.strip()
    mailbox.processed_folder, mailbox.active = processed_folder.strip(), active
    if password:
        mailbox.password_encrypted = encrypt(password)
    mailbox._history_user = actor  # type: ignore[attr-defined]  # simple-history's who
    mailbox.save()
    return mailbox


@transaction.atomic
def mailbox_delete(*, actor: Writer, mailbox: Mailbox) -> None:
    check_can_manage_mailboxes(actor, mailbox.organization)
    mailbox._history_user = actor  # type: ignore[attr-defined]
    mailbox.delete()


def notice_record_download(
    *, notice: IncomingNotice, actor, ip_address: str | None = None
) -> NoticeDownload:
    return NoticeDownload.objects.create(
        notice=notice, user=actor, username=actor.get_username(), ip_address=ip_address
    )
