"""Forms of the war room. Unit and person choices come from the user's subtree only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.warroom import selectors
from sampark.warroom.enums import DutyRole, Language, Severity
from sampark.warroom.models import ResponseTemplate


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.get_level_display()} · {obj.display_name}"


def war_room_units(user: User) -> QuerySet[Unit]:
    """Units that may hold a war room for this user: their own and the districts below it."""
    root = scope_root(user=user)
    below = scope_q(user=user) & Q(level=Level.DISTRICT)
    return Unit.objects.filter(Q(id=root.id) | below).order_by("depth", "name")


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("What is being said"), max_length=300)
    claim = forms.CharField(
        label=_("The claim in full"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    unit = UnitChoiceField(label=_("War room"), queryset=Unit.objects.none())
    severity = forms.TypedChoiceField(
        label=_("Severity (at least)"),
        choices=Severity.choices,
        coerce=int,
        initial=Severity.MEDIUM,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = war_room_units(user)
        field.initial = user.unit_id


class TemplateChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: ResponseTemplate) -> str:
        return obj.name


class DraftForm(forms.Form):
    template_hi = TemplateChoiceField(
        label=_("Hindi template"), queryset=ResponseTemplate.objects.none(), required=False
    )
    template_en = TemplateChoiceField(
        label=_("English template"), queryset=ResponseTemplate.objects.none(), required=False
    )
    fact_check = forms.TypedChoiceField(
        label=_("Fact-check to cite"), coerce=int, required=False, empty_value=None
    )
    language = forms.ChoiceField(
        label=_("Main language"), choices=Language.choices, initial=Language.HINDI
    )

    def __init__(
        self, *args: Any, user: User, fact_checks: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        visible = selectors.templates_visible(user=user, active_only=True)
        for name, lang in (("template_hi", Language.HINDI), ("template_en", Language.ENGLISH)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = visible.filter(language=lang)
        check = self.fields["fact_check"]
        assert isinstance(check, forms.TypedChoiceField)
        check.choices = [("", "—"), *fact_checks]


class ResponseForm(forms.Form):
    text_hi = forms.CharField(
        label=_("Text in Hindi"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    fact_check = forms.TypedChoiceField(
        label=_("Fact-check to cite"), coerce=int, required=False, empty_value=None
    )
    language = forms.ChoiceField(label=_("Main language"), choices=Language.choices)

    def __init__(self, *args: Any, fact_checks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check = self.fields["fact_check"]
        assert isinstance(check, forms.TypedChoiceField)
        check.choices = [("", "—"), *fact_checks]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Placeholders: {claim} {verdict} {factcheck_url} {publisher}"),
    )
    unit = UnitChoiceField(
        label=_("War room"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Every war room"),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = war_room_units(user)


class ShiftForm(forms.Form):
    unit = UnitChoiceField(label=_("War room"), queryset=Unit.objects.none())
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Duty"), choices=DutyRole.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = war_room_units(user)
        unit.initial = user.unit_id
        person = self.fields["user"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = (
            User.objects.filter(scope_q(user=user, field="unit"), is_active=True)
            .filter(roles__isnull=False)
            .distinct()
            .order_by("username")
        )


class HandoverForm(forms.Form):
    handover_note = forms.CharField(
        label=_("Hand-over note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
