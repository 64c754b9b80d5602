"""The forms of the template pages (web.catalogue): they parse; cases.services decides."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from cases.choices import ItemKind, Party, PlatformTab
from cases.services.templates_catalogue import PLACEHOLDERS
from cases.templates_catalogue import ReplyLanguage


class ItemTemplateForm(forms.Form):
    name_zh = forms.CharField(label=_("Name in Chinese (中文名稱)"), max_length=140)
    name_en = forms.CharField(label=_("Name in English"), max_length=140)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.DOCUMENT)
    waits_on = forms.ChoiceField(
        label=_("Usually waits on"), choices=Party.choices, initial=Party.APPLICANT
    )
    tab = forms.ChoiceField(
        label=_("Platform tab"),
        choices=[("", _("(any)")), *PlatformTab.choices],
        required=False,
        help_text=_("Where the platform asks for it, to find it in the catalogue."),
    )
    active = forms.BooleanField(label=_("Offered in the workspace"), required=False, initial=True)


def _placeholder_help():
    return format_html_join(
        ", ", "<code>{{{}}}</code> {}", ((name, label) for name, label in PLACEHOLDERS.items())
    )


class ReplyTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), choices=ReplyLanguage.choices, initial=ReplyLanguage.ZH_HANT
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8, "lang": "zh-Hant"}),
        strip=False,  # the reply keeps its line breaks
    )
    active = forms.BooleanField(label=_("Offered in the workspace"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so it follows the reader's language.
        self.fields["body"].help_text = _("Placeholders: %(list)s. Others stay as typed.") % {
            "list": _placeholder_help()
        }
