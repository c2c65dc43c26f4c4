"""Forms of recruitment drives: the public sign-up (no caste, religion or other sensitive
field: name, mobile, date of birth, booth, consents), the OTP step, and a unit's target."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.naming import unit_name
from sampark.people.enums import ConsentChannel, ConsentPurpose
from sampark.recruit import selectors
from sampark.recruit.enums import JoinVia

# What a volunteer may agree to, as purpose × channel pairs; coordination is required.
REQUIRED_PURPOSE = ConsentPurpose.VOLUNTEER_COORDINATION
CONSENT_PAIRS: tuple[tuple[str, str], ...] = (
    (ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.SMS),
    (ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.VOICE),
    (ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.PUSH),
    (ConsentPurpose.EVENTS, ConsentChannel.SMS),
    (ConsentPurpose.CAMPAIGN_UPDATES, ConsentChannel.SMS),
    (ConsentPurpose.CAMPAIGN_UPDATES, ConsentChannel.WHATSAPP),
)


def _consent_label(purpose: str, channel: str) -> StrOrPromise:
    # Lazy: the labels are read in the language of the page, not of the import.
    return format_lazy("{} · {}", ConsentPurpose(purpose).label, ConsentChannel(channel).label)


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("Only people aged 18 or older can be booth volunteers."),
    )
    booth = forms.TypedChoiceField(label=_("Your booth"), coerce=int, required=False)
    ac = forms.TypedChoiceField(label=_("Assembly constituency"), coerce=int, required=False)
    part = forms.IntegerField(
        label=_("Booth (part) number"),
        min_value=1,
        max_value=99_999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("It is printed on your voter slip."),
    )
    consents = forms.MultipleChoiceField(
        label=_("How may we contact you?"),
        choices=[(f"{p}:{c}", _consent_label(p, c)) for p, c in CONSENT_PAIRS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    via = forms.ChoiceField(choices=JoinVia.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.chosen_booth: Unit | None = None
        if unit.level == Level.BOOTH:
            del self.fields["booth"], self.fields["ac"], self.fields["part"]
        elif unit.level in selectors.PICK_LEVELS:
            del self.fields["ac"], self.fields["part"]
            booth_field = self.fields["booth"]
            assert isinstance(booth_field, forms.TypedChoiceField)
            booth_field.required = True
            booth_field.choices = [("", "—")] + [
                (b.id, unit_name(b, numbered=True)) for b in selectors.booths_to_pick(unit=unit)
            ]
        else:
            del self.fields["booth"]
            self.fields["part"].required = True
            if unit.level == Level.AC:
                del self.fields["ac"]
            else:
                ac_field = self.fields["ac"]
                assert isinstance(ac_field, forms.TypedChoiceField)
                ac_field.required = True
                ac_field.choices = [("", "—")] + [
                    (a.id, unit_name(a, numbered=True)) for a in selectors.acs_to_pick(unit=unit)
                ]

    def clean_consents(self) -> list[tuple[str, str]]:
        chosen = [tuple(v.split(":", 1)) for v in self.cleaned_data.get("consents") or []]
        pairs = [(p, c) for p, c in chosen if (p, c) in CONSENT_PAIRS]
        if not any(p == REQUIRED_PURPOSE for p, _c in pairs):
            raise forms.ValidationError(
                _("Agree to at least one way for the in-charge to contact you as a volunteer.")
            )
        return pairs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        booth = selectors.booth_in(
            unit=self.unit,
            booth_id=data.get("booth"),
            ac_id=data.get("ac"),
            part=data.get("part"),
        )
        if booth is None:
            raise forms.ValidationError(
                _("We could not find this booth. Check the part number on your voter slip.")
            )
        self.chosen_booth = booth
        return data


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )
    step = forms.CharField(widget=forms.HiddenInput, max_length=500)


class TargetForm(forms.Form):
    volunteers = forms.IntegerField(
        label=_("Target: verified volunteers"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=_("Leave empty to remove the target."),
    )
    due = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
