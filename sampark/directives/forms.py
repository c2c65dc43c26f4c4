"""The 'new directive' form. Unit choices come from the sender's subtree only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sampark.accounts.models import User
from sampark.directives import selectors, services
from sampark.geo.enums import Level
from sampark.geo.models import Unit

TARGET_LEVEL = "level"
TARGET_UNITS = "units"


class UnitChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.get_level_display()} · {obj.display_name}"


class DirectiveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 5}))
    due = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.ChoiceField(
        label=_("Send to"),
        choices=[
            (TARGET_LEVEL, _("Every unit of a level in my area")),
            (TARGET_UNITS, _("Chosen units")),
        ],
        initial=TARGET_LEVEL,
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(label=_("Level"), required=False)
    units = UnitChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    attachment = forms.FileField(
        label=_("Attachment (PDF, PNG or JPEG, up to 5 MB)"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Level.choices)
        level_field = self.fields["level"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = [(lvl, labels[lvl]) for lvl in selectors.target_levels(user=user)]
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = selectors.target_units(user=user)

    def clean_attachment(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("attachment")
        if upload:
            services.attachment_check(upload)
        return upload or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == TARGET_LEVEL and not data.get("level"):
            self.add_error("level", _("Choose a level."))
        if data.get("target") == TARGET_UNITS and not data.get("units"):
            self.add_error("units", _("Choose at least one unit."))
        return data
