"""Forms of the manager's pages: a campaign, its dialling, and a script's steps.

The script editor posts one row of fields per step (`s-<n>-key`, `s-<n>-kind`, …); options are
lines of `value | हिंदी | English | next`. `steps_from_post` turns the rows into the steps
`calls.scripts.validate_steps` checks, so the page needs no script of its own (CSP).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sampark.calls.enums import Category, Effect, Mode, QuestionKind, SourceKind
from sampark.calls.scripts import MAX_STEPS
from sampark.people.enums import ConsentPurpose

MAX_OPTIONS = 20


class CampaignForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=200)
    unit = forms.TypedChoiceField(label=_l("Area"), coerce=int)
    source = forms.ChoiceField(label=_l("Who is called"), choices=SourceKind.choices)
    position_codes = forms.MultipleChoiceField(
        label=_l("Positions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    event = forms.TypedChoiceField(label=_l("Event"), coerce=int, required=False, empty_value=None)
    purpose = forms.ChoiceField(
        label=_l("Consent purpose"), choices=ConsentPurpose.choices, initial=ConsentPurpose.CALLS
    )
    category = forms.ChoiceField(
        label=_l("Call category"), choices=Category.choices, initial=Category.SERVICE
    )
    script = forms.TypedChoiceField(
        label=_l("Script"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[int, str]],
        kinds: list[tuple[str, str]],
        events: list[tuple[int, str]],
        scripts: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["position_codes"].choices = kinds  # type: ignore[attr-defined]
        self.fields["event"].choices = [("", "—"), *events]  # type: ignore[attr-defined]
        self.fields["script"].choices = [("", "—"), *scripts]  # type: ignore[attr-defined]


class DiallingForm(forms.Form):
    mode = forms.ChoiceField(label=_l("Dialling mode"), choices=Mode.choices)
    lines_per_agent = forms.IntegerField(
        label=_l("Lines per agent (power)"), min_value=1, max_value=10, initial=1
    )
    abandon_cap = forms.FloatField(
        label=_l("Abandon-rate cap, % (predictive)"), min_value=0.5, max_value=20, initial=3
    )
    max_attempts = forms.IntegerField(
        label=_l("Attempts per contact"), min_value=1, max_value=10, initial=3
    )


def _int_or_none(raw: str, what: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(_("%(what)s must be a whole number.") % {"what": what}) from None


def _options(raw: str) -> list[dict[str, str]]:
    options: list[dict[str, str]] = []
    for line in raw.splitlines()[: MAX_OPTIONS + 1]:
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or not all(parts[:3]):
            raise ValidationError(
                _("Write each option as: value | हिंदी | English | next step (optional).")
            )
        option = {"value": parts[0], "hi": parts[1], "en": parts[2]}
        if len(parts) > 3 and parts[3]:
            option["next"] = parts[3]
        options.append(option)
    if len(options) > MAX_OPTIONS:
        raise ValidationError(_("At most %(n)d options.") % {"n": MAX_OPTIONS})
    return options


def _step(post: QueryDict, n: int) -> dict[str, Any] | None:
    def get(field: str) -> str:
        return post.get(f"s-{n}-{field}", "")[:1000].strip()

    key = get("key")
    if not key:
        return None
    step: dict[str, Any] = {
        "key": key[:40],
        "kind": get("kind"),
        "hi": get("hi"),
        "en": get("en"),
        "next": get("next"),
    }
    if step["kind"] in (QuestionKind.SINGLE, QuestionKind.MULTI):
        step["options"] = _options(post.get(f"s-{n}-options", "")[:5000])
    if step["kind"] == QuestionKind.NUMBER:
        for bound in ("min", "max"):
            value = _int_or_none(get(bound), bound)
            if value is not None:
                step[bound] = value
    effect = get("effect")
    if effect:
        if effect not in Effect.values:
            raise ValidationError(_("Unknown effect."))
        step["effect"] = effect
        if get("when"):
            step["when"] = get("when")
    return step


def steps_from_post(post: QueryDict) -> list[dict[str, Any]]:
    """The steps of the editor's rows (empty rows skipped), in order."""
    try:
        rows = min(int(post.get("rows", "0")), MAX_STEPS)
    except ValueError:
        rows = 0
    return [s for s in (_step(post, n) for n in range(rows)) if s is not None]


def rows_for(steps: list[dict[str, Any]], blank: int = 2) -> list[dict[str, Any]]:
    """The editor's rows for `steps`, plus `blank` empty rows for new steps."""
    rows = []
    for step in [*steps, *({} for _i in range(blank))]:
        options = "\n".join(
            " | ".join([o["value"], o["hi"], o["en"], *([o["next"]] if o.get("next") else [])])
            for o in step.get("options", [])
        )
        rows.append({**step, "options_text": options})
    return rows


KIND_CHOICES = QuestionKind.choices
EFFECT_CHOICES = [("", "—"), *Effect.choices]
