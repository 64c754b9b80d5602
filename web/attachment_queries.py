"""What the workspace's "Notice and proof" card shows (web/templates/cases/_ws_attachments.html):
the notice and proof the user may see, whether each may be removed, and which may be added. The
rules are cases.tenancy's; this only reads them for the template."""

from __future__ import annotations

from dataclasses import dataclass

from cases import tenancy
from cases.choices import AttachmentKind, SupplementState
from cases.models import SupplementAttachment, SupplementRequest


@dataclass(frozen=True)
class AttachmentRow:
    attachment: SupplementAttachment
    can_remove: bool


@dataclass(frozen=True)
class AttachmentCard:
    notices: list[AttachmentRow]
    proofs: list[AttachmentRow]
    sees_notice: bool
    can_add_notice: bool
    can_add_proof: bool
    # Before submission the filing party is told the proof comes with recording it.
    proof_comes_at_submission: bool


def attachment_card(user, supplement: SupplementRequest) -> AttachmentCard:
    case = supplement.case
    submitted = supplement.state == SupplementState.SUBMITTED
    open_ = supplement.state == SupplementState.OPEN
    notices, proofs = [], []
    for attachment in tenancy.visible_attachments(user, supplement):
        if attachment.kind == AttachmentKind.PROOF:
            proofs.append(
                AttachmentRow(attachment, tenancy.can_remove_attachment(user, attachment, case))
            )
        else:
            removable = open_ and tenancy.can_remove_attachment(user, attachment, case)
            notices.append(AttachmentRow(attachment, removable))
    can_file = tenancy.can_add_attachment(user, case, AttachmentKind.PROOF)
    return AttachmentCard(
        notices=notices,
        proofs=proofs,
        sees_notice=tenancy.can_see_notice(user, case),
        can_add_notice=tenancy.can_add_attachment(user, case, AttachmentKind.NOTICE),
        can_add_proof=submitted and can_file,
        proof_comes_at_submission=open_ and can_file,
    )
