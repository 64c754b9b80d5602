"""What a reviewer asks for: comments per platform tab (審核意見) and the requested items.

One fact once (issue 11): an item answered by something else, a document item by an approved
document, a correction item by the reviewer's comment it is linked to, follows it: every service
that changes a document, a comment or an item calls `settle_items` in its own transaction, under
the supplement's lock; the rule itself is cases.readiness_facts.linked_state. The readiness
facts read the same facts (approved documents: cases.documents.upload_set.ANSWERS; a
correction's state, kept here). Stored rather than only derived because the lists filter items
by state in SQL and the API and the admin show it.
"""

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
from cases.documents.upload_set import answered_item_ids
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
from cases.readiness_facts import linked_state


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
    settle_items(supplement, actor)  # its correction item is done
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
    settle_items(supplement, actor)  # its correction item is pending again
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
    settle_items(supplement, actor)  # linked to a comment resolved already: done
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
    item = RequestedItem.objects.select_related("comment").get(pk=item.pk)
    versions.check(item, expected_version, version_field="version", shows="state")
    if state != ItemState.NOT_NEEDED:
        # Done or pending is what answers a linked item: said once, there.
        was_needed = item.state != ItemState.NOT_NEEDED
        item.state = ItemState.PENDING  # needed: ask the rule
        follows = linked_state(item, answered_item_ids(supplement))
        if follows is not None and was_needed and follows != state:
            raise InvalidInput(
                _(
                    "This item follows what answers it: approve its document or resolve its "
                    "reviewer's comment instead."
                )
                if state == ItemState.DONE
                else _(
                    "This item is answered by an approved document or a resolved comment: "
                    "reject the document or reopen the comment instead."
                ),
                field="state",
                code="item_follows_answer",
            )
        state = follows or state  # needed again: it follows its answer
    item.state = state
    versions.bump(item)
    history_user(actor, item)
    item.save()
    touch(supplement, actor)
    return item


def settle_items(supplement: SupplementRequest, actor: Writer) -> None:
    """Store the state each linked item follows from what answers it (linked_state), in the
    caller's transaction, under the supplement's lock it holds."""
    approved = answered_item_ids(supplement)
    items = supplement.items.select_related("comment").exclude(state=ItemState.NOT_NEEDED)
    for item in items:
        state = linked_state(item, approved)
        if state is not None and state != item.state:
            item.state = state
            history_user(actor, item)
            item.save(update_fields=["state"])
