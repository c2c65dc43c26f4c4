"""Forms of the people pages. They check the shape of input; the services own the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sampark.people import validation
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    Gender,
)
from sampark.people.models import PositionKind

# Version of the privacy notice shown when a sign-up form records consent.
NOTICE_VERSION: str = getattr(settings, "SAMPARK_NOTICE_VERSION", "v1")

# What a tick on "agrees to be contacted for volunteer coordination" records.
SIGNUP_CONSENTS: list[tuple[str, str]] = [
    (ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.SMS),
    (ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.VOICE),
]

# Service error codes -> the form field they belong to (None: the whole form).
FIELD_FOR_CODE: dict[str, str | None] = {
    "name_required": "name",
    "phone_required": "phone",
    "phone_invalid": "phone",
    "phone_not_indian": "phone",
    "phone_not_mobile": "phone",
    "epic_invalid": "epic",
    "invalid": "email",
    "gender_invalid": "gender",
    "dob_invalid": "date_of_birth",
    "minor": "date_of_birth",
    "age_unconfirmed": "age_confirmed",
    "kind_unknown": "kind",
    "kind_level": "kind",
    "kind_required": "kind",
    "duplicate": "kind",
    "two_booth_positions": "kind",
    "seats_full": "kind",
}


class PersonFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[
            ("", _("Any status")),
            (AssignmentStatus.PENDING, AssignmentStatus.PENDING.label),
            (AssignmentStatus.VERIFIED, AssignmentStatus.VERIFIED.label),
        ],
    )
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PersonNewForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    phone = forms.CharField(
        max_length=32,
        label=_("Mobile number"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Position"))
    date_of_birth = forms.DateField(
        required=False,
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    age_confirmed = forms.BooleanField(
        required=False,
        label=_("I confirm the person is 18 or older (needed when the date of birth is not given)"),
    )
    gender = forms.ChoiceField(
        required=False,
        label=_("Gender"),
        # "Not stated" first: it is the default.
        choices=sorted(Gender.choices, key=lambda choice: choice[0] != ""),
    )
    epic = forms.CharField(required=False, max_length=20, label=_("Voter ID (EPIC)"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    languages = forms.CharField(
        required=False,
        max_length=100,
        label=_("Languages"),
        help_text=_("Separated by commas, e.g. Hindi, Bhojpuri"),
    )
    consent = forms.BooleanField(
        required=False,
        label=_("The person agrees to be contacted by SMS and phone calls for volunteer work"),
    )

    def __init__(self, *args: Any, kinds: QuerySet[PositionKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k.code, k.label(language)) for k in kinds]

    def clean_name(self) -> str:
        return validation.normalize_name(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        return validation.normalize_phone(self.cleaned_data["phone"])

    def clean_epic(self) -> str:
        return validation.normalize_epic(self.cleaned_data["epic"])

    def language_list(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data.get("languages", "").split(",") if p.strip()]


class EndForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))


class OtpConfirmForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        label=_("Code"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=ConsentChannel.choices)
    action = forms.ChoiceField(label=_("Action"), choices=ConsentAction.choices)
    notice_version = forms.CharField(
        max_length=20, label=_("Notice version"), initial=NOTICE_VERSION
    )
    source = forms.CharField(max_length=60, label=_("Source"), initial="in-charge")
