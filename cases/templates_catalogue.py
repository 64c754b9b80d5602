"""Templates people reuse (issue 11 item 7): an agency's catalogue of usual requested items
(護照資料頁, 在職證明, ...) added to a supplement in one click, and its reply templates with
placeholders. Imported at the bottom of cases/models.py, so the models belong to the `cases` app.
Writes and the defaults an agency starts with go through cases.services (templates_catalogue).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import ItemKind, Party, PlatformTab


class ReplyLanguage(models.TextChoices):
    ZH_HANT = "zh-hant", _("Chinese (中文)")
    EN = "en", _("English")


class ItemTemplate(models.Model):
    """One usual requested item of an agency's catalogue, in both languages."""

    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="item_templates",
        limit_choices_to={"kind": "agency"},
        verbose_name=_("agency"),
    )
    name_en = models.CharField(_("name in English"), max_length=140)
    name_zh = models.CharField(_("name in Chinese (中文名稱)"), max_length=140)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ItemKind.choices, default=ItemKind.DOCUMENT
    )
    waits_on = models.CharField(
        _("usually waits on"), max_length=10, choices=Party.choices, default=Party.APPLICANT
    )
    tab = models.CharField(
        _("platform tab"), max_length=10, choices=PlatformTab.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "position", "id"]
        verbose_name = _("usual requested item")
        verbose_name_plural = _("usual requested items")

    def __str__(self) -> str:
        return self.description

    @property
    def description(self) -> str:
        """The requested item's text: one format whatever the reader's language, as the demo
        data writes it, e.g. "Employment certificate (在職證明)"."""
        return f"{self.name_en} ({self.name_zh})" if self.name_zh else self.name_en


class ReplyTemplate(models.Model):
    """A reply to the reviewer (審核意見回覆) to start from; placeholders are filled by
    cases.services.fill_reply."""

    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="reply_templates",
        limit_choices_to={"kind": "agency"},
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(
        _("language"), max_length=8, choices=ReplyLanguage.choices, default=ReplyLanguage.ZH_HANT
    )
    body = models.TextField(_("text"))
    active = models.BooleanField(_("offered"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "-language", "name", "id"]  # Chinese (zh-hant) first
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"
