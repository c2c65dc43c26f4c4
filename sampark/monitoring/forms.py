"""Forms of the listening pages. Units are chosen inside the user's subtree only (by id or path);
source credentials are never typed in: a source names the environment variable that holds them."""

from __future__ import annotations

import io
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.integrations import fetch
from sampark.monitoring.enums import SourceKind

EXPORT_MAX_BYTES = 50 * 1024 * 1024
TIP_IMAGE_MAX_BYTES = 10 * 1024 * 1024
TIP_IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}

# Environment variable names only: a pasted token (lower case, dashes, dots) is refused.
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
_CHANNEL = re.compile(r"^[A-Za-z0-9_]{3,64}$")

# Source kinds an administrator adds here, with the config fields each one needs.
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    SourceKind.RSS: ("url",),
    SourceKind.X_SEARCH: ("query", "bearer_token_env"),
    # The stream's rules are managed on the source's rules page, at X.
    SourceKind.X_STREAM: ("bearer_token_env",),
    SourceKind.YOUTUBE_SEARCH: ("query", "api_key_env"),
    SourceKind.YOUTUBE_COMMENTS: ("video_id", "channel_id", "api_key_env"),
    SourceKind.FACEBOOK_PAGE: ("page_id", "token_env"),
    SourceKind.TELEGRAM_CHANNEL: ("channel",),
}
_OPTIONAL = {SourceKind.YOUTUBE_COMMENTS: {"video_id", "channel_id"}}
_ENV_FIELDS = ("bearer_token_env", "api_key_env", "token_env")


def resolve_unit(*, user: User, value: str) -> Unit:
    """A unit of the user's subtree from its id or its path (`UP/D1/AC1`), else ValidationError."""
    value = value.strip()
    try:
        if value.isdigit():
            return account_selectors.access_unit(user=user, unit_id=int(value))
        return account_selectors.access_unit_by_path(user=user, path=value.strip("/"))
    except Http404 as exc:
        raise ValidationError(
            _("No such unit in your area. Give its number (id) or its path, like UP/D1/AC1.")
        ) from exc


class UnitInput(forms.CharField):
    """A unit by id or path; `clean_unit` on the form turns it into a Unit of the user's scope."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault(
            "help_text", _("The unit's path (like UP/D1/AC1) or its number; only your area.")
        )
        super().__init__(max_length=128, **kwargs)
        self.widget.attrs.update({"list": "unit-choices", "autocomplete": "off"})


class SourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, SourceKind(k).label) for k in SOURCE_FIELDS]
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    interval_min = forms.IntegerField(
        label=_("Check every (minutes)"), min_value=1, max_value=24 * 60, initial=5
    )
    url = forms.URLField(
        label=_("Feed address (URL)"), required=False, max_length=1000, assume_scheme="https"
    )
    query = forms.CharField(label=_("Search query"), required=False, max_length=500)
    video_id = forms.CharField(label=_("YouTube video id"), required=False, max_length=64)
    channel_id = forms.CharField(label=_("YouTube channel id"), required=False, max_length=64)
    page_id = forms.CharField(label=_("Facebook page id"), required=False, max_length=64)
    channel = forms.CharField(label=_("Telegram channel username"), required=False, max_length=65)
    bearer_token_env = forms.CharField(
        label=_("Environment variable with the X bearer token"), required=False, max_length=64
    )
    api_key_env = forms.CharField(
        label=_("Environment variable with the YouTube API key"), required=False, max_length=64
    )
    token_env = forms.CharField(
        label=_("Environment variable with the page access token"),
        required=False,
        max_length=64,
    )

    def clean_channel(self) -> str:
        channel = str(self.cleaned_data.get("channel") or "").strip().lstrip("@")
        if channel.startswith(("https://t.me/", "t.me/")):
            channel = channel.rsplit("/", 1)[-1]
        if channel and not _CHANNEL.match(channel):
            raise ValidationError(_("A public channel's username: letters, digits and _."))
        return channel

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind not in SOURCE_FIELDS:
            return data
        for name in _ENV_FIELDS:
            value = str(data.get(name) or "").strip()
            if value and not _ENV_NAME.match(value):
                self.add_error(
                    name,
                    _(
                        "Give the NAME of an environment variable (like X_BEARER_TOKEN), "
                        "never the secret itself."
                    ),
                )
        optional = _OPTIONAL.get(kind, set())
        for name in SOURCE_FIELDS[kind]:
            if name not in optional and not str(data.get(name) or "").strip():
                self.add_error(name, _("Needed for this kind of source."))
        if optional and not any(str(data.get(n) or "").strip() for n in optional):
            self.add_error(None, _("Give a video id or a channel id."))
        if kind == SourceKind.RSS and data.get("url"):
            try:
                # The worker checks again at every fetch: a name may resolve elsewhere later.
                fetch.check_url(str(data["url"]))
            except fetch.FetchRefused as exc:
                self.add_error("url", str(exc))
        return data

    def config(self) -> dict[str, str]:
        """Only the fields of the chosen kind, trimmed; empty optional fields left out."""
        kind = self.cleaned_data["kind"]
        out: dict[str, str] = {}
        for name in SOURCE_FIELDS[kind]:
            value = str(self.cleaned_data.get(name) or "").strip()
            if value:
                out[name] = value
        return out


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Chat export (.txt or .zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > EXPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than 50 MB. Export the chat without media, or in parts.")
            )
        if not str(upload.name).lower().endswith((".txt", ".zip")):
            raise ValidationError(_("Upload the .txt or .zip file that WhatsApp's export made."))
        return upload


class TipForm(forms.Form):
    text = forms.CharField(
        label=_("What did you see or hear?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    url = forms.URLField(
        label=_("Link (if any)"), required=False, max_length=1000, assume_scheme="https"
    )
    image = forms.FileField(
        label=_("Photo or screenshot (if any)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_image(self) -> tuple[bytes, str] | None:
        """The image's bytes and a file name with the suffix of its real format."""
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > TIP_IMAGE_MAX_BYTES:
            raise ValidationError(_("The photo is larger than 10 MB."))
        data = upload.read()
        suffix = image_suffix(data)
        if suffix is None:
            raise ValidationError(_("Send a JPEG, PNG or WebP photo."))
        return data, f"tip{suffix}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        empty = not str(data.get("text") or "").strip() and not data.get("image")
        if empty and not self.has_error("image"):
            self.add_error("text", _("Write what you saw, or add a photo."))
        return data


def image_suffix(data: bytes) -> str | None:
    """`.jpg`/`.png`/`.webp` when Pillow reads the bytes as such an image, else None."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = str(img.format or "")
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return TIP_IMAGE_FORMATS.get(fmt)


class WatchlistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = UnitInput(label=_("Unit whose posts it watches"))
    terms = forms.CharField(
        label=_("Words to watch, one per line (Hindi or English script)"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if editing:
            # A watchlist keeps its unit (its alerts are raised there).
            self.fields["unit"].disabled = True
            self.fields["unit"].required = False

    def clean_unit(self) -> Unit | None:
        if self.fields["unit"].disabled:
            return None
        return resolve_unit(user=self.user, value=str(self.cleaned_data["unit"]))

    def clean_terms(self) -> list[str]:
        terms = [t.strip() for t in str(self.cleaned_data["terms"]).splitlines()]
        terms = [t for t in dict.fromkeys(terms) if t]
        if not terms:
            raise ValidationError(_("Give at least one word to watch."))
        if any(len(t) > 200 for t in terms):
            raise ValidationError(_("A watched word or phrase is at most 200 characters."))
        return terms
