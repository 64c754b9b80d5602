"""What the workspace offers from the agency's templates (web.workspace_templates acts on them):
computed here so the workspace's view and context stay as they are, and the partials decide
nothing themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from cases import services
from cases.models import ItemTemplate, ReplyTemplate

register = template.Library()


@dataclass(frozen=True)
class Offer:
    entry: ItemTemplate
    taken: bool  # already asked for on this supplement: offered no second time


@dataclass(frozen=True)
class Offers:
    offers: list[Offer]
    open: bool  # the person just used the catalogue: it stays open for the next one


@register.simple_tag(takes_context=True)
def item_offers(context, supplement, items) -> Offers:
    """The case's agency's usual items, each marked when the supplement already asks for it
    (`items`: the workspace's, already read). A case without an agency has no catalogue."""
    agency = supplement.case.agency
    if agency is None:
        return Offers([], False)
    from_ids = {item.template_id for item in items}
    texts = {item.description for item in items}
    offers = [
        Offer(entry, entry.pk in from_ids or entry.description in texts)
        for entry in services.item_catalogue(agency)
    ]
    used = any(m.extra_tags == "catalogue" for m in context.get("messages") or ())
    return Offers(offers, used)


@register.simple_tag
def reply_offers(supplement) -> list[ReplyTemplate]:
    agency = supplement.case.agency
    return [] if agency is None else services.reply_templates(agency)
