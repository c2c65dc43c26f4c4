"""Forms of the staff side: the kit, its certificate, its review, and sending it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.content.models import ContentItem
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentPurpose
from sampark.rules import selectors as rules_selectors

if TYPE_CHECKING:
    from sampark.rules.models import Certificate

IST = ZoneInfo("Asia/Kolkata")


def split_tags(raw: str) -> list[str]:
    """ "a, b ,,c" -> ["a", "b", "c"] (commas or the Devanagari danda separate tags)."""
    return [t.strip() for t in raw.replace("।", ",").split(",") if t.strip()]


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text_hi = forms.CharField(
        label=_("Text in Hindi"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas."),
        max_length=500,
    )
    is_political_ad = forms.BooleanField(
        label=_("Political advertisement (needs an MCMC certificate)"), required=False
    )
    ai_generated = forms.BooleanField(label=_("Made or altered with AI"), required=False)
    ai_label = forms.CharField(
        label=_("Label viewers will see"),
        required=False,
        max_length=200,
        help_text=_("Required when the content is made or altered with AI."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ai_generated") and not (data.get("ai_label") or "").strip():
            self.add_error("ai_label", _("AI-generated content must carry a label."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text_hi": data["text_hi"],
            "text_en": data["text_en"],
            "tags": split_tags(data["tags"]),
            "is_political_ad": data["is_political_ad"],
            "ai_generated": data["ai_generated"],
            "ai_label": data["ai_label"] if data["ai_generated"] else "",
            "expires_at": data["expires_at"],
        }

    @classmethod
    def initial_from(cls, item: ContentItem) -> dict[str, Any]:
        expires = timezone.localtime(item.expires_at, IST) if item.expires_at else None
        return {
            "title": item.title,
            "text_hi": item.text_hi,
            "text_en": item.text_en,
            "tags": ", ".join(item.tags or []),
            "is_political_ad": item.is_political_ad,
            "ai_generated": item.ai_generated,
            "ai_label": item.ai_label,
            "expires_at": expires,
        }


class MediaForm(forms.Form):
    upload = forms.FileField(label=_("Image, video or PDF"))


class ReviewForm(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Send back"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what needs to change."))
        return data


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn? Volunteers will read this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CertificateAttachForm(forms.Form):
    # The choices depend on the user: set in __init__.
    certificate: forms.ModelChoiceField[Certificate] = forms.ModelChoiceField(
        label=_("Certificate"), queryset=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        # Certificates issued in the user's area; a state head sees every district's.
        field.queryset = rules_selectors.certificates_visible(user=user)


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    committee = forms.CharField(label=_("Committee (MCMC)"), max_length=120)
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("A certificate cannot expire before it is issued."))
        return data


class UnitChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.get_level_display()} · {obj.display_name}"


def _default_send_time() -> dt.datetime:
    """The next 08:00 IST (the morning kit)."""
    now = timezone.now().astimezone(IST)
    at = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


class DistributionForm(forms.Form):
    targets = UnitChoiceField(
        label=_("Send to"),
        queryset=Unit.objects.none(),
        # Never a widget listing every unit of a state: the page picks units by search (HTMX).
        widget=forms.MultipleHiddenInput,
    )
    positions = forms.MultipleChoiceField(
        label=_("Positions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every booth volunteer position."),
    )
    purpose = forms.ChoiceField(
        label=_("Consent purpose"),
        choices=ConsentPurpose.choices,
        initial=ConsentPurpose.VOLUNTEER_COORDINATION,
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time (IST)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args: Any, user: User, language: str = "hi", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = self.fields["targets"]
        assert isinstance(targets, forms.ModelMultipleChoiceField)
        targets.queryset = account_selectors.visible_units(user=user)
        kinds = people_selectors.position_kinds()
        positions = self.fields["positions"]
        assert isinstance(positions, forms.MultipleChoiceField)
        positions.choices = [(k.code, k.label(language)) for k in kinds]
        if not self.is_bound:
            at = _default_send_time()
            self.initial.setdefault(
                "positions", [k.code for k in kinds if k.counts_toward_staffing]
            )
            self.initial.setdefault("date", at.date())
            self.initial.setdefault("time", at.time())

    def scheduled_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["date"], data["time"], tzinfo=IST)

    def target_ids(self) -> list[int]:
        return [u.id for u in self.cleaned_data["targets"]]
