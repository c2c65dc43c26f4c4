"""Call scripts: branching steps of questions, in Hindi and English (no ORM here).

A version's `steps` is a list of dicts:

    {"key": "q1", "kind": "single", "hi": "...", "en": "...",
     "options": [{"value": "yes", "hi": "हाँ", "en": "Yes", "next": "q2"}, ...],
     "next": "q3",                      # default next step; "" ends the script
     "effect": "opt_out", "when": "yes"}  # optional: what an answer changes elsewhere

Kinds: single, multi (options), number (optional "min"/"max"), text, info (read out, no
answer). An option's "next" overrides the step's for that answer: that is the branching.
`validate_steps` refuses a script with unknown kinds, duplicate keys, or jumps to nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sampark.calls.enums import Effect, QuestionKind

MAX_STEPS = 200
MAX_TEXT_ANSWER = 500

Step = Mapping[str, Any]


def validate_steps(steps: object) -> list[dict[str, Any]]:
    """The steps, checked; ValidationError naming the first fault."""
    if not isinstance(steps, list) or not steps or len(steps) > MAX_STEPS:
        raise ValidationError(_("A script needs between 1 and %(n)d steps.") % {"n": MAX_STEPS})
    faults = step_faults(steps)
    if faults:
        raise ValidationError(faults[min(faults)][0])
    return list(steps)


def _own_faults(step: object) -> list[str]:
    if not isinstance(step, dict) or not isinstance(step.get("key"), str) or not step["key"]:
        return [_("Every step needs a key.")]
    key = {"key": step["key"]}
    faults = []
    if step.get("kind") not in QuestionKind.values:
        faults.append(_("Step %(key)s has an unknown kind.") % key)
    if not step.get("hi") or not step.get("en"):
        faults.append(_("Step %(key)s needs its text in Hindi and English.") % key)
    if step.get("effect", "") not in {"", *Effect.values}:
        faults.append(_("Step %(key)s has an unknown effect.") % key)
    return faults


def step_faults(steps: Sequence[object]) -> dict[int, list[str]]:
    """Every fault of the steps, by the index of the step it belongs to (empty: all good); the
    editor shows them beside their steps, `validate_steps` refuses on the first."""
    faults: dict[int, list[str]] = {}
    keys = [s["key"] if isinstance(s, dict) else None for s in steps]
    known = {*(k for k in keys if isinstance(k, str)), ""}
    for n, step in enumerate(steps):
        own = _own_faults(step)
        if not own and keys.index(keys[n]) != n:
            own.append(_("Two steps share a key."))
        if not own and isinstance(step, dict):
            own += _jump_faults(step, known)
        if own:
            faults[n] = own
    return faults


def _jump_faults(step: dict[str, Any], known: set[str]) -> list[str]:
    targets = [step.get("next", "")]
    if step["kind"] in {QuestionKind.SINGLE, QuestionKind.MULTI}:
        options = step.get("options")
        if not isinstance(options, list) or not options:
            return [_("Step %(key)s needs options.") % {"key": step["key"]}]
        targets += [o.get("next", "") for o in options if isinstance(o, dict)]
    if any(t not in known for t in targets):
        return [_("Step %(key)s jumps to a step that does not exist.") % {"key": step["key"]}]
    return []


def step_by_key(steps: Sequence[Step], key: str) -> Step | None:
    return next((s for s in steps if s["key"] == key), None)


def clean_answer(step: Step, raw: object) -> object:
    """The answer to one step as stored (str, list[str], int or float); ValidationError if
    it does not fit the step."""
    kind = step["kind"]
    values = {o["value"] for o in step.get("options", [])}
    if kind == QuestionKind.SINGLE:
        if raw not in values:
            raise ValidationError(_("Choose one of the options."))
        return raw
    if kind == QuestionKind.MULTI:
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, list) or not set(chosen) <= values:
            raise ValidationError(_("Choose among the options."))
        return sorted(set(chosen))
    if kind == QuestionKind.NUMBER:
        try:
            number = float(str(raw).strip())
        except ValueError:
            raise ValidationError(_("Enter a number.")) from None
        low, high = step.get("min"), step.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationError(_("The number is out of range."))
        return int(number) if number.is_integer() else number
    if kind == QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > MAX_TEXT_ANSWER:
            raise ValidationError(_("The answer is too long."))
        return text
    raise ValidationError(_("This step takes no answer."))


def next_key(step: Step, answer: object) -> str:
    """The step after `step` given its answer: the chosen option's jump, else the step's."""
    if step["kind"] == QuestionKind.SINGLE:
        for option in step.get("options", []):
            if option["value"] == answer and "next" in option:
                return str(option["next"])
    return str(step.get("next", ""))


def path(steps: Sequence[Step], answers: Mapping[str, object]) -> list[Step]:
    """The steps the call walks through given the answers so far (stops at the first unanswered
    question, which is the one to ask now)."""
    out: list[Step] = []
    key = steps[0]["key"] if steps else ""
    seen: set[str] = set()
    while key and key not in seen:
        seen.add(key)
        step = step_by_key(steps, key)
        if step is None:
            break
        out.append(step)
        if step["kind"] != QuestionKind.INFO and key not in answers:
            break
        key = next_key(step, answers.get(key))
    return out


def effects(steps: Sequence[Step], answers: Mapping[str, object]) -> list[tuple[str, object]]:
    """(effect, answer) for each answered step whose effect fires: a choice step fires when
    the answer equals its "when" (or contains it, for multi); a text step fires when answered."""
    fired: list[tuple[str, object]] = []
    for step in steps:
        effect = step.get("effect", "")
        if not effect or step["key"] not in answers:
            continue
        answer = answers[step["key"]]
        when = step.get("when")
        hit = (
            answer == when or (isinstance(answer, list) and when in answer)
            if when is not None
            else answer not in ("", None, [])
        )
        if hit:
            fired.append((effect, answer))
    return fired
