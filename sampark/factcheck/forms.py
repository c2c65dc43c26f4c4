"""Forms of the fact-check pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sampark.factcheck.enums import FactCheckLang, Verdict

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Claim or forwarded message"), required=False, max_length=5000)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *FactCheckLang.choices]
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), required=False, choices=[("", _("All")), *Verdict.choices]
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.json, .jsonld, .html, .csv or an RSS feed)"), required=False
    )
    url = forms.URLField(
        label=_("Or a link: a fact-check article or a fact-checker's feed"),
        required=False,
        assume_scheme="https",
        max_length=1000,
    )
    source = forms.CharField(
        label=_("Label (optional)"),
        required=False,
        max_length=50,
        help_text=_("Shown as the source of the imported fact-checks, e.g. rss:altnews."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Upload a file or give a link (one of them)."))
        return data
