"""The notice a supplement came from and the proof it was sent (issue 11, item 8).

Kept beside the documents, never among them: they are not part of the upload set, so adding or
removing one neither touches the supplement's version nor asks for packing again.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.standing import Writer
from cases import tenancy
from cases.choices import AttachmentKind, SupplementState
from cases.documents.attachments import check_attachment
from cases.documents.storage import delete_after_commit, delete_quietly
from cases.errors import InvalidInput, SupplementClosed, SupplementLocked
from cases.locking import lock_supplement
from cases.models import SupplementAttachment, SupplementRequest, history_user


def _check_state(supplement: SupplementRequest, kind: str) -> None:
    """A submitted supplement is frozen (送出), with one exception: its proof. The 補正完成 screen
    only appears once 送出 was pressed, so the proof is necessarily added at or after the
    submission. The notice is the request itself: it may come in while the supplement is open or
    be filed for the record afterwards."""
    if kind == AttachmentKind.PROOF and supplement.state != SupplementState.SUBMITTED:
        raise InvalidInput(
            _("The proof comes with recording the submission (送出); record it first."),
            field="kind",
        )


def attachment_add(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    kind: str,
    data: bytes,
    name: str,
) -> SupplementAttachment:
    """Check the file (cases.documents.attachments: PDF, PNG, JPEG, or .eml for the notice; at most
    10 MB; not encrypted; scanned), then store it privately. A refused file raises its
    UploadRefused subclass and leaves nothing stored."""
    if kind not in AttachmentKind.values:
        raise InvalidInput(_("Attach a notice or a proof."), field="kind")
    tenancy.check_can_add_attachment(actor, supplement.case, kind)
    # The checks decode the whole file and call the virus scanner: before any lock.
    checked = check_attachment(data=data, name=name, kind=kind)
    stored_name = ""
    try:
        with transaction.atomic():
            supplement = lock_supplement(supplement.pk)
            _check_state(supplement, kind)
            attachment = SupplementAttachment(
                supplement=supplement,
                kind=kind,
                original_name=name[:255],
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            attachment.file.save(name, ContentFile(checked.data), save=False)
            stored_name = attachment.file.name or ""
            history_user(actor, attachment)
            attachment.save()
    except BaseException:
        if stored_name:
            delete_quietly([stored_name])  # nothing half-stored
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: SupplementAttachment, actor: Writer) -> None:
    """The notice: by its uploader or the filing party while the supplement is open (afterwards it
    is part of the frozen record). The proof: by the filing party at any time (a wrong
    screenshot must be replaceable, and it only exists once submitted)."""
    tenancy.check_can_remove_attachment(actor, attachment)
    supplement = lock_supplement(attachment.supplement_id)
    if attachment.kind == AttachmentKind.NOTICE:
        if supplement.state == SupplementState.SUBMITTED:
            raise SupplementLocked()
        if supplement.state != SupplementState.OPEN:
            raise SupplementClosed()
    history_user(actor, attachment)
    delete_after_commit([attachment.file.name or ""])
    attachment.delete()
