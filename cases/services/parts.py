"""What a reviewer asks for: comments per platform tab (審核意見) and the requested items."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.standing import Writer
from cases import tenancy, versions
from cases.choices import (
    ItemKind,
    ItemState,
    PlatformTab,
)
from cases.errors import (
    InvalidInput,
)
from cases.locking import lock_open_supplement, touch
from cases.models import (
    ItemTemplate,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
    history_user,
)


@transaction.atomic
def comment_add(
    *, supplement: SupplementRequest, actor: Writer, tab: str, text: str, field_label: str = ""
) -> ReviewerComment:
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    if tab not in PlatformTab.values:
        raise InvalidInput(_("Unknown platform tab."), field="tab")
    if not text.strip():
        raise InvalidInput(_("The comment is empty."), field="text")
    position = (supplement.comments.aggregate(last=Max("position"))["last"] or 0) + 1
    comment = ReviewerComment(
        supplement=supplement,
        tab=tab,
        text=text.strip(),
        field_label=field_label,
        position=position,
    )
    history_user(actor, comment)
    comment.save()
    touch(supplement, actor)
    return comment


@transaction.atomic
def comment_resolve(
    *,
    comment: ReviewerComment,
    actor: Writer,
    resolution: str = "",
    corrected_value: str = "",
    expected_version: int | None = None,
) -> ReviewerComment:
    tenancy.check_can_manage_supplement(actor, comment.supplement.case)
    supplement = lock_open_supplement(comment.supplement_id)
    comment = ReviewerComment.objects.get(pk=comment.pk)
    versions.check(comment, expected_version, version_field="version", shows="resolution")
    if not resolution.strip() and not corrected_value.strip():
        raise InvalidInput(_("Say how the comment was resolved."), field="resolution")
    comment.resolution = resolution.strip()
    comment.corrected_value = corrected_value.strip()
    comment.resolved_at = timezone.now()
    comment.resolved_by = actor
    versions.bump(comment)
    history_user(actor, comment)
    comment.save()
    touch(supplement, actor)
    return comment


@transaction.atomic
def comment_reopen(
    *, comment: ReviewerComment, actor: Writer, expected_version: int | None = None
) -> ReviewerComment:
    tenancy.check_can_manage_supplement(actor, comment.supplement.case)
    supplement = lock_open_supplement(comment.supplement_id)
    comment = ReviewerComment.objects.get(pk=comment.pk)
    versions.check(comment, expected_version, version_field="version", shows="resolution")
    comment.resolved_at = None
    comment.resolved_by = None
    versions.bump(comment)
    history_user(actor, comment)
    comment.save()
    touch(supplement, actor)
    return comment


@transaction.atomic
def item_add(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    kind: str,
    description: str,
    waits_on: str = "agency",
    comment: ReviewerComment | None = None,
    template: ItemTemplate | None = None,  # the catalogue entry (services.item_add_from_catalogue)
) -> RequestedItem:
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    if kind not in ItemKind.values:
        raise InvalidInput(_("Unknown item kind."), field="kind")
    if not description.strip():
        raise InvalidInput(_("Describe the item."), field="description")
    if comment is not None and comment.supplement_id != supplement.pk:
        raise InvalidInput(_("That comment belongs to another supplement."), field="comment")
    position = (supplement.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = RequestedItem(
        supplement=supplement,
        kind=kind,
        description=description.strip(),
        waits_on=waits_on,
        comment=comment,
        position=position,
        template=template,
    )
    history_user(actor, item)
    item.save()
    touch(supplement, actor)
    return item


@transaction.atomic
def item_set_state(
    *, item: RequestedItem, actor: Writer, state: str, expected_version: int | None = None
) -> RequestedItem:
    tenancy.check_can_manage_supplement(actor, item.supplement.case)
    supplement = lock_open_supplement(item.supplement_id)
    if state not in ItemState.values:
        raise InvalidInput(_("Unknown item state."), field="state")
    item = RequestedItem.objects.get(pk=item.pk)
    versions.check(item, expected_version, version_field="version", shows="state")
    item.state = state
    versions.bump(item)
    history_user(actor, item)
    item.save()
    touch(supplement, actor)
    return item
