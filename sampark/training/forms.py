"""Forms of the training pages, and the quiz's answers as posted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sampark.accounts.enums import Role
from sampark.training.services import MAX_CHOICES, ChoiceIn

ROLE_CHOICES = [(r.value, r.label) for r in Role]
SHOWN_CHOICES = 4


class ModuleForm(forms.Form):
    title_hi = forms.CharField(label=_("Title (Hindi)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_hi = forms.CharField(label=_("Introduction (Hindi)"), widget=forms.Textarea)
    body_en = forms.CharField(label=_("Introduction (English)"), widget=forms.Textarea)
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=70)
    roles = forms.MultipleChoiceField(
        label=_("Required for"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LessonForm(forms.Form):
    title_hi = forms.CharField(label=_("Title (Hindi)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    text_hi = forms.CharField(label=_("Text (Hindi)"), widget=forms.Textarea, required=False)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea, required=False)
    video_url = forms.CharField(
        label=_("Video link (https)"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    kit = forms.TypedChoiceField(
        label=_("Content kit"), coerce=int, required=False, empty_value=None
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, kits: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *kits]


class QuestionForm(forms.Form):
    text_hi = forms.CharField(label=_("Question (Hindi)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500)
    multi = forms.BooleanField(label=_("Several answers may be right"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, SHOWN_CHOICES + 1):
            self.fields[f"c{n}_hi"] = forms.CharField(
                label=_("Answer %(n)s (Hindi)") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"c{n}_en"] = forms.CharField(
                label=_("Answer %(n)s (English)") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"c{n}_ok"] = forms.BooleanField(label=_("Right"), required=False)

    def choices(self) -> list[ChoiceIn]:
        data = self.cleaned_data
        return [
            ChoiceIn(data[f"c{n}_hi"], data[f"c{n}_en"], bool(data[f"c{n}_ok"]))
            for n in range(1, min(SHOWN_CHOICES, MAX_CHOICES) + 1)
        ]

    def choice_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"c{n}_hi"], self[f"c{n}_en"], self[f"c{n}_ok"])
            for n in range(1, SHOWN_CHOICES + 1)
        ]


def parse_answers(post: QueryDict) -> dict[int, set[int]]:
    """`q<question id>` → the chosen choice ids; anything malformed is dropped (bad input is
    an unanswered question, never an error)."""
    out: dict[int, set[int]] = {}
    for key in list(post.keys())[:200]:
        if not key.startswith("q") or not key[1:].isdigit():
            continue
        ids = {int(v) for v in post.getlist(key)[:MAX_CHOICES] if v.isdigit() and len(v) < 12}
        out[int(key[1:])] = ids
    return out
