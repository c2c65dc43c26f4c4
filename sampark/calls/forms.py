"""Forms of the manager's pages: a campaign, its dialling, and a script's steps.

The script editor posts one fieldset per step: its index as `step` (in the page's order) and its
fields `s-<n>-key`, `s-<n>-kind`, …; options are lines of `value | हिंदी | English | next`.
`steps_from_rows` turns the rows into the steps `calls.scripts.validate_steps` checks, with the
faults by row; steps are added and removed by HTMX, so the page needs no script (CSP).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sampark.calls.enums import Category, Effect, Mode, QuestionKind, SourceKind
from sampark.calls.scripts import MAX_STEPS, step_faults
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


FIELDS = ("key", "kind", "hi", "en", "next", "options", "min", "max", "effect", "when")
BLANK_ROW: dict[str, str] = dict.fromkeys(FIELDS, "")
MAX_STEP_INDEX = 10_000  # the numbers HTMX gives added steps (they need only be unique)
TYPED = ("key", "hi", "en", "next", "options", "min", "max", "when")  # what makes a row not blank


def posted_rows(post: QueryDict) -> list[dict[str, str]]:
    """The editor's rows as typed, in the page's order (each fieldset posts its index as
    `step`); rows left blank are dropped, everything else is kept for the page to show again."""
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for n in post.getlist("step")[: MAX_STEPS + 1]:
        if not n.isdigit() or int(n) >= MAX_STEP_INDEX or n in seen:
            continue
        seen.add(n)
        row = {f: post.get(f"s-{n}-{f}", "")[: 5000 if f == "options" else 1000] for f in FIELDS}
        if any(row[f].strip() for f in TYPED) or row["effect"]:
            rows.append(row)
    return rows


def _step(row: dict[str, str]) -> dict[str, Any]:
    step: dict[str, Any] = {f: row[f].strip() for f in ("key", "kind", "hi", "en", "next")}
    step["key"] = step["key"][:40]
    if step["kind"] in (QuestionKind.SINGLE, QuestionKind.MULTI):
        step["options"] = _options(row["options"])
    if step["kind"] == QuestionKind.NUMBER:
        for bound in ("min", "max"):
            value = _int_or_none(row[bound], bound)
            if value is not None:
                step[bound] = value
    effect = row["effect"].strip()
    if effect:
        if effect not in Effect.values:
            raise ValidationError(_("Unknown effect."))
        step["effect"] = effect
        if row["when"].strip():
            step["when"] = row["when"].strip()
    return step


def steps_from_rows(
    rows: list[dict[str, str]],
) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """The steps of the rows, and the faults by row: what cannot be read (options, bounds),
    else what `scripts.step_faults` finds (keys, texts, jumps)."""
    if len(rows) > MAX_STEPS:
        raise ValidationError(_("A script needs between 1 and %(n)d steps.") % {"n": MAX_STEPS})
    steps: list[dict[str, Any]] = []
    faults: dict[int, list[str]] = {}
    for n, row in enumerate(rows):
        try:
            steps.append(_step(row))
        except ValidationError as exc:
            faults[n] = list(exc.messages)
    if faults:
        return steps, faults
    return steps, step_faults(steps)


def rows_for(steps: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The editor's rows (as `posted_rows` reads them) for saved steps."""
    rows = []
    for step in steps:
        options = "\n".join(
            " | ".join([o["value"], o["hi"], o["en"], *([o["next"]] if o.get("next") else [])])
            for o in step.get("options", [])
        )
        row = {f: "" if step.get(f) is None else str(step.get(f)) for f in FIELDS}
        rows.append({**row, "options": options})
    return rows


KIND_CHOICES = QuestionKind.choices
EFFECT_CHOICES = [("", "—"), *Effect.choices]
