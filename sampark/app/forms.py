"""Forms of the volunteer app. They check shape only; the services of the app that owns the
data hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from sampark.content import services as content_services
from sampark.content.enums import Channel

MAX_GROUPS = content_services.MAX_FORWARDED_GROUPS
LANGUAGE_CHOICES = [("hi", "हिन्दी"), ("en", "English")]


class ForwardForm(forms.Form):
    groups = forms.IntegerField(
        label=gettext_lazy("Groups"),
        min_value=1,
        max_value=MAX_GROUPS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "groups-n"}),
    )


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Send my kits by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the kits"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
    )
