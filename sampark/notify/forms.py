"""The preferences form: channels and minimum severity per kind, quiet hours, the digest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sampark.notify.enums import CHOOSABLE, Channel, Severity

HOURS = [(h, f"{h:02d}:00") for h in range(24)]


class PreferencesForm(forms.Form):
    quiet_start = forms.TypedChoiceField(label=_("Quiet from"), choices=HOURS, coerce=int)
    quiet_end = forms.TypedChoiceField(label=_("Quiet until"), choices=HOURS, coerce=int)
    digest = forms.BooleanField(
        label=_("Send me one daily digest instead (pages still come at once)"), required=False
    )

    def __init__(
        self, *args: Any, initial_choices: dict[str, tuple[list[str], int]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        for kind in CHOOSABLE:
            channels, severity = initial_choices[kind]
            self.fields[f"channels_{kind}"] = forms.MultipleChoiceField(
                label=kind.label,
                choices=Channel.choices,
                required=False,
                initial=channels,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"severity_{kind}"] = forms.TypedChoiceField(
                label=_("From severity"),
                choices=Severity.choices,
                coerce=int,
                initial=severity,
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(kind.label), self[f"channels_{kind}"], self[f"severity_{kind}"])
            for kind in CHOOSABLE
        ]

    def choices(self) -> dict[str, tuple[list[str], int]]:
        data = self.cleaned_data
        return {k: (list(data[f"channels_{k}"]), int(data[f"severity_{k}"])) for k in CHOOSABLE}
