"""Forms of the group pages. They check shape only; the services hold the rules (cap, links,
adults only, consent), so the API and the demo obey the same ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sampark.groups import services
from sampark.groups.enums import GroupPurpose, Platform

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.people.models import Person

_BIG = {"inputmode": "numeric", "class": "big", "autocomplete": "off"}


def _person_choices(persons: list[Person]) -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in persons]


class GroupForm(forms.Form):
    """Create (all fields) or edit (name, purpose, cap, admins) a group."""

    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Group name"), max_length=100)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=GroupPurpose.choices)
    cap = forms.IntegerField(
        label=_("Member limit"),
        required=False,
        min_value=1,
        help_text=_("Empty: the platform's limit (WhatsApp 1,024)."),
    )
    invite_link = forms.CharField(
        label=_("Invite link"),
        required=False,
        max_length=300,
        help_text=_("From the group: ⋮ → Group info → Invite via link → Copy link."),
    )
    member_count = forms.IntegerField(label=_("Members now"), required=False, min_value=0)
    admins = forms.TypedMultipleChoiceField(
        label=_("Admins"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The booth's volunteers who run the group."),
    )

    def __init__(
        self, *args: Any, candidates: list[Person], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["admins"].choices = _person_choices(candidates)  # type: ignore[attr-defined]
        if editing:
            for name in ("platform", "invite_link", "member_count"):
                del self.fields[name]


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class CountForm(forms.Form):
    count = forms.IntegerField(
        label=_("Members now"), min_value=0, widget=forms.NumberInput(attrs=_BIG)
    )

    def save(self, *, group_id: int, actor: User) -> str:
        """Report the member count; the error to show, or "" when it was saved."""
        if not self.is_valid():
            return str(_("Give the number of members as a whole number."))
        try:
            services.member_count_report(
                group_id=group_id, count=self.cleaned_data["count"], actor=actor
            )
        except ValidationError as exc:
            return _messages(exc)
        return ""


class RotateForm(forms.Form):
    invite_link = forms.CharField(
        label=_("New invite link"),
        max_length=300,
        widget=forms.URLInput(attrs={"class": "big", "autocomplete": "off"}),
        help_text=_(
            "First reset the link in the group (Invite via link → Reset link), then paste it here."
        ),
    )

    def save(self, *, group_id: int, actor: User) -> str:
        """Put in the reset invite link; the error to show, or "" when it was saved."""
        if not self.is_valid():
            return str(_("Paste the group's new invite link."))
        try:
            services.invite_rotate(
                group_id=group_id, invite_link=self.cleaned_data["invite_link"], actor=actor
            )
        except ValidationError as exc:
            return _messages(exc)
        return ""


class JoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    adult = forms.BooleanField(label=_("I am 18 years or older."), required=False)
    consent = forms.BooleanField(
        label=_("I agree to join this group for the purpose described above."), required=False
    )


class LeaveForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number you joined with"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
